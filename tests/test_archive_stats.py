"""Archive statistics: per-portal counts, date range, views, last crawl, search index state."""

from __future__ import annotations

import json
from pathlib import Path

import click
from archive_fixtures import build_archive, seed_article
from click.testing import CliRunner

from archive import cli
from archive.db import open_archive
from archive.stats import archive_stats


def test_stats_figures(tmp_path: Path) -> None:
    stats = archive_stats(build_archive(tmp_path / "archive.db"))
    totals = stats["totals"]
    assert totals["articles"] == 4 and totals["portals"] == 3
    assert totals["published_from"] == "2023-07-14T08:00:02+07:00"
    assert totals["published_to"] == "2024-03-05T07:30:00+07:00"
    assert totals["views_total"] == 4829 + 1200 + 350 + 90
    assert totals["view_observations"] == 3 and totals["article_versions"] == 2
    by_portal = {p["portal"]: p for p in stats["portals"]}
    assert by_portal["tramtau"]["articles"] == 1 and by_portal["tramtau"]["views_total"] == 4829
    assert by_portal["tramtau"]["last_crawl_status"] == "ok"
    assert by_portal["mucangchai"]["articles"] == 2
    assert by_portal["dongcuong"]["last_crawl_at"] is None
    assert stats["last_crawl"]["id"] == 2 and stats["last_crawl"]["status"] == "failed"
    assert stats["search_index"] == {"indexed": 4, "in_sync": True}


def test_stats_of_an_empty_archive(tmp_path: Path) -> None:
    stats = archive_stats(open_archive(tmp_path / "empty.db"))
    assert stats["totals"]["articles"] == 0 and stats["portals"] == []
    assert stats["last_crawl"] is None and stats["search_index"]["in_sync"]


def test_stats_notice_a_stale_search_index(tmp_path: Path) -> None:
    db = build_archive(tmp_path / "archive.db")
    db.execute("PRAGMA foreign_keys=OFF")
    # sqlite-utils turns recursive_triggers on, so INSERT OR REPLACE keeps the index in sync...
    db["articles"].insert({**seed_article(), "title": "Tiêu đề mới"}, replace=True)
    assert archive_stats(db)["search_index"]["in_sync"]
    # ...a client without it deletes the replaced row without firing the delete trigger.
    db.execute("PRAGMA recursive_triggers=OFF")
    db["articles"].insert({**seed_article(), "title": "Tiêu đề khác"}, replace=True)
    assert not archive_stats(db)["search_index"]["in_sync"]
    db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
    assert archive_stats(db)["search_index"]["in_sync"]


def test_stats_cli(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    build_archive(path)
    group = click.Group("portal-archive")
    cli.register(group)
    result = CliRunner().invoke(group, ["stats", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "articles: 4 from 3 of 3 portals" in result.output
    assert "last crawl: #2 mucangchai" in result.output
    assert "tramtau     Yên Bái   1" in result.output
    result = CliRunner().invoke(group, ["stats", "--db", str(path), "--json"])
    assert json.loads(result.output)["totals"]["views_total"] == 6469
