"""``crawl --all`` over three local portals on three platforms: every article once, right portal.

A Yên Bái-family district portal (platform declared), a WordPress commune site and a clean-URL
vendor ward portal (platform ``auto``: detected from their first page) are served on 127.0.0.1 by
threads of this process while the crawl runs in a child process, from a registry file of its own.
"""

from __future__ import annotations

import json
import logging
from contextlib import ExitStack
from urllib.parse import urlsplit

import pytest
from crawl_helpers import run_cli, write_registry, yenbai_registry_row

from archive.db import open_archive
from portal_spider.demo.server import PortalServer
from portal_spider.demo.vendor_site import VendorSite
from portal_spider.demo.wordpress_site import WordPressSite
from portal_spider.demo.yenbai_site import YenBaiSite, load_demo_data

pytestmark = pytest.mark.crawl

logger = logging.getLogger(__name__)

YENBAI, WORDPRESS, VENDOR = "tramtau-local", "tanphong-local", "hoathuan-local"


def yenbai_site() -> YenBaiSite:
    data = load_demo_data()
    data["articles"] = data["articles"][:12]
    return YenBaiSite(data)


@pytest.fixture(scope="module")
def sites() -> dict:
    return {YENBAI: yenbai_site(), WORDPRESS: WordPressSite(), VENDOR: VendorSite()}


def expected_articles(slug: str, site) -> dict[str, dict]:
    """Title -> the values the archive must hold, from the site's own data."""
    if slug == YENBAI:
        return {
            a["title"]: {"published_at": a["published_at"], "views": a["views"]}
            for a in site.articles.values()
        }
    return {a.title: {"published_at": a.published_iso, "views": a.views} for a in site.articles}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, sites):
    folder = tmp_path_factory.mktemp("multi")
    with ExitStack() as stack:
        servers = {slug: stack.enter_context(PortalServer(site)) for slug, site in sites.items()}
        rows = [
            yenbai_registry_row(YENBAI, sites[YENBAI], servers[YENBAI].url),
            {
                "slug": WORDPRESS,
                "name": sites[WORDPRESS].name,
                "level": "xã",
                "base_url": servers[WORDPRESS].url + "/",
                "platform": "auto",
                "status": "active",
                "entry_points": sites[WORDPRESS].entry_points(),
            },
            {
                "slug": VENDOR,
                "name": sites[VENDOR].name,
                "level": "xã",
                "base_url": servers[VENDOR].url + "/",
                "platform": "auto",
                "status": "active",
                "entry_points": sites[VENDOR].entry_points(),
            },
            {
                "slug": "offline-portal",
                "name": "A portal the registry says is offline",
                "base_url": "http://127.0.0.1:9/",
                "status": "offline",
            },
        ]
        registry = write_registry(folder / "portals.toml", rows)
        db_path = folder / "archive.db"
        result = run_cli(
            "crawl", "--all", "--db", str(db_path), "--delay", "0.05", registry=registry
        )
        ports = {slug: urlsplit(server.url).port for slug, server in servers.items()}
    assert result.returncode == 0, result.stderr[-3000:]
    return {"db": open_archive(db_path), "output": result.stdout, "ports": ports}


@pytest.mark.parametrize("slug", [YENBAI, WORDPRESS, VENDOR])
def test_every_article_of_each_portal_is_archived_once(crawled, sites, slug):
    rows = list(crawled["db"]["articles"].rows_where("portal = ?", [slug]))
    titles = [row["title"] for row in rows]
    assert sorted(titles) == sorted(expected_articles(slug, sites[slug]))
    assert len(set(titles)) == len(titles)


@pytest.mark.parametrize("slug", [YENBAI, WORDPRESS, VENDOR])
def test_each_row_belongs_to_the_portal_that_serves_it(crawled, slug):
    for row in crawled["db"]["articles"].rows_where("portal = ?", [slug]):
        assert urlsplit(row["url"]).port == crawled["ports"][slug], row["url"]


@pytest.mark.parametrize("slug", [YENBAI, WORDPRESS, VENDOR])
def test_dates_and_views_are_the_articles_own(crawled, sites, slug):
    expected = expected_articles(slug, sites[slug])
    for row in crawled["db"]["articles"].rows_where("portal = ?", [slug]):
        want = expected[row["title"]]
        assert (row["published_at"], row["views"]) == (want["published_at"], want["views"])
        assert row["status"] == "ok", row["problems"]


def test_no_article_twice_across_the_archive(crawled):
    db = crawled["db"]
    duplicates = list(
        db.query(
            "select portal, canonical_url, count(*) n from articles group by 1, 2 having n > 1"
        )
    )
    assert duplicates == []
    assert db["articles"].count == sum(
        len(expected_articles(s, site))
        for s, site in {
            YENBAI: yenbai_site(),
            WORDPRESS: WordPressSite(),
            VENDOR: VendorSite(),
        }.items()
    )


def test_auto_platforms_are_detected_and_recorded(crawled):
    portals = {row["slug"]: row for row in crawled["db"]["portals"].rows}
    assert portals[YENBAI]["platform"] == "yenbai"
    assert portals[WORDPRESS]["detected_platform"] == "wordpress"
    assert portals[VENDOR]["detected_platform"] == "vendor"


def test_offline_portals_are_not_crawled(crawled):
    assert "offline-portal" not in crawled["output"]
    assert crawled["db"]["articles"].count_where("portal = ?", ["offline-portal"]) == 0


def test_records_say_how_each_field_was_found(crawled):
    for row in crawled["db"]["articles"].rows:
        assert '"platform:' in row["extraction"], row["extraction"]


def test_crawl_runs_count_fields_not_found_per_portal(crawled, sites):
    runs = {
        row["portal"]: json.loads(row["fields_missing"] or "{}")
        for row in crawled["db"]["crawl_runs"].rows
    }
    for slug in (WORDPRESS, VENDOR):
        articles = sites[slug].articles
        assert runs[slug].get("author", 0) == sum(a.author is None for a in articles)
        assert runs[slug].get("source", 0) == sum(a.source is None for a in articles)
        assert "title" not in runs[slug] and "published_at" not in runs[slug]
