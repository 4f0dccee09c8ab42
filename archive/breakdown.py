"""Articles broken down by month, year, category or portal: counts, views and date range.

``breakdown(db, by, filters)`` answers ``portal-archive stats --by``; months and years come in date
order, categories and portals by number of articles.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from archive.filters import ArticleFilter, register_functions

KEYS = {
    "month": ("substr(a.published_at, 1, 7)", "key"),
    "year": ("substr(a.published_at, 1, 4)", "key"),
    "category": ("coalesce(a.category, '')", "articles DESC, key"),
    "portal": ("a.portal", "articles DESC, key"),
}
BREAKDOWNS = tuple(KEYS)


def breakdown(db: Database, by: str, filters: ArticleFilter | None = None) -> list[dict[str, Any]]:
    """One row per month/year/category/portal: key, articles, views, first and last date."""
    if by not in KEYS:
        raise ValueError(f"cannot break down by {by!r}: use one of {', '.join(BREAKDOWNS)}")
    expression, order = KEYS[by]
    where, params = (filters or ArticleFilter()).where()
    register_functions(db)
    sql = (
        f"SELECT {expression} AS key, count(*) AS articles, sum(a.views) AS views, "
        "min(a.published_at) AS first, max(a.published_at) AS last "
        "FROM articles AS a LEFT JOIN portals AS p ON p.slug = a.portal "
        f"WHERE {where} GROUP BY key ORDER BY {order}"
    )
    return [dict(row) for row in db.query(sql, params)]


def format_breakdown(rows: list[dict[str, Any]], by: str) -> str:
    """The breakdown as an aligned text table."""
    header = (by, "articles", "views", "from", "to")
    lines = [header] + [
        (
            row["key"] or "(none)",
            str(row["articles"]),
            "" if row["views"] is None else str(row["views"]),
            (row["first"] or "")[:10],
            (row["last"] or "")[:10],
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.rjust(w) if i in (1, 2) else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in lines
    )
