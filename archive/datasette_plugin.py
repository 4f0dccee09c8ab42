"""Datasette plugin for the archive: SQL functions for search, links from result rows to articles.

Registered with datasette's plugin manager by archive.serve. Adds the reading room's pages
(archive.reading_routes). Registers on every datasette connection
``archive_snippet(highlight, stored_text)`` (a search snippet with the stored letters, see
archive.search) and ``archive_match_key(text)`` (case/diacritic-free comparison key). Links the
``id`` column of ``articles`` and ``article_list``, and ``article_id`` columns everywhere, to the
article's reader page; ``capture_id`` to the archived copy; portal slugs to the portal page.
Labels stored queries' parameters from their ``param_labels`` in the page the server renders.
Link text and targets are escaped: nothing stored from a portal becomes markup.
"""

from __future__ import annotations

import re
from html import unescape as html_unescape
from typing import Any

from datasette import hookimpl
from markupsafe import Markup

from archive.archive_links import capture_url, portal_url, reader_url
from archive.filters import match_key
from archive.reading_routes import ROUTES
from archive.search import sql_snippet
from archive.vn_format import vietnamese_datetime


@hookimpl
def prepare_connection(conn: Any) -> None:
    """Register the archive's SQL functions on a datasette connection."""
    conn.create_function("archive_snippet", 2, sql_snippet, deterministic=True)
    conn.create_function("archive_match_key", 1, match_key, deterministic=True)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    """The reader, archived copy and portal pages."""
    return ROUTES


ARTICLE_TABLES = {"articles", "article_list"}
PORTAL_COLUMNS = {"portal", "slug"}
PORTAL_TABLES = {"portals", "articles", "article_list", "crawl_runs", "captures", "run_warnings"}
# Times shown as Vietnamese readers write them (14/07/2023 08:00), the ISO value kept in the tag.
DATE_COLUMNS = {
    "published_at", "first_seen_at", "last_seen_at", "fetched_at", "gone_at", "observed_at",
    "started_at", "finished_at", "updated_at",
}  # fmt: skip
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
# Addresses on the portals, shown as text: the portals go offline, the archive has the pages.
LIVE_URL_COLUMNS = {"url", "canonical_url", "base_url"}


def archive_link(value: Any, column: str, table: str | None) -> str | None:
    """The reading-room address a cell links to, or None."""
    if column == "article_id" or (column == "id" and table in ARTICLE_TABLES):
        return reader_url(value) if isinstance(value, str) and value else None
    if column == "capture_id" or (column == "id" and table == "captures"):
        return capture_url(value) if isinstance(value, int) else None
    if column in PORTAL_COLUMNS and (table in PORTAL_TABLES or table is None):
        if column == "slug" and table not in ("portals", None):
            return None
        return portal_url(value) if isinstance(value, str) and value else None
    return None


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Any:
    """Link articles to their reader page, captures to their archived copy, portals to their
    page; show a capture's body as a link to its archived copy, never as a download; show the
    portals' addresses as text. Leave every other cell to datasette."""
    label = value
    if isinstance(value, dict) and "value" in value:  # a foreign key with its label
        label = value.get("label") or value["value"]
        value = value["value"]
    if isinstance(value, bytes):
        capture = _row_value(row, "id") if table == "captures" else None
        if isinstance(capture, int):
            return Markup('<a href="{}">Bản lưu ({} byte nén)</a>').format(
                capture_url(capture), len(value)
            )
        return Markup("<em>{} byte</em>").format(len(value))
    if column in DATE_COLUMNS and isinstance(value, str) and ISO_DATE.match(value):
        return Markup('<time datetime="{}">{}</time>').format(value, vietnamese_datetime(value))
    if column in LIVE_URL_COLUMNS and isinstance(value, str):
        return Markup('<span class="live-url">{}</span>').format(value)
    href = archive_link(value, column, table)
    if table == "portals" and column == "name" and isinstance(_row_value(row, "slug"), str):
        href = portal_url(_row_value(row, "slug"))
    if href is None:
        return None
    return Markup('<a href="{}">{}</a>').format(href, label)


def _row_value(row: Any, column: str) -> Any:
    try:
        return row[column]
    except (KeyError, IndexError, TypeError):
        return None


# datasette's form labels each stored-query parameter with its name: <label for="qp1">q</label>.
PARAMETER_LABEL = re.compile(r'<label for="(qp\d+)">([^<]*)</label>')


def label_parameters(html: str, labels: Any) -> Markup:
    """The rendered page of a stored query with its parameters labelled by ``param_labels``
    (``q`` becomes "Words (with or without diacritics)"), in the HTML the server sends."""
    if not isinstance(labels, dict) or not labels:
        return Markup(html)

    def label(match: re.Match[str]) -> str:
        name = html_unescape(match.group(2))
        text = labels.get(name)
        if not isinstance(text, str) or not text:
            return match.group(0)
        return str(Markup('<label for="{}">{}</label>').format(match.group(1), text))

    return Markup(PARAMETER_LABEL.sub(label, str(html)))


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    """The ``archive_param_labels`` filter, used by the stored-query page (query.html)."""
    env.filters["archive_param_labels"] = label_parameters
