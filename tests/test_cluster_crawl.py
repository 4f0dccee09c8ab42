"""Two workers and one writer against one local crawl of the same four portals.

A Yên Bái-family district portal, a WordPress commune site, a vendor ward portal and a ward portal
in software the project has no page object for (read by discovery from its home page: sitemaps
and a feed) are served on 127.0.0.1. The same portals are crawled once by ``portal-archive
crawl`` (one process) and once by the cluster (``ingest`` + two ``worker`` processes over a
private redis-server): the archives must hold the same articles, row for row (ids, content
hashes, versions, every extracted field), the same crawl runs and the same site model; a second,
incremental round (the discovered portal crawled with the model the first round learned) must do
the same in both modes. Every other response is kept alike too: the captures of listing pages,
home pages, robots.txt, sitemaps, feeds, images and PDFs (the workers send them to the writer),
payloads held once with the same revisits, and the same ``files`` and ``article_files``.
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
    capture_rows,
    file_rows,
    local_registry,
    needs_redis,
    new_cluster,
    payload_holders,
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
from portal_spider.demo.yenbai_site import Reply, YenBaiSite, load_demo_data
from portal_spider.registry import Portal

pytestmark = [pytest.mark.crawl, needs_redis]

logger = logging.getLogger(__name__)

DISCOVERED = "namcuong-c"  # the portal in unknown software
# columns of the site model that record when
MODEL_TIME_COLUMNS = {"updated_at", "last_walked_at", "last_new_at", "due_at"}


BIG_PDF = "ban-ve-quy-hoach.pdf"  # over the attachment cap of both crawls: skipped, with its size
MISSING_PDF = "bao-cao-da-xoa.pdf"  # answers 404: failed
ATTACHMENT_CAP = 100_000
BIG_PDF_BYTES = b"%PDF-1.4\n" + b"0" * 200_000
SETTINGS = {**FAST, "PORTAL_ARCHIVE_MAX_ATTACHMENT_SIZE": ATTACHMENT_CAP}


class FileOutcomesSite(YenBaiSite):
    """The district portal, one article of which links a PDF over the cap and one gone."""

    def __init__(self) -> None:
        data = load_demo_data()
        data["articles"] = data["articles"][:24]
        super().__init__(data)
        first = next(iter(self.articles))
        links = list(self.articles[first].get("attachments") or [])
        links += [
            {"file": BIG_PDF, "title": "Bản vẽ quy hoạch"},
            {"file": MISSING_PDF, "title": "Báo cáo"},
        ]
        self.edit_article(first, attachments=links)

    def handle(self, target: str) -> Reply:
        if target.endswith(BIG_PDF):
            return Reply(200, "application/pdf", BIG_PDF_BYTES)
        if target.endswith(MISSING_PDF):
            return Reply(404, "text/html; charset=utf-8", b"<html><body>404</body></html>")
        return super().handle(target)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cluster-vs-local")
    sites = {
        "tramtau-c": FileOutcomesSite(),
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
                "crawl",
                *slugs,
                *("--db", str(local_db), "--delay", "0.05"),
                *("--set", f"PORTAL_ARCHIVE_MAX_ATTACHMENT_SIZE={ATTACHMENT_CAP}"),
                registry=registry,
            )
            assert result.returncode == 0, result.stderr[-3000:]
            cluster = new_cluster(redis_url, folder / f"cluster-{len(clusters)}")
            if clusters:  # the same archive, a second round
                cluster.db_path = clusters[0].db_path
            run_cluster(cluster, portals, settings=SETTINGS)
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
    # each capture entry written once: a capture row each (files not kept: a link update each)
    not_articles = db["captures"].count_where("kind != 'article'")
    assert 0 < not_articles <= kinds["capture"]


def kinds_of(rows: Counter, round_number: int) -> Counter:
    """Captures of one round by kind."""
    counts: Counter = Counter()
    for key, n in rows.items():
        if key[0] == round_number:
            counts[key[3]] += n
    return counts


def test_captures_are_those_of_a_single_process_crawl(crawled):
    """Every response kept as locally: the same addresses, kinds, statuses and payloads."""
    local = capture_rows(crawled["local"])
    cluster = capture_rows(crawled["cluster"])
    first = kinds_of(local, 1)
    logger.info("captures of the first round by kind: %s", dict(first))
    # not a trivial archive: every kind of response the portals serve is there
    for kind in ("article", "listing", "home", "robots", "sitemap", "feed", "image", "attachment"):
        assert first[kind] > 0, (kind, first)
    assert first["robots"] >= len(crawled["sites"])  # discovery reads one again for sitemaps
    pdfs = sum(n for key, n in local.items() if key[7] == "application/pdf")
    assert pdfs > 0
    assert kinds_of(cluster, 1) == first
    assert kinds_of(cluster, 2) == kinds_of(local, 2)
    assert cluster == local


def test_payloads_are_held_once_and_revisits_match(crawled):
    """Each payload's bytes held by one capture, the others revisits of it, alike in both
    modes; the second round adds revisits only."""
    local = payload_holders(crawled["local"])
    cluster = payload_holders(crawled["cluster"])
    assert cluster == local
    second_round_holders = [key for key, n in local.items() if key[0] == 2 and key[2]]
    assert second_round_holders == []
    assert sum(n for key, n in local.items() if key[0] == 2) > 0


def test_files_and_their_links_are_those_of_a_single_process_crawl(crawled):
    local_files, local_links = file_rows(crawled["local"])
    cluster_files, cluster_links = file_rows(crawled["cluster"])
    assert {mime for _, mime, _ in local_files} >= {"application/pdf", "image/jpeg"}
    statuses = Counter(link[4] for link in local_links)
    assert statuses["stored"] > 0
    outcomes = {link[1].rsplit("/", 1)[-1]: link for link in local_links}
    big, missing = outcomes[BIG_PDF], outcomes[MISSING_PDF]
    assert (big[4], big[6]) == ("skipped", len(BIG_PDF_BYTES))  # skipped, with its size
    assert "too large" in big[7]
    assert missing[4] == "failed" and missing[7]
    assert cluster_files == local_files
    assert cluster_links == local_links


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
