"""``reparse``: records derived again from their raw captures, without fetching anything."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from archive.db import open_archive
from archive.store import ArchiveStore, Capture
from portal_spider.cli import main
from portal_spider.demo.yenbai_site import ARTICLE_PATH, YenBaiSite

URL = f"https://tramtau.yenbai.gov.vn{ARTICLE_PATH}?ItemID=4001&l=TinTuc"
SEEN = "2025-01-01T00:00:00+00:00"


@pytest.fixture
def db_path(tmp_path):
    """An archive holding the seed article as an older, worse parser stored it."""
    path = tmp_path / "archive.db"
    db = open_archive(path)
    store = ArchiveStore(db)
    store.upsert_portal({"slug": "tramtau", "name": "Trạm Tấu", "platform": "yenbai"})
    page = YenBaiSite().handle(f"{ARTICLE_PATH}?ItemID=4001&l=TinTuc").body
    capture = Capture("tramtau", None, URL, page, 200, {"Content-Type": "text/html"}, SEEN)
    record = {
        "url": URL,
        "portal": "tramtau",
        "item_id": "4001",
        "canonical_url": f"https://tramtau.yenbai.gov.vn{ARTICLE_PATH}?ItemID=4001",
        "title": "Hội nghị sơ kết công tác tuyên giáo",  # cut short by the old parser
        "published_at": "2023-07-14T08:00:02+07:00",
        "views": 4829,
        "body_text": "Chiều ngày 12/7",
        "source": None,
        "fetched_at": SEEN,
    }
    store.save_fetched(record, capture)
    return path


def run(*args: str):
    return CliRunner().invoke(main, ["reparse", *args])


def article(path):
    return next(open_archive(path)["articles"].rows)


def test_dry_run_reports_and_writes_nothing(db_path):
    before = article(db_path)
    result = run("--db", str(db_path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "1 articles read from their captures, 1 would change" in result.output
    assert "title 1" in result.output and "source 1" in result.output
    assert article(db_path) == before


def test_reparse_corrects_the_record_from_its_capture(db_path):
    result = run("--db", str(db_path))
    assert result.exit_code == 0, result.output
    row = article(db_path)
    assert row["title"].endswith("Ban Chỉ đạo 35 huyện 6 tháng đầu năm 2023")
    assert row["source"] == "Ban Tuyên giáo Huyện ủy"
    assert row["body_text"].endswith("Trạm Tấu mến yêu...")
    assert (row["fetched_at"], row["last_seen_at"]) == (SEEN, SEEN)


def test_reparse_keeps_the_old_version_and_marks_the_new_one(db_path):
    run("--db", str(db_path))
    versions = list(
        open_archive(db_path).query("select version, cause, title from article_versions")
    )
    assert [(v["version"], v["cause"]) for v in versions] == [(1, "crawl"), (2, "reparse")]
    assert versions[0]["title"] == "Hội nghị sơ kết công tác tuyên giáo"


def test_reparse_twice_changes_nothing_more(db_path):
    run("--db", str(db_path))
    result = run("--db", str(db_path))
    assert "0 changed" in result.output
    assert open_archive(db_path)["article_versions"].count == 2


def test_a_gone_article_stays_gone(db_path):
    db = open_archive(db_path)
    ArchiveStore(db).mark_gone(article(db_path)["id"], "2025-06-01T00:00:00+00:00")
    run("--db", str(db_path))
    row = article(db_path)
    assert (row["status"], row["gone_at"]) == ("gone", "2025-06-01T00:00:00+00:00")


def test_missing_archive_is_a_one_line_error(tmp_path):
    result = run("--db", str(tmp_path / "none.db"))
    assert result.exit_code != 0
    assert result.output.strip() == f"Error: {tmp_path / 'none.db'}: no such archive"
