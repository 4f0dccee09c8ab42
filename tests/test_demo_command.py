"""``portal-archive demo`` end to end, and what a researcher does next with the demo archive."""

from __future__ import annotations

import csv
import io
import json
import unicodedata

import pytest
from click.testing import CliRunner
from crawl_helpers import run_cli

from archive.db import open_archive
from portal_spider.cli import main

pytestmark = pytest.mark.crawl


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("demo") / "archive.db"
    result = run_cli("demo", "--db", str(db_path))
    assert result.returncode == 0, result.stderr[-3000:]
    return db_path, result.stdout


def test_demo_reports_every_article_archived_and_checked(demo):
    db_path, output = demo
    assert "the archive holds 64 articles of tramtau-demo (0 incomplete)" in output
    assert "all match" in output
    assert "Kept every response: 64 article pages, 49 images, " in output
    assert f"portal-archive serve --db {db_path}" in output


def test_the_frozen_demo_portal_is_not_warned_about_as_stale(demo):
    db_path, _ = demo
    db = open_archive(db_path)
    assert db["portals"].get("tramtau-demo")["status"] == "frozen"
    # its newest article is from June 2025, long past the 30-day threshold of an active portal
    assert db.execute("select max(published_at) from articles").fetchone()[0] < "2025-07"
    assert db["run_warnings"].count_where("kind = 'stale'") == 0


def test_demo_archive_holds_each_article_once(demo):
    db = open_archive(demo[0])
    assert db.execute("select count(distinct item_id), count(*) from articles").fetchone() == (
        64,
        64,
    )


def archived_titles(db_path) -> dict[str, str]:
    db = open_archive(db_path)
    return {row["id"]: row["title"] for row in db.query("select id, title from articles")}


def test_csv_export_of_the_demo_round_trips(demo, tmp_path):
    out = tmp_path / "articles.csv"
    result = CliRunner().invoke(
        main, ["export", "--db", str(demo[0]), "--format", "csv", "--bom", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {r["id"]: r["title"] for r in rows} == archived_titles(demo[0])
    assert len(rows) == 64
    assert {r["portal"] for r in rows} == {"tramtau-demo"}
    assert {r["province"] for r in rows} == {"Yên Bái"}
    for row in rows:
        for value in (row["title"], row["body_text"], row["source"]):
            assert value == unicodedata.normalize("NFC", value)


def test_jsonl_export_of_the_demo_round_trips(demo, tmp_path):
    out = tmp_path / "articles.jsonl"
    result = CliRunner().invoke(
        main, ["export", "--db", str(demo[0]), "--format", "jsonl", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 64
    assert {r["id"]: r["title"] for r in rows} == archived_titles(demo[0])
    seed = next(r for r in rows if r["item_id"] == "4001")
    assert seed["body_text"].startswith("Chiều ngày 12/7")
    assert seed["views"] == 4829
    assert all(r["body_text"] == unicodedata.normalize("NFC", r["body_text"]) for r in rows)


def test_search_finds_the_seed_article_in_the_demo_without_diacritics(demo):
    result = CliRunner().invoke(
        main, ["search", "tuyen giao", "--db", str(demo[0]), "--json", "--limit", "50"]
    )
    assert result.exit_code == 0, result.output
    titles = [hit["title"] for hit in json.loads(result.output)]
    assert (
        "Hội nghị sơ kết công tác tuyên giáo, Ban Chỉ đạo 35 huyện 6 tháng đầu năm 2023" in titles
    )
