"""The reading room's pages under datasette: the reader, the archived copy, the portal page.

``ROUTES`` is returned by the plugin's ``register_routes`` hook:

- ``/-/article/<id>``: an article to read (template article.html);
- ``/-/capture/<id>``: a captured page, rewritten and sandboxed (archive.capture_page);
- ``/-/capture/<id>/raw``: a captured image or style sheet, as received;
- ``/-/file/<sha256>``: a stored attachment, as a download with its original file name;
- ``/-/portal/<slug>``: what the archive holds of a portal (template portal.html);
- ``/``: the start page (archive.start_page);
- ``/-/search`` (and ``.csv``, ``.json``): ranked search (archive.search_page).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote

from datasette.utils.asgi import Response

from archive.archive_links import RAW_TYPES
from archive.capture_page import (
    CAPTURE_POLICY,
    body_bytes,
    file_capture_page,
    is_html,
    rewrite_capture,
)
from archive.reading_room import article_context, capture_row, portal_context
from archive.search_page import search_page
from archive.start_page import start_page

# Pages of the reading room load nothing from outside the archive.
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'"
)


def _database(datasette: Any) -> Any:
    return datasette.get_database()


async def _not_found(datasette: Any, request: Any, message: str) -> Response:
    html = await datasette.render_template(
        "error.html",
        {"ok": False, "error": message, "title": "Không tìm thấy", "status": 404},
        request=request,
    )
    return Response.html(html, status=404)


async def article_page(datasette: Any, request: Any) -> Response:
    """The reader page of an article."""
    article_id = unquote(request.url_vars["id"])
    context = await _database(datasette).execute_fn(lambda conn: article_context(conn, article_id))
    if context is None:
        message = f"Không có bài {article_id!r} trong kho lưu trữ."
        return await _not_found(datasette, request, message)
    context["database"] = _database(datasette).name
    html = await datasette.render_template("article.html", context, request=request)
    return Response.html(html, headers={"Content-Security-Policy": PAGE_POLICY})


async def portal_page(datasette: Any, request: Any) -> Response:
    """The portal page."""
    slug = unquote(request.url_vars["slug"])
    context = await _database(datasette).execute_fn(lambda conn: portal_context(conn, slug))
    if context is None:
        return await _not_found(datasette, request, f"Không có cổng {slug!r} trong kho lưu trữ.")
    context["database"] = _database(datasette).name
    html = await datasette.render_template("portal.html", context, request=request)
    return Response.html(html, headers={"Content-Security-Policy": PAGE_POLICY})


async def capture_page(datasette: Any, request: Any) -> Response:
    """The archived copy of a captured HTML page, in a sandbox."""
    capture_id = int(request.url_vars["id"])
    db = _database(datasette)
    row = await db.execute_fn(lambda conn: capture_row(conn, capture_id))
    if row is None:
        return await _not_found(datasette, request, f"Không có bản lưu số {capture_id}.")
    headers = {"Content-Security-Policy": CAPTURE_POLICY, "X-Content-Type-Options": "nosniff"}
    if is_html(row.content_type):
        html = await db.execute_fn(lambda conn: rewrite_capture(conn, row))
    else:
        html = file_capture_page(row)
    return Response.html(html, headers=headers)


async def raw_capture(datasette: Any, request: Any) -> Response:
    """A captured image or style sheet, as received, sandboxed too."""
    capture_id = int(request.url_vars["id"])
    row = await _database(datasette).execute_fn(lambda conn: capture_row(conn, capture_id))
    kind = (row.content_type or "").lower() if row else ""
    if row is None or not kind.startswith(RAW_TYPES):
        return Response.text("Không có ảnh hay tệp định dạng này trong kho lưu trữ.", status=404)
    return Response(
        body_bytes(row.body_gz),
        content_type=row.content_type,
        headers={"Content-Security-Policy": CAPTURE_POLICY, "X-Content-Type-Options": "nosniff"},
    )


async def stored_file(datasette: Any, request: Any) -> Response:
    """A stored attachment, downloaded (never shown inline) under its original file name."""
    digest = request.url_vars["sha256"]

    def read(conn: Any) -> tuple | None:
        row = conn.execute(
            "select f.mime, f.filename, c.body_gz from files as f "
            "join captures as c on c.id = f.capture_id where f.sha256 = ?",
            [digest],
        ).fetchone()
        return tuple(row) if row else None

    found = await _database(datasette).execute_fn(read)
    if found is None:
        return Response.text("Không có tệp này trong kho lưu trữ.", status=404)
    mime, filename, body_gz = found
    name = quote(filename or digest, safe="")
    return Response(
        body_bytes(body_gz),
        content_type=mime or "application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{name}",
            "Content-Security-Policy": CAPTURE_POLICY,
            "X-Content-Type-Options": "nosniff",
        },
    )


ROUTES = [
    (r"^/$", start_page),
    (r"^/-/search(\.(?P<format>csv|json))?$", search_page),
    (r"^/-/article/(?P<id>[^/]+)$", article_page),
    (r"^/-/capture/(?P<id>\d+)$", capture_page),
    (r"^/-/capture/(?P<id>\d+)/raw$", raw_capture),
    (r"^/-/file/(?P<sha256>[0-9a-f]{64})$", stored_file),
    (r"^/-/portal/(?P<slug>[^/]+)$", portal_page),
]
