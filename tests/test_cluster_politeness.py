"""Politeness across the fleet, counted at the server: two workers, two portals, one host.

Two registry portals live on one server (as commune sites hosted by their province do), each
with its own listings: on one host:port, or under two host names that resolve to the server's
address. Two workers crawl them at the same time, each allowed
``CONCURRENT_REQUESTS_PER_DOMAIN = 2`` on its own. The server, answering each request after
150 ms, counts the requests in flight at once: with the Redis host leases never more than 2;
with the leases turned off the same crawl goes over 2, so the count can see a breach.
"""

from __future__ import annotations

import asyncio
import json
import logging
from contextlib import ExitStack
from dataclasses import replace
from types import SimpleNamespace

import pytest
from cluster_helpers import needs_redis, new_cluster, run_cluster
from scrapy import Request
from scrapy.settings import Settings

from archive.db import open_archive
from portal_spider.cluster.demo import portal_row
from portal_spider.cluster.hostlease import LEASE_META, FleetHostLeaseMiddleware
from portal_spider.cluster.keys import Keys, connect
from portal_spider.cluster.local_redis import LocalRedis
from portal_spider.demo.server import PortalServer
from portal_spider.demo.yenbai_site import YenBaiSite

pytestmark = [pytest.mark.crawl, pytest.mark.slow, needs_redis]

logger = logging.getLogger(__name__)

LIMIT = 2
SETTINGS = {
    "CONCURRENT_REQUESTS_PER_DOMAIN": LIMIT,
    "DOWNLOAD_DELAY": 0.001,  # the floor: only the concurrency limit holds the requests back
    "AUTOTHROTTLE_ENABLED": False,
}


def crawl_one_host(tmp_path, *, leases: bool, names: bool = False) -> dict:
    """Two portals on one server crawled by two workers; ``names``: each portal under a host
    name of its own, both names resolving to the server's address."""
    site = YenBaiSite()
    listings = site.entry_points()
    half = len(listings) // 2
    with ExitStack() as stack:
        redis_url = stack.enter_context(LocalRedis()).url
        server = stack.enter_context(PortalServer(site, delay=0.15))
        port = server.httpd.server_address[1]
        hosts = ("xa-a.huyen.test", "xa-b.huyen.test") if names else ("127.0.0.1", "127.0.0.1")
        portals = [
            replace(
                portal_row(slug, site, f"http://{host}:{port}"),
                entry_points=[f"http://{host}:{port}{path}" for path in part],
            )
            for slug, host, part in zip(
                ("host-a", "host-b"), hosts, (listings[:half], listings[half:]), strict=True
            )
        ]
        cluster = new_cluster(redis_url, tmp_path / f"leases-{leases}-names-{names}")
        settings = {**SETTINGS, "PORTAL_ARCHIVE_CLUSTER_HOST_LEASES": leases}
        if names:  # the worker's resolver answers them: a setting of the worker process
            resolve = {host: "127.0.0.1" for host in hosts}
            cluster.worker_settings["PORTAL_ARCHIVE_RESOLVE"] = json.dumps(resolve)
        run_cluster(cluster, portals, settings=settings)
        jobs = [
            path.read_text(errors="replace").count(" done (")
            for path in sorted(cluster.folder.glob("worker-*.log"))
        ]
        logger.info(
            "leases %s: %d requests, at most %d in flight at the server, jobs per worker %s",
            leases,
            server.log.count(),
            server.log.max_in_flight,
            jobs,
        )
        return {
            "max_in_flight": server.log.max_in_flight,
            "requests": server.log.count(),
            "jobs": jobs,
            "db": open_archive(cluster.db_path),
        }


def test_the_host_limit_holds_across_two_workers(tmp_path):
    result = crawl_one_host(tmp_path, leases=True)
    assert result["jobs"] == [1, 1]  # each worker crawled one of the two portals
    assert result["requests"] > 40
    assert result["max_in_flight"] <= LIMIT, result
    assert result["db"]["articles"].count > 0


def test_without_the_leases_the_same_crawl_breaks_the_limit(tmp_path):
    result = crawl_one_host(tmp_path, leases=False)
    assert result["jobs"] == [1, 1]
    assert result["max_in_flight"] > LIMIT, result


def test_portals_under_two_names_of_one_server_share_its_limit(tmp_path):
    result = crawl_one_host(tmp_path, leases=True, names=True)
    assert result["jobs"] == [1, 1]
    assert result["max_in_flight"] <= LIMIT, result
    assert result["db"]["articles"].count > 0


def test_a_lease_outlives_its_request_own_download_timeout():
    """A lease a killed worker leaves behind lasts the request's download timeout (the portal's
    own when it set one) plus the margin: never shorter than the request may be on the network."""
    settings = Settings(
        {"DOWNLOAD_TIMEOUT": 20, "DOWNLOAD_DELAY": 0, "PORTAL_ARCHIVE_CLUSTER_HOST_LEASE_MARGIN": 5}
    )
    with LocalRedis() as server:
        client = connect(server.url)
        crawler = SimpleNamespace(settings=settings, spider=None, stats=None)
        middleware = FleetHostLeaseMiddleware(crawler, client, Keys("lease-life"))
        lives = []
        for meta in ({}, {"download_timeout": 90.0}):
            request = Request("http://127.0.0.1:9/tin-tuc", meta=meta)
            asyncio.run(middleware.process_request(request))
            key, token = request.meta[LEASE_META]
            seconds, micros = client.time()
            lives.append((client.zscore(key, token) - (seconds * 1000 + micros // 1000)) / 1000)
    assert 25 - 2 < lives[0] <= 25, lives
    assert 95 - 2 < lives[1] <= 95, lives
