"""Running a crawl in this process: settings, the Scrapy process, and what it returns."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from portal_spider.crawl.lock import ArchiveLock
from portal_spider.registry import Portal
from portal_spider.spiders.portal import PortalSpider

# Python's cycle collector runs its youngest generation every 700 new container objects by
# default: a crawl makes that many in a few requests (Scrapy's requests, responses, deferreds,
# the page objects' records), and 1.1 of a 2,000-article crawl's ~24 CPU seconds went to
# collecting. Every 5,000 objects it costs 0.4 s; garbage cycles wait a little longer (peak
# memory +8 MB on that crawl). The older generations keep their default ratios.
CRAWL_GC_THRESHOLD = 5_000


@contextmanager
def crawl_gc() -> Iterator[None]:
    """Collect garbage cycles at a crawl's pace inside the block; the process's thresholds are
    set back after it."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], CRAWL_GC_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


@dataclass
class CrawlResult:
    """What a crawl did: Scrapy's final stats, and why it stopped."""

    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def finish_reason(self) -> str:
        return str(self.stats.get("finish_reason", "unknown"))

    @property
    def run_ids(self) -> dict[str, int]:
        """The ``crawl_runs`` id of each portal of the crawl."""
        return dict(self.stats.get("archive/run_ids") or {})


def crawl_settings(db_path: str | Path, overrides: dict[str, Any] | None = None) -> Settings:
    """The project's settings, with the archive path and any overrides applied."""
    settings = Settings()
    settings.setmodule("portal_spider.settings", priority="project")
    settings.set("PORTAL_ARCHIVE_DB", str(db_path), priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(
    portals: list[Portal], db_path: str | Path, overrides: dict[str, Any] | None = None
) -> CrawlResult:
    """Crawl ``portals`` into the archive at ``db_path``; blocks until the crawl ends.

    Takes the archive's lock first and raises :class:`~portal_spider.crawl.lock.ArchiveLocked` when
    another crawl holds it. Scrapy's reactor can start once per process, so call this once per
    process.
    """
    with ArchiveLock(db_path), crawl_gc():
        settings = crawl_settings(db_path, overrides)
        settings.set("PORTAL_ARCHIVE_LOCK_HELD", True, priority="cmdline")
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(PortalSpider)
        process.crawl(crawler, portals=portals)
        process.start()
    return CrawlResult(stats=dict(crawler.stats.get_stats()))
