"""The archive in datasette, through datasette's own client: search, facets, queries, safety."""

from __future__ import annotations

import asyncio
import html
import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from archive_fixtures import SEED_ID, SEED_TITLE, XSS_ID, build_archive, running_server
from datasette.app import Datasette

from archive.serve import build_datasette, datasette_args, load_metadata


@pytest.fixture(scope="module")
def ds(tmp_path_factory: pytest.TempPathFactory) -> Datasette:
    path = tmp_path_factory.mktemp("ds") / "archive.db"
    build_archive(path, xss=True).close()
    return build_datasette(path)


def get(ds: Datasette, path: str) -> Any:
    """GET ``path``; the response (status checked to be 200)."""
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == 200, (path, response.status_code, response.text[:500])
    return response


def rows(ds: Datasette, path: str) -> list[dict]:
    sep = "&" if "?" in path else "?"
    return get(ds, f"{path}{sep}_shape=objects").json()["rows"]


@pytest.mark.parametrize("query", ["tuyen+giao", "dang+uy", "%C4%90%E1%BA%A3ng+%E1%BB%A7y"])
@pytest.mark.parametrize("table", ["article_list", "articles"])
def test_search_box_finds_the_seed(ds: Datasette, table: str, query: str) -> None:
    assert [row["id"] for row in rows(ds, f"/archive/{table}.json?_search={query}")] == [SEED_ID]
    page = get(ds, f"/archive/{table}?_search={query}").text
    assert 'name="_search"' in page
    assert html.escape(SEED_TITLE, quote=False) in page


def test_search_page_links_to_the_reader_page(ds: Datasette) -> None:
    page = get(ds, "/archive/article_list?_search=tuyen+giao").text
    assert f'<a href="/-/article/{SEED_ID}">{SEED_ID}</a>' in page
    reader = get(ds, f"/-/article/{SEED_ID}").text
    assert html.escape(SEED_TITLE, quote=False) in reader


def test_facets_list_portals_provinces_categories_months(ds: Datasette) -> None:
    data = get(ds, "/archive/article_list.json?_facet=province").json()
    facets = {
        name: {r["value"]: r["count"] for r in facet["results"]}
        for name, facet in data["facet_results"].items()
    }
    assert facets["portal"] == {"tramtau": 2, "mucangchai": 2, "dongcuong": 1}
    assert facets["province"] == {"Yên Bái": 4, "Lào Cai": 1}
    assert facets["month"]["2023-07"] == 2
    assert "Tin hoạt động" in facets["category"]
    narrowed = rows(ds, "/archive/article_list.json?_search=tuyen&province=Y%C3%AAn+B%C3%A1i")
    assert {row["id"] for row in narrowed} == {SEED_ID, XSS_ID}


def test_articles_table_facets_by_portal(ds: Datasette) -> None:
    data = get(ds, "/archive/articles.json").json()
    portals = {r["value"] for r in data["facet_results"]["portal"]["results"]}
    assert portals == {"tramtau", "mucangchai", "dongcuong"}


def test_stored_query_search(ds: Datasette) -> None:
    for query in ("tuyen+giao", "dang+uy", "%22%C4%91%E1%BA%A3ng+%E1%BB%A7y%22"):
        (hit,) = rows(ds, f"/archive/search.json?q={query}&portal=tramtau")
        assert hit["article_id"] == SEED_ID and hit["province"] == "Yên Bái"
    (hit,) = rows(ds, "/archive/search.json?q=dang+uy&province=yen+bai&since=2023-07&until=2023")
    assert "[Đảng]" in hit["snippet"] and "Dảng" not in hit["snippet"]
    assert rows(ds, "/archive/search.json?q=dang+uy&province=lao+cai") == []
    assert rows(ds, "/archive/search.json?q=%22unbalanced") == []
    assert rows(ds, "/archive/search.json") == []
    page = get(ds, "/archive/search?q=dang+uy").text
    assert f'<a href="/-/article/{SEED_ID}">' in page


def test_stored_query_articles_per_portal_per_month(ds: Datasette) -> None:
    result = rows(ds, "/archive/articles_per_portal_per_month.json")
    counts = {(r["portal"], r["month"]): (r["articles"], r["views"]) for r in result}
    assert counts == {
        ("dongcuong", "2024-03"): (1, 90),
        ("mucangchai", "2023-07"): (1, 1200),
        ("mucangchai", "2023-08"): (1, 350),
        ("tramtau", "2023-07"): (1, 4829),
        ("tramtau", "2023-09"): (1, 7),
    }


def test_stored_query_most_viewed(ds: Datasette) -> None:
    result = rows(ds, "/archive/most_viewed.json")
    assert [r["views"] for r in result] == [4829, 1200, 350, 90, 7]
    assert [r["article_id"] for r in rows(ds, "/archive/most_viewed.json?portal=mucangchai")] == [
        "mucangchai-1001",
        "mucangchai-1002",
    ]


def test_stored_query_view_counts(ds: Datasette) -> None:
    result = rows(ds, f"/archive/article_view_counts.json?article_id={SEED_ID}")
    assert [(r["views"], r["change"]) for r in result] == [(4700, None), (4790, 90), (4829, 39)]


def test_stored_query_versions(ds: Datasette) -> None:
    result = rows(ds, f"/archive/versions_of_article.json?article_id={SEED_ID}")
    assert [r["version"] for r in result] == [1, 2]
    assert result[1]["title"] == SEED_TITLE


def test_metadata_is_shown(ds: Datasette) -> None:
    index = get(ds, "/").text
    assert "Archive of Vietnamese government portals" in index
    assert "Software: MIT" in index
    table = get(ds, "/archive/articles").text
    assert "The article&#39;s own view counter at the last visit" in table
    database = get(ds, "/archive").text
    assert "_sqlite_migrations" not in database.split("hidden tables")[0]
    assert "Articles per portal per month" in database


def test_stored_html_is_shown_as_text(ds: Datasette) -> None:
    page = get(ds, f"/archive/articles/{XSS_ID}").text
    assert "<script>window.__xss" not in page
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in page
    assert "onerror=" not in page.replace("onerror=&#34;", "").replace("onerror=&quot;", "")
    assert 'href="javascript:' not in page


def test_metadata_follows_the_database_name() -> None:
    metadata = load_metadata("mine")
    assert set(metadata["databases"]) == {"mine"}
    assert metadata["databases"]["mine"]["tables"]["article_list"]["fts_table"] == "articles_fts"
    args = datasette_args(Path("/x/mine.db"), "/tmp/m.json", "127.0.0.1", 8123)
    assert args[:2] == ["serve", "/x/mine.db"]
    assert args[args.index("--host") + 1] == "127.0.0.1" and "8123" in args


@pytest.mark.crawl
def test_serve_command_runs_datasette_with_the_archive_setup(tmp_path: Path) -> None:
    path = tmp_path / "my-archive.db"
    build_archive(path).close()
    with running_server(path, tmp_path / "serve.log") as base:
        url = f"{base}/my-archive/search.json?q=dang+uy&_shape=objects"
        with urllib.request.urlopen(url, timeout=10) as response:
            (hit,) = json.load(response)["rows"]
        with urllib.request.urlopen(f"{base}/", timeout=10) as response:
            index = response.read().decode("utf-8")
    assert hit["article_id"] == SEED_ID and "[Đảng]" in hit["snippet"]
    assert "Archive of Vietnamese government portals" in index


def header_columns(page: str) -> list[str]:
    return re.findall(r'<th [^>]*\bdata-column="([^"]+)"', page.split("<thead>", 1)[-1])


@pytest.mark.parametrize(
    ("table", "hidden", "shown"),
    [
        ("articles", {"content_hash", "body_html", "title_folded", "body_text_folded"}, "title"),
        ("article_list", {"portal_name", "province", "level", "year", "month"}, "portal"),
        ("article_versions", {"content_hash", "body_html"}, "version"),
        ("captures", {"sha256", "headers"}, "url"),
    ],
)
def test_table_pages_leave_out_repeated_and_internal_columns(
    tmp_path_factory: pytest.TempPathFactory, table: str, hidden: set[str], shown: str
) -> None:
    path = tmp_path_factory.mktemp("columns") / "archive.db"
    build_archive(path, captures=True).close()
    ds = build_datasette(path)
    default = header_columns(get(ds, f"/archive/{table}").text)
    assert shown in default and not hidden & set(default), default
    everything = header_columns(get(ds, f"/archive/{table}?_allcols=1").text)
    assert hidden <= set(everything), everything
    data = get(ds, f"/archive/{table}.json").json()  # data downloads keep every column
    assert hidden <= set(data["columns"])


def test_default_columns_give_way_to_a_chosen_column_list(ds: Datasette) -> None:
    chosen = header_columns(get(ds, "/archive/article_list?_col=province&_col=title").text)
    assert chosen == ["province", "title"]
    page = get(ds, "/archive/article_list?_sort=title").text
    assert 'href="/archive/article_list?_sort=title&amp;_allcols=1">Hiện mọi cột</a>' in page
    assert "Cột ẩn: portal_name, province, level, year, month, article_rowid." in page


def test_facets_still_read_hidden_columns(ds: Datasette) -> None:
    page = get(ds, "/archive/article_list?_facet=province").text
    assert 'data-column="province"' in page and "Yên Bái" in page


def test_stored_query_labels_are_in_the_served_page(ds: Datasette) -> None:
    page = get(ds, "/archive/search?q=dang+uy").text
    assert '<label for="qp1">Words (with or without diacritics)</label>' in page
    assert '<label for="qp4">Published from (YYYY[-MM[-DD]])</label>' in page
    assert "<script" not in page.split('<form class="sql"', 1)[1].split("</form>", 1)[0]
    versions = get(ds, f"/archive/versions_of_article?article_id={SEED_ID}").text
    assert '<label for="qp1">Article id</label>' in versions
    assert "content_hash" not in versions
