"""An offline portal in the Yên Bái SharePoint layout, rendered from data.

It serves what a district portal of that family serves: a home page, paged category listings
(``chi-tiet-tin-tuc.aspx?l=<List>&lv=0&page=N``), article pages (``?ItemID=<n>&l=<List>``) with the
"Các tin khác" related list and its pager, images, an attachment and ``robots.txt``. Articles can be
added, edited, removed and viewed between crawls, so tests can model a portal that changes.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

DATA_FILE = Path(__file__).with_name("articles.json")
ARTICLE_PATH = "/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx"
IMAGE_PATH = "/noidung/tintuc/PublishingImages/"
FILE_PATH = "/noidung/tintuc/Lists/TaiLieu/Attachments/"
PAGE_SIZE = 5
RELATED_SIZE = 5
# a 1x1 grey JPEG, enough for an <img> to load
TINY_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c19"
    "12130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b08"
    "0001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b51000"
    "02010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f0"
    "2433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768"
    "696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3"
    "c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fb"
    "d3ffd9"
)
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class Reply:
    """An HTTP reply: status, content type, body."""

    status: int
    content_type: str
    body: bytes
    location: str | None = None


def load_demo_data(path: Path = DATA_FILE) -> dict[str, Any]:
    """The bundled demo portal: portal facts, categories, articles."""
    return json.loads(path.read_text(encoding="utf-8"))


def _date_only(raw: str) -> str:
    return raw.split(" ", 1)[0]


class YenBaiSite:
    """A district portal of the Yên Bái family, served from article data."""

    def __init__(self, data: dict[str, Any] | None = None, *, visitors: int = 1_254_873) -> None:
        data = copy.deepcopy(data or load_demo_data())
        self.portal: dict[str, str] = data["portal"]
        self.categories: dict[str, str] = {c["list"]: c["name"] for c in data["categories"]}
        self.articles: dict[int, dict[str, Any]] = {a["item_id"]: a for a in data["articles"]}
        self.removed: set[int] = set()
        self.visitors = visitors

    # --- changes between crawls -------------------------------------------------------------
    def add_article(self, article: dict[str, Any]) -> None:
        """Publish a new article."""
        self.articles[article["item_id"]] = copy.deepcopy(article)

    def edit_article(self, item_id: int, **changes: Any) -> None:
        """Change fields of a published article (title, paragraphs, source, views …)."""
        self.articles[item_id].update(changes)

    def remove_article(self, item_id: int) -> None:
        """Take an article down: its page answers 404 and listings no longer show it."""
        self.removed.add(item_id)

    def live_articles(self, list_name: str | None = None) -> list[dict[str, Any]]:
        """Published articles, newest first, optionally of one list."""
        rows = [
            a
            for a in self.articles.values()
            if a["item_id"] not in self.removed and (list_name is None or a["list"] == list_name)
        ]
        return sorted(rows, key=lambda a: (a["published_at"], a["item_id"]), reverse=True)

    def listing_url(self, list_name: str, page: int = 1) -> str:
        """The path of page ``page`` of a list."""
        return f"{ARTICLE_PATH}?l={list_name}&lv=0&page={page}"

    def article_url(self, article: dict[str, Any], **extra: str) -> str:
        """The path of an article page as the portal links it."""
        query = f"ItemID={article['item_id']}&l={article['list']}"
        for key, value in extra.items():
            query += f"&{key}={quote(value, safe='')}"
        return f"{ARTICLE_PATH}?{query}"

    def entry_points(self) -> list[str]:
        """Paths of the first page of every list."""
        return [self.listing_url(name) for name in self.categories]

    # --- serving ------------------------------------------------------------------------------
    def handle(self, target: str) -> Reply:
        """Answer a request for ``target`` (path and query)."""
        parts = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        if path == "/robots.txt":
            body = "User-agent: *\nDisallow: /_layouts/\nDisallow: /noidung/private/\n"
            return Reply(200, "text/plain; charset=utf-8", body.encode())
        if path in {"/", "/Pages/default.aspx"}:
            return self._page(self._home())
        if path.lower() == ARTICLE_PATH.lower():
            if "ItemID" in query:
                return self._article_reply(query)
            list_name = query.get("l", "")
            if list_name in self.categories:
                page = int(query.get("page", "1") or 1) if query.get("page", "1").isdigit() else 1
                return self._page(self._listing(list_name, page))
        if path.startswith(IMAGE_PATH) and path.endswith(".jpg"):
            return Reply(200, "image/jpeg", TINY_JPEG)
        if path.startswith(FILE_PATH) and path.endswith(".pdf"):
            return Reply(200, "application/pdf", MINIMAL_PDF)
        return self._not_found()

    def _article_reply(self, query: dict[str, str]) -> Reply:
        try:
            item_id = int(query["ItemID"])
        except ValueError:
            return self._not_found()
        article = self.articles.get(item_id)
        if article is None or item_id in self.removed:
            return self._not_found()
        related_page = query.get("page", "1")
        page = int(related_page) if related_page.isdigit() else 1
        return self._page(self._article(article, page))

    def _page(self, html: str) -> Reply:
        return Reply(200, "text/html; charset=utf-8", html.encode("utf-8"))

    def _not_found(self) -> Reply:
        html = self._layout(
            "Không tìm thấy trang",
            '<div class="error-page"><h2>Không tìm thấy trang yêu cầu</h2>'
            "<p>Trang bạn tìm không tồn tại hoặc đã bị gỡ bỏ.</p></div>",
        )
        return Reply(404, "text/html; charset=utf-8", html.encode("utf-8"))

    # --- page parts ---------------------------------------------------------------------------
    def _menu(self) -> str:
        items = "".join(
            f'<li><a href="{escape(self.listing_url(key))}">{escape(name)}</a></li>'
            for key, name in self.categories.items()
        )
        return (
            '<div id="topmenu" class="ms-core-navigation"><ul class="root">'
            '<li><a href="/">Trang chủ</a></li><li><a href="/Pages/gioi-thieu.aspx">Giới thiệu</a>'
            f'</li>{items}<li><a href="/_layouts/15/lienhe.aspx">Liên hệ</a></li></ul></div>'
        )

    def _sidebar(self) -> str:
        latest = self.live_articles()[:5]
        news = "".join(
            f'<li><a href="{escape(self.article_url(a))}">{escape(a["title"])}</a>'
            f'<span class="date">{_date_only(a["published_raw"])}</span></li>'
            for a in latest
        )
        featured = self.live_articles()[5:8]
        featured_links = "".join(
            f'<li><a href="{ARTICLE_PATH}?l={a["list"]}&amp;ItemID={a["item_id"]}">'
            f"{escape(a['title'])}</a></li>"
            for a in featured
        )
        return (
            '<div class="sidebar-right">'
            '<div class="box-news-new"><h3 class="box-title">Tin mới</h3>'
            f'<ul class="list-news-new">{news}</ul></div>'
            '<div class="box-news-hot"><h3 class="box-title">Tin nổi bật</h3>'
            f"<ul>{featured_links}</ul></div>"
            '<div class="box-gallery"><h3 class="box-title">Thư viện ảnh</h3>'
            f'<div class="gallery"><img src="{IMAGE_PATH}thu-vien/canh-dep-ta-xua.jpg" '
            'alt="Cảnh đẹp Tà Xùa"></div></div>'
            '<div class="box-counter"><h3 class="box-title">Thống kê truy cập</h3>'
            f'<div class="counter">Lượt truy cập <span class="num">{self.visitors:,}</span>'
            '</div><div class="online">Đang truy cập <span class="num">37</span></div></div>'
            "</div>"
        ).replace(",", ".")

    def _layout(self, title: str, main: str) -> str:
        site = escape(self.portal["name"])
        return f"""<!DOCTYPE html>
<html dir="ltr" lang="vi-VN">
<head>
<meta http-equiv="X-UA-Compatible" content="IE=10">
<meta charset="utf-8">
<title>{escape(title)} - {site}</title>
<link rel="stylesheet" type="text/css" href="/_layouts/15/1066/styles/Themable/corev15.css">
<script type="text/javascript" src="/_layouts/15/init.js"></script>
<script type="text/javascript">var _spPageContextInfo = {{webServerRelativeUrl: "/", \
webLanguage: 1066, currentLanguage: 1066}};</script>
</head>
<body>
<form method="post" action="./" id="aspnetForm">
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUBMA9kFgJmD2QWAgIBD2QWBA">
<div id="s4-workspace"><div id="s4-bodyContainer">
<div class="header"><div class="banner"><a href="/">\
<img src="{IMAGE_PATH}banner/banner-tramtau.jpg" alt="{site}"></a>\
<span class="site-name">{site}</span></div>{self._menu()}</div>
<div class="container"><div class="main-left">
{main}
</div>
{self._sidebar()}
</div>
<div class="footer"><p>Cơ quan chủ quản: Ủy ban nhân dân huyện \
{escape(self.portal.get("unit", "Trạm Tấu"))} - tỉnh {escape(self.portal["province"])}</p>\
<p>Địa chỉ: Tổ dân phố 1, thị trấn Trạm Tấu</p>\
<p>Ghi rõ nguồn khi phát hành lại thông tin từ cổng thông tin này.</p></div>
</div></div>
</form>
<script type="text/javascript">(function(){{var ga=document.createElement('script');}})();</script>
</body>
</html>
"""

    def _home(self) -> str:
        blocks = []
        for key, name in self.categories.items():
            items = "".join(
                f'<li><a href="{escape(self.article_url(a, Source="/"))}">{escape(a["title"])}'
                "</a></li>"
                for a in self.live_articles(key)[:3]
            )
            blocks.append(
                f'<div class="home-category"><h2><a href="{escape(self.listing_url(key))}">'
                f"{escape(name)}</a></h2><ul>{items}</ul></div>"
            )
        return self._layout(self.portal["name"], "".join(blocks))

    def _pager(self, base: str, page: int, pages: int) -> str:
        links = []
        if page > 1:
            links.append(f'<a class="prev" href="{escape(base)}&amp;page={page - 1}">&lt;</a>')
        for n in range(1, pages + 1):
            if n == page:
                links.append(f'<span class="current">{n}</span>')
            else:
                links.append(f'<a href="{escape(base)}&amp;page={n}">{n}</a>')
        if page < pages:
            links.append(f'<a class="next" href="{escape(base)}&amp;page={page + 1}">&gt;</a>')
        return "".join(links)

    def _listing(self, list_name: str, page: int) -> str:
        rows = self.live_articles(list_name)
        pages = max(1, -(-len(rows) // PAGE_SIZE))
        chunk = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        items = []
        for a in chunk:
            thumb = ""
            if a.get("images"):
                thumb = (
                    f'<a href="{escape(self.article_url(a))}"><img class="thumb" '
                    f'src="{IMAGE_PATH}{escape(a["images"][0]["file"])}" alt=""></a>'
                )
            summary = a["paragraphs"][0][:220].rsplit(" ", 1)[0] + "…"
            items.append(
                f'<div class="news-item">{thumb}<h3 class="news-item-title">'
                f'<a href="{escape(self.article_url(a))}">{escape(a["title"])}</a></h3>'
                f'<span class="news-item-date">({_date_only(a["published_raw"])})</span>'
                f'<p class="news-item-summary">{escape(summary)}</p></div>'
            )
        name = self.categories[list_name]
        base = f"{ARTICLE_PATH}?l={list_name}&lv=0"
        main = (
            f'<div class="breadcrumb"><a href="/">Trang chủ</a> &gt; <span>{escape(name)}</span>'
            f'</div><div class="list-news" id="ctl00_PlaceHolderMain_g_4c8e_ListNews">'
            f'<h2 class="category-title">{escape(name)}</h2>{"".join(items)}'
            f'<div class="paging">{self._pager(base, page, pages)}</div></div>'
        )
        return self._layout(name, main)

    def _body(self, a: dict[str, Any]) -> str:
        parts = []
        images = list(a.get("images") or [])
        for index, paragraph in enumerate(a["paragraphs"]):
            parts.append(f'<p style="text-align:justify">{escape(paragraph)}</p>')
            if index == 0 and images:
                image = images.pop(0)
                parts.append(self._figure(image))
        for image in images:
            parts.append(self._figure(image))
        for attachment in a.get("attachments") or []:
            parts.append(
                "<p><strong>File đính kèm:</strong> "
                f'<a href="{FILE_PATH}{escape(attachment["file"])}">'
                f"{escape(attachment['title'])}</a></p>"
            )
        if a.get("author"):
            parts.append(
                f'<p style="text-align:right"><strong>{escape(a["author_label"])} '
                f"{escape(a['author'])}</strong></p>"
            )
        return "\n".join(parts)

    def _figure(self, image: dict[str, str]) -> str:
        return (
            '<table class="image-caption" align="center"><tr><td>'
            f'<img src="{IMAGE_PATH}{escape(image["file"])}" alt="{escape(image["caption"])}" '
            f'style="width:600px" onclick="zoom(this)"></td></tr>'
            f'<tr><td class="caption"><em>{escape(image["caption"])}</em></td></tr></table>'
        )

    def _article(self, a: dict[str, Any], related_page: int) -> str:
        related = [r for r in self.live_articles(a["list"]) if r["item_id"] != a["item_id"]]
        pages = max(1, -(-len(related) // RELATED_SIZE))
        related_page = min(max(related_page, 1), pages)
        start = (related_page - 1) * RELATED_SIZE
        chunk = related[start : start + RELATED_SIZE]
        related_items = "".join(
            f'<li><a href="{escape(self.article_url(r))}">{escape(r["title"])}</a> '
            f'<span class="date">({_date_only(r["published_raw"])})</span></li>'
            for r in chunk
        )
        base = self.article_url(a)
        pager = (
            f'<div class="pager-other"><span class="summary">{start + 1}-{start + len(chunk)} of '
            f"{len(related)}</span>{self._pager(base, related_page, pages)}</div>"
        )
        source = ""
        if a.get("source"):
            source = f'<div class="news-source"><p>Nguồn: {escape(a["source"])}</p></div>'
        name = self.categories[a["list"]]
        views = a["views"]
        main = f"""<div class="breadcrumb"><a href="/">Trang chủ</a> &gt; \
<a href="{escape(self.listing_url(a["list"]))}">{escape(name)}</a></div>
<div class="news-detail" id="ctl00_PlaceHolderMain_g_7f3a_NewsDetail">
<h2 class="news-title">{escape(a["title"])}</h2>
<div class="news-info"><span class="news-date">{escape(a["published_raw"])}</span>
<span class="news-view">{views} lượt xem</span>
<div class="news-tools"><a href="javascript:window.print();" class="print">In</a>
<a href="#" class="readspeaker" onclick="readSpeaker();return false;">Đọc bài</a></div></div>
<div class="news-content ms-rtestate-field">
{self._body(a)}
</div>
{source}
<div class="like-box"><span class="like-count">0</span> đã tặng</div>
</div>
<div class="other-news"><h3 class="other-news-title">Các tin khác:</h3>
<ul>{related_items}</ul>
{pager}
</div>"""
        return self._layout(a["title"], main)
