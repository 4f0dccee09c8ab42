"""What the reading room's pages show, read from the archive in one synchronous call each.

``article_context``, ``portal_context`` and ``capture_row`` take a sqlite3 connection (datasette
runs them with ``execute_fn``) and return plain data for the templates in archive/datasette/
templates, or None when the archive has no such article, portal or capture.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from typing import Any

from markupsafe import Markup

from archive.archive_links import (
    ArchiveLinks,
    absolute,
    capture_url,
    file_url,
    portal_url,
    reader_url,
)
from archive.capture_page import CaptureRow
from archive.charts import bar_chart, line_chart
from archive.readable_html import link_targets, readable_html
from archive.vn_format import vietnamese_datetime, vietnamese_month, vietnamese_number
from archive.word_diff import word_diff_html

logger = logging.getLogger(__name__)

RECENT_ARTICLES = 20
TOP_CATEGORIES = 30


def _rows(conn: sqlite3.Connection, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _json_list(text: str | None) -> list[dict[str, Any]]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        logger.debug("not JSON: %r", (text or "")[:80])
        return []
    if not isinstance(value, list):
        return []
    return [item if isinstance(item, dict) else {"url": str(item)} for item in value]


def article_context(conn: sqlite3.Connection, article_id: str) -> dict[str, Any] | None:
    """Everything the reader page shows of one article."""
    found = _rows(
        conn,
        "select a.*, p.name as portal_name, p.province, p.level from articles as a "
        "left join portals as p on p.slug = a.portal where a.id = ?",
        [article_id],
    )
    if not found:
        return None
    article = found[0]
    base = article["url"] or article["canonical_url"]
    images = _json_list(article["images"])
    attachments = _json_list(article["attachments"])
    hrefs, srcs = link_targets(article["body_html"])
    wanted = [absolute(base, u) for u in hrefs + srcs]
    wanted += [absolute(base, item.get("url")) for item in images + attachments]
    links = ArchiveLinks.lookup(conn, [u for u in wanted if u])
    if article["body_html"]:
        body = readable_html(
            article["body_html"],
            lambda href: links.page(absolute(base, href)),
            lambda src: links.file(absolute(base, src)),
        )
    else:
        body = "".join(
            f"<p>{Markup.escape(p)}</p>" for p in (article["body_text"] or "").split("\n\n") if p
        )
    # attachments kept by the crawl are downloaded from the archive's copy
    stored = {
        row["url"]: file_url(row["sha256"])
        for row in _rows(
            conn,
            "select url, sha256 from article_files where article_id = ? and status = 'stored' "
            "and kind = 'attachment'",
            [article_id],
        )
    }
    versions = _rows(
        conn,
        "select version, observed_at, title, body_text, capture_id, "
        "coalesce(cause, 'crawl') as cause from article_version_texts where article_id = ? "
        "order by version",
        [article_id],
    )
    for earlier, later in zip(versions, versions[1:], strict=False):
        later["title_diff"] = Markup(word_diff_html(earlier["title"], later["title"]))
        later["body_diff"] = Markup(word_diff_html(earlier["body_text"], later["body_text"]))
    for version in versions:
        version["observed"] = vietnamese_datetime(version["observed_at"])
        capture = version["capture_id"]
        version["capture_href"] = capture_url(capture) if capture else None
    views = _rows(
        conn,
        "select observed_at, views from article_views where article_id = ? and views is not null "
        "order by observed_at",
        [article_id],
    )
    chart = line_chart(
        [(vietnamese_datetime(v["observed_at"])[:10], v["views"]) for v in views],
        "Lượt xem theo thời gian",
    )
    return {
        "article": article,
        "published": vietnamese_datetime(article["published_at"]),
        "views": vietnamese_number(article["views"]),
        "first_seen": vietnamese_datetime(article["first_seen_at"]),
        "last_seen": vietnamese_datetime(article["last_seen_at"]),
        "gone": vietnamese_datetime(article["gone_at"]),
        "body": Markup(body),
        "images": [
            {
                "src": links.file(absolute(base, image.get("url"))),
                "caption": image.get("caption") or "",
                "url": image.get("url") or "",
            }
            for image in images
        ],
        "attachments": [
            {
                "title": item.get("title") or item.get("url") or "",
                "url": item.get("url") or "",
                "href": stored.get(absolute(base, item.get("url")) or "")
                or links.page(absolute(base, item.get("url"))),
            }
            for item in attachments
        ],
        "versions": versions,
        "views_chart": Markup(chart),
        "view_readings": len(views),
        "capture_href": capture_url(article["capture_id"]) if article["capture_id"] else None,
        "portal_href": portal_url(article["portal"]) if article["portal"] else None,
    }


def every_month(counts: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """``(YYYY-MM, n)`` for every month from the first to the last of ``counts`` (rows of month
    and n, in order), months without articles as 0."""
    known = {row["month"]: row["n"] for row in counts if len(row["month"] or "") == 7}
    if not known:
        return []
    first, last = min(known), max(known)
    year, month = int(first[:4]), int(first[5:7])
    out: list[tuple[str, int]] = []
    while f"{year:04d}-{month:02d}" <= last:
        key = f"{year:04d}-{month:02d}"
        out.append((key, known.get(key, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def portal_context(conn: sqlite3.Connection, slug: str) -> dict[str, Any] | None:
    """Everything the portal page shows of one portal."""
    found = _rows(conn, "select * from portals where slug = ?", [slug])
    if not found:
        return None
    portal = found[0]
    summary = _rows(
        conn,
        "select count(*) as articles, min(published_at) as first, max(published_at) as last "
        "from articles where portal = ?",
        [slug],
    )[0]
    total_views = _rows(conn, "select sum(views) as views from articles where portal = ?", [slug])[
        0
    ]["views"]
    months = _rows(
        conn,
        "select substr(published_at, 1, 7) as month, count(*) as n from articles "
        "where portal = ? and published_at is not null and published_at != '' "
        "group by month order by month",
        [slug],
    )
    categories = _rows(
        conn,
        "select coalesce(category, '') as category, count(*) as n from articles "
        "where portal = ? group by category order by n desc, category limit ?",
        [slug, TOP_CATEGORIES],
    )
    runs = _rows(
        conn,
        "select id, started_at, finished_at, status, mode, pages_fetched, articles_new, error "
        "from crawl_runs where portal = ? order by started_at desc limit 5",
        [slug],
    )
    for run in runs:
        run["started"] = vietnamese_datetime(run["started_at"])
        run["finished"] = vietnamese_datetime(run["finished_at"])
    liveness = None
    if _rows(conn, "select name from sqlite_master where name = 'portal_status'", []):
        found_status = _rows(conn, "select * from portal_status where portal = ?", [slug])
        if found_status:
            liveness = found_status[0]
            liveness["checked"] = vietnamese_datetime(liveness["checked_at"])
            liveness["alive"] = vietnamese_datetime(liveness["last_seen_alive"])
    recent = _rows(
        conn,
        "select id, title, published_at, views from articles where portal = ? "
        "order by published_at desc limit ?",
        [slug, RECENT_ARTICLES],
    )
    for row in recent:
        row["href"] = reader_url(row["id"])
        row["published"] = vietnamese_datetime(row["published_at"])
        row["views_text"] = vietnamese_number(row["views"])
    chart = bar_chart(
        [(vietnamese_month(month), n) for month, n in every_month(months)], "Số bài theo tháng"
    )
    return {
        "portal": portal,
        "articles": vietnamese_number(summary["articles"]),
        "first": vietnamese_datetime(summary["first"]),
        "last": vietnamese_datetime(summary["last"]),
        "total_views": vietnamese_number(total_views),
        "months": len(months),
        "month_chart": Markup(chart),
        "categories": categories,
        "runs": runs,
        "recent": recent,
        "liveness": liveness,
    }


def portals_list(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every portal with its article count, for the start page."""
    rows = _rows(
        conn,
        "select p.slug, p.name, p.province, p.level, p.status, "
        "(select count(*) from articles as a where a.portal = p.slug) as articles "
        "from portals as p order by p.province, p.name",
    )
    for row in rows:
        row["href"] = portal_url(row["slug"])
        row["articles_text"] = vietnamese_number(row["articles"])
    return rows


def capture_row(conn: sqlite3.Connection, capture_id: int) -> CaptureRow | None:
    """The capture and the article extracted from it, if any."""
    found = _rows(
        conn,
        "select c.id, c.url, c.fetched_at, c.http_status, c.content_type, "
        # a revisit keeps no bytes: they are read from the capture it points at
        "coalesce(c.body_gz, (select o.body_gz from captures as o where o.id = c.revisit_of)) "
        "as body_gz, "
        "p.name as portal_name, "
        "(select a.id from articles as a where a.capture_id = c.id limit 1) as article_id "
        "from captures as c left join portals as p on p.slug = c.portal where c.id = ?",
        [capture_id],
    )
    if not found:
        return None
    row = found[0]
    if row["article_id"] is None:
        version = _rows(
            conn,
            "select article_id from article_versions where capture_id = ? limit 1",
            [capture_id],
        )
        row["article_id"] = version[0]["article_id"] if version else None
    title = None
    if row["article_id"]:
        titles = _rows(conn, "select title from articles where id = ?", [row["article_id"]])
        title = titles[0]["title"] if titles else None
    return CaptureRow(**row, article_title=title)
