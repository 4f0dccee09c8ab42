"""SIGKILL in the cluster: a worker mid-run, and separately the writer; nothing lost or doubled.

Three local portals, the district one answering slowly enough for a kill to land mid-run. A killed
worker stops renewing its job's lease: the writer closes that run as interrupted and plans the
portal again from the archive, and the other worker crawls it on from where the lost one
stopped. A killed writer is started again: the entries it had read and not acknowledged are
delivered again (and skipped when they were committed), the rest are written as they come.
Either way every article ends up archived once, with its own values, one version, one capture.
The other captures travel the same way: after a killed writer's restart every response the
portals served (listings, robots.txt, the home page, images, PDFs) is kept exactly once; after a
killed worker the files its run left pending are fetched by the next run.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import pytest
from cluster_helpers import (
    FAST,
    count_rows,
    exit_status,
    needs_redis,
    new_cluster,
    wait_until,
)

from archive.db import open_archive
from portal_spider.cluster.demo import portal_row
from portal_spider.cluster.jobs import JobQueue
from portal_spider.cluster.keys import Keys, connect
from portal_spider.cluster.local_redis import LocalRedis
from portal_spider.demo.server import PortalServer
from portal_spider.demo.vendor_site import VendorSite
from portal_spider.demo.wordpress_site import WordPressSite
from portal_spider.demo.yenbai_site import YenBaiSite

pytestmark = [pytest.mark.crawl, pytest.mark.slow, needs_redis]

logger = logging.getLogger(__name__)

DISTRICT = "tramtau-k"
# the host leases a killed worker leaves behind expire about when its job's 10 s lease does
JOB_SETTINGS = {**FAST, "DOWNLOAD_TIMEOUT": 10, "PORTAL_ARCHIVE_CLUSTER_HOST_LEASE_MARGIN": 1}
KILL_AT = 12  # articles of the district archived when the kill comes


@pytest.fixture(scope="module")
def redis_url():
    with LocalRedis() as server:
        yield server.url


@pytest.fixture
def portals():
    sites = {DISTRICT: YenBaiSite(), "tanphong-k": WordPressSite(), "hoathuan-k": VendorSite()}
    with ExitStack() as stack:
        servers = {
            # the district answers each request after 50 ms: its crawl lasts a few seconds
            slug: stack.enter_context(PortalServer(site, delay=0.05 if slug == DISTRICT else 0))
            for slug, site in sites.items()
        }
        yield sites, [portal_row(slug, sites[slug], servers[slug].url) for slug in sites], servers


def district_articles(db_path: Path) -> int:
    return count_rows(db_path, "select count(*) from articles where portal = ?", [DISTRICT])


def wait_for_district(cluster) -> None:
    """Wait until the district's run is under way: KILL_AT of its articles archived."""
    wait_until(
        lambda: district_articles(cluster.db_path) >= KILL_AT,
        120,
        "district articles archived",
        cluster.logs,
    )


def assert_archived_once(db_path: Path, sites: dict) -> None:
    db = open_archive(db_path)
    for slug, site in sites.items():
        rows = list(db["articles"].rows_where("portal = ?", [slug]))
        assert len(rows) == len(site.articles), slug
        assert len({row["id"] for row in rows}) == len(rows)
        if slug == DISTRICT:
            for row in rows:
                article = site.articles[int(row["item_id"])]
                assert (row["title"], row["published_at"], row["views"]) == (
                    article["title"],
                    article["published_at"],
                    article["views"],
                )
    doubled = list(
        db.query(
            "select article_id, count(*) n from article_versions group by article_id having n > 1"
        )
    )
    assert doubled == []
    doubled_views = list(
        db.query(
            "select article_id, count(*) n from article_views group by article_id having n > 1"
        )
    )
    assert doubled_views == []
    # a page fetched twice (by a lost worker and by the run after it) is kept once; the second
    # fetch, byte for byte the same, is a revisit row pointing at it, as in a local crawl
    doubled_captures = list(
        db.query(
            "select url, count(*) n from captures where revisit_of is null"
            " group by url having n > 1"
        )
    )
    assert doubled_captures == []


def assert_no_file_left_pending(db_path: Path) -> None:
    db = open_archive(db_path)
    statuses = Counter(row["status"] for row in db["article_files"].rows)
    assert statuses["stored"] > 0 and statuses["pending"] == 0, statuses


def assert_every_response_captured_once(db_path: Path, servers: dict) -> None:
    """Each response a portal served is one capture row: none lost, none written twice."""
    served: Counter = Counter()
    for server in servers.values():
        served.update(server.url + target for target in server.log.targets)
    captured = Counter(row["url"] for row in open_archive(db_path)["captures"].rows)
    kinds = Counter(row["kind"] for row in open_archive(db_path)["captures"].rows)
    assert all(kinds[kind] > 0 for kind in ("listing", "robots", "home", "image", "attachment"))
    assert captured == served


def worker_of(cluster, slug: str):
    """The worker process that claimed the job of ``slug`` (from the workers' logs)."""
    for number, process in enumerate(cluster.workers):
        log = cluster.folder / f"worker-{number + 2}.log"  # the writer's log is the first
        if log.exists() and f"portal {slug} (run" in log.read_text(errors="replace"):
            return process
    return None


def test_a_worker_killed_mid_run_loses_nothing(redis_url, portals, tmp_path):
    sites, rows, _ = portals
    # a lease long enough for a worker starting on a busy machine, short enough for a test
    cluster = new_cluster(redis_url, tmp_path / "worker-kill", lease_seconds=10)
    try:
        cluster.enqueue(rows, JOB_SETTINGS)
        cluster.start_writer()
        cluster.start_worker()
        cluster.start_worker()
        wait_for_district(cluster)
        victim = worker_of(cluster, DISTRICT)
        assert victim is not None and victim.poll() is None, cluster.logs()
        os.kill(victim.pid, signal.SIGKILL)
        killed_at = district_articles(cluster.db_path)
        assert killed_at < len(sites[DISTRICT].articles), "the run ended before the kill"
        survivor = next(p for p in cluster.workers if p is not victim)
        assert exit_status(cluster, cluster.writer, 240) == 0, cluster.logs()
        assert exit_status(cluster, survivor, 60) == 0, cluster.logs()
        assert victim.wait(timeout=10) == -signal.SIGKILL
    finally:
        cluster.stop()
    assert_archived_once(cluster.db_path, sites)
    assert_no_file_left_pending(cluster.db_path)
    district_runs = list(
        open_archive(cluster.db_path).query(
            "select status, mode, articles_new, error from crawl_runs where portal = ? order by id",
            [DISTRICT],
        )
    )
    assert [run["status"] for run in district_runs] == ["interrupted", "ok"], district_runs
    assert "worker was lost" in district_runs[0]["error"]
    # the first run's articles count for it, the second run fetched only the rest
    assert district_runs[0]["articles_new"] >= killed_at
    assert sum(run["articles_new"] for run in district_runs) == len(sites[DISTRICT].articles)


def test_a_killed_writer_started_again_loses_nothing(redis_url, portals, tmp_path):
    sites, rows, servers = portals
    cluster = new_cluster(redis_url, tmp_path / "writer-kill")
    try:
        cluster.enqueue(rows, JOB_SETTINGS)
        writer = cluster.start_writer()
        cluster.start_worker()
        cluster.start_worker()
        wait_for_district(cluster)
        os.kill(writer.pid, signal.SIGKILL)
        assert writer.wait(timeout=10) == -signal.SIGKILL
        killed_at = district_articles(cluster.db_path)
        assert killed_at < len(sites[DISTRICT].articles), "the run ended before the kill"
        time.sleep(1.0)  # the workers go on sending while no writer reads
        waiting = connect(redis_url).xrange(Keys(cluster.prefix).results)
        assert any(fields[b"kind"] == b"capture" for _, fields in waiting)  # captures in flight
        restarted = cluster.start_writer()
        assert exit_status(cluster, restarted, 240) == 0, cluster.logs()
        assert [exit_status(cluster, w, 60) for w in cluster.workers] == [0, 0], cluster.logs()
    finally:
        cluster.stop()
    assert_archived_once(cluster.db_path, sites)
    assert_every_response_captured_once(cluster.db_path, servers)
    assert_no_file_left_pending(cluster.db_path)
    db = open_archive(cluster.db_path)
    all_runs = list(db.query("select portal, status, articles_new from crawl_runs order by id"))
    # no run lost its worker: each ends ok, its counts whole across the two writers
    assert sorted((r["portal"], r["status"], r["articles_new"]) for r in all_runs) == sorted(
        (slug, "ok", len(site.articles)) for slug, site in sites.items()
    )


def test_a_worker_that_lost_its_lease_stops_and_nothing_is_doubled(redis_url, portals, tmp_path):
    """A worker cut off from Redis long enough (here: its lease deleted) finds its lease gone at
    its next renewal and stops; the writer has given the portal to a new run meanwhile. The
    articles both fetched are kept once."""
    sites, rows, _ = portals
    cluster = new_cluster(redis_url, tmp_path / "lease-lost", lease_seconds=10)
    try:
        cluster.enqueue(rows, JOB_SETTINGS)
        cluster.start_writer()
        cluster.start_worker()
        cluster.start_worker()
        wait_for_district(cluster)
        queue = JobQueue(connect(redis_url), Keys(cluster.prefix))
        job = next(job for job in queue.live_jobs() if job.portal.slug == DISTRICT)
        assert queue.client.delete(Keys(cluster.prefix).lease(job.job_id)) == 1
        assert exit_status(cluster, cluster.writer, 240) == 0, cluster.logs()
        assert [exit_status(cluster, w, 60) for w in cluster.workers] == [0, 0], cluster.logs()
    finally:
        cluster.stop()
    logs = "".join(path.read_text(errors="replace") for path in cluster.folder.glob("worker-*"))
    assert f"lost the lease of {DISTRICT}" in logs
    assert_archived_once(cluster.db_path, sites)
    district_runs = list(
        open_archive(cluster.db_path).query(
            "select status, articles_new from crawl_runs where portal = ? order by id", [DISTRICT]
        )
    )
    assert [run["status"] for run in district_runs] == ["interrupted", "ok"], district_runs
    assert sum(run["articles_new"] for run in district_runs) == len(sites[DISTRICT].articles)
