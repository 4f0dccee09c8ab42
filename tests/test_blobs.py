"""Payloads kept once, types sniffed from bytes, and what a response is kept as."""

from __future__ import annotations

import scrapy

from archive.blobs import (
    Capture,
    insert_capture,
    is_attachment_url,
    original_filename,
    payload,
    sniff_mime,
)
from archive.db import open_archive
from portal_spider.crawl.capture import capture_kind

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_types_are_sniffed_from_the_bytes_not_the_name():
    assert sniff_mime(b"%PDF-1.7\n...", "https://x.vn/a.doc", "text/html") == "application/pdf"
    assert sniff_mime(b"PK\x03\x04rest", "https://x.vn/QD-12.DOCX") == DOCX
    assert sniff_mime(b"PK\x03\x04rest", "https://x.vn/files.zip") == "application/zip"
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 8
    assert sniff_mime(ole, "https://x.vn/bao-cao.xls") == "application/vnd.ms-excel"
    assert sniff_mime(b"\xff\xd8\xff\xe0", "https://x.vn/anh", "text/plain") == "image/jpeg"
    assert sniff_mime(b"Rar!\x1a\x07\x00", "https://x.vn/tl.rar") == "application/vnd.rar"
    assert sniff_mime(b"<!DOCTYPE html><html>", "https://x.vn/a.pdf") == "text/html"
    assert sniff_mime(b"plain words", "", "text/plain; charset=utf-8") == "text/plain"
    assert sniff_mime(b"\x00\x01", "") == "application/octet-stream"


def test_attachment_addresses_and_file_names():
    assert is_attachment_url("https://x.vn/Lists/TaiLieu/Attachments/12/KH%2038.PDF")
    assert is_attachment_url("https://x.vn/upload/bieu-mau.xlsx?v=2")
    assert not is_attachment_url("https://x.vn/tin-tuc/chi-tiet.aspx?ItemID=4")
    assert original_filename("https://x.vn/d/KH%2038.pdf", {}) == "KH 38.pdf"
    headers = {"content-disposition": "attachment; filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch.pdf"}
    assert original_filename("https://x.vn/download.aspx?id=3", headers) == "Kế hoạch.pdf"
    quoted = {"Content-Disposition": 'attachment; filename="bao-cao.docx"'}
    assert original_filename("https://x.vn/download.aspx?id=4", quoted) == "bao-cao.docx"


def test_the_same_bytes_at_two_addresses_are_kept_once(tmp_path):
    db = open_archive(tmp_path / "archive.db")
    body = b"%PDF-1.4 the same plan"
    ids = []
    for url in ("https://x.vn/a.pdf", "https://x.vn/b.pdf"):
        capture = Capture("p", None, url, body, 200, {}, "2025-01-01T00:00:00+00:00", "attachment")
        with db.conn:
            ids.append(insert_capture(db, capture))
    (first, owner_a), (second, owner_b) = ids
    assert owner_a == owner_b == first and second != first
    rows = {r["id"]: r for r in db.query("select id, body_gz, revisit_of, mime from captures")}
    assert rows[second]["body_gz"] is None and rows[second]["revisit_of"] == first
    assert rows[first]["mime"] == rows[second]["mime"] == "application/pdf"
    assert payload(db, second) == payload(db, first) == body
    assert payload(db, 999) is None


def test_what_a_response_is_kept_as():
    def kind(url, **meta):
        return capture_kind(scrapy.Request(url, meta=meta))

    assert kind("https://x.vn/robots.txt") == "robots"
    assert kind("https://x.vn/sitemap.xml") == "sitemap"
    assert kind("https://x.vn/sitemap-news.xml.gz") == "sitemap"
    assert kind("https://x.vn/rss/tin-tuc.rss") == "feed"
    assert kind("https://x.vn/feed") == "feed"
    assert kind("https://x.vn/tin?page=2", kind="listing") == "listing"
    assert kind("https://x.vn/", kind="home") == "home"
    assert kind("https://x.vn/bai?ItemID=1", kind="new") is None  # the store pipeline keeps it
    assert kind("https://x.vn/a.pdf", kind="file") is None  # the file fetcher keeps it
    assert kind("https://x.vn/lien-he") == "other"
    # walked as listings, still named for what they are: by address or by their root element
    assert kind("https://x.vn/robots.txt", kind="listing") == "robots"
    sitemap = b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- tin -->\n<urlset xmlns="...">'
    assert (
        capture_kind(scrapy.Request("https://x.vn/tin.ashx", meta={"kind": "listing"}), sitemap)
        == "sitemap"
    )
    feed = b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
    assert (
        capture_kind(scrapy.Request("https://x.vn/tin", meta={"kind": "listing"}), feed) == "feed"
    )
    xhtml = b'<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN"><html>'
    assert (
        capture_kind(scrapy.Request("https://x.vn/tin", meta={"kind": "listing"}), xhtml)
        == "listing"
    )


def test_the_lookups_of_a_file_by_address_use_an_index(tmp_path):
    """Storing an article looks up each file it links by address (is it kept already?): an
    index lookup, not a read of every file row, whatever the archive's size."""
    db = open_archive(tmp_path / "archive.db")
    for sql in (
        "select sha256, size from files where url = ?",
        "select sha256, size from captures where url = ? and kind in ('attachment', 'image')",
        "select 1 from article_files where url = ? and status = 'skipped'",
    ):
        plan = " ".join(row[3] for row in db.execute(f"explain query plan {sql}", ["x"]))
        assert "USING INDEX" in plan, (sql, plan)
