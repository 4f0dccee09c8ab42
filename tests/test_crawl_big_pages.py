"""Oversized pages and a gzip bomb at the server: the crawl's memory stays bounded.

Three article pages of a local portal are far beyond ``DOWNLOAD_MAXSIZE`` (32 MiB): 50 MB
announced by Content-Length, 50 MB streamed without a length, and 10 GiB of zeros gzipped to about
10 MB. The crawl runs in a child process under a wrapper that reads its peak RSS. Each oversized
page must be dropped early, recorded in ``pending_articles`` as too large (and never fetched
again), counted in the run's warnings, while every other article is archived and the archive stays
small.
"""

from __future__ import annotations

import pytest
from crawl_helpers import write_registry, yenbai_registry_row
from crawl_machinery import NOW, crawl
from fault_sites import (
    archived_items,
    crawl_measured,
    gzip_bomb,
    make_faulty_site,
    pending_items,
)
from reliability_figures import record
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from twisted.python.failure import Failure

from archive.db import open_archive
from portal_spider.crawl.pagesize import too_large_reason
from portal_spider.demo.server import PortalServer

pytestmark = [pytest.mark.crawl, pytest.mark.reliability]

N = 12
BIG = {1000: "length", 1001: "stream", 1002: "bomb"}  # the newest: on the listings' first pages
PEAK_LIMIT_MB = 300
ARCHIVE_LIMIT_MB = 5


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A measured crawl of the portal with its three oversized pages, then a second run."""
    tmp = tmp_path_factory.mktemp("big")
    gzip_bomb()  # built before the server starts, not while the crawler waits
    site = make_faulty_site(N)
    site.big.update(BIG)
    db_path = tmp / "a.db"
    with PortalServer(site) as server:
        registry = write_registry(
            tmp / "portals.toml", [yenbai_registry_row("lon", site, server.url)]
        )
        first = crawl_measured(
            "--all",
            "--db",
            str(db_path),
            "--delay",
            "0.01",
            peak_file=tmp / "peak",
            registry=registry,
            now=NOW,
        )
        first_times = {item: len(site.times.get(item, [])) for item in BIG}
        site.times.clear()
        second = crawl("--all", "--db", str(db_path), "--delay", "0.01", registry=registry, now=NOW)
        second_times = {item: len(site.times.get(item, [])) for item in BIG}
    peak_mb = int((tmp / "peak").read_text()) / 1024
    size_mb = db_path.stat().st_size / 1e6
    print(f"peak RSS of the crawl {peak_mb:.0f} MB; archive {size_mb:.2f} MB")
    record("faults_injected", len(BIG))
    return {
        "first": first,
        "second": second,
        "first_times": first_times,
        "second_times": second_times,
        "peak_mb": peak_mb,
        "size_mb": size_mb,
        "db": open_archive(db_path),
    }


def test_peak_memory_stays_under_the_limit(runs):
    assert runs["first"].returncode == 1, runs["first"].stderr[-3000:]
    assert 0 < runs["peak_mb"] < PEAK_LIMIT_MB
    record("faults_survived", len(BIG))


def test_every_other_article_is_archived_and_the_archive_stays_small(runs):
    archived = archived_items(runs["db"])
    assert archived == set(range(1000, 1000 + N)) - set(BIG)
    assert runs["size_mb"] < ARCHIVE_LIMIT_MB
    record("rows_lost", N - len(BIG) - len(archived))


def test_each_oversized_page_is_recorded_as_too_large_and_not_retried(runs):
    pending = pending_items(runs["db"])
    assert set(pending) == set(BIG)
    assert pending[1000]["last_error"].startswith("too large: ")
    assert "bytes announced" in pending[1000]["last_error"]
    assert "bytes received" in pending[1001]["last_error"]
    assert "once decompressed" in pending[1002]["last_error"]
    for row in pending.values():
        assert row["attempts"] >= 5  # PORTAL_ARCHIVE_MAX_ATTEMPTS: no later run retries it
    assert runs["first_times"] == dict.fromkeys(BIG, 1)  # not retried within the run either
    assert runs["second_times"] == dict.fromkeys(BIG, 0)  # nor by the next run


def test_the_run_says_so(runs):
    out = runs["first"].stdout
    assert "3 page(s) over DOWNLOAD_MAXSIZE skipped" in out
    assert "partial" in out
    assert runs["second"].returncode == 0, runs["second"].stderr[-3000:]


def test_size_failures_are_told_from_other_failures():
    """The three ways Scrapy drops an oversized page give a ``too large`` reason; a timeout, a
    robots.txt refusal and a cancelled download that named another cause do not."""
    limit = 32 * 1024 * 1024
    url = "<GET http://cong.example.org/a>"
    announced = DownloadCancelledError(
        f"Expected to receive 52428800 bytes which is larger than download max size ({limit}) "
        f"in request {url}."
    )
    decompressed = IgnoreRequest(
        f"Ignored response <200 http://cong.example.org/a> because its body (10440000 B "
        f"compressed, 33619968 B decompressed so far) exceeded DOWNLOAD_MAXSIZE ({limit} B) "
        "during decompression."
    )
    reasons = [
        too_large_reason(Failure(error), limit)
        for error in (announced, DownloadCancelledError(), decompressed)
    ]
    assert reasons == [
        f"too large: 52428800 bytes announced (limit {limit})",
        f"too large: more than {limit} bytes received (limit {limit})",
        f"too large: more than 33619968 bytes once decompressed (limit {limit})",
    ]
    others = (
        DownloadTimeoutError("Getting http://cong.example.org/a took longer than 20 seconds."),
        IgnoreRequest("Forbidden by robots.txt"),
        DownloadCancelledError("the crawl stopped"),
    )
    assert [too_large_reason(Failure(error), limit) for error in others] == [None] * 3
    record("hostile_inputs", 6)
