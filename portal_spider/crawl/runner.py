"""Running a crawl in this process: settings, the Scrapy process, and what it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from portal_spider.crawl.lock import ArchiveLock
from portal_spider.registry import Portal
from portal_spider.spiders.portal import PortalSpider


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
    with ArchiveLock(db_path):
        settings = crawl_settings(db_path, overrides)
        settings.set("PORTAL_ARCHIVE_LOCK_HELD", True, priority="cmdline")
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(PortalSpider)
        process.crawl(crawler, portals=portals)
        process.start()
    return CrawlResult(stats=dict(crawler.stats.get_stats()))
