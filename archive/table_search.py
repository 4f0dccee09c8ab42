"""Datasette's search box on a table, kept fast when a word is found almost everywhere.

Datasette 0.65 answers ``/<db>/<table>?_search=words`` with the matching rows (sorted as the
table is, ``published_at`` newest first for the archive's articles) and, on the same page, an
exact ``count(*)`` of the matches and every facet counted over all of them. For a word found in
most of a 500,000-article archive the count and the facets read every match: seconds. This
plugin (registered by archive.serve) first counts the matches in the search index, stopping at
MANY_MATCHES + 1; when there are more, the HTML page is asked with ``_nocount=1`` and, unless a
facet was asked for by name, ``_nofacet=1``: the rows are the same, in the same order and with
the same pages, and the page says "hơn 20.000 bài khớp" and links to the ranked search
(``/-/search``), which has its own filters. Fewer matches: datasette's page, untouched.
JSON and CSV addresses are left as asked.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils import escape_sqlite, tilde_decode

logger = logging.getLogger(__name__)

MANY_MATCHES = 20_000
SCOPE_KEY = "portal_archive.search_matches_over"


def searched_table(path: str, pairs: list[tuple[str, str]]) -> tuple[str, str, str] | None:
    """``(database, table, words)`` of the HTML page of a table searched with ``_search``."""
    parts = path.split("/")
    if len(parts) != 3 or parts[0] or not parts[1] or not parts[2] or "." in parts[2]:
        return None
    words = dict(pairs).get("_search", "").strip()
    return (tilde_decode(parts[1]), tilde_decode(parts[2]), words) if words else None


async def match_count_over(
    datasette: Any, database: str, table: str, words: str, raw: bool
) -> bool:
    """Whether ``words`` match more than MANY_MATCHES rows of ``table``'s search index (False
    when the table has no index or the words are not a valid query: datasette says so)."""
    try:
        db = datasette.get_database(database)
    except KeyError:
        return False
    fts_table = datasette.table_metadata(database, table).get("fts_table")
    fts_table = fts_table or await db.fts_table(table)
    if not fts_table:
        return False
    fts = escape_sqlite(fts_table)
    match = "?" if raw else "escape_fts(?)"
    sql = (
        f"select count(*) from (select rowid from {fts} where {fts} match {match} "
        f"limit {MANY_MATCHES + 1})"
    )
    try:
        rows = await db.execute(sql, [words])
    except Exception as error:  # a malformed raw query: datasette's own page reports it
        logger.debug("search count of %r failed: %s", words, error)
        return False
    return rows.first()[0] > MANY_MATCHES


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    """Leave out the count and the facets of a search with very many matches (module docstring)."""

    def wrap(app: Any) -> Any:
        async def big_searches(scope: dict, receive: Any, send: Any) -> None:
            if scope.get("type") == "http" and scope.get("method") == "GET":
                query = scope.get("query_string", b"").decode("latin-1")
                pairs = parse_qsl(query, keep_blank_values=True)
                found = searched_table(scope.get("path", ""), pairs)
                raw = dict(pairs).get("_searchmode") == "raw"
                if found and await match_count_over(datasette, *found, raw=raw):
                    keys = {key for key, _ in pairs}
                    added = [("_nocount", "1")] if "_nocount" not in keys else []
                    if not keys & {"_facet", "_nofacet"}:
                        added.append(("_nofacet", "1"))
                    query_string = urlencode(pairs + added).encode("latin-1")
                    scope = dict(scope, query_string=query_string, **{SCOPE_KEY: MANY_MATCHES})
            await app(scope, receive, send)

        return big_searches

    return wrap


@hookimpl
def extra_template_vars(template: str, request: Any) -> dict[str, Any]:
    """On a table page whose search has very many matches, that number and the search words."""
    if template != "table.html" or request is None or SCOPE_KEY not in request.scope:
        return {}
    return {
        "search_matches_over": request.scope[SCOPE_KEY],
        "ranked_search_url": "/-/search?" + urlencode({"q": request.args.get("_search", "")}),
    }
