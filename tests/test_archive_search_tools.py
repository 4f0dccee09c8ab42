"""The search index seen by tools that know nothing of the project: plain ``datasette`` (no
metadata, no plugin) and ``sqlite-utils search``, run as commands on a real archive file."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from archive_fixtures import PORTALS, SEED_ID, build_archive, insert_article, seed_article

from archive.db import open_archive
from archive.migrations import migrations
from archive.search import search

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tools") / "archive.db"
    build_archive(path).close()
    return path


def sqlite_utils_search(path: Path, query: str) -> list[dict]:
    command = [str(BIN / "sqlite-utils"), "search", str(path), "articles", query, "-c", "id"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def plain_datasette_get(path: Path, address: str) -> str:
    """``datasette <archive> --get <address>``: datasette with no metadata and no plugin."""
    command = [str(BIN / "datasette"), str(path), "--get", address]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


@pytest.mark.parametrize("query", ["dang uy", "Đảng ủy", "tuyen giao"])
def test_sqlite_utils_search_finds_the_index(archive_path: Path, query: str) -> None:
    assert SEED_ID in [row["id"] for row in sqlite_utils_search(archive_path, query)]


def test_sqlite_utils_search_is_ranked(archive_path: Path) -> None:
    # the seed has the words in its title, weighted as much as its body by the default rank
    hits = sqlite_utils_search(archive_path, "tuyen giao")
    assert hits[0]["id"] == SEED_ID


@pytest.mark.parametrize("query", ["dang+uy", "tuyen+giao"])
def test_plain_datasette_searches_articles(archive_path: Path, query: str) -> None:
    name = archive_path.stem
    data = json.loads(
        plain_datasette_get(archive_path, f"/{name}/articles.json?_search={query}&_shape=objects")
    )
    assert SEED_ID in [row["id"] for row in data["rows"]]
    assert len(data["rows"]) < 4  # a search, not the whole table


def test_plain_datasette_shows_the_search_box(archive_path: Path) -> None:
    page = plain_datasette_get(archive_path, f"/{archive_path.stem}/articles")
    assert 'name="_search"' in page


def test_index_follows_writes_of_any_sqlite_client(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    build_archive(path).close()
    with sqlite3.connect(path) as conn:  # plain sqlite3: no function of the project
        title = "Đoàn khảo sát Xqzw ra quân"
        conn.execute("UPDATE articles SET title = ? WHERE id = ?", [title, SEED_ID])
    assert [row["id"] for row in sqlite_utils_search(path, "doan xqzw")] == [SEED_ID]
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM articles WHERE id = ?", [SEED_ID])
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    assert sqlite_utils_search(path, "doan xqzw") == []


def test_an_archive_indexed_over_the_old_view_is_moved_to_articles(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = open_archive(path, migrate=False)
    migrations.apply(old, stop_before="m007_reading_room_search")
    old["portals"].insert_all(PORTALS)
    insert_article(old, seed_article())  # indexed through the old view's triggers
    assert old["articles"].detect_fts() is None  # an index over a view is not recognised
    old.close()
    db = open_archive(path)  # applies m007: the index rebuilt over articles
    assert db["articles"].detect_fts() == "articles_fts"
    assert 'content="articles"' in db["articles_fts"].schema
    assert "articles_fts_content" not in db.view_names()
    db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    db.close()
    assert [row["id"] for row in sqlite_utils_search(path, "dang uy")] == [SEED_ID]


def test_an_archive_from_before_the_prefix_indexes_keeps_one_index_with_them(
    tmp_path: Path,
) -> None:
    # an archive as m002 made it, then opened by this version: m007 and m009 run in order
    path = tmp_path / "old.db"
    old = open_archive(path, migrate=False)
    migrations.apply(old, stop_before="m007_reading_room_search")
    old["portals"].insert_all(PORTALS)
    insert_article(old, seed_article())
    old.close()
    db = open_archive(path)
    schema = db["articles_fts"].schema
    assert "prefix='1 2 3'" in schema and 'content="articles"' in schema
    assert [name for name in db.table_names() if name == "articles_fts"] == ["articles_fts"]
    assert db["articles"].detect_fts() == "articles_fts"
    db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    # the ranked search (CLI, /-/search) and the prefix index find the seed by a word's start
    assert [hit.id for hit in search(db, "tuy*")] == [SEED_ID]
    assert [hit.id for hit in search(db, "dang uy")] == [SEED_ID]
    db.close()
    assert [row["id"] for row in sqlite_utils_search(path, "tuy*")] == [SEED_ID]
    name = path.stem
    data = json.loads(
        plain_datasette_get(path, f"/{name}/articles.json?_search=tuyen+giao&_shape=objects")
    )
    assert [row["id"] for row in data["rows"]] == [SEED_ID]


MONTHS_BY_HAND = (
    "SELECT coalesce(portal, ''), coalesce(substr(published_at, 1, 7), ''), count(*), "
    "coalesce(sum(views), 0) FROM articles GROUP BY 1, 2 ORDER BY 1, 2"
)
MONTHS_KEPT = "SELECT portal, month, articles, views FROM article_months ORDER BY 1, 2"


def test_article_months_follow_writes_of_any_sqlite_client(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    build_archive(path).close()
    with sqlite3.connect(path) as conn:
        kept = conn.execute(MONTHS_KEPT).fetchall()
        assert kept == conn.execute(MONTHS_BY_HAND).fetchall() and len(kept) >= 3
        conn.execute(
            "UPDATE articles SET published_at = '2019-01-02', views = 11 WHERE id = ?", [SEED_ID]
        )
        conn.execute("UPDATE articles SET views = NULL WHERE id != ?", [SEED_ID])
        conn.execute(
            "UPDATE articles SET published_at = NULL "
            "WHERE rowid = (SELECT max(rowid) FROM articles)"
        )
        conn.execute(
            "DELETE FROM articles WHERE rowid = (SELECT min(rowid) FROM articles WHERE id != ?)",
            [SEED_ID],
        )
        assert conn.execute(MONTHS_KEPT).fetchall() == conn.execute(MONTHS_BY_HAND).fetchall()
        assert ("tramtau", "2019-01", 1, 11) in conn.execute(MONTHS_KEPT).fetchall()
