"""End to end: the bundled district portal served over real HTTP, crawled into a fresh archive."""

from __future__ import annotations

import json

import pytest
from crawl_helpers import run_cli, write_registry, yenbai_registry_row

from archive.db import open_archive
from portal_spider.demo.server import PortalServer
from portal_spider.demo.yenbai_site import ARTICLE_PATH, YenBaiSite

pytestmark = pytest.mark.crawl

SLUG = "tramtau-local"


@pytest.fixture(scope="module")
def site():
    return YenBaiSite()


@pytest.fixture(scope="module")
def server(site):
    with PortalServer(site) as running:
        yield running


@pytest.fixture(scope="module")
def registry(tmp_path_factory, site, server):
    path = tmp_path_factory.mktemp("registry") / "portals.toml"
    return write_registry(path, [yenbai_registry_row(SLUG, site, server.url)])


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, registry, server):
    """The archive after one crawl, and what the first and a second crawl printed."""
    db_path = tmp_path_factory.mktemp("archive") / "archive.db"
    first = run_cli("crawl", SLUG, "--db", str(db_path), "--delay", "0.01", registry=registry)
    assert first.returncode == 0, first.stderr[-3000:]
    db = open_archive(db_path)
    before = counts(db)
    requests_before = server.log.count()
    second = run_cli("crawl", SLUG, "--db", str(db_path), "--delay", "0.01", registry=registry)
    assert second.returncode == 0, second.stderr[-3000:]
    return {
        "db": db,
        "db_path": db_path,
        "before": before,
        "second_requests": server.log.count() - requests_before,
    }


def counts(db) -> dict[str, int]:
    """Rows of the article tables, and captures holding bytes (a refetch adds revisit rows)."""
    tables = {t: db[t].count for t in ("articles", "article_versions", "article_views")}
    return {**tables, "captures": db["captures"].count_where("body_gz is not null")}


def rows_by_item_id(db) -> dict[str, dict]:
    return {row["item_id"]: row for row in db["articles"].rows_where("portal = ?", [SLUG])}


def test_every_article_is_archived_exactly_once(crawled, site):
    rows = list(crawled["db"].query("select item_id, count(*) n from articles group by item_id"))
    assert len(rows) == len(site.articles) >= 60
    assert all(row["n"] == 1 for row in rows)
    assert {row["item_id"] for row in rows} == {str(i) for i in site.articles}


def test_seed_article_values(crawled):
    seed = rows_by_item_id(crawled["db"])["4001"]
    assert seed["title"] == (
        "Hội nghị sơ kết công tác tuyên giáo, Ban Chỉ đạo 35 huyện 6 tháng đầu năm 2023"
    )
    assert seed["published_at"] == "2023-07-14T08:00:02+07:00"
    assert seed["published_raw"] == "14/07/2023 8:00:02 SA"
    assert seed["views"] == 4829
    assert seed["source"] == "Ban Tuyên giáo Huyện ủy"
    assert seed["body_text"].startswith("Chiều ngày 12/7")
    assert seed["body_text"].endswith("Trạm Tấu mến yêu...")
    assert seed["status"] == "ok"


@pytest.mark.parametrize(
    "field", ["title", "published_at", "views", "source", "author", "category", "body_text"]
)
def test_every_field_matches_the_portal_data(crawled, site, field):
    rows = rows_by_item_id(crawled["db"])
    expected = {
        str(a["item_id"]): {
            "title": a["title"],
            "published_at": a["published_at"],
            "views": a["views"],
            "source": a["source"],
            "author": a["author"],
            "category": site.categories[a["list"]],
            "body_text": "\n\n".join(a["paragraphs"])
            + "".join(f"\n\nFile đính kèm: {f['title']}" for f in a.get("attachments") or []),
        }[field]
        for a in site.articles.values()
    }
    wrong = {k: (rows[k][field], v) for k, v in expected.items() if rows[k][field] != v}
    assert wrong == {}


def test_images_and_attachments_are_absolute_urls(crawled, site, server):
    rows = rows_by_item_id(crawled["db"])
    for item_id, article in site.articles.items():
        images = json.loads(rows[str(item_id)]["images"])
        assert [i["caption"] for i in images] == [i["caption"] for i in article["images"]]
        assert all(i["url"].startswith(server.url + "/noidung/") for i in images)
        attachments = json.loads(rows[str(item_id)]["attachments"])
        assert [a["title"] for a in attachments] == [a["title"] for a in article["attachments"]]
    assert sum(len(a["attachments"]) for a in site.articles.values()) == 1


def test_body_html_is_clean(crawled):
    for row in crawled["db"]["articles"].rows:
        html = row["body_html"]
        for forbidden in ("<script", "onclick", "style=", "javascript:", "Đọc bài", "Các tin khác"):
            assert forbidden not in html, (row["item_id"], forbidden)


def test_every_article_keeps_its_raw_capture(crawled):
    db = crawled["db"]
    missing = list(db.query("select id from articles where capture_id is null"))
    assert missing == []
    assert db["captures"].count_where("kind = 'article'") == db["articles"].count


def test_second_crawl_adds_no_rows(crawled):
    db = crawled["db"]
    after = counts(db)
    assert after == crawled["before"]
    runs = list(db.query("select articles_new, status from crawl_runs order by id"))
    assert runs[-1] == {"articles_new": 0, "status": "ok"}


def test_one_article_reached_by_three_urls_is_one_row(tmp_path, registry, server):
    urls = [
        f"{server.url}{ARTICLE_PATH}?ItemID=4001&l=TinTuc",
        f"{server.url}{ARTICLE_PATH}?l=TinTuc&ItemID=4001&Source=%2F",
        f"{server.url}{ARTICLE_PATH}?ItemID=4001&l=TinTuc&page=2#top",
    ]
    db_path = tmp_path / "three.db"
    result = run_cli("crawl", *urls, "--db", str(db_path), "--delay", "0.01", registry=registry)
    assert result.returncode == 0, result.stderr[-3000:]
    db = open_archive(db_path)
    rows = list(db["articles"].rows_where("item_id = ?", ["4001"]))
    assert [(row["portal"], row["item_id"]) for row in rows] == [(SLUG, "4001")]
    # the rest are the articles its "Các tin khác" list led to, each once
    counts = db.execute("select count(*), count(distinct item_id) from articles").fetchone()
    assert counts[0] == counts[1]
