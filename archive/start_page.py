"""The archive's start page, ``/``: search first, then the article list, the portals with their
pages, the stored queries, and the tables (internal ones set apart)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from datasette.utils.asgi import Response

from archive.reading_room import portals_list
from archive.vn_format import vietnamese_number

# The tables a researcher reads, in this order, with what each holds.
MAIN_TABLES = {
    "article_list": "Mọi bài viết, kèm cổng, tỉnh, năm và tháng: lọc theo cổng, tỉnh, chuyên mục",
    "articles": "Bài viết như lần thu thập gần nhất (mọi trường)",
    "portals": "Các cổng thông tin được lưu trữ",
    "article_versions": "Các phiên bản trước của bài viết",
    "article_views": "Lượt xem của từng bài qua các lần thu thập",
    "article_months": "Số bài và tổng lượt xem theo cổng và tháng",
    "captures": "Trang gốc như đã nhận (bằng chứng của mỗi bài)",
    "crawl_runs": "Các lần thu thập và kết quả",
}


async def start_page(datasette: Any, request: Any) -> Response:
    """The start page of the reading room."""
    db = datasette.get_database()
    portals = await db.execute_fn(portals_list)
    total = sum(p["articles"] or 0 for p in portals)
    queries = await datasette.get_canned_queries(db.name, request.actor)
    hidden = set(await db.hidden_table_names())
    names = set(await db.table_names()) | set(await db.view_names())
    main = [
        {"name": name, "description": text, "href": f"/{quote(db.name)}/{quote(name)}"}
        for name, text in MAIN_TABLES.items()
        if name in names
    ]
    internal = [
        {"name": name, "href": f"/{quote(db.name)}/{quote(name)}"}
        for name in sorted(names - set(MAIN_TABLES) - hidden)
    ]
    html = await datasette.render_template(
        "archive_start.html",
        {
            "metadata": datasette.metadata() or {},
            "database": db.name,
            "portals": portals,
            "total": vietnamese_number(total),
            "queries": [
                {
                    "name": name,
                    "title": query.get("title") or name,
                    "description": query.get("description") or "",
                    "href": f"/{quote(db.name)}/{quote(name)}",
                }
                for name, query in queries.items()
            ],
            "main_tables": main,
            "internal_tables": internal,
        },
        request=request,
    )
    return Response.html(html)
