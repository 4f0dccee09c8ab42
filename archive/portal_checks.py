"""Portal liveness history in the archive: writing ``portal_checks`` rows and reading them back.

A check is what one look at a portal's home page found (``portal-archive check-sites``, or the
end of a crawl). The status derived from it is kept with it, so the history shows when a portal
went from ``active`` to ``frozen``, ``redirected``, ``offline`` or ``gone``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlite_utils import Database

from archive.transactions import write_transaction

CHECK_STATUSES = ("active", "frozen", "redirected", "offline", "gone")
ALIVE = ("active", "frozen")

STATUS_CHANGES_SQL = """
WITH ordered AS (
    SELECT portal, checked_at, status, target, source,
        lag(status) OVER (PARTITION BY portal ORDER BY checked_at, id) AS previous_status
    FROM portal_checks
)
SELECT portal, previous_status, status, target, checked_at, source
FROM ordered
WHERE previous_status IS NOT NULL AND previous_status != status
    AND (:since = '' OR checked_at >= :since)
ORDER BY checked_at, portal
"""


@dataclass
class PortalCheck:
    """One check of one portal."""

    portal: str
    checked_at: str
    status: str
    source: str = "check-sites"  # or "crawl"
    url: str | None = None
    status_code: int | None = None
    final_url: str | None = None
    redirect_portal: str | None = None  # the registry portal the redirect ended on
    error: str | None = None  # dns | tls | refused | timeout | http | other
    error_detail: str | None = None
    newest_article: str | None = None
    parked: bool = False
    target: str | None = None  # where a redirected portal now leads
    run_id: int | None = None


def record_check(db: Database, check: PortalCheck) -> int:
    """Append ``check`` to the history; its row id."""
    row = asdict(check)
    row["parked"] = int(check.parked)
    with write_transaction(db):
        return int(db["portal_checks"].insert(row).last_pk)


def latest_statuses(db: Database) -> dict[str, dict[str, Any]]:
    """Each checked portal's latest status, target, check time and last time seen alive."""
    if "portal_status" not in db.view_names():
        return {}
    return {row["portal"]: row for row in db.query("SELECT * FROM portal_status")}


def previous_status(db: Database, portal: str) -> str | None:
    """The status of the portal's latest check, before a new one is recorded."""
    row = db.execute(
        "SELECT status FROM portal_checks WHERE portal = ? ORDER BY checked_at DESC, id DESC "
        "LIMIT 1",
        [portal],
    ).fetchone()
    return row[0] if row else None


def newest_article(db: Database, portal: str) -> str | None:
    """The publication time of the portal's newest archived article."""
    row = db.execute("SELECT max(published_at) FROM articles WHERE portal = ?", [portal]).fetchone()
    return row[0] if row else None


def status_changes(db: Database, since: str = "") -> list[dict[str, Any]]:
    """The checks whose status differs from the portal's check before, from ``since`` on."""
    return list(db.query(STATUS_CHANGES_SQL, {"since": since}))
