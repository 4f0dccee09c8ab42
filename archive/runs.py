"""Crawl runs as the archive records them: listing the latest, closing runs left open, warnings.

A run's status: ``running`` while it runs; then ``ok`` (every page fetched), ``partial`` (some
pages failed), ``failed`` (pages failed and none was fetched), ``blocked`` (robots.txt forbade
every request: nothing fetched, nothing failed), or ``interrupted`` (stopped before
its end, or found still ``running`` by a later run: the process was killed).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from archive.transactions import write_transaction

logger = logging.getLogger(__name__)

RUN_COLUMNS = (
    "id",
    "portal",
    "started_at",
    "finished_at",
    "status",
    "mode",
    "pages_fetched",
    "listing_pages",
    "article_pages",
    "revisits",
    "articles_new",
    "articles_updated",
    "articles_unchanged",
    "articles_gone",
    "pages_failed",
    "fields_missing",
    "duration_s",
    "error",
)


@dataclass
class RunWarning:
    """Something about a portal a maintainer should look at."""

    portal: str
    # stale | field_missing | error_rate | no_articles | robots_blocked | host_down | too_large |
    # limit | trap | offline
    kind: str
    message: str
    value: float | None = None
    threshold: float | None = None


def mark_interrupted_runs(db: Database, when: str) -> int:
    """Close runs still ``running`` (their process died); only call with the archive lock held."""
    with write_transaction(db):
        cursor = db.execute(
            "update crawl_runs set status = 'interrupted', finished_at = coalesce(finished_at, ?), "
            "error = coalesce(error, 'the crawl process ended without closing the run') "
            "where status = 'running'",
            [when],
        )
    if cursor.rowcount:
        logger.warning(
            "marked %d run(s) left running by a killed crawl as interrupted", cursor.rowcount
        )
    return cursor.rowcount


def latest_runs(db: Database, portal: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The latest runs, newest first, optionally of one portal, with their warnings."""
    where, params = ("where portal = ?", [portal]) if portal else ("", [])
    rows = list(
        db.query(
            f"select {', '.join(RUN_COLUMNS)} from crawl_runs {where} order by id desc limit ?",
            [*params, limit],
        )
    )
    for row in rows:
        row["fields_missing"] = json.loads(row["fields_missing"] or "{}")
        row["warnings"] = [w.message for w in run_warnings(db, row["id"])]
    return rows


def runs_by_id(db: Database, run_ids: list[int]) -> list[dict[str, Any]]:
    """The rows of the given runs, in the given order."""
    rows = {}
    for run_id in run_ids:
        for row in db.query(
            f"select {', '.join(RUN_COLUMNS)} from crawl_runs where id = ?", [run_id]
        ):
            row["fields_missing"] = json.loads(row["fields_missing"] or "{}")
            rows[run_id] = row
    return [rows[run_id] for run_id in run_ids if run_id in rows]


def save_warnings(db: Database, run_id: int, warnings: list[RunWarning], when: str) -> None:
    """Store a run's warnings."""
    with write_transaction(db):
        for warning in warnings:
            db["run_warnings"].insert(
                {
                    "run_id": run_id,
                    "portal": warning.portal,
                    "kind": warning.kind,
                    "message": warning.message,
                    "value": warning.value,
                    "threshold": warning.threshold,
                    "created_at": when,
                }
            )


def run_warnings(db: Database, run_id: int) -> list[RunWarning]:
    """The warnings stored for a run."""
    return [
        RunWarning(
            portal=row["portal"],
            kind=row["kind"],
            message=row["message"],
            value=row["value"],
            threshold=row["threshold"],
        )
        for row in db.query(
            "select portal, kind, message, value, threshold from run_warnings "
            "where run_id = ? order by id",
            [run_id],
        )
    ]


def format_run(row: dict[str, Any]) -> str:
    """One line for a run: portal, status, pages, articles, failures, duration."""
    return (
        f"{row['portal']}: {row['status']} ({row['mode']}), {row['pages_fetched'] or 0} pages "
        f"({row['listing_pages'] or 0} listing, {row['article_pages'] or 0} article, "
        f"{row['revisits'] or 0} revisits); articles {row['articles_new'] or 0} new, "
        f"{row['articles_updated'] or 0} updated, {row['articles_unchanged'] or 0} unchanged, "
        f"{row['articles_gone'] or 0} gone; {row['pages_failed'] or 0} failed; "
        f"{row['duration_s'] or 0:.1f}s"
    )
