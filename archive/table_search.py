"""Datasette's search box on ``articles`` and ``article_list``, fast when a word is everywhere.

Datasette 0.65 answers ``/<db>/<table>?_search=words`` with ``rowid in (select rowid from the
index where it matches)``, which SQLite answers by reading every matching row and sorting them
all by date, then counts every match and counts every facet over them: seconds for a word found
in most of a 500,000-article archive. This plugin (registered by archive.serve) first counts the
matches in the index, stopping early (a few milliseconds). Up to FEW_MATCHES, datasette's own
search runs untouched, with its exact count and facets. Beyond that, the HTML page is asked for
``_match=words`` instead, with ``_nocount=1`` and (unless a facet was asked for by name)
``_nofacet=1``, and ``filters_from_request`` below turns ``_match`` into a condition SQLite
answers from the date index: the same rows, in the same order, on the same pages, without the
count and the facets; the page says there are more than FEW_MATCHES matches and links to the
ranked search (``/-/search``, with its own filters). Two forms of the condition, by the number
of matches (both give the same rows):

- up to LISTED_MATCHES: ``+rowid in (matches)``: the matches are listed once and the date index
  is read newest first, each row checked against the list (the ``+`` keeps SQLite from looking
  the matches up one by one);
- more: ``exists (the row matches)``: the date index is read newest first and the index asked
  about each row, which finds a page of results after a few dozen rows (only when sorting by
  date; another sort uses the list).

JSON and CSV addresses with ``_search`` are left to datasette (exact counts, as an API expects).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite, tilde_decode

logger = logging.getLogger(__name__)

FEW_MATCHES = 5_000
LISTED_MATCHES = 100_000
FTS_TABLE = "articles_fts"
# The tables searched through FTS_TABLE, with the column holding the index's rowid.
SEARCHED_TABLES = {"articles": "rowid", "article_list": "article_rowid"}
MATCH = "_match"
COUNT_KEY = "portal_archive.match_count"


def table_page(path: str) -> tuple[str, str] | None:
    """``(database, table)`` of the HTML page of a searched table, or None."""
    parts = path.split("/")
    if len(parts) != 3 or parts[0] or not parts[1] or "." in parts[2]:
        return None
    database, table = tilde_decode(parts[1]), tilde_decode(parts[2])
    return (database, table) if table in SEARCHED_TABLES else None


async def count_matches(datasette: Any, database: str, words: str, raw: bool) -> int | None:
    """How many articles ``words`` match, counted up to LISTED_MATCHES + 1; None if the words
    are not a valid query (datasette's page then reports it)."""
    try:
        db = datasette.get_database(database)
    except KeyError:
        return None
    match = "?" if raw else "escape_fts(?)"
    sql = (
        f"select count(*) from (select rowid from {FTS_TABLE} where {FTS_TABLE} match {match} "
        f"limit {LISTED_MATCHES + 1})"
    )
    try:
        return (await db.execute(sql, [words])).first()[0]
    except Exception as error:  # the message is datasette's to show
        logger.debug("counting the matches of %r failed: %s", words, error)
        return None


def by_index(pairs: list[tuple[str, str]], words: str) -> list[tuple[str, str]]:
    """The arguments of a page searching ``words`` through ``_match``, without count and
    facets (a facet asked for by name is kept)."""
    stale = {"_search", MATCH, "_nocount", "_nofacet"}
    kept = [(key, value) for key, value in pairs if key not in stale]
    added = [(MATCH, words), ("_nocount", "1")]
    if not any(key == "_facet" for key, _ in pairs):
        added.append(("_nofacet", "1"))
    return kept + added


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    """Send searches with very many matches through ``_match`` (see the module docstring)."""

    def wrap(app: Any) -> Any:
        async def searches(scope: dict, receive: Any, send: Any) -> None:
            found = None
            if scope.get("type") == "http" and scope.get("method") == "GET":
                found = table_page(scope.get("path", ""))
            if found:
                pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), True)
                args = dict(pairs)
                words = args.get("_search", "").strip()
                changed = None
                if words:
                    raw = args.get("_searchmode") == "raw"
                    count = await count_matches(datasette, found[0], words, raw)
                    if count is not None and count > FEW_MATCHES:
                        changed, scope = by_index(pairs, words), dict(scope, **{COUNT_KEY: count})
                    elif MATCH in args:  # a new search typed on a page of a big one
                        changed = [(k, v) for k, v in pairs if k not in (MATCH, "_nofacet")]
                        changed = [(k, v) for k, v in changed if k != "_nocount"]
                elif MATCH in args and "_nocount" not in args:
                    changed = pairs + [("_nocount", "1")]  # counting by probes would take minutes
                if changed is not None:
                    scope = dict(scope, query_string=urlencode(changed).encode("latin-1"))
            await app(scope, receive, send)

        return searches

    return wrap


@hookimpl
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
    """The condition for ``_match=words`` on a searched table (see the module docstring)."""
    words = (request.args.get(MATCH) or "").strip()
    if table not in SEARCHED_TABLES or not words:
        return None

    async def condition() -> FilterArguments:
        raw = request.args.get("_searchmode") == "raw"
        count = request.scope.get(COUNT_KEY)
        if count is None:
            count = await count_matches(datasette, database, words, raw)
        match = ":match" if raw else "escape_fts(:match)"
        key = f"{escape_sqlite(table)}.{SEARCHED_TABLES[table]}"
        sort = request.args.get("_sort") or request.args.get("_sort_desc") or "published_at"
        if count is not None and count > LISTED_MATCHES and sort == "published_at":
            where = (
                f"exists (select 1 from {FTS_TABLE} where {FTS_TABLE} match {match} "
                f"and {FTS_TABLE}.rowid = {key})"
            )
        else:
            where = f"+{key} in (select rowid from {FTS_TABLE} where {FTS_TABLE} match {match})"
        return FilterArguments(
            [where],
            {"match": words},
            [f'search matches "{words}"'],
            {
                "search": words,
                "search_matches_over": FEW_MATCHES,
                "ranked_search_url": "/-/search?" + urlencode({"q": words}),
            },
        )

    return condition
