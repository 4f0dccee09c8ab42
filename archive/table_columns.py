"""Default columns of the tables a researcher opens in datasette, every column one click away.

Datasette 0.65 shows every column of a table unless the address says ``_col=`` or ``_nocol=``.
This plugin (registered by archive.serve) gives an HTML table page without either the
``_nocol=`` of the columns in HIDDEN_BY_DEFAULT: the hash columns, the folded copies the search
index reads, raw markup, and in ``article_list`` the portal's name, province, level and the
year and month repeated on every row (their facets still work: datasette facets over every
column). The page then links "Hiện mọi cột" to the same address with ``_allcols=1``, which
shows them all; JSON and CSV addresses are left as asked. The row pages, the reader page and
the facets keep every value reachable.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils import path_with_removed_args, tilde_decode

# Columns left out of a table's page unless asked for.
HIDDEN_BY_DEFAULT: dict[str, tuple[str, ...]] = {
    "articles": (
        "content_hash",
        "body_html",
        "extraction",
        "title_folded",
        "body_text_folded",
        "source_folded",
    ),
    "article_list": ("portal_name", "province", "level", "year", "month", "article_rowid"),
    "article_versions": ("content_hash", "body_html"),
    "captures": ("sha256", "headers"),
}
SHOW_ALL = "_allcols"
_COLUMN_ARGS = {"_col", "_nocol", SHOW_ALL}


def table_of(path: str) -> tuple[str, str] | None:
    """``(database, table)`` of the HTML page of a table, or None for any other address."""
    parts = path.split("/")
    if len(parts) != 3 or parts[0] or not parts[1] or not parts[2] or "." in parts[2]:
        return None
    database, table = tilde_decode(parts[1]), tilde_decode(parts[2])
    return (database, table) if table in HIDDEN_BY_DEFAULT else None


async def columns_to_hide(datasette: Any, database: str, table: str) -> list[str]:
    """The default-hidden columns ``table`` has (an archive may predate some of them)."""
    try:
        db = datasette.get_database(database)
    except KeyError:
        return []
    columns = set(await db.table_columns(table))
    return [column for column in HIDDEN_BY_DEFAULT[table] if column in columns]


def with_defaults(query_string: bytes, hidden: list[str]) -> bytes:
    """``query_string`` with a ``_nocol`` for each hidden column, unless it chooses columns."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    if not hidden or any(key in _COLUMN_ARGS for key, _ in pairs):
        return query_string
    return urlencode(pairs + [("_nocol", column) for column in hidden]).encode("latin-1")


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    """Give table pages their default columns (see the module docstring)."""

    def wrap(app: Any) -> Any:
        async def default_columns(scope: dict, receive: Any, send: Any) -> None:
            if scope.get("type") == "http" and scope.get("method") == "GET":
                found = table_of(scope.get("path", ""))
                if found:
                    hidden = await columns_to_hide(datasette, *found)
                    query = with_defaults(scope.get("query_string", b""), hidden)
                    scope = dict(scope, query_string=query)
            await app(scope, receive, send)

        return default_columns

    return wrap


@hookimpl
def extra_template_vars(template: str, table: str | None, request: Any) -> dict[str, Any]:
    """On a table page showing fewer columns, the columns left out and the address of all."""
    if template != "table.html" or request is None or table not in HIDDEN_BY_DEFAULT:
        return {}
    hidden = request.args.getlist("_nocol")
    if not hidden and "_col" not in request.args:
        return {}
    removed = path_with_removed_args(request, {"_nocol", "_col", "_next"})
    separator = "&" if "?" in removed else "?"
    return {"hidden_columns": hidden, "all_columns_url": f"{removed}{separator}{SHOW_ALL}=1"}
