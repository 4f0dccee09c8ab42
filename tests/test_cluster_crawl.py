"""Two workers and one writer against one local crawl of the same four portals.

A Yên Bái-family district portal, a WordPress commune site, a vendor ward portal and a ward portal
in software the project has no page object for (read by discovery from its home page: sitemaps
and a feed) are served on 127.0.0.1. The same portals are crawled once by ``portal-archive
crawl`` (one process) and once by the cluster (``ingest`` + two ``worker`` processes over a
private redis-server): the archives must hold the same articles, row for row (ids, content
hashes, versions, every extracted field), the same crawl runs and the same site model; a second,
incremental round (the discovered portal crawled with the model the first round learned) must do
the same in both modes.
"""

from __future__ import annotations

import logging
from collections import Counter
from contextlib import ExitStack

import pytest
from cluster_helpers import (
    FAST,
    RUN_FIELDS,
    article_rows,
    local_registry,
    needs_redis,
    new_cluster,
    run_cluster,
    runs,
    version_rows,
    wait_until,
)
from crawl_helpers import run_cli

from archive.db import open_archive
from portal_spider.cluster.demo import portal_row
from portal_spider.cluster.local_redis import LocalRedis
from portal_spider.demo.feed_site import FeedSite
from portal_spider.demo.server import PortalServer
from portal_spider.demo.vendor_site import VendorSite
from portal_spider.demo.wordpress_site import WordPressSite
from portal_spider.demo.yenbai_site import YenBaiSite, load_demo_data
from portal_spider.registry import Portal

pytestmark = [pytest.mark.crawl, needs_redis]

logger = logging.getLogger(__name__)

DISCOVERED = "namcuong-c"  # the portal in unknown software
# columns of the site model that record when
MODEL_TIME_COLUMNS = {"updated_at", "last_walked_at", "last_new_at", "due_at"}


def yenbai_site() -> YenBaiSite:
    data = load_demo_data()
    data["articles"] = data["articles"][:24]
    return YenBaiSite(data)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cluster-vs-local")
    sites = {
        "tramtau-c": yenbai_site(),
        "tanphong-c": WordPressSite(),
        "hoathuan-c": VendorSite(),
        DISCOVERED: FeedSite(count=30),
    }
    with ExitStack() as stack:
        redis_url = stack.enter_context(LocalRedis()).url
        servers = {slug: stack.enter_context(PortalServer(site)) for slug, site in sites.items()}
        sites[DISCOVERED].base = servers[DISCOVERED].url
        portals = [
            portal_row(slug, sites[slug], servers[slug].url) for slug in sites if slug != DISCOVERED
        ]
        discovered = sites[DISCOVERED]
        # a registry row naming only the home page
        portals.append(Portal(DISCOVERED, discovered.name, servers[DISCOVERED].url + "/", "xã"))
        registry = local_registry(folder, portals)
        local_db = folder / "local.db"
        clusters = []
        for _ in range(2):  # the first crawl, then an incremental one
            slugs = [portal.slug for portal in portals]  # the district is frozen: not in --all
            result = run_cli(
                "crawl", *slugs, "--db", str(local_db), "--delay", "0.05", registry=registry
            )
            assert result.returncode == 0, result.stderr[-3000:]
            cluster = new_cluster(redis_url, folder / f"cluster-{len(clusters)}")
            if clusters:  # the same archive, a second round
                cluster.db_path = clusters[0].db_path
            run_cluster(cluster, portals, settings=FAST)
            clusters.append(cluster)
        served = {slug: server.log.count() for slug, server in servers.items()}
    return {
        "sites": sites,
        "local": local_db,
        "cluster": clusters[0].db_path,
        "folders": [c.folder for c in clusters],
        "served": served,
    }


def served_articles(crawled) -> int:
    return sum(len(site.articles) for site in crawled["sites"].values())


def test_every_article_is_archived_exactly_once(crawled):
    db = open_archive(crawled["cluster"])
    for slug, site in crawled["sites"].items():
        ids = [row["id"] for row in db["articles"].rows_where("portal = ?", [slug])]
        assert len(ids) == len(site.articles), slug
        assert len(set(ids)) == len(ids)
    versions = Counter(row["article_id"] for row in db["article_versions"].rows)
    assert set(versions.values()) == {1}  # two rounds, no article changed: one version each


def test_article_rows_are_those_of_a_single_process_crawl(crawled):
    local = article_rows(crawled["local"])
    cluster = article_rows(crawled["cluster"])
    assert len(local) == served_articles(crawled)
    assert sorted(cluster) == sorted(local)
    for article_id, row in local.items():
        assert cluster[article_id] == row, article_id


def test_versions_are_those_of_a_single_process_crawl(crawled):
    assert version_rows(crawled["cluster"]) == version_rows(crawled["local"])


def test_crawl_runs_match_in_both_rounds(crawled):
    def comparable(rows):
        return [{name: row[name] for name in RUN_FIELDS} for row in rows]

    local = comparable(runs(crawled["local"]))
    cluster = comparable(runs(crawled["cluster"]))
    assert len(local) == len(cluster) == 8
    by_portal = lambda rows: sorted(rows, key=lambda r: (r["portal"], r["articles_new"] == 0))  # noqa: E731
    assert by_portal(cluster) == by_portal(local)
    second_round = [row for row in cluster if row["articles_new"] == 0]
    assert len(second_round) == 4  # incremental: nothing new the second time
    assert all(row["status"] == "ok" for row in cluster)


def test_each_article_entry_was_written_once(crawled):
    db = open_archive(crawled["cluster"])
    kinds = Counter(row["kind"] for row in db["cluster_ingested"].rows)
    articles = served_articles(crawled)
    # every article page fetched was one item entry (first round: new; second: unchanged ones
    # the incremental walk did not fetch again are absent)
    outcomes = Counter(row["outcome"] for row in db["cluster_ingested"].rows if row["outcome"])
    assert outcomes["new"] == articles
    assert kinds["item"] == sum(outcomes.values())
    assert kinds["memory"] > 0


def model_rows(db_path, table: str) -> list[dict]:
    rows = open_archive(db_path)[table].rows
    return sorted(
        ({k: v for k, v in row.items() if k not in MODEL_TIME_COLUMNS} for row in rows),
        key=lambda row: (row["portal"], row.get("listing") or ""),
    )


def test_the_site_model_is_that_of_a_single_process_crawl(crawled):
    """What discovery learned of the portal in unknown software travels through the writer."""
    for table in ("site_models", "listing_schedule"):
        assert model_rows(crawled["cluster"], table) == model_rows(crawled["local"], table), table
    model = open_archive(crawled["cluster"])["site_models"].get(DISCOVERED)
    assert model["platform"] == "generic"
    assert "/rss/tin-moi.rss" in model["feeds"] and "sitemap" in model["sitemaps"]


def test_the_writer_holds_the_archive_lock(tmp_path):
    """While `ingest` runs, a local crawl into the same archive is refused (exit 3), as a second
    crawl would be, and so is a second writer."""
    with LocalRedis() as redis_server:
        cluster = new_cluster(redis_server.url, tmp_path / "locked")
        writer = cluster.start_writer(until_idle=False)
        try:
            lock = cluster.db_path.with_name(cluster.db_path.name + ".lock")
            wait_until(lambda: lock.exists() and lock.read_text().strip(), 60, "the lock")
            result = run_cli("crawl", "http://127.0.0.1:9/", "--db", str(cluster.db_path))
            assert result.returncode == 3, result.stderr[-2000:]
            second = run_cli(
                "ingest", "--redis", redis_server.url, "--db", str(cluster.db_path), "--until-idle"
            )
            assert second.returncode == 3, second.stderr[-2000:]
            assert writer.poll() is None
        finally:
            cluster.stop()
