"""Streaming export of articles to CSV or JSON Lines, with their portal's name, province and level.

Rows come from one SQLite cursor and are written one at a time, so memory use does not grow with
the archive. The order is fixed (portal, publication date, id) so two exports of the same archive
are byte-identical. Text is UTF-8, as stored (NFC).
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterator
from typing import Any, TextIO

from sqlite_utils import Database

from archive.filters import ArticleFilter, register_functions

logger = logging.getLogger(__name__)

FORMATS = ("csv", "jsonl")

# (output column, SQL expression) in output order. Documented in docs/SCHEMA.md; append only.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "a.id"),
    ("portal", "a.portal"),
    ("portal_name", "p.name"),
    ("province", "p.province"),
    ("portal_level", "p.level"),
    ("category", "a.category"),
    ("title", "a.title"),
    ("published_at", "a.published_at"),
    ("published_raw", "a.published_raw"),
    ("views", "a.views"),
    ("views_raw", "a.views_raw"),
    ("source", "a.source"),
    ("author", "a.author"),
    ("url", "a.url"),
    ("canonical_url", "a.canonical_url"),
    ("item_id", "a.item_id"),
    ("platform", "a.platform"),
    ("status", "a.status"),
    ("version", "a.version"),
    ("content_hash", "a.content_hash"),
    ("first_seen_at", "a.first_seen_at"),
    ("last_seen_at", "a.last_seen_at"),
    ("fetched_at", "a.fetched_at"),
    ("gone_at", "a.gone_at"),
    ("capture_id", "a.capture_id"),
    ("images", "a.images"),
    ("attachments", "a.attachments"),
    ("problems", "a.problems"),
    ("extraction", "a.extraction"),
    ("body_text", "a.body_text"),
)
HTML_COLUMN = ("body_html", "a.body_html")
# Columns holding JSON text: decoded into lists/objects in JSON Lines, kept as text in CSV.
JSON_COLUMNS = frozenset({"images", "attachments", "problems", "extraction"})


def columns(include_html: bool = False) -> list[tuple[str, str]]:
    """The exported columns, with ``body_html`` last when asked for."""
    return [*COLUMNS, HTML_COLUMN] if include_html else list(COLUMNS)


def iter_rows(
    db: Database, filters: ArticleFilter | None = None, include_html: bool = False
) -> Iterator[tuple[Any, ...]]:
    """Yield article rows (tuples in :func:`columns` order) from a cursor, in export order."""
    filters = filters or ArticleFilter()
    where, params = filters.where()
    register_functions(db)
    select = ", ".join(f"{expr} AS {name}" for name, expr in columns(include_html))
    sql = (
        f"SELECT {select} FROM articles AS a LEFT JOIN portals AS p ON p.slug = a.portal "
        f"WHERE {where} ORDER BY a.portal, a.published_at, a.id"
    )
    cursor = db.conn.execute(sql, params)
    try:
        yield from cursor
    finally:
        cursor.close()


def _decode_json(value: Any) -> Any:
    """JSON text as a value; text that is not valid JSON stays text."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def write_csv(rows: Iterator[tuple[Any, ...]], names: list[str], out: TextIO) -> int:
    """Write a header and ``rows`` as RFC 4180 CSV; NULL becomes an empty field. Returns rows."""
    writer = csv.writer(out)
    writer.writerow(names)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def write_jsonl(rows: Iterator[tuple[Any, ...]], names: list[str], out: TextIO) -> int:
    """Write one JSON object per line (UTF-8, not ASCII-escaped). Returns rows written."""
    decode = [name in JSON_COLUMNS for name in names]
    count = 0
    for row in rows:
        record = {
            name: _decode_json(value) if is_json else value
            for name, value, is_json in zip(names, row, decode, strict=True)
        }
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        out.write("\n")
        count += 1
    return count


def export(
    db: Database,
    out: TextIO,
    fmt: str = "csv",
    filters: ArticleFilter | None = None,
    include_html: bool = False,
) -> int:
    """Export the articles matching ``filters`` to ``out`` in ``fmt`` (csv or jsonl).

    ``out`` must be a text stream; for CSV open it with ``newline=""``. Returns the row count.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    names = [name for name, _ in columns(include_html)]
    rows = iter_rows(db, filters, include_html)
    count = write_csv(rows, names, out) if fmt == "csv" else write_jsonl(rows, names, out)
    logger.info("exported %d article(s) as %s", count, fmt)
    return count
