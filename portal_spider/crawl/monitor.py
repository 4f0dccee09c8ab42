"""Warnings a maintainer can act on, computed per portal at the end of each run.

* ``stale``: the newest archived article of an active portal is older than
  ``PORTAL_ARCHIVE_MONITOR_STALE_DAYS`` days (the portal stopped publishing, moved, or its listings
  changed so new articles are no longer found). A portal whose registry status is ``frozen``
  (a unit dissolved or merged: its archive is complete), ``redirected`` or ``offline`` is expected
  to publish nothing new and gets no such warning;
* ``field_missing``: a field was not found on more than its share of the article pages of the run
  (``PORTAL_ARCHIVE_MONITOR_FIELDS``, field -> percent; the page object needs a look);
* ``error_rate``: more than ``PORTAL_ARCHIVE_MONITOR_ERROR_PCT`` percent of the run's requests
  failed;
* ``no_articles``: listing pages were fetched but showed no article link at all;
* ``robots_blocked``: robots.txt forbade every request of the run, so nothing was fetched (the
  portal's robots.txt shuts crawlers out: ask its webmaster, or set ``obey_robots = false`` in
  its registry row when archiving it is agreed);
* ``host_down``: the portal's host did not answer at all (every request failed to connect or
  timed out), or stopped answering so the circuit breaker left its other requests for the next
  run (:mod:`portal_spider.crawl.downloader.circuit`);
* ``too_large``: article or listing pages over ``DOWNLOAD_MAXSIZE`` were skipped (recorded in
  ``pending_articles`` with their size, not retried);
* ``limit``: a limit of the run (:mod:`portal_spider.crawl.limits`) stopped listing walks or
requests;
  the next run continues where it stopped, but a portal that hits a limit run after run needs a
  higher one in its registry row;
* ``trap``: a listing URL family kept leading to new listing pages without a new article and was
  cut off (:mod:`portal_spider.crawl.traps`); its pages were left out of the run.
* ``offline``: the run's liveness check found the portal offline or gone when its previous check
  had not (:mod:`portal_spider.liveness.check`, stored with the run by the store pipeline; also
  given by ``portal-archive check-sites``): the moment to make sure its archive is complete.

The thresholds are settings, so they can be changed per run with ``--set``. The warnings are
stored in ``run_warnings``, logged, and printed by ``portal-archive crawl`` and ``runs``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scrapy.settings import BaseSettings
from sqlite_utils import Database

from archive.runs import RunWarning
from portal_spider.crawl.clock import parse_time
from portal_spider.crawl.downloader.robots import run_blocked
from portal_spider.registry import Portal

DEFAULT_FIELDS = {"title": 5.0, "published_at": 5.0, "body_text": 5.0, "views": 50.0}
# registry statuses of portals that are not expected to publish anything new
STALE_EXPECTED = frozenset({"frozen", "redirected", "offline"})


@dataclass
class MonitorThresholds:
    """When to warn."""

    stale_days: float = 30.0
    fields: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_FIELDS))
    error_pct: float = 10.0
    min_pages: int = 5  # article pages a run needs before field shares mean something

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> MonitorThresholds:
        fields = settings.getdict("PORTAL_ARCHIVE_MONITOR_FIELDS") or DEFAULT_FIELDS
        return cls(
            stale_days=settings.getfloat("PORTAL_ARCHIVE_MONITOR_STALE_DAYS", 30.0),
            fields={name: float(pct) for name, pct in fields.items()},
            error_pct=settings.getfloat("PORTAL_ARCHIVE_MONITOR_ERROR_PCT", 10.0),
            min_pages=settings.getint("PORTAL_ARCHIVE_MONITOR_MIN_PAGES", 5),
        )


def check_run(
    db: Database,
    run_id: int,
    portal: Portal,
    thresholds: MonitorThresholds,
    now: datetime,
    *,
    listing_articles: int | None = None,
    robots_forbidden: int = 0,
    unreachable: bool = False,
    breaker_opened: bool = False,
    requests_not_sent: int = 0,
    pages_too_large: int = 0,
    run_stats: Mapping[str, Any] | None = None,
) -> list[RunWarning]:
    """The warnings about ``portal`` after the run ``run_id`` (its row must be closed).

    ``unreachable``: no request got any answer; ``breaker_opened`` and ``requests_not_sent``:
    the circuit breaker gave up on the host and did not send that many requests;
    ``pages_too_large``: pages skipped for their size; ``run_stats``: the crawl's stats, for the
    limits and traps the run met.
    """
    run = db["crawl_runs"].get(run_id)
    warnings: list[RunWarning] = []
    slug = portal.slug
    newest = next(
        db.query("select max(published_at) as newest from articles where portal = ?", [slug])
    )["newest"]
    if portal.status not in STALE_EXPECTED and newest:
        age = (now - parse_time(newest)).total_seconds() / 86400
        if age > thresholds.stale_days:
            warnings.append(
                RunWarning(
                    slug,
                    "stale",
                    f"no new article in {age:.0f} days (newest published {newest[:10]}; "
                    f"threshold {thresholds.stale_days:g} days)",
                    round(age, 1),
                    thresholds.stale_days,
                )
            )
    article_pages = run["article_pages"] or 0
    if article_pages >= thresholds.min_pages:
        missing = _json_counts(run["fields_missing"])
        for name, pct in thresholds.fields.items():
            share = 100.0 * missing.get(name, 0) / article_pages
            if share > pct:
                warnings.append(
                    RunWarning(
                        slug,
                        "field_missing",
                        f"field {name} missing on {share:.0f}% of {article_pages} article pages "
                        f"(threshold {pct:g}%)",
                        round(share, 1),
                        pct,
                    )
                )
    failed = run["pages_failed"] or 0
    attempted = (run["pages_fetched"] or 0) + failed
    if attempted and 100.0 * failed / attempted > thresholds.error_pct:
        rate = 100.0 * failed / attempted
        warnings.append(
            RunWarning(
                slug,
                "error_rate",
                f"{failed} of {attempted} requests failed ({rate:.0f}%; threshold "
                f"{thresholds.error_pct:g}%)",
                round(rate, 1),
                thresholds.error_pct,
            )
        )
    if (run["listing_pages"] or 0) > 0 and listing_articles == 0:
        warnings.append(
            RunWarning(
                slug,
                "no_articles",
                f"{run['listing_pages']} listing page(s) fetched but no article link found on "
                "them (layout changed, or wrong entry points)",
                0.0,
                None,
            )
        )
    if run_blocked(robots_forbidden, run["pages_fetched"] or 0, failed):
        warnings.append(
            RunWarning(
                slug,
                "robots_blocked",
                f"robots.txt forbade all {robots_forbidden} request(s) of the run: nothing was "
                "fetched (the portal shuts crawlers out)",
                float(robots_forbidden),
                None,
            )
        )
    if unreachable or breaker_opened:
        what = (
            "no request got an answer (DNS failure, connection refused or timeout)"
            if unreachable
            else "the host stopped answering during the run"
        )
        warnings.append(
            RunWarning(
                slug,
                "host_down",
                f"{what}; {requests_not_sent} request(s) not sent, left for the next run",
                float(requests_not_sent),
                None,
            )
        )
    if pages_too_large:
        warnings.append(
            RunWarning(
                slug,
                "too_large",
                f"{pages_too_large} page(s) over DOWNLOAD_MAXSIZE skipped (recorded in "
                "pending_articles with their size, not retried)",
                float(pages_too_large),
                None,
            )
        )
    warnings.extend(limit_warnings(slug, run_stats or {}))
    return warnings


def limit_warnings(slug: str, stats: Mapping[str, Any]) -> list[RunWarning]:
    """The ``limit`` and ``trap`` warnings of one portal, from the crawl's stats."""
    prefix = f"portal/{slug}/"
    limits = stats.get(prefix + "limits") or {}
    warnings: list[RunWarning] = []
    walks = int(stats.get(prefix + "limit_reached/max_listing_pages") or 0)
    if walks:
        most = limits.get("max_listing_pages")
        warnings.append(
            RunWarning(
                slug,
                "limit",
                f"{walks} listing walk(s) stopped at the listing page limit ({most} pages per "
                "listing per run); the next run continues them",
                float(walks),
                float(most) if most else None,
            )
        )
    budget = stats.get(prefix + "limit_reached/max_requests")
    if budget:
        refused = int(stats.get(prefix + "requests_refused") or 0)
        warnings.append(
            RunWarning(
                slug,
                "limit",
                f"request limit reached ({budget} requests per run; {refused} more left for the "
                "next run)",
                float(refused),
                float(budget),
            )
        )
    families = list(stats.get(prefix + "trap_families") or [])
    if families:
        dropped = int(stats.get(prefix + "listings_left_out/trap") or 0)
        more = len(families) - 3
        shown = ", ".join(families[:3]) + (f" and {more} more" if more > 0 else "")
        warnings.append(
            RunWarning(
                slug,
                "trap",
                f"listing trap(s) cut off after {limits.get('trap_pages')} pages without a new "
                f"article: {shown} ({dropped} listing pages left out)",
                float(len(families)),
                float(limits["trap_pages"]) if limits.get("trap_pages") else None,
            )
        )
    return warnings


def _json_counts(text: str | None) -> dict[str, int]:
    data = json.loads(text or "{}")
    return {str(k): int(v) for k, v in data.items()} if isinstance(data, dict) else {}
