"""Archive statistics: articles, dates and views per portal, and when each was last crawled."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

_PER_PORTAL_SQL = """
SELECT
    p.slug AS portal, p.name, p.province, p.level, p.status,
    count(a.id) AS articles,
    min(a.published_at) AS published_from,
    max(a.published_at) AS published_to,
    coalesce(sum(a.views), 0) AS views_total,
    (SELECT max(coalesce(r.finished_at, r.started_at)) FROM crawl_runs AS r
        WHERE r.portal = p.slug) AS last_crawl_at,
    (SELECT r.status FROM crawl_runs AS r WHERE r.portal = p.slug
        ORDER BY r.started_at DESC, r.id DESC LIMIT 1) AS last_crawl_status,
    (SELECT s.status FROM portal_status AS s WHERE s.portal = p.slug) AS checked_status,
    (SELECT s.last_seen_alive FROM portal_status AS s WHERE s.portal = p.slug) AS last_seen_alive
FROM portals AS p
LEFT JOIN articles AS a ON a.portal = p.slug
GROUP BY p.slug
ORDER BY p.province, p.slug
"""

_TOTALS_SQL = """
SELECT
    count(*) AS articles,
    count(DISTINCT portal) AS portals_with_articles,
    min(published_at) AS published_from,
    max(published_at) AS published_to,
    coalesce(sum(views), 0) AS views_total,
    sum(published_at IS NULL) AS undated,
    sum(status = 'gone') AS gone
FROM articles
"""


def _scalar(db: Database, sql: str) -> Any:
    return db.execute(sql).fetchone()[0]


def archive_stats(db: Database) -> dict[str, Any]:
    """Totals, per-portal figures, the last crawl run and the search index's state, as a dict."""
    totals = next(db.query(_TOTALS_SQL))
    totals["undated"] = totals["undated"] or 0
    totals["gone"] = totals["gone"] or 0
    totals["portals"] = _scalar(db, "SELECT count(*) FROM portals")
    totals["article_versions"] = _scalar(db, "SELECT count(*) FROM article_versions")
    totals["view_observations"] = _scalar(db, "SELECT count(*) FROM article_views")
    totals["captures"] = _scalar(db, "SELECT count(*) FROM captures")
    totals["crawl_runs"] = _scalar(db, "SELECT count(*) FROM crawl_runs")
    last_run = next(
        db.query(
            "SELECT id, portal, started_at, finished_at, status, mode, pages_fetched "
            "FROM crawl_runs ORDER BY started_at DESC, id DESC LIMIT 1"
        ),
        None,
    )
    indexed = _scalar(db, "SELECT count(*) FROM articles_fts_docsize")
    recent = _scalar(db, "SELECT count(*) FROM articles_recent_fts_docsize")
    above_floor = _scalar(
        db, "SELECT count(*) FROM articles WHERE rowid > (SELECT floor FROM search_recent)"
    )
    return {
        "totals": totals,
        "portals": list(db.query(_PER_PORTAL_SQL)),
        "last_crawl": last_run,
        "search_index": {"indexed": indexed, "in_sync": indexed == totals["articles"]},
        # the index of the latest articles the search ranks in first (docs/SCHEMA.md)
        "recent_search_index": {
            "indexed": recent,
            "articles": above_floor,
            "in_sync": recent == above_floor,
        },
    }


def format_stats(stats: dict[str, Any]) -> str:
    """The statistics as plain text for a terminal."""
    t = stats["totals"]
    lines = [
        f"articles: {t['articles']} from {t['portals_with_articles']} of {t['portals']} portals"
        f" ({t['gone']} gone, {t['undated']} undated)",
        f"published: {t['published_from'] or '-'} .. {t['published_to'] or '-'}",
        f"views (latest counts, summed): {t['views_total']}",
        f"view observations: {t['view_observations']}, versions: {t['article_versions']},"
        f" raw captures: {t['captures']}, crawl runs: {t['crawl_runs']}",
    ]
    run = stats["last_crawl"]
    if run:
        lines.append(
            f"last crawl: #{run['id']} {run['portal']} {run['started_at']}"
            f" .. {run['finished_at'] or '-'} {run['status']}"
        )
    else:
        lines.append("last crawl: none recorded")
    index = stats["search_index"]
    if not index["in_sync"]:
        lines.append(
            f"search index: {index['indexed']} entries for {t['articles']} articles; rebuild it"
            " with INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')"
        )
    recent = stats["recent_search_index"]
    if not recent["in_sync"]:
        lines.append(
            f"ranking index of the latest articles: {recent['indexed']} entries for "
            f"{recent['articles']} articles; rebuild it as docs/SCHEMA.md says"
            " (articles_recent_fts)"
        )
    lines.append("")
    header = (
        "portal",
        "province",
        "articles",
        "from",
        "to",
        "views",
        "last crawl",
        "status",
        "last seen alive",
    )
    rows = [
        (
            p["portal"],
            p["province"] or "",
            str(p["articles"]),
            (p["published_from"] or "-")[:10],
            (p["published_to"] or "-")[:10],
            str(p["views_total"]),
            f"{(p['last_crawl_at'] or '-')[:16]} {p['last_crawl_status'] or ''}".strip(),
            p.get("checked_status") or "-",
            (p.get("last_seen_alive") or "-")[:16],
        )
        for p in stats["portals"]
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        lines.append(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    return "\n".join(lines)
