"""What discovery learned per portal, kept in ``site_models`` and ``listing_schedule``.

The crawler reads a portal's row at the start of a run and writes it back at the end
(:mod:`portal_spider.discovery.model` decides what goes in). Plain SQLite through sqlite-utils:
no Scrapy here.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from archive.transactions import write_transaction

JSON_COLUMNS = ("article_shapes", "listing_shapes", "dropped_params", "sitemaps", "feeds",
                "not_articles")  # fmt: skip


def load_site_model(db: Database, portal: str) -> dict[str, Any] | None:
    """The stored model of ``portal`` with its JSON columns decoded, or None."""
    rows = list(db.query("select * from site_models where portal = ?", [portal]))
    if not rows:
        return None
    row = dict(rows[0])
    for column in JSON_COLUMNS:
        row[column] = json.loads(row[column]) if row.get(column) else None
    return row


def load_schedule(db: Database, portal: str) -> list[dict[str, Any]]:
    """The listing schedule rows of ``portal``."""
    return [
        dict(row) for row in db.query("select * from listing_schedule where portal = ?", [portal])
    ]


def save_site_model(db: Database, row: dict[str, Any], schedule: list[dict[str, Any]]) -> None:
    """Write a portal's model and its listing schedule rows in one transaction."""
    stored = {
        key: json.dumps(value, ensure_ascii=False, sort_keys=True) if key in JSON_COLUMNS else value
        for key, value in row.items()
    }
    with write_transaction(db):
        db["site_models"].upsert(stored, pk="portal")
        if schedule:
            db["listing_schedule"].upsert_all(schedule, pk=("portal", "listing"))
