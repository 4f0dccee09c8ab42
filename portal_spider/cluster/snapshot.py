"""A portal's crawl plan as JSON: the archive's "seen" state a worker crawls with.

Workers never open the archive. The writer, which does, reads each portal's plan when it makes the
portal's job (the same :meth:`~portal_spider.crawl.plan.CrawlState.plan` a local crawl reads at its
start: articles archived, listings and their resume points, revisits due, pending pages, and the
site model discovery learned of a portal in unknown software, the files its runs kept or skipped
and those still pending) and sends it with the job. A plan
read at dispatch is as fresh as a local run's, and a portal is crawled by one worker at a time, so
nothing but that worker changes the portal's state during the run.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from archive.blobs import known_file_urls, pending_files
from archive.crawl_memory import KnownArticle, ListingState
from portal_spider.crawl.clock import Clock
from portal_spider.crawl.plan import CrawlState, PortalPlan
from portal_spider.crawl.revisits import parse_steps
from portal_spider.registry import Portal

FILE_KINDS = ("attachment", "image")


def read_plan(db_path: str | Path, portal: Portal, settings: Any) -> dict[str, Any]:
    """The plan of ``portal`` read from the archive at ``db_path``, as JSON-ready data."""
    state = CrawlState(
        db_path,
        Clock(settings.get("PORTAL_ARCHIVE_NOW")),
        full=settings.getbool("PORTAL_ARCHIVE_FULL"),
        max_attempts=settings.getint("PORTAL_ARCHIVE_MAX_ATTEMPTS", 5),
        default_steps=parse_steps(settings.get("PORTAL_ARCHIVE_REVISIT_DAYS")),
    )
    try:
        steps = parse_steps(portal.revisit_days) if portal.revisit_days is not None else None
        data = plan_to_data(state.plan(portal, steps))
        data["site_model"], data["schedule"] = state.site_model(portal.slug)
        data["files"] = {
            "known": known_file_urls(state.db, portal.slug),
            "pending": pending_files(state.db, portal.slug, FILE_KINDS),
        }
        return data
    finally:
        state.close()


def plan_to_data(plan: PortalPlan) -> dict[str, Any]:
    return {
        "steps": list(plan.steps),
        "known_ids": sorted(plan.known_ids),
        "known_urls": sorted(plan.known_urls),
        "listings": [asdict(state) for state in plan.listings.values()],
        "revisits": [asdict(article) for article in plan.revisits],
        "pending": [dict(row) for row in plan.pending],
        "too_large": sorted(plan.too_large),
    }


def plan_from_data(portal: Portal, data: dict[str, Any]) -> PortalPlan:
    return PortalPlan(
        portal=portal,
        steps=tuple(data["steps"]),
        known_ids=set(data["known_ids"]),
        known_urls=set(data["known_urls"]),
        listings={row["listing"]: ListingState(**row) for row in data["listings"]},
        revisits=[KnownArticle(**row) for row in data["revisits"]],
        pending=list(data["pending"]),
        too_large=set(data["too_large"]),
    )
