"""The archive's write side on a fresh SQLite file: identity, versions, views, captures, runs."""

from __future__ import annotations

import gzip
import json

import pytest

from archive.db import open_archive
from archive.store import ArchiveStore, RunCounts, article_id

BASE = "https://tramtau.yenbai.gov.vn/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx"


def record(url: str, **changes: object) -> dict:
    row = {
        "url": url,
        "portal": "tramtau",
        "item_id": "4001",
        "canonical_url": f"{BASE}?ItemID=4001",
        "title": "Hội nghị sơ kết công tác tuyên giáo",
        "published_at": "2023-07-14T08:00:02+07:00",
        "views": 4829,
        "body_text": "Chiều ngày 12/7, …",
        "source": "Ban Tuyên giáo Huyện ủy",
        "fetched_at": "2026-01-01T00:00:00+00:00",
    }
    row.update(changes)
    return row


@pytest.fixture
def store(tmp_path):
    db = open_archive(tmp_path / "archive.db")
    db["portals"].insert({"slug": "tramtau", "name": "Trạm Tấu"})
    return ArchiveStore(db)


def test_archive_is_in_wal_mode(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_three_urls_of_one_article_are_one_row(store):
    urls = [
        f"{BASE}?ItemID=4001&l=TinTuc",
        f"{BASE}?l=ChinhTri&ItemID=4001",
        f"{BASE}?ItemID=4001&l=TinTuc&page=3&Source=%2F",
    ]
    outcomes = [store.save_article(record(url)) for url in urls]
    assert outcomes == ["new", "unchanged", "unchanged"]
    assert store.db["articles"].count == 1
    assert {r["url"] for r in store.db["article_urls"].rows} == set(urls)


def test_saving_the_same_article_again_adds_no_rows(store):
    store.save_article(record(f"{BASE}?ItemID=4001&l=TinTuc"))
    counts = {t: store.db[t].count for t in ("articles", "article_versions", "article_views")}
    store.save_article(record(f"{BASE}?ItemID=4001&l=TinTuc", fetched_at="2026-01-02T00:00:00Z"))
    assert counts == {t: store.db[t].count for t in counts}


def test_an_edit_adds_a_version_and_keeps_the_old_one(store):
    store.save_article(record(f"{BASE}?ItemID=4001"))
    outcome = store.save_article(record(f"{BASE}?ItemID=4001", body_text="Nội dung đã sửa."))
    assert outcome == "updated"
    versions = list(
        store.db.query("select version, body_text from article_version_texts order by 1")
    )
    assert versions == [
        {"version": 1, "body_text": "Chiều ngày 12/7, …"},
        {"version": 2, "body_text": "Nội dung đã sửa."},
    ]
    # the text is stored once: the current version's is the article's own
    stored = list(store.db.query("select version, body_text from article_versions order by 1"))
    assert stored == [
        {"version": 1, "body_text": "Chiều ngày 12/7, …"},
        {"version": 2, "body_text": None},
    ]

    assert store.db["articles"].get(article_id("tramtau", "4001", None))["version"] == 2


def test_a_view_count_change_is_a_new_observation_not_a_new_version(store):
    store.save_article(record(f"{BASE}?ItemID=4001"))
    outcome = store.save_article(
        record(f"{BASE}?ItemID=4001", views=5000, fetched_at="2026-01-08T00:00:00+00:00")
    )
    assert outcome == "unchanged"
    series = [r["views"] for r in store.db.query("select views from article_views order by 1")]
    assert series == [4829, 5000]
    assert store.db["article_versions"].count == 1


def test_identity_falls_back_to_the_canonical_url(store):
    first = record("https://xa.gov.vn/tin-tuc/a-1.html", item_id=None, canonical_url="u1")
    second = record("https://xa.gov.vn/tin-tuc/b-2.html", item_id=None, canonical_url="u2")
    store.save_article(first)
    store.save_article(second)
    assert store.db["articles"].count == 2


def test_a_record_with_problems_is_kept_as_incomplete(store):
    store.save_article(
        record(f"{BASE}?ItemID=9", item_id="9", published_at=None, problems=["published_at: x"])
    )
    row = store.db["articles"].get(article_id("tramtau", "9", None))
    assert row["status"] == "incomplete"
    assert json.loads(row["problems"]) == ["published_at: x"]


def test_captures_keep_the_body_and_reuse_an_identical_one(store):
    body = "<html><body>Trạm Tấu</body></html>".encode()
    kwargs = dict(portal="tramtau", run_id=None, url=f"{BASE}?ItemID=1", http_status=200)
    first = store.save_capture(body=body, headers={}, fetched_at="t1", **kwargs)
    again = store.save_capture(body=body, headers={}, fetched_at="t2", **kwargs)
    changed = store.save_capture(body=body + b" ", headers={}, fetched_at="t3", **kwargs)
    assert first == again != changed
    assert gzip.decompress(store.db["captures"].get(first)["body_gz"]) == body


def test_runs_record_counts_and_status(store):
    run_id = store.start_run("tramtau", "full")
    store.finish_run(run_id, RunCounts(pages_fetched=7, articles_new=5), "ok")
    row = store.db["crawl_runs"].get(run_id)
    assert (row["status"], row["pages_fetched"], row["articles_new"]) == ("ok", 7, 5)
    assert row["finished_at"] >= row["started_at"]


def test_each_version_text_is_stored_once(store):
    for body in ("Chiều ngày 12/7, …", "Nội dung đã sửa.", "Sửa lần hai."):
        store.save_article(record(f"{BASE}?ItemID=4001", body_text=body))
    texts = [r["body_text"] for r in store.db.query("select body_text from article_version_texts")]
    assert texts == ["Chiều ngày 12/7, …", "Nội dung đã sửa.", "Sửa lần hai."]
    kept = [r["body_text"] for r in store.db.query("select body_text from article_versions")]
    assert kept == ["Chiều ngày 12/7, …", "Nội dung đã sửa.", None]
