"""Progress of a crawl: a live line on a terminal, one summary line per portal in a log.

When stderr is a terminal, a line is rewritten every ``PORTAL_ARCHIVE_PROGRESS_INTERVAL`` seconds
(default 2): elapsed time, pages fetched (listing and article), articles stored, failures, the
rate, and the portal that answered last. Otherwise (cron, systemd, a pipe) nothing is printed as
it goes, and when the crawl ends one line per portal is logged at INFO. ``PORTAL_ARCHIVE_PROGRESS``
set to ``false`` turns both off.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any, TextIO

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from twisted.internet.task import LoopingCall

logger = logging.getLogger(__name__)


def portal_summary(stats: dict[str, Any], slug: str, seconds: float) -> str:
    """One line about one portal from the crawl's stats."""

    def value(key: str) -> int:
        return int(stats.get(f"portal/{slug}/{key}") or 0)

    pages = value("listing_pages") + value("article_pages")
    return (
        f"{slug}: {pages} pages ({value('listing_pages')} listing, {value('article_pages')} "
        f"article, {value('revisits')} revisits due), articles {value('archive/new')} new, "
        f"{value('archive/updated')} updated, {value('archive/unchanged')} unchanged, "
        f"{value('archive/gone')} gone, {value('pages_failed')} failed, in {seconds:.0f}s"
    )


class ProgressExtension:
    """Show how far a crawl got."""

    def __init__(self, crawler: Crawler, interval: float, stream: TextIO) -> None:
        self.crawler = crawler
        self.interval = interval
        self.stream = stream
        self.interactive = stream.isatty()
        self.started = time.monotonic()
        self.last_portal = ""
        self.width = 0
        self.loop: LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.response_received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        if not crawler.settings.getbool("PORTAL_ARCHIVE_PROGRESS", True):
            raise NotConfigured  # turned off
        interval = crawler.settings.getfloat("PORTAL_ARCHIVE_PROGRESS_INTERVAL", 2.0)
        return cls(crawler, interval, sys.stderr)

    def spider_opened(self, spider: Any) -> None:
        self.started = time.monotonic()
        if self.interactive:
            self.loop = LoopingCall(self.show)
            self.loop.start(self.interval, now=False)

    def response_received(self, response: Response, request: Request, spider: Any) -> None:
        self.last_portal = request.meta.get("portal", self.last_portal)

    def line(self) -> str:
        """The live line: totals over every portal of the run."""
        stats = self.crawler.stats.get_stats()
        elapsed = max(time.monotonic() - self.started, 0.001)
        listing = article = failed = 0
        for key, value in stats.items():
            if not key.startswith("portal/") or not isinstance(value, int):
                continue
            if key.endswith("/listing_pages"):
                listing += value
            elif key.endswith("/article_pages"):
                article += value
            elif key.endswith("/pages_failed"):
                failed += value
        stored = sum(int(stats.get(f"archive/{k}") or 0) for k in ("new", "updated", "unchanged"))
        portals = len(getattr(self.crawler.spider, "portals", {}) or {})
        rate = 60.0 * (listing + article) / elapsed
        return (
            f"[{elapsed:4.0f}s] {portals} portal(s): {listing + article} pages ({listing} listing, "
            f"{article} article), {stored} stored ({int(stats.get('archive/new') or 0)} new), "
            f"{failed} failed, {rate:.0f} pages/min; last: {self.last_portal}"
        )

    def show(self) -> None:
        text = self.line()
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        elapsed = time.monotonic() - self.started
        if self.interactive:
            self.show()
            self.stream.write("\n")
            self.stream.flush()
            return
        stats = self.crawler.stats.get_stats()
        for slug in getattr(spider, "portals", {}):
            logger.info("%s", portal_summary(stats, slug, elapsed))
