"""Streaming export of articles to CSV or JSON Lines, with their portal's name, province and level.

Rows come from one SQLite cursor, so memory use does not grow with the archive. JSON Lines and
CSV records are made by SQLite itself (``json_object``; CSV quoted as the csv module quotes), so
no Python work is done per value. The order is fixed (portal, publication date, id) so two exports
of the same archive are byte-identical. Text is UTF-8, as stored (NFC).
"""

from __future__ import annotations

import csv
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
STREAM_BATCH = 32  # JSON lines written to the stream at a time: memory stays flat


def columns(include_html: bool = False) -> list[tuple[str, str]]:
    """The exported columns, with ``body_html`` last when asked for."""
    return [*COLUMNS, HTML_COLUMN] if include_html else list(COLUMNS)


def _select(filters: ArticleFilter | None, select: str) -> tuple[str, dict[str, Any]]:
    """The export's statement for ``select``, with the filters' parameters."""
    where, params = (filters or ArticleFilter()).where()
    sql = (
        f"SELECT {select} FROM articles AS a LEFT JOIN portals AS p ON p.slug = a.portal "
        f"WHERE {where} ORDER BY a.portal, a.published_at, a.id"
    )
    return sql, params


def _stream(db: Database, sql: str, params: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``sql`` from one cursor, one at a time."""
    register_functions(db)
    cursor = db.conn.execute(sql, params)
    try:
        yield from cursor
    finally:
        cursor.close()


def json_line_sql(include_html: bool = False) -> str:
    """The SQL expression of one JSON Lines record: SQLite's ``json_object`` writes it (compact,
    UTF-8 as stored), JSON columns embedded as values when they hold valid JSON, else as text."""
    members = []
    for name, expr in columns(include_html):
        value = f"CASE WHEN json_valid({expr}) THEN json({expr}) ELSE {expr} END"
        members.append(f"'{name}', {value if name in JSON_COLUMNS else expr}")
    return f"json_object({', '.join(members)})"


def _csv_field(expr: str) -> str:
    """SQL for one CSV field of ``expr`` as the csv module writes it (minimal quoting): empty for
    NULL, quoted with doubled quotes (``printf('%w')``) when it holds a line break, a comma or a
    quote. A line break is looked for first: a body holds one near its start, so the long text is
    not scanned for the other characters."""
    special = " OR ".join(
        f"instr({expr}, {char})" for char in ("char(10)", "','", "'\"'", "char(13)")
    )
    return f"CASE WHEN {special} THEN printf('\"%w\"', {expr}) ELSE ifnull({expr}, '') END"


def csv_line_sql(include_html: bool = False) -> str:
    """The SQL expression of one CSV record (without its line end), as ``csv.writer`` writes it."""
    return " || ',' || ".join(_csv_field(expr) for _, expr in columns(include_html))


def write_lines(lines: Iterator[tuple[str]], out: TextIO, end: str = "\n") -> int:
    """Write records made by SQLite (one-column rows of text), each followed by ``end``, a few
    at a time. Returns rows."""
    count = 0
    buffer: list[str] = []
    for (line,) in lines:
        buffer.append(line)
        if len(buffer) == STREAM_BATCH:
            out.write(end.join(buffer) + end)
            count += len(buffer)
            buffer.clear()
    if buffer:
        out.write(end.join(buffer) + end)
        count += len(buffer)
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
    if fmt == "csv":
        csv.writer(out).writerow([name for name, _ in columns(include_html)])
        lines = _stream(db, *_select(filters, csv_line_sql(include_html)))
        count = write_lines(lines, out, "\r\n")  # csv.writer's line end
    else:
        count = write_lines(_stream(db, *_select(filters, json_line_sql(include_html))), out)
    logger.info("exported %d article(s) as %s", count, fmt)
    return count
