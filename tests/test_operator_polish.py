"""What an operator meets first: an unreachable portal, the log of a connection failure, a frozen
portal's old news, and ``scrapy crawl portal`` without arguments.

Crawls run in a child process against portals served on 127.0.0.1 (an unreachable portal is a
port on 127.0.0.1 that nothing listens on); no other address is contacted.
"""

from __future__ import annotations

import io
import logging
import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from crawl_helpers import write_registry, yenbai_registry_row
from crawl_machinery import NOW, crawl, make_site
from fault_sites import archived_items
from reliability_figures import record
from scrapy.exceptions import CannotResolveHostError
from twisted.internet.error import DNSLookupError

from archive.db import open_archive
from portal_spider.crawl.downloader.connection_errors import OneLineConnectionErrors
from portal_spider.crawl.report import EXIT_OK, EXIT_PAGES_FAILED, EXIT_UNREACHABLE, exit_status
from portal_spider.crawl.runner import CrawlResult
from portal_spider.demo.server import PortalServer

pytestmark = [pytest.mark.crawl, pytest.mark.reliability]

PROJECT = Path(__file__).resolve().parents[1]
FAST = ("--delay", "0.01", "--set", "AUTOTHROTTLE_ENABLED=False")


def closed_port() -> int:
    """A port of 127.0.0.1 that nothing listens on (connections to it are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def problem_lines(log: str) -> list[str]:
    """The lines of a Scrapy log at WARNING or above."""
    return [line for line in log.splitlines() if "] WARNING:" in line or "] ERROR:" in line]


def test_an_unreachable_portal_exits_5_with_one_line_per_failure(tmp_path):
    """One portal answers, the other refuses every connection: the first is archived, the run
    exits 5, says which portal was unreachable, and logs no traceback."""
    site = make_site(6)
    with PortalServer(site) as server:
        rows = [
            yenbai_registry_row("songda", site, server.url),
            {
                **yenbai_registry_row("dongcua", site, f"http://127.0.0.1:{closed_port()}"),
                "entry_points": [],
            },
        ]
        result = crawl(
            "--all",
            "--db",
            str(tmp_path / "a.db"),
            *FAST,
            registry=write_registry(tmp_path / "portals.toml", rows),
            now=NOW,
        )
    record("faults_injected")
    assert result.returncode == EXIT_UNREACHABLE, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    dongcua = next(i for i, line in enumerate(lines) if line.startswith("dongcua: failed"))
    assert lines[dongcua + 1] == "  unreachable: no request to its host got an answer"
    assert any(line.startswith("songda: ok") for line in lines)
    assert "no request got an answer (DNS failure, connection refused or timeout)" in result.stdout
    assert archived_items(open_archive(tmp_path / "a.db")) == set(range(1000, 1006))
    # no traceback at all, and each problem is one line naming the refused connection
    tracebacks = result.stderr.count("Traceback")
    assert tracebacks == 0, result.stderr[-3000:]
    refused = [line for line in problem_lines(result.stderr) if "Connection refused" in line]
    assert refused, result.stderr[-3000:]
    assert not any(line.startswith("  File ") for line in result.stderr.splitlines())
    record("crashes", tracebacks)
    record("faults_survived")


def test_exit_status_tells_an_unreachable_portal_from_failed_pages():
    reachable = {"portal/a/responses": 9, "portal/a/connection_failures": 3}
    down = {"portal/b/connection_failures": 4}
    finished = {"finish_reason": "finished"}
    assert exit_status(CrawlResult({**finished, **reachable})) == EXIT_OK
    failed = {**finished, **reachable, "portal/a/pages_failed": 1}
    assert exit_status(CrawlResult(failed)) == EXIT_PAGES_FAILED
    assert exit_status(CrawlResult({**failed, **down})) == EXIT_UNREACHABLE
    assert exit_status(CrawlResult({**down, "finish_reason": "shutdown"})) == 4


def test_a_dns_failure_is_logged_without_its_traceback():
    """The filter the crawl installs keeps the message of a DNS failure and drops the traceback
    (checked on a log record, so no name is looked up)."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(OneLineConnectionErrors())
    log = logging.getLogger("test.operator.dns")
    log.addHandler(handler)
    log.propagate = False
    try:
        try:
            try:
                raise DNSLookupError("no results for hostname lookup: cong.example.invalid")
            except DNSLookupError as cause:
                raise CannotResolveHostError(str(cause)) from cause
        except CannotResolveHostError:
            log.error("Error downloading <GET http://cong.example.invalid/>", exc_info=True)
        try:
            raise ValueError("a parse error keeps its traceback")
        except ValueError:
            log.error("something else", exc_info=True)
    finally:
        log.removeHandler(handler)
    text = out.getvalue()
    first, rest = text.split("\n", 1)
    assert first == "Error downloading <GET http://cong.example.invalid/>"
    assert rest.startswith("something else\nTraceback (most recent call last):")
    record("hostile_inputs", 2)


def test_a_frozen_portal_is_not_warned_stale(tmp_path):
    """Two copies of a portal whose newest article is 100 days old, crawled in one run: the active
    one is warned stale, the frozen one (its unit dissolved) is not."""
    site = make_site(6, newest=NOW - timedelta(days=100))
    with PortalServer(site) as active, PortalServer(site) as frozen:
        rows = [
            yenbai_registry_row("dangchay", site, active.url),
            {**yenbai_registry_row("dabang", site, frozen.url), "status": "frozen"},
        ]
        result = crawl(
            "dangchay",
            "dabang",
            "--db",
            str(tmp_path / "a.db"),
            *FAST,
            registry=write_registry(tmp_path / "portals.toml", rows),
            now=NOW,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    warned = {
        (r["portal"], r["kind"])
        for r in open_archive(tmp_path / "a.db").query("select portal, kind from run_warnings")
    }
    assert warned == {("dangchay", "stale")}
    assert result.stdout.count("no new article in") == 1


def scrapy_crawl(*args: str, db: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PORTAL_ARCHIVE_DB": str(db)}
    env.pop("PORTAL_ARCHIVE_NOW", None)
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )


def test_scrapy_crawl_portal_without_arguments_refuses(tmp_path):
    result = scrapy_crawl(db=tmp_path / "a.db")
    assert result.returncode == 2, result.stderr[-3000:]
    assert "name the portals to crawl: -a portal=<slug>, -a portal=all" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "a.db").exists()  # nothing was crawled, not even opened
    record("hostile_inputs")


def test_scrapy_crawl_portal_with_a_url_still_crawls(tmp_path):
    site = make_site(4)
    with PortalServer(site) as server:
        result = scrapy_crawl(
            "-a",
            f"url={server.url}/",
            "-s",
            "DOWNLOAD_DELAY=0.01",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            db=tmp_path / "a.db",
        )
        assert server.log.count() > 4
    assert result.returncode == 0, result.stderr[-3000:]
    assert archived_items(open_archive(tmp_path / "a.db")) == set(range(1000, 1004))
