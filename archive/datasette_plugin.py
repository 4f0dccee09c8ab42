"""Datasette plugin for the archive: SQL functions for search, links from result rows to articles.

Registered with datasette's plugin manager by archive.serve. Registers on every datasette connection
``archive_snippet(highlight, stored_text)`` (a search snippet with the stored letters, see
archive.search) and ``archive_match_key(text)`` (case/diacritic-free comparison key). Links the
``id`` column of the ``article_list`` view, and ``article_id`` columns of query results, to the
article's row page. Link text and targets are escaped: nothing stored from a portal becomes markup.
"""

from __future__ import annotations

import logging
from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup

from archive.filters import match_key
from archive.search import sql_snippet

logger = logging.getLogger(__name__)


@hookimpl
def prepare_connection(conn: Any) -> None:
    """Register the archive's SQL functions on a datasette connection."""
    conn.create_function("archive_snippet", 2, sql_snippet, deterministic=True)
    conn.create_function("archive_match_key", 1, match_key, deterministic=True)


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """Link article ids to the article's row page; leave every other cell to datasette."""
    linked = (table == "article_list" and column == "id") or (
        table is None and column == "article_id"
    )
    if not linked or not isinstance(value, str) or not value:
        return None
    href = datasette.urls.row(database, "articles", tilde_encode(value))
    return Markup('<a href="{}">{}</a>').format(href, value)
