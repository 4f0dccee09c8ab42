"""Helpers for the tests of incremental, resumable crawling: sites, crawls in child processes.

Scrapy's reactor starts once per process, so each crawl runs ``portal-archive crawl`` in a child
process while the portal is served by a thread of the test process. ``PORTAL_ARCHIVE_NOW`` sets
the crawl's clock, so a run can happen "eight days later" without waiting.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from crawl_helpers import CLI, cli_env, run_cli

from portal_spider.demo.generate import VN_TZ, generate_site_data
from portal_spider.demo.yenbai_site import Reply, YenBaiSite

CRAWL = [*CLI, "crawl"]
NOW = datetime(2026, 1, 10, 9, 0, tzinfo=VN_TZ)


class ChangingSite(YenBaiSite):
    """A Yên Bái-family site whose articles can also be redirected to the home page."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.redirected: set[int] = set()

    def redirect_home(self, item_id: int) -> None:
        """The article's page answers 302 to ``/`` (the listings still link it)."""
        self.redirected.add(item_id)

    def handle(self, target: str) -> Reply:
        item = parse_qs(urlsplit(target).query).get("ItemID", [""])[-1]
        if item.isdigit() and int(item) in self.redirected:
            return Reply(302, "text/html; charset=utf-8", b"", location="/")
        return super().handle(target)


def make_site(n: int, newest: datetime | None = None, **kwargs) -> ChangingSite:
    """A site of ``n`` generated articles, the newest published at ``newest``."""
    return ChangingSite(generate_site_data(n, newest=newest or NOW - timedelta(hours=49), **kwargs))


def crawl(
    *args: str, now: datetime | None = None, registry: Path | None = None, timeout: float = 180
) -> subprocess.CompletedProcess:
    """Run ``portal-archive crawl ARGS`` in a child process and wait for it."""
    return run_cli("crawl", *args, registry=registry, now=now, timeout=timeout)


def start_crawl(*args: str, log: Path, now: datetime | None = None) -> subprocess.Popen:
    """Start ``portal-archive crawl ARGS`` in a child process writing its output to ``log``."""
    handle = log.open("w")
    return subprocess.Popen(
        [*CRAWL, *args], stdout=handle, stderr=subprocess.STDOUT, env=cli_env(now)
    )


def item_ids(targets: list[str]) -> list[int]:
    """The ItemIDs of the article pages among request targets."""
    found = []
    for target in targets:
        value = parse_qs(urlsplit(target).query).get("ItemID", [""])[-1]
        if value.isdigit():
            found.append(int(value))
    return found


def listing_pages(targets: list[str]) -> list[tuple[str, int]]:
    """(list, page) of the listing pages among request targets."""
    found = []
    for target in targets:
        query = parse_qs(urlsplit(target).query)
        if "ItemID" not in query and "l" in query:
            found.append((query["l"][-1], int(query.get("page", ["1"])[-1])))
    return found


def stored_articles(db_path: Path) -> int:
    """Articles a running crawl has stored so far, read without disturbing the writer."""
    if not db_path.exists():
        return 0
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
    try:
        return connection.execute("select count(*) from articles").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0
    finally:
        connection.close()


def kill_when_stored(process: subprocess.Popen, db_path: Path, count: int, log: Path) -> int:
    """SIGKILL a running crawl once it has stored ``count`` articles; returns how many it had.

    Fails (with the crawl's log) when the crawl ended before, or did not get there in 60 s.
    """
    deadline = time.monotonic() + 60
    while stored_articles(db_path) < count and process.poll() is None:
        assert time.monotonic() < deadline, (
            f"no {count} articles in 60 s\n{log.read_text()[-3000:]}"
        )
        time.sleep(0.02)
    assert process.poll() is None, f"ended before {count} articles\n{log.read_text()[-3000:]}"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return stored_articles(db_path)
