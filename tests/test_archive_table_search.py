"""Datasette's search box on the archive's tables when a word matches very many articles: the
same rows in the same order, without the count and facets that would read every match."""

from __future__ import annotations

import asyncio
import html
import json
import re
from pathlib import Path

import pytest
from archive_fixtures import SEED_ID, build_archive

from archive import table_search
from archive.serve import build_datasette


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("table-search") / "archive.db"
    build_archive(path).close()
    return path


def get(archive_path: Path, address: str) -> str:
    response = asyncio.run(build_datasette(archive_path).client.get(address))
    assert response.status_code == 200, (address, response.text[:300])
    return response.text


def shown_ids(page: str) -> list[str]:
    """The ids of the articles listed, in order (a link to the row or to the reader page)."""
    return re.findall(r'<td class="col-id[^"]*"[^>]*><a href="[^"]*/([^"/]+)">', page)


@pytest.mark.parametrize("listed", [100, 1], ids=["listed-matches", "probed-rows"])
@pytest.mark.parametrize("table", ["articles", "article_list"])
def test_many_matches_same_rows_no_count_no_facets(
    archive_path: Path, table: str, listed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = get(archive_path, f"/archive/{table}?_search=huyen")
    assert 'class="facet-info' in full and "search-many" not in full
    counted = re.search(r"<h3>(\d+) rows?", full)
    assert counted and int(counted.group(1)) >= 2
    monkeypatch.setattr(table_search, "FEW_MATCHES", 1)
    monkeypatch.setattr(table_search, "LISTED_MATCHES", listed)
    many = get(archive_path, f"/archive/{table}?_search=huyen")
    assert shown_ids(many) == shown_ids(full) and SEED_ID in shown_ids(many)
    assert 'class="facet-info' not in many and not re.search(r"<h3>\d+ rows?", many)
    assert "Hơn 1 bài khớp “huyen”" in many
    assert 'href="/-/search?q=huyen"' in many
    assert 'value="huyen"' in many  # the search box keeps the words
    by_views = get(archive_path, f"/archive/{table}?_search=huyen&_sort_desc=views")
    full_by_views = get(archive_path, f"/archive/{table}.json?_search=huyen&_sort_desc=views")
    assert shown_ids(by_views) == [row[0] for row in json.loads(full_by_views)["rows"]]


def test_next_page_of_a_big_search(archive_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    everything = shown_ids(get(archive_path, "/archive/articles?_search=huyen"))
    monkeypatch.setattr(table_search, "FEW_MATCHES", 1)
    monkeypatch.setattr(table_search, "LISTED_MATCHES", 1)
    first = get(archive_path, "/archive/articles?_search=huyen&_size=1")
    link = re.search(r'href="([^"]*_next=[^"]*)"', first)
    assert link, "a next-page link"
    address = html.unescape(link.group(1)).replace("http://localhost", "")
    assert "_match=huyen" in address
    second = get(archive_path, address)
    assert shown_ids(first) + shown_ids(second) == everything[:2]


def test_few_matches_keep_count_and_facets(
    archive_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(table_search, "FEW_MATCHES", 1)
    page = get(archive_path, "/archive/article_list?_search=tuyen+giao")
    assert re.search(r"<h3>1 row", page) and 'class="facet-info' in page
    assert "search-many" not in page and shown_ids(page) == [SEED_ID]


def test_a_facet_asked_by_name_is_counted(
    archive_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(table_search, "FEW_MATCHES", 1)
    page = get(archive_path, "/archive/articles?_search=huyen&_facet=portal")
    assert 'id="facet-portal"' in page and "search-many" in page


def test_json_is_left_as_asked(archive_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(table_search, "FEW_MATCHES", 1)
    response = asyncio.run(
        build_datasette(archive_path).client.get("/archive/articles.json?_search=huyen")
    )
    data = response.json()
    assert data["filtered_table_rows_count"] == len(data["rows"]) >= 2


def test_a_malformed_raw_query_is_reported_by_datasette(archive_path: Path) -> None:
    response = asyncio.run(
        build_datasette(archive_path).client.get('/archive/articles?_search="tuyen&_searchmode=raw')
    )
    assert response.status_code in (200, 400) and "search-many" not in response.text
