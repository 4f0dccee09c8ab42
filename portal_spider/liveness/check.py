"""Checking portals: one look at each home page, a status derived, a ``portal_checks`` row kept.

Used by ``portal-archive check-sites`` (:func:`check_portals`) and at the end of every crawl
(:func:`check_from_run`, which judges from what the crawl saw instead of fetching again). A
portal that goes ``offline`` or ``gone`` after having been up gets an ``offline`` warning: the
moment to make sure its archive is complete.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from sqlite_utils import Database

from archive.portal_checks import PortalCheck, newest_article, previous_status, record_check
from archive.runs import RunWarning
from archive.store import ArchiveStore
from portal_spider.liveness.probe import Answer, Prober
from portal_spider.liveness.status import judge
from portal_spider.registry import Portal

logger = logging.getLogger(__name__)

DOWN = frozenset({"offline", "gone"})
DEFAULT_FROZEN_DAYS = 90.0


@dataclass
class CheckOutcome:
    check: PortalCheck
    warning: RunWarning | None


def went_down(slug: str, before: str | None, after: str) -> RunWarning | None:
    """The ``offline`` warning when a portal that was up is now offline or gone."""
    if after not in DOWN or before in DOWN:
        return None
    was = f"was {before}" if before else "first check"
    return RunWarning(
        slug,
        "offline",
        f"portal is now {after} ({was}): make sure its archive is complete",
        None,
        None,
    )


def fetch_home(prober: Prober, portal: Portal) -> Answer:
    """The portal's home page; over HTTP when HTTPS fails on TLS (the TLS error is kept)."""
    answer = prober.get(portal.base_url)
    if answer.error == "tls" and urlsplit(portal.base_url).scheme == "https":
        plain = urlunsplit(("http", *urlsplit(portal.base_url)[1:]))
        fallback = prober.get(plain)
        if fallback.answered:
            fallback.error_detail = f"tls over https ({answer.error_detail}); answered over http"
            fallback.error = "tls"
            return fallback
    return answer


def check_portal(
    db: Database,
    prober: Prober,
    portal: Portal,
    registry: list[Portal],
    *,
    now: datetime,
    frozen_days: float = DEFAULT_FROZEN_DAYS,
) -> CheckOutcome:
    """Check one portal and record it."""
    answer = fetch_home(prober, portal)
    verdict = judge(
        answer,
        portal,
        registry,
        now=now,
        frozen_days=frozen_days,
        archived_newest=newest_article(db, portal.slug),
    )
    check = PortalCheck(
        portal=portal.slug,
        checked_at=now.isoformat(timespec="seconds"),
        status=verdict.status,
        source="check-sites",
        url=portal.base_url,
        status_code=answer.status_code,
        final_url=answer.final_url,
        redirect_portal=verdict.redirect_portal,
        error=answer.error,
        error_detail=answer.error_detail,
        newest_article=verdict.newest_article,
        parked=verdict.parked,
        target=verdict.target,
    )
    return _record(db, portal, check)


def _record(db: Database, portal: Portal, check: PortalCheck) -> CheckOutcome:
    before = previous_status(db, portal.slug)
    ArchiveStore(db).upsert_portal(portal.to_row())
    record_check(db, check)
    return CheckOutcome(check, went_down(portal.slug, before, check.status))


def check_portals(
    db: Database,
    prober: Prober,
    portals: list[Portal],
    registry: list[Portal],
    *,
    clock: Callable[[], datetime],
    frozen_days: float = DEFAULT_FROZEN_DAYS,
) -> list[CheckOutcome]:
    """Check ``portals`` one after the other."""
    outcomes = []
    for portal in portals:
        outcome = check_portal(db, prober, portal, registry, now=clock(), frozen_days=frozen_days)
        outcomes.append(outcome)
        if outcome.warning:
            logger.warning("portal %s: %s", portal.slug, outcome.warning.message)
    return outcomes


def check_from_run(
    db: Database,
    portal: Portal,
    run_id: int,
    *,
    now: datetime,
    unreachable: bool,
    pages_fetched: int,
    frozen_days: float = DEFAULT_FROZEN_DAYS,
) -> CheckOutcome | None:
    """The check a crawl run amounts to: ``offline`` when no request got an answer, else
    ``active`` or ``frozen`` from the newest archived article. None when the run fetched nothing
    and yet reached the host (robots.txt shut it out): it says nothing about liveness."""
    newest = newest_article(db, portal.slug)
    if unreachable:
        status = "offline"
    elif pages_fetched:
        status = "active"
        if newest and (now - datetime.fromisoformat(newest)).total_seconds() > frozen_days * 86400:
            status = "frozen"
    else:
        return None
    check = PortalCheck(
        portal=portal.slug,
        checked_at=now.isoformat(timespec="seconds"),
        status=status,
        source="crawl",
        run_id=run_id,
        url=portal.base_url,
        newest_article=newest,
    )
    return _record(db, portal, check)
