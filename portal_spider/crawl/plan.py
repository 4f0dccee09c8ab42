"""The crawl plan of each portal, read from the archive, and the listing walks of this run.

At the start of a run the spider asks, per portal: which articles are archived already (so a
listing link to one is not fetched again), which are due for a revisit, which failed before and
are pending, and which listings had a complete walk (so an incremental walk may stop early).
During the run it records each walk's start and, as it moves, its resume point
(:mod:`portal_spider.crawl.resume`); at the end it records the walks that completed and where each
unfinished one continues. Each of these steps is one transaction.
The rules themselves are documented in :mod:`archive.crawl_memory` and
:mod:`portal_spider.crawl.revisits`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from archive import crawl_memory
from archive.crawl_memory import KnownArticle, ListingState
from archive.db import open_archive
from archive.transactions import write_transaction
from portal_spider.crawl.clock import Clock
from portal_spider.crawl.pagesize import TOO_LARGE
from portal_spider.crawl.resume import WalkProgress
from portal_spider.crawl.revisits import revisit_due
from portal_spider.registry import Portal

logger = logging.getLogger(__name__)


@dataclass
class PortalPlan:
    """What one run does about one portal, besides walking its listings."""

    portal: Portal
    steps: tuple[float, ...]
    known_ids: set[str] = field(default_factory=set)
    known_urls: set[str] = field(default_factory=set)
    listings: dict[str, ListingState] = field(default_factory=dict)
    revisits: list[KnownArticle] = field(default_factory=list)
    pending: list[dict] = field(default_factory=list)
    too_large: set[str] = field(default_factory=set)  # ids given up on: over DOWNLOAD_MAXSIZE

    def knows(self, article_id: str, *urls: str) -> bool:
        """Whether the archive holds this article (by id, canonical URL or a URL seen before)."""
        return article_id in self.known_ids or any(url in self.known_urls for url in urls)


@dataclass
class Walk:
    """One listing walked page after page in this run."""

    portal: str
    listing: str
    first_url: str
    stop_allowed: bool
    pages: int = 0
    deepest_page: int = 0
    failures: int = 0
    ended: bool = False  # reached the listing's last page, or its incremental stop point
    stopped_by: str | None = None  # the limit or trap that ended the walk before its end
    progress: WalkProgress = field(default_factory=WalkProgress)


class CrawlState:
    """The archive-backed state of one crawl: plans per portal and walks per listing."""

    def __init__(
        self,
        db_path: str | Path,
        clock: Clock,
        *,
        full: bool,
        max_attempts: int,
        default_steps: tuple[float, ...],
    ) -> None:
        self.db = open_archive(db_path)
        self.clock = clock
        self.full = full
        self.max_attempts = max_attempts
        self.default_steps = default_steps
        self.plans: dict[str, PortalPlan] = {}
        self.walks: dict[tuple[str, str], Walk] = {}

    @property
    def mode(self) -> str:
        return "full" if self.full else "incremental"

    def plan(self, portal: Portal, steps: tuple[float, ...] | None = None) -> PortalPlan:
        """Read what the archive knows about ``portal`` and decide the revisits due now."""
        steps = steps if steps is not None else self.default_steps
        plan = PortalPlan(portal=portal, steps=steps)
        plan.known_ids, plan.known_urls = crawl_memory.known_articles(self.db, portal.slug)
        plan.listings = crawl_memory.listing_states(self.db, portal.slug)
        now = self.clock.now()
        if steps:
            plan.revisits = [
                article
                for article in crawl_memory.revisit_candidates(self.db, portal.slug, max(steps))
                if revisit_due(
                    article.published_at or article.first_seen_at, article.fetched_at, now, steps
                )
            ]
        plan.pending = crawl_memory.pending_articles(self.db, portal.slug, self.max_attempts)
        plan.too_large = crawl_memory.given_up_articles(
            self.db, portal.slug, self.max_attempts, TOO_LARGE
        )
        self.plans[portal.slug] = plan
        logger.info(
            "portal %s: %d articles archived, %d listings known (%d complete), %d revisits due, "
            "%d pending",
            portal.slug,
            len(plan.known_ids),
            len(plan.listings),
            sum(1 for s in plan.listings.values() if s.complete),
            len(plan.revisits),
            len(plan.pending),
        )
        return plan

    def walk(self, slug: str, listing: str, url: str) -> Walk:
        """The walk of ``listing`` in this run, begun (and recorded) at its first page."""
        key = (slug, listing)
        if key not in self.walks:
            state = self.plans[slug].listings.get(listing) if slug in self.plans else None
            stop_allowed = not self.full and state is not None and state.complete
            progress = WalkProgress()
            if state is not None and state.resume_url and not state.complete:
                progress = WalkProgress(resume_page=state.resume_page, resume_url=state.resume_url)
                logger.info(
                    "portal %s: the last walk of %s stopped at page %s (%s); continuing from there "
                    "after its first pages",
                    slug,
                    url,
                    state.resume_page,
                    state.stopped_by or "interrupted",
                )
            elif not self.full and state is not None and not state.complete:
                logger.info(
                    "portal %s: the last walk of %s did not complete; paging through it", slug, url
                )
            crawl_memory.begin_walk(self.db, slug, listing, url, self.clock.iso())
            self.walks[key] = Walk(slug, listing, url, stop_allowed, progress=progress)
        return self.walks[key]

    def save_progress(self, walk: Walk, stopped_by: str = "interrupted") -> None:
        """Write the walk's resume point when it moved (after each page, and at the end)."""
        point = walk.progress.moved()
        if point is None:
            return
        page, url = point
        crawl_memory.save_resume_point(
            self.db,
            walk.portal,
            walk.listing,
            page=page,
            url=url,
            stopped_by=stopped_by,
            when=self.clock.iso(),
        )
        walk.progress.written = point

    def record_failure(self, slug: str, article_id: str, url: str, error: str) -> None:
        """Keep a failed article page for the next runs to retry."""
        crawl_memory.record_failure(
            self.db, article_id=article_id, portal=slug, url=url, error=error, when=self.clock.iso()
        )

    def keep_pending(self, slug: str, article_id: str, url: str, reason: str) -> None:
        """Keep an article page this run did not send for the next runs, counting no try."""
        crawl_memory.keep_pending(
            self.db,
            article_id=article_id,
            portal=slug,
            url=url,
            reason=reason,
            when=self.clock.iso(),
        )

    def give_up(self, slug: str, article_id: str, url: str, reason: str) -> None:
        """Record an article page with its reason, never to be retried (e.g. too large)."""
        crawl_memory.give_up(
            self.db,
            article_id=article_id,
            portal=slug,
            url=url,
            reason=reason,
            when=self.clock.iso(),
            attempts=self.max_attempts,
        )

    def finish(self, finished: bool) -> int:
        """Record the walks that completed (all only when the run finished), and where the others
        continue; returns how many completed.

        The whole end of the run is one transaction: a process killed while recording it leaves
        every walk of the run open, and the next run pages through them as before.
        """
        completed = 0
        with write_transaction(self.db):
            for walk in self.walks.values():
                # articles left unrequested (the request limit) make a walk that reached the end
                # unfinished too: the next run must come back for them
                complete = walk.ended and walk.failures == 0 and not walk.progress.unrequested
                if not (finished and complete):
                    reason = walk.stopped_by or ("failed" if walk.failures else "interrupted")
                    walk.progress.written = None  # written once more, with the final reason
                    self.save_progress(walk, reason)
                    continue
                crawl_memory.complete_walk(
                    self.db,
                    walk.portal,
                    walk.listing,
                    when=self.clock.iso(),
                    mode=self.mode,
                    deepest_page=walk.deepest_page,
                    pages=walk.pages,
                )
                completed += 1
        return completed

    def close(self) -> None:
        self.db.close()
