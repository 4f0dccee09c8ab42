"""Dead servers at the server: pages that never answer, a host that dies, and Retry-After.

Each portal is served on 127.0.0.1 by :class:`fault_sites.FaultySite`, which holds chosen
connections open without a reply (bounded) or answers 429/503 with a Retry-After once; the crawl
runs in a child process. What is asserted is what the server saw (requests per page, their
times) and what the archive holds, never how long the crawl took.
"""

from __future__ import annotations

import email.utils
import time
from datetime import datetime, timezone

import pytest
from crawl_helpers import write_registry, yenbai_registry_row
from crawl_machinery import NOW, crawl
from fault_sites import archived_items, make_faulty_site, pending_items
from reliability_figures import record

from archive.db import open_archive
from portal_spider.crawl.downloader.retry_after import retry_after_seconds
from portal_spider.demo.server import PortalServer
from portal_spider.registry import load_registry

pytestmark = [pytest.mark.crawl, pytest.mark.reliability]

FAST = ("--delay", "0.01", "--set", "AUTOTHROTTLE_ENABLED=False")
TRIES = 3  # RETRY_TIMES = 2: the first try and two retries
BREAKER = 5  # PORTAL_ARCHIVE_BREAKER_FAILURES


def crawl_portal(tmp_path, site, server, **row_fields):
    row = yenbai_registry_row("treo", site, server.url)
    row.update(row_fields)
    registry = write_registry(tmp_path / "portals.toml", [row])
    return crawl("--all", "--db", str(tmp_path / "a.db"), *FAST, registry=registry, now=NOW)


def test_pages_that_never_answer_time_out_fast_and_stay_pending(tmp_path):
    """Three article pages hold the connection open: each is tried three times, each try ends at
    the portal's own 1 s timeout, every other article is archived, the three stay pending."""
    n, hung = 24, {1003, 1010, 1017}
    site = make_faulty_site(n)
    site.hanging.update(hung)
    with PortalServer(site) as server:
        try:
            result = crawl_portal(tmp_path, site, server, download_timeout=1.0)
        finally:
            site.release()
    record("faults_injected", len(hung))
    assert result.returncode == 1, result.stderr[-3000:]  # some pages failed
    assert {item: len(site.times[item]) for item in hung} == dict.fromkeys(hung, TRIES)
    assert site.held == len(hung) * TRIES
    db = open_archive(tmp_path / "a.db")
    archived, pending = archived_items(db), pending_items(db)
    assert archived == set(range(1000, 1000 + n)) - hung
    assert set(pending) == hung
    for row in pending.values():
        assert row["attempts"] == 1
        assert "took longer than 1.0 seconds" in row["last_error"]
    # three hung pages are not a dead host: the breaker stays closed
    assert "got no answer" not in result.stderr
    assert "host_down" not in result.stdout and "stopped answering" not in result.stdout
    record("faults_survived", len(hung))
    record("rows_lost", n - len(archived) - len(pending))


def test_a_host_that_dies_is_left_for_the_next_run(tmp_path):
    """The server stops answering after 20 requests: after five different pages get no answer the
    breaker opens, nothing more is sent, the unsent articles stay pending with no try counted, and
    the next run (server back) archives everything."""
    n = 40
    site = make_faulty_site(n)
    site.dead_after = 20
    with PortalServer(site) as server:
        try:
            first = crawl_portal(tmp_path, site, server, download_timeout=1.0)
        finally:
            site.release()
        sent_after_death = site.requests_after_death
        tried = {item for item, times in site.times.items() if times}
        db = open_archive(tmp_path / "a.db")
        pending = pending_items(db)
        site.revive()
        second = crawl_portal(tmp_path, site, server, download_timeout=1.0)
    record("faults_injected")
    assert first.returncode == 1, first.stderr[-3000:]
    # five different pages, plus at most the one in flight beside them (2 per host at once)
    assert BREAKER <= sent_after_death <= BREAKER + 2, sent_after_death
    assert first.stderr.count("got no answer") == 1  # logged once
    assert "the host stopped answering during the run" in first.stdout
    warning = next(
        db.query("select message, value from run_warnings where kind = 'host_down' and run_id = 1")
    )
    not_sent = int(warning["value"])
    assert not_sent > 0
    assert f"{not_sent} request(s) not sent" in warning["message"]
    # a page the breaker did not send keeps its tries; one that was tried counts one
    assert pending
    assert any(item not in tried for item in pending)
    for item, row in pending.items():
        expected = 1 if item in tried else 0
        assert row["attempts"] == expected, (item, row)
        if not expected:
            assert row["last_error"].startswith("not sent: host 127.0.0.1:")
            assert "stopped answering (DownloadTimeoutError" in row["last_error"]

    assert second.returncode == 0, second.stderr[-3000:]
    archived = archived_items(db)
    assert archived == set(range(1000, 1000 + n))
    assert pending_items(db) == {}
    record("faults_survived")
    record("rows_lost", n - len(archived))


def http_date_in(seconds: int) -> str:
    """An HTTP date ``seconds`` (whole) ahead of now."""
    return email.utils.formatdate(int(time.time()) + seconds, usegmt=True)


def test_retry_after_is_honoured_up_to_the_cap(tmp_path):
    """429 with seconds, 503 with an HTTP date, 429 asking for an hour (capped at 3 s): each retry
    comes after the wait asked (or the cap), and no request reaches the host meanwhile."""
    site = make_faulty_site(12)
    site.throttled = {
        1002: (429, "2"),
        1005: (503, lambda: http_date_in(3)),  # dated when the 503 is sent
        1008: (429, "3600"),
    }
    with PortalServer(site) as server:
        row = yenbai_registry_row("treo", site, server.url)
        registry = write_registry(tmp_path / "portals.toml", [row])
        result = crawl(
            "--all",
            "--db",
            str(tmp_path / "a.db"),
            *FAST,
            "--set",
            "PORTAL_ARCHIVE_RETRY_AFTER_MAX=3",
            registry=registry,
            now=NOW,
        )
        every_request = sorted(t for times in site.times.values() for t in times)
    record("faults_injected", 3)
    assert result.returncode == 0, result.stderr[-3000:]
    asked = {1002: 2.0, 1008: 3.0}  # seconds asked (the hour capped at 3)
    for item in (1002, 1005, 1008):
        throttled_at, retried_at = site.times[item]
        wait = asked.get(item)
        if wait is None:  # the date: what was left of it when the 503 went out
            sent_wall = time.time() - (time.monotonic() - throttled_at)
            date = site.retry_after_sent[item]
            wait = email.utils.parsedate_to_datetime(date).timestamp() - sent_wall - 0.05
            assert 1.9 < wait <= 3.0  # whole seconds: 3 s ahead is 2 to 3 s ahead
        gap = retried_at - throttled_at
        print(f"item {item}: retried {gap:.2f} s after the throttle (asked {wait:.2f} s)")
        assert gap >= wait, (item, gap, wait)
        # the host's slot waited: nothing else was sent in the window (1 s for requests
        # already on their way when the throttle arrived)
        window = [t for t in every_request if throttled_at + 1.0 < t < throttled_at + wait - 0.05]
        assert window == [], (item, window)
    assert result.stderr.count("capped at 3 s") == 1
    db = open_archive(tmp_path / "a.db")
    assert archived_items(db) == set(range(1000, 1012))
    record("faults_survived", 3)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (b"120", 120.0),
        ("0", 0.0),
        (" 7 ", 7.0),
        ("Fri, 04 Dec 2026 21:00:30 GMT", 30.0),  # 30 s after the clock below
        ("Fri, 04 Dec 2026 20:59:00 GMT", 0.0),  # a date past: no wait
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_values(value, expected):
    now = datetime(2026, 12, 4, 21, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds(value, now) == expected
    record("hostile_inputs")


@pytest.mark.parametrize("timeout", [0, -1, "10", True])
def test_a_registry_row_with_a_bad_download_timeout_is_refused(tmp_path, timeout):
    row = {"slug": "cham", "name": "Chậm", "base_url": "https://cham.example.org/"}
    registry = write_registry(tmp_path / "portals.toml", [{**row, "download_timeout": timeout}])
    with pytest.raises(ValueError, match="download_timeout must be a positive number"):
        load_registry(registry)
    good = write_registry(tmp_path / "good.toml", [{**row, "download_timeout": 7.5}])
    assert load_registry(good)[0].download_timeout == 7.5
