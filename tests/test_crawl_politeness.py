"""Politeness measured at the server: requests in flight per host, delays, User-Agent, robots.

Scrapy 2.19 with its asyncio reactor and ``DOWNLOAD_DELAY = 0`` was seen to run 7 requests at
once against one host despite ``CONCURRENT_REQUESTS_PER_DOMAIN = 2``; the crawler raises a zero
delay to a floor, so the limit holds whatever delay is asked for.
"""

from __future__ import annotations

import pytest
from crawl_helpers import write_registry, yenbai_registry_row
from crawl_machinery import NOW, crawl, make_site

from portal_spider.crawl.report import EXIT_ROBOTS_BLOCKED
from portal_spider.demo.server import PortalServer

pytestmark = pytest.mark.crawl

SLOW = 0.2  # seconds the server takes per request, so requests overlap when they can
FAST_SETTINGS = ("--set", "AUTOTHROTTLE_ENABLED=False")


@pytest.mark.parametrize("delay", ["0.01", "0"])
def test_at_most_two_requests_in_flight_per_host(tmp_path, delay):
    with PortalServer(make_site(12), delay=SLOW) as server:
        result = crawl(
            server.url + "/", "--db", str(tmp_path / "a.db"), "--delay", delay, *FAST_SETTINGS
        )
        assert result.returncode == 0, result.stderr[-3000:]
        seen = server.log.max_in_flight
        print(f"delay {delay}: {server.log.count()} requests, max in flight {seen}")
        assert server.log.max_in_flight == 2
        assert server.log.count() > 10
        (agent,) = server.log.user_agents
    assert agent.startswith("portal-archive/") and "+https://" in agent
    if delay == "0":
        assert "raised to" in result.stderr


def test_a_portal_row_sets_its_own_concurrency_and_user_agent(tmp_path):
    site = make_site(12)
    with PortalServer(site, delay=SLOW) as server:
        row = yenbai_registry_row("langtest", site, server.url)
        row.update(concurrency=1, user_agent="portal-archive-test/1 (+https://example.org/contact)")
        registry = write_registry(tmp_path / "portals.toml", [row])
        result = crawl(
            "--all",
            "--db",
            str(tmp_path / "a.db"),
            "--delay",
            "0.01",
            *FAST_SETTINGS,
            registry=registry,
            now=NOW,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert server.log.max_in_flight == 1
        assert server.log.user_agents == {row["user_agent"]}
    assert "langtest: ok" in result.stdout


def test_robots_txt_is_obeyed(tmp_path):
    site = make_site(12)
    with PortalServer(site) as server:
        result = crawl(
            server.url + "/_layouts/15/lienhe.aspx",
            "--db",
            str(tmp_path / "a.db"),
            "--delay",
            "0.01",
        )
        targets = list(server.log.targets)
    # the forbidden entry page is not fetched; the home page (allowed) is kept as a capture
    assert targets == ["/robots.txt", "/"]
    # the only entry page is forbidden: the run is blocked, and says so
    assert result.returncode == EXIT_ROBOTS_BLOCKED, result.stderr[-3000:]
