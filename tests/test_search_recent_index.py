"""The ranking index of the latest articles (migration m013): kept in step with ``articles`` by
its triggers, emptied of its oldest articles in batches, built on an older archive by the
migration, and used by the search only when it holds enough matches."""

from __future__ import annotations

from pathlib import Path

import pytest
from archive_fixtures import PORTALS, article, build_archive, insert_article, seed_article
from sqlite_utils import Database

from archive import migrations as migrations_module
from archive import search as search_module
from archive.db import open_archive, open_for_reading
from archive.migrations import migrations
from archive.search import search
from archive.search_index import LATEST_MIGRATION
from archive.stats import archive_stats, format_stats

RECENT, STEP = 5, 3  # small enough to watch the batches go


@pytest.fixture
def small_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """m013 builds its triggers with a window of RECENT articles and batches of STEP; the search
    ranks there when 3 of them match."""
    monkeypatch.setattr(migrations_module, "RECENT_ARTICLES", RECENT)
    monkeypatch.setattr(migrations_module, "RECENT_STEP", STEP)
    monkeypatch.setattr(search_module, "RECENT_POOL", 3)


def numbered(n: int, title: str = "Tin huyện số") -> dict:
    return article(
        f"tramtau-{n}",
        "tramtau",
        f"{title} {n}",
        f"2024-01-{1 + n % 28:02d}T08:00:00+07:00",
        n,
        body_text=f"Bài thứ {n} về công tác dân vận ở huyện.",
    )


def recent_rowids(db: Database) -> list[int]:
    """The rowids the ranking index holds, from its own size table."""
    return [row[0] for row in db.execute("SELECT id FROM articles_recent_fts_docsize ORDER BY id")]


def floor(db: Database) -> int:
    return db.execute("SELECT floor FROM search_recent").fetchone()[0]


def matching(db: Database, query: str) -> list[int]:
    sql = "SELECT rowid FROM articles_recent_fts WHERE articles_recent_fts MATCH ? ORDER BY rowid"
    return [row[0] for row in db.execute(sql, [query])]


def check(db: Database) -> None:
    db.execute("INSERT INTO articles_recent_fts(articles_recent_fts) VALUES ('integrity-check')")


def test_triggers_keep_the_latest_articles_and_drop_the_oldest_in_batches(
    small_window: None, tmp_path: Path
) -> None:
    db = open_archive(tmp_path / "archive.db")
    db["portals"].insert_all(PORTALS)
    for n in range(1, RECENT + STEP + 1):  # 8 articles: the window and one batch, no pruning yet
        insert_article(db, numbered(n))
    assert floor(db) == 0 and recent_rowids(db) == list(range(1, 9))
    insert_article(db, numbered(9))  # the 9th: all but the newest 5 leave
    assert floor(db) == 4 and recent_rowids(db) == [5, 6, 7, 8, 9]
    check(db)
    # a changed title above the floor is followed; one below it is not the index's business
    db["articles"].update("tramtau-7", {"title": "Hội nghị nông thôn mới"})
    db["articles"].update("tramtau-2", {"title": "Hội nghị nông thôn mới"})
    assert matching(db, '"nong thon moi"') == [7]
    assert matching(db, "huyen") == [5, 6, 7, 8, 9]  # still in the body of the 7th
    db["articles"].delete("tramtau-6")
    db["articles"].delete("tramtau-1")
    assert recent_rowids(db) == [5, 7, 8, 9]
    check(db)
    for n in range(10, 14):  # the 13th reaches floor + 9 again: down to the newest 5
        insert_article(db, numbered(n))
    assert floor(db) == 8 and recent_rowids(db) == [9, 10, 11, 12, 13]
    check(db)
    db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")


def old_best_and_newer_weaker(db: Database, newer: int, fillers: int = 0) -> None:
    """The best match for "tuyen giao" first (the lowest rowid), then ``newer`` weaker ones, each
    followed by ``fillers`` articles without the words (so that bm25 counts them as rare)."""
    db["portals"].insert_all(PORTALS)
    insert_article(db, numbered(1, "Hội nghị tuyên giáo tuyên giáo"))
    for n in range(2, newer + 2):
        insert_article(db, numbered(n, "Tuyên giáo"))
        for k in range(fillers):
            insert_article(db, {**numbered(n), "id": f"tramtau-{n}-{k}"})


def test_an_old_best_match_is_on_the_first_page_whatever_the_latest_articles_hold(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(migrations_module, "RECENT_ARTICLES", 75)
    monkeypatch.setattr(migrations_module, "RECENT_STEP", 10)
    monkeypatch.setattr(search_module, "RECENT_POOL", 3)
    db = open_archive(tmp_path / "archive.db")
    old_best_and_newer_weaker(db, 40, fillers=2)
    assert floor(db) > 1 and len(matching(db, "tuyen giao")) > 20  # 25 weaker ones there
    hits = search(db, "tuyen giao", limit=20)
    assert hits[0].id == "tramtau-1" and len(hits) == 20


def test_a_query_matching_more_than_the_bound_is_ranked_among_the_latest(
    small_window: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(search_module, "RANKED_MATCHES", 8)
    db = open_archive(tmp_path / "archive.db")
    old_best_and_newer_weaker(db, 10)  # 11 matches: more than 8
    assert floor(db) == 4  # the ranking index holds the articles 5 to 11
    # ranked in it (7 matches, more than the pool of 3): equal scores, the newest first
    assert [hit.id for hit in search(db, "tuyen giao", limit=3)] == [
        "tramtau-11",
        "tramtau-10",
        "tramtau-9",
    ]
    # more rows asked for than it holds matches: the 8 most recent matches of the whole index
    ranked = [hit.id for hit in search(db, "tuyen giao", limit=10)]
    assert ranked == [f"tramtau-{n}" for n in range(11, 3, -1)]
    # a bound the query does not pass: every match of the whole archive
    monkeypatch.setattr(search_module, "RANKED_MATCHES", 11)
    assert len(search(db, "tuyen giao", limit=20)) == 11
    # filters apply within the bound: none of the 8 most recent matches is that old
    monkeypatch.setattr(search_module, "RANKED_MATCHES", 8)
    assert search(db, "tuyen giao", until="2024-01-04", limit=3) == []


def test_the_migration_builds_the_index_on_an_older_archive(
    small_window: None, tmp_path: Path
) -> None:
    path = tmp_path / "old.db"
    old = open_archive(path, migrate=False)
    migrations.apply(old, stop_before="m013_search_speed")
    old["portals"].insert_all(PORTALS)
    for n in range(1, 9):
        insert_article(old, numbered(n))
    old.close()
    db = open_archive(path)
    assert floor(db) == 3 and recent_rowids(db) == [4, 5, 6, 7, 8]
    check(db)
    assert [hit.id for hit in search(db, '"dan van"', limit=5)][0] == "tramtau-8"
    insert_article(db, numbered(9))
    assert recent_rowids(db) == [4, 5, 6, 7, 8, 9]


def test_latest_migration_names_the_last_one() -> None:
    assert migrations._migrations[-1].name == LATEST_MIGRATION


def test_a_current_archive_is_read_without_migrating_an_older_one_is_brought_up(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    old = open_archive(path, migrate=False)
    migrations.apply(old, stop_before="m013_search_speed")
    old.close()
    conn = open_for_reading(path)  # brings it up to date
    applied = {row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations")}
    assert LATEST_MIGRATION in applied
    conn.close()
    conn = open_for_reading(path)
    assert conn.execute("SELECT floor FROM search_recent").fetchone() == (0,)


def test_stats_notice_a_stale_ranking_index_and_the_documented_rebuild_mends_it(
    tmp_path: Path,
) -> None:
    db = build_archive(tmp_path / "archive.db")
    assert archive_stats(db)["recent_search_index"] == {
        "indexed": 4,
        "articles": 4,
        "in_sync": True,
    }
    db.execute("PRAGMA foreign_keys=OFF")
    db.execute("PRAGMA recursive_triggers=OFF")  # the replaced row leaves without its trigger
    db["articles"].insert({**seed_article(), "title": "Tiêu đề khác"}, replace=True)
    stats = archive_stats(db)
    assert stats["recent_search_index"] == {"indexed": 5, "articles": 4, "in_sync": False}
    assert "ranking index of the latest articles: 5 entries for 4" in format_stats(stats)
    db.execute("INSERT INTO articles_recent_fts(articles_recent_fts) VALUES ('delete-all')")
    db.execute(
        "INSERT INTO articles_recent_fts(rowid, title, body_text, source, title_folded, "
        "body_text_folded, source_folded) SELECT rowid, title, body_text, source, title_folded, "
        "body_text_folded, source_folded FROM articles "
        "WHERE rowid > (SELECT floor FROM search_recent)"
    )
    assert archive_stats(db)["recent_search_index"]["in_sync"]
    check(db)
