"""An offline ward portal in the clean-URL vendor layout, rendered from generated articles.

It serves a home page, section listings at ``/<section>.html`` paged as
``/<section>/trang-<n>.html``, articles at ``/<section>/<slug>-<id>.html`` with the date printed
under the title (``Thứ Hai, 20/05/2024 - 09:15``) while ``article:published_time`` meta carries a
later modification time, an eye-icon view counter, a "Tin mới" column with its own dates before
the article, "Tin cùng chuyên mục" after it, and a visitor counter.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import escape

from portal_spider.demo.commune_news import NewsArticle, commune_articles, dotted
from portal_spider.demo.yenbai_site import TINY_JPEG, Reply

PER_PAGE = 3
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
SECTIONS = {"tin-tuc": "Tin tức - Sự kiện", "thong-bao": "Thông báo", "kinh-te": "Kinh tế"}
LISTING = re.compile(r"^/(?P<section>[a-z-]+)(?:\.html|/trang-(?P<page>\d+)\.html)$")
ARTICLE = re.compile(r"^/(?P<section>[a-z-]+)/(?P<slug>[a-z0-9-]+)-(?P<id>\d+)\.html$")


def printed_date(article: NewsArticle) -> str:
    """``Thứ Hai, 20/05/2024 - 09:15``."""
    moment = article.published
    return f"{WEEKDAYS[moment.weekday()]}, {moment:%d/%m/%Y - %H:%M}"


class VendorSite:
    """A ward portal built by a vendor, with clean URLs."""

    def __init__(self, unit: str = "phường Hòa Thuận", count: int = 13, visitors: int = 45_612):
        self.unit = unit
        self.name = f"Cổng thông tin điện tử {unit}"
        self.articles = commune_articles(unit, count, first_number=98700)
        self.visitors = visitors

    def article_path(self, article: NewsArticle) -> str:
        """The clean URL path of an article."""
        return f"/{article.category}/{article.slug}-{article.number}.html"

    def listing_path(self, section: str, page: int = 1) -> str:
        """The path of page ``page`` of a section."""
        return f"/{section}.html" if page == 1 else f"/{section}/trang-{page}.html"

    def entry_points(self) -> list[str]:
        """The first page of every section."""
        return [self.listing_path(section) for section in SECTIONS]

    def handle(self, target: str) -> Reply:
        """Answer a request for ``target``."""
        path = target.split("?", 1)[0]
        if path == "/robots.txt":
            return Reply(200, "text/plain; charset=utf-8", b"User-agent: *\nDisallow: /admin/\n")
        if path.startswith("/upload/") and path.endswith(".jpg"):
            return Reply(200, "image/jpeg", TINY_JPEG)
        if path in {"/", "/trang-chu.html"}:
            return self._html(self._home())
        listing = LISTING.match(path)
        if listing and listing.group("section") in SECTIONS:
            section = listing.group("section")
            rows = [a for a in self.articles if a.category == section]
            page = int(listing.group("page") or 1)
            pages = max(1, -(-len(rows) // PER_PAGE))
            if page <= pages:
                return self._html(self._listing(section, rows, page, pages))
        article = ARTICLE.match(path)
        if article:
            for row in self.articles:
                if self.article_path(row) == path:
                    return self._html(self._article(row))
            return self._not_found()
        return self._not_found()

    # --- pages --------------------------------------------------------------------------------
    def _html(self, html: str) -> Reply:
        return Reply(200, "text/html; charset=utf-8", html.encode("utf-8"))

    def _not_found(self) -> Reply:
        html = self._layout("Không tìm thấy trang", "<h1>Không tìm thấy trang</h1>")
        return Reply(404, "text/html; charset=utf-8", html.encode("utf-8"))

    def _layout(self, title: str, main: str, head: str = "") -> str:
        menu = "".join(f'<li><a href="/{s}.html">{escape(n)}</a></li>' for s, n in SECTIONS.items())
        latest = "".join(
            f'<li><a href="{self.article_path(a)}">{escape(a.title)}</a>'
            f'<span class="time">{a.published:%d/%m/%Y %H:%M}</span></li>'
            for a in self.articles[:3]
        )
        return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} - {escape(self.name)}</title>
<meta property="og:site_name" content="{escape(self.name)}">
{head}<link rel="stylesheet" href="/assets/css/style.css?v=3.2.1">
<script src="/assets/js/jquery-3.6.0.min.js"></script>
</head>
<body>
<div class="header"><div class="container"><div class="logo"><a href="/">\
<img src="/assets/images/logo.png" alt="{escape(self.name)}"></a></div></div>
<nav class="menu-main"><ul><li><a href="/">Trang chủ</a></li>{menu}</ul></nav></div>
<div class="container main"><div class="row">
<div class="col-md-3 col-left"><div class="box-tin-moi"><h3 class="box-title">Tin mới</h3>\
<ul>{latest}</ul></div></div>
<div class="col-md-6 col-main">{main}</div>
<div class="col-md-3 col-right"><div class="box-thong-ke"><h3 class="box-title">Thống kê truy \
cập</h3><p>Đang truy cập: 12</p><p>Tổng lượt truy cập: {dotted(self.visitors)}</p></div></div>
</div></div>
<div class="footer"><div class="container"><p>Cơ quan chủ quản: Ủy ban nhân dân \
{escape(self.unit)}.</p></div></div>
<script src="/assets/js/main.js?v=3.2.1"></script>
</body>
</html>
"""

    def _home(self) -> str:
        blocks = []
        for section, name in SECTIONS.items():
            items = "".join(
                f'<li><a href="{self.article_path(a)}">{escape(a.title)}</a></li>'
                for a in self.articles
                if a.category == section
            )
            blocks.append(
                f'<div class="home-section"><h2><a href="/{section}.html">{escape(name)}</a></h2>'
                f"<ul>{items}</ul></div>"
            )
        return self._layout(self.name, "".join(blocks))

    def _listing(self, section: str, rows: list[NewsArticle], page: int, pages: int) -> str:
        chunk = rows[(page - 1) * PER_PAGE : page * PER_PAGE]
        items = "".join(
            f'<div class="item"><h3><a href="{self.article_path(a)}">{escape(a.title)}</a></h3>'
            f'<span class="time">{a.published:%d/%m/%Y}</span>'
            f"<p>{escape(a.paragraphs[0][:150])}…</p></div>"
            for a in chunk
        )
        pager = "".join(
            f'<span class="active">{n}</span>'
            if n == page
            else f'<a href="{self.listing_path(section, n)}">{n}</a>'
            for n in range(1, pages + 1)
        )
        main = (
            f'<div class="breadcrumb"><a href="/">Trang chủ</a> › <span>{SECTIONS[section]}</span>'
            f'</div><div class="list-news"><h1 class="title-cate">{SECTIONS[section]}</h1>'
            f'{items}</div><div class="pagination">{pager}</div>'
        )
        return self._layout(SECTIONS[section], main)

    def _article(self, a: NewsArticle) -> str:
        modified = a.published + timedelta(days=3, hours=2)
        head = (
            f'<meta property="og:type" content="article">\n'
            f'<meta property="og:title" content="{escape(a.title)}">\n'
            f'<meta property="article:published_time" content="{modified.isoformat()}">\n'
        )
        body = [f"<p>{escape(p)}</p>" for p in a.paragraphs]
        if a.image:
            body.insert(1, f'<figure><img src="/upload/2024/{a.image}" alt=""><figcaption>'
                           "Quang cảnh buổi lễ</figcaption></figure>")  # fmt: skip
        related = "".join(
            f'<li><a href="{self.article_path(r)}">{escape(r.title)}</a> '
            f'<span class="time">({r.published:%d/%m/%Y})</span></li>'
            for r in self.articles
            if r.category == a.category and r.number != a.number
        )
        author = f'<div class="author-detail">{escape(a.author)}</div>' if a.author else ""
        source = f'<div class="source-detail">Nguồn: {escape(a.source)}</div>' if a.source else ""
        main = f"""<div class="breadcrumb"><a href="/">Trang chủ</a> <span>›</span> \
<a href="/{a.category}.html">{escape(SECTIONS[a.category])}</a></div>
<div class="news-detail">
<h1 class="title-detail">{escape(a.title)}</h1>
<div class="meta-detail"><span class="date-detail">{printed_date(a)}</span>
<span class="view-count"><i class="fa fa-eye"></i> {dotted(a.views)}</span>
<span class="print"><a href="javascript:window.print()">In</a></span></div>
<div class="content-detail">{"".join(body)}</div>
{author}{source}
<div class="share-detail"><span>Chia sẻ:</span> <a href="#" class="share-fb">Facebook</a></div>
</div>
<div class="news-related"><h3 class="title-related">Tin cùng chuyên mục</h3>\
<ul>{related}</ul></div>"""
        return self._layout(a.title, main, head)
