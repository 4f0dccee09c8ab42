"""Pipeline step 3: store the raw capture and the article in the SQLite archive.

Opens the archive named by the ``PORTAL_ARCHIVE_DB`` setting when the spider opens, closes the
runs a killed crawl left ``running``, repairs the articles an earlier crawl left half-written
(:mod:`archive.repair`; this happens before the spider's ``start()`` reads the crawl plan, so their
refetches are in it), records the portals and one crawl run per portal, writes each article with
its raw capture, version, URL and views in one transaction, and marks articles reported gone. When
the spider has closed (only then is the reason known) it closes each run with its counts and
status, and stores the monitor's warnings for it, one transaction per portal.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from archive.crawl_memory import record_failure
from archive.db import open_archive
from archive.repair import repair_half_written
from archive.runs import mark_interrupted_runs, save_warnings
from archive.store import ArchiveStore, Capture, RunCounts, article_id
from archive.transactions import write_transaction
from portal_spider.crawl.clock import Clock
from portal_spider.crawl.downloader.circuit import portal_unreachable
from portal_spider.crawl.downloader.robots import run_blocked
from portal_spider.crawl.monitor import MonitorThresholds, check_run
from portal_spider.items import ArticleItem, GoneArticle
from portal_spider.liveness.check import DEFAULT_FROZEN_DAYS, check_from_run
from portal_spider.pipelines.normalize import COUNTED_FIELDS

logger = logging.getLogger(__name__)


def run_status(
    reason: str, pages_fetched: int, pages_failed: int, robots_forbidden: int = 0
) -> str:
    """A run's status from why the spider closed and what it fetched (see archive.runs)."""
    if reason != "finished":
        return "interrupted"
    if run_blocked(robots_forbidden, pages_fetched, pages_failed):
        return "blocked"
    if pages_failed and not pages_fetched:
        return "failed"
    return "partial" if pages_failed else "ok"


class StorePipeline:
    """Write items to the archive, one transaction an item; record the runs."""

    def __init__(self, crawler: Crawler, db_path: str, mode: str) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.mode = mode
        self.clock = Clock(crawler.settings.get("PORTAL_ARCHIVE_NOW"))
        self.store: ArchiveStore | None = None
        self.runs: dict[str, int] = {}
        self.counts: dict[str, RunCounts] = {}
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        settings = crawler.settings
        mode = "full" if settings.getbool("PORTAL_ARCHIVE_FULL") else "incremental"
        return cls(crawler, settings.get("PORTAL_ARCHIVE_DB"), mode)

    def open_spider(self, spider: Any = None) -> None:
        self.store = ArchiveStore(open_archive(self.db_path))
        portals = self.crawler.spider.portals
        # the lock is held (by the runner or the lock extension): a run still "running" is dead
        mark_interrupted_runs(self.store.db, self.clock.iso())
        self.repair(tuple(portals))
        with write_transaction(self.store.db):
            for portal in portals.values():
                self.store.upsert_portal(portal.to_row())
                self.runs[portal.slug] = self.store.start_run(
                    portal.slug, self.mode, self.clock.iso()
                )
                self.counts[portal.slug] = RunCounts()
        self.crawler.stats.set_value("archive/path", str(self.db_path))
        self.crawler.stats.set_value("archive/run_ids", dict(self.runs))

    def repair(self, slugs: tuple[str, ...]) -> None:
        """Complete the articles of ``slugs`` an earlier crawl left half-written; count them."""
        assert self.store is not None
        report = repair_half_written(self.store.db, slugs, self.clock.iso())
        stats = self.crawler.stats
        stats.set_value("archive/half_written", len(report.articles))
        for slug, count in report.by_portal().items():
            stats.set_value(f"portal/{slug}/archive/half_written", count)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if self.store is None:
            return item
        if isinstance(item, GoneArticle):
            if self.store.mark_gone(item.article_id, item.observed_at):
                self.counts.setdefault(item.portal, RunCounts()).articles_gone += 1
                self.crawler.stats.inc_value(f"portal/{item.portal}/archive/gone")
            return item
        if not isinstance(item, ArticleItem):
            return item
        slug = item.portal or ""
        capture = None
        if item.raw_body is not None:
            capture = Capture(
                portal=slug,
                run_id=self.runs.get(slug),
                url=item.url,
                body=item.raw_body,
                http_status=item.http_status,
                headers=item.raw_headers,
                fetched_at=item.fetched_at or self.clock.iso(),
                kind="article",
                request_headers=item.raw_request_headers,
            )
        aid = article_id(slug, item.item_id, item.canonical_url)
        pending = self.pending_row(aid) if item.refetch_reason else None
        outcome = self.store.save_fetched(item.to_record(), capture)
        if item.refetch_reason:
            self.keep_pending(aid, item, pending)
        counts = self.counts.setdefault(slug, RunCounts())
        setattr(counts, f"articles_{outcome}", getattr(counts, f"articles_{outcome}") + 1)
        self.crawler.stats.inc_value(f"archive/{outcome}")
        self.crawler.stats.inc_value(f"portal/{slug}/archive/{outcome}")
        return item

    def pending_row(self, aid: str) -> dict[str, Any] | None:
        """The pending row of an article (its attempts so far), if it failed before."""
        assert self.store is not None
        return next(
            self.store.db.query(
                "select attempts, first_failed_at from pending_articles where article_id = ?",
                [aid],
            ),
            None,
        )

    def keep_pending(self, aid: str, item: ArticleItem, before: dict[str, Any] | None) -> None:
        """Keep an article whose page gave nothing pending (storing it cleared the row), its
        attempts counted on from ``before``, so later runs fetch it again until they give up."""
        assert self.store is not None
        when = item.fetched_at or self.clock.iso()
        reason = str(item.refetch_reason)
        record_failure(
            self.store.db,
            article_id=aid,
            portal=item.portal or "",
            url=item.url,
            error=reason,
            when=when,
        )
        if before is not None:
            with self.store.db.conn:
                self.store.db.execute(
                    "update pending_articles set attempts = ?, first_failed_at = ? "
                    "where article_id = ?",
                    [int(before["attempts"] or 0) + 1, before["first_failed_at"], aid],
                )

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Close every run with its counts and status, then store the monitor's warnings."""
        if self.store is None:
            return
        stats = self.crawler.stats
        thresholds = MonitorThresholds.from_settings(self.crawler.settings)
        for slug, run_id in self.runs.items():
            counts = self.counts[slug]

            def value(key: str, slug: str = slug) -> int:
                return int(stats.get_value(f"portal/{slug}/{key}") or 0)

            counts.listing_pages = value("listing_pages")
            counts.article_pages = value("article_pages")
            counts.revisits = value("revisits")
            counts.pages_fetched = counts.listing_pages + counts.article_pages + value("gone_seen")
            counts.pages_failed = value("pages_failed")
            counts.fields_missing = {
                f: value(f"missing/{f}") for f in COUNTED_FIELDS if value(f"missing/{f}")
            }
            platform = stats.get_value(f"portal/{slug}/detected_platform")
            status = run_status(
                reason, counts.pages_fetched, counts.pages_failed, value("forbidden_by_robots")
            )
            error = None if reason == "finished" else f"the crawl stopped early ({reason})"
            # the run's row, its platform and its warnings are kept together, or not at all
            with write_transaction(self.store.db):
                if platform:
                    self.store.record_detected_platform(slug, platform)
                self.store.finish_run(run_id, counts, status, error, finished_at=self.clock.iso())
                warnings = check_run(
                    self.store.db,
                    run_id,
                    self.crawler.spider.portals[slug],
                    thresholds,
                    self.clock.now(),
                    listing_articles=value("listing_articles"),
                    robots_forbidden=value("forbidden_by_robots"),
                    unreachable=portal_unreachable(stats.get_stats(), slug),
                    breaker_opened=bool(value("breaker_opened")),
                    requests_not_sent=value("breaker_skipped"),
                    pages_too_large=value("pages_too_large"),
                    run_stats=stats.get_stats(),
                )
                save_warnings(self.store.db, run_id, warnings, self.clock.iso())
            outcome = check_from_run(
                self.store.db,
                self.crawler.spider.portals[slug],
                run_id,
                now=self.clock.now(),
                unreachable=portal_unreachable(stats.get_stats(), slug),
                pages_fetched=counts.pages_fetched,
                frozen_days=self.crawler.settings.getfloat(
                    "PORTAL_ARCHIVE_FROZEN_DAYS", DEFAULT_FROZEN_DAYS
                ),
            )
            if outcome and outcome.warning:
                save_warnings(self.store.db, run_id, [outcome.warning], self.clock.iso())
                warnings.append(outcome.warning)
            for warning in warnings:
                logger.warning("portal %s: %s", slug, warning.message)
        self.store.db.close()
        self.store = None
