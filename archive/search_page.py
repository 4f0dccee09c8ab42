"""The reading room's search page, ``/-/search``: relevance first, snippets, the fields that
matched, a clear message for a malformed query, filters, and the results as CSV or JSON
(``/-/search.csv``, ``/-/search.json``) with the same parameters.

Parameters: ``q`` (the query), ``portal`` (a slug), ``province``, ``since``/``until``
(YYYY[-MM[-DD]]), ``exact`` (1: the words as one phrase, diacritics as typed), ``limit``.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from datasette.utils.asgi import Response
from markupsafe import Markup, escape
from sqlite_utils import Database

from archive.archive_links import portal_url, reader_url
from archive.filters import check_date_bound
from archive.search import Hit, SearchSyntaxError, search
from archive.vn_format import vietnamese_datetime, vietnamese_number

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
FIELD_NAMES = {"title": "tiêu đề", "body_text": "nội dung", "source": "nguồn"}
_MARK_OPEN, _MARK_CLOSE = "\x02", "\x03"
CSV_COLUMNS = [
    "rank", "id", "title", "portal", "portal_name", "province", "published_at", "views",
    "source", "matched", "snippet", "reader_url",
]  # fmt: skip


@dataclass(frozen=True)
class SearchRequest:
    """The search page's parameters, checked."""

    q: str
    portal: str
    province: str
    since: str
    until: str
    exact: bool
    limit: int

    @classmethod
    def from_args(cls, args: Any) -> SearchRequest:
        try:
            limit = int(args.get("limit") or DEFAULT_LIMIT)
        except ValueError:
            limit = DEFAULT_LIMIT
        return cls(
            q=(args.get("q") or "").strip(),
            portal=(args.get("portal") or "").strip(),
            province=(args.get("province") or "").strip(),
            since=(args.get("since") or "").strip(),
            until=(args.get("until") or "").strip(),
            exact=(args.get("exact") or "") in ("1", "on", "true"),
            limit=min(max(limit, 1), MAX_LIMIT),
        )

    def query_string(self, **changes: Any) -> str:
        values = {
            "q": self.q,
            "portal": self.portal,
            "province": self.province,
            "since": self.since,
            "until": self.until,
            "exact": "1" if self.exact else "",
            **changes,
        }
        return urlencode({k: v for k, v in values.items() if v})


def _marked(text: str | None) -> Markup:
    """Escaped ``text`` with the internal match markers as <mark>."""
    escaped = str(escape(text or ""))
    return Markup(escaped.replace(_MARK_OPEN, "<mark>").replace(_MARK_CLOSE, "</mark>"))


def _plain(text: str | None) -> str:
    return (text or "").replace(_MARK_OPEN, "[").replace(_MARK_CLOSE, "]")


def run_search(conn: Any, request: SearchRequest) -> tuple[list[Hit], list[dict], str | None]:
    """The hits, the portals (for the filter) and an error message for the researcher."""
    db = Database(conn)
    portals = [
        dict(row)
        for row in db.query("select slug, name, province from portals order by province, name")
    ]
    if not request.q:
        return [], portals, None
    if request.portal and request.portal.lower() not in {p["slug"].lower() for p in portals}:
        return [], portals, f"Không có cổng {request.portal!r} trong kho lưu trữ."
    try:
        check_date_bound(request.since)
        check_date_bound(request.until)
        hits = search(
            db,
            request.q,
            portal=request.portal or None,
            province=request.province or None,
            since=request.since or None,
            until=request.until or None,
            limit=request.limit,
            exact=request.exact,
            markers=(_MARK_OPEN, _MARK_CLOSE),
        )
    except SearchSyntaxError as error:
        return [], portals, str(error)
    except ValueError as error:
        return [], portals, str(error)
    return hits, portals, None


def hit_row(rank: int, hit: Hit) -> dict[str, Any]:
    """A hit as the template and the downloads show it."""
    return {
        "rank": rank,
        "id": hit.id,
        "href": reader_url(hit.id),
        "title": _marked(hit.title_highlighted or hit.title or hit.id),
        "title_text": hit.title or "",
        "snippet": _marked(hit.snippet),
        "snippet_text": _plain(hit.snippet),
        "portal": hit.portal,
        "portal_href": portal_url(hit.portal) if hit.portal else None,
        "portal_name": hit.portal_name or hit.portal,
        "province": hit.province,
        "published_at": hit.published_at,
        "published": vietnamese_datetime(hit.published_at),
        "views": hit.views,
        "views_text": vietnamese_number(hit.views),
        "source": hit.source,
        "matched": [FIELD_NAMES.get(name, name) for name in hit.matched],
        "matched_fields": list(hit.matched),
    }


def as_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row["rank"],
                row["id"],
                row["title_text"],
                row["portal"],
                row["portal_name"],
                row["province"],
                row["published_at"],
                row["views"],
                row["source"],
                " ".join(row["matched_fields"]),
                row["snippet_text"],
                row["href"],
            ]
        )
    return out.getvalue()


def as_json(rows: list[dict[str, Any]]) -> str:
    keys = [c for c in CSV_COLUMNS if c not in ("title", "snippet", "matched", "reader_url")]
    return json.dumps(
        [
            {
                **{key: row[key] for key in keys},
                "title": row["title_text"],
                "snippet": row["snippet_text"],
                "matched": row["matched_fields"],
                "reader_url": row["href"],
            }
            for row in rows
        ],
        ensure_ascii=False,
        indent=2,
    )


async def search_page(datasette: Any, request: Any) -> Response:
    """``/-/search`` and its ``.csv`` / ``.json`` forms."""
    params = SearchRequest.from_args(request.args)
    fmt = request.url_vars.get("format") or "html"
    db = datasette.get_database()
    hits, portals, error = await db.execute_fn(lambda conn: run_search(conn, params))
    rows = [hit_row(rank, hit) for rank, hit in enumerate(hits, 1)]
    status = 400 if error else 200
    if fmt == "csv":
        if error:
            return Response.text(error, status=status)
        return Response(
            as_csv(rows),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="search.csv"'},
        )
    if fmt == "json":
        if error:
            return Response.json({"ok": False, "error": error}, status=status)
        return Response(as_json(rows), content_type="application/json; charset=utf-8")
    html = await datasette.render_template(
        "archive_search.html",
        {
            "params": params,
            "portals": portals,
            "rows": rows,
            "error": error,
            "database": db.name,
            "csv_href": "/-/search.csv?" + params.query_string(),
            "json_href": "/-/search.json?" + params.query_string(),
            "more_href": (
                "/-/search?" + params.query_string(limit=params.limit * 4)
                if len(rows) == params.limit and params.limit < MAX_LIMIT
                else None
            ),
        },
        request=request,
    )
    return Response.html(html, status=status)
