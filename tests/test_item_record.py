"""The record an article item becomes: asdict of its fields without the raw capture."""

from __future__ import annotations

from dataclasses import asdict

from portal_spider.items import ArticleItem, Attachment, Image


def reference_record(item: ArticleItem) -> dict:
    data = asdict(item)
    for name in ("raw_body", "raw_headers", "raw_request_headers", "refetch_reason"):
        data.pop(name)
    return data


def test_record_is_asdict_without_the_raw_capture():
    item = ArticleItem(
        url="https://x.gov.vn/a?ItemID=1",
        portal="x",
        item_id="1",
        title="Tiêu đề",
        views=12,
        body_text="Nội dung",
        images=[Image("https://x.gov.vn/a.jpg", "Ảnh")],
        attachments=[Attachment("https://x.gov.vn/a.pdf", "Tệp")],
        extraction={"title": "platform:yenbai h1"},
        problems=["views: none"],
        raw_body=b"<html></html>",
        raw_headers={"Content-Type": "text/html"},
        raw_request_headers={"User-Agent": "portal-archive"},
        refetch_reason="empty",
    )
    record = item.to_record()
    assert record == reference_record(item)
    assert list(record) == list(reference_record(item))  # the same order of fields
    # a copy: changing the record leaves the item as it was
    record["images"][0]["caption"] = "khác"
    record["extraction"]["title"] = "khác"
    record["problems"].append("khác")
    assert item.images[0].caption == "Ảnh"
    assert item.extraction == {"title": "platform:yenbai h1"}
    assert item.problems == ["views: none"]


def test_empty_record_as_asdict():
    item = ArticleItem(url="https://x.gov.vn/")
    assert item.to_record() == reference_record(item)
