"""bench-reading on a small archive: it builds, requests every page of the reading room, and
every request answers (the figures themselves are for the benchmark, not for a test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.bench_reading import build_archive_at_scale, page_paths, report, time_pages

PAGES = {
    "start page /",
    "reader /-/article/<id>",
    "archived copy /-/capture/<id>",
    "portal /-/portal/<slug>",
    "search /-/search?q=",
    "article_list table",
    "article_list month filter",
    "articles table",
    "articles search box",
    "article_list search box",
    "stored query search",
    "stored query most_viewed",
    "stored query articles_per_portal_per_month",
    "stored query article_view_counts",
    "stored query versions_of_article",
}


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "bench.db"
    build_archive_at_scale(path, articles=400, portals=4, captures=10).close()
    return path


def test_every_page_of_the_reading_room_is_timed(small_archive: Path) -> None:
    from archive.db import open_archive

    db = open_archive(small_archive)
    paths = page_paths(db, samples=5)
    assert set(paths) == PAGES
    stored_queries = {name.split()[-1] for name in paths if name.startswith("stored query")}
    metadata_queries = {"search", "most_viewed", "articles_per_portal_per_month"}
    assert metadata_queries | {"article_view_counts", "versions_of_article"} == stored_queries
    figures = time_pages(small_archive, paths)  # raises if a page does not answer 200
    assert set(figures) == PAGES
    assert all(figures[name]["n"] == len(urls) > 0 for name, urls in paths.items())
    lines: list[str] = []
    report(figures, lines.append)
    assert len(lines) == len(PAGES) + 1


def test_the_built_archive_has_versions_views_and_captures(small_archive: Path) -> None:
    from archive.db import open_archive

    db = open_archive(small_archive)
    assert db["articles"].count == 400
    assert db["captures"].count == 10
    assert db["article_versions"].count == 20
    assert db["article_views"].count == 100
    assert db["articles"].detect_fts() == "articles_fts"
