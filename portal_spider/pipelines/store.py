"""Pipeline step 3: store the raw capture and the article in the SQLite archive.

Opens the archive named by the ``PORTAL_ARCHIVE_DB`` setting when the spider opens, records the
portals and one crawl run per portal, and closes each run with its counts when the spider closes.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler

from archive.db import open_archive
from archive.store import ArchiveStore, RunCounts
from portal_spider.items import ArticleItem
from portal_spider.pipelines.normalize import COUNTED_FIELDS

logger = logging.getLogger(__name__)


class StorePipeline:
    """Write items to the archive, one transaction an item."""

    def __init__(self, crawler: Crawler, db_path: str, mode: str) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.mode = mode
        self.store: ArchiveStore | None = None
        self.runs: dict[str, int] = {}
        self.counts: dict[str, RunCounts] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        settings = crawler.settings
        mode = "full" if settings.getbool("PORTAL_ARCHIVE_FULL") else "incremental"
        return cls(crawler, settings.get("PORTAL_ARCHIVE_DB"), mode)

    def open_spider(self, spider: Any = None) -> None:
        self.store = ArchiveStore(open_archive(self.db_path))
        for portal in self.crawler.spider.portals.values():
            self.store.upsert_portal(portal.to_row())
            self.runs[portal.slug] = self.store.start_run(portal.slug, self.mode)
            self.counts[portal.slug] = RunCounts()
        self.crawler.stats.set_value("archive/path", str(self.db_path))

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, ArticleItem) or self.store is None:
            return item
        capture_id = None
        if item.raw_body is not None:
            capture_id = self.store.save_capture(
                portal=item.portal or "",
                run_id=self.runs.get(item.portal or ""),
                url=item.url,
                body=item.raw_body,
                http_status=item.http_status,
                headers=item.raw_headers,
                fetched_at=item.fetched_at or "",
            )
        outcome = self.store.save_article(item.to_record(), capture_id)
        counts = self.counts.setdefault(item.portal or "", RunCounts())
        setattr(counts, f"articles_{outcome}", getattr(counts, f"articles_{outcome}") + 1)
        self.crawler.stats.inc_value(f"archive/{outcome}")
        return item

    def close_spider(self, spider: Any = None) -> None:
        if self.store is None:
            return
        stats = self.crawler.stats
        reason = stats.get_value("finish_reason") or "finished"
        for slug, run_id in self.runs.items():
            counts = self.counts[slug]
            counts.pages_fetched = (stats.get_value(f"portal/{slug}/listing_pages") or 0) + (
                stats.get_value(f"portal/{slug}/article_pages") or 0
            )
            counts.pages_failed = stats.get_value(f"portal/{slug}/pages_failed") or 0
            counts.fields_missing = {
                f: stats.get_value(f"portal/{slug}/missing/{f}")
                for f in COUNTED_FIELDS
                if stats.get_value(f"portal/{slug}/missing/{f}")
            }
            platform = stats.get_value(f"portal/{slug}/detected_platform")
            if platform:
                self.store.record_detected_platform(slug, platform)
            status = "ok" if reason == "finished" else "interrupted"
            self.store.finish_run(run_id, counts, status)
        self.store.db.close()
