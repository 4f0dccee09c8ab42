"""An offline commune site on WordPress, rendered from generated articles.

It serves what a small WordPress commune site serves: a home page listing the latest posts with
``/page/<n>/`` paging, category archives (``/category/<slug>/``), posts at dated permalinks
(``/<yyyy>/<mm>/<dd>/<slug>/``) with ``time.published`` and ``time.updated``, a post-views counter,
share buttons, a "Bài viết mới" widget with its own dates, a visitor counter and
``article:published_time`` meta that is the modification time.
"""

from __future__ import annotations

import re
from html import escape

from portal_spider.demo.commune_news import NewsArticle, commune_articles, dotted
from portal_spider.demo.yenbai_site import TINY_JPEG, Reply

PER_PAGE = 4
POST_PATH = re.compile(r"^/(\d{4})/(\d{2})/(\d{2})/([a-z0-9-]+)/$")
PAGED = re.compile(r"^(?P<base>/(?:category/[a-z0-9-]+/)?)(?:page/(?P<page>\d+)/)?$")


class WordPressSite:
    """A commune's WordPress site."""

    def __init__(self, unit: str = "xã Tân Phong", count: int = 11, visitors: int = 84_210):
        self.unit = unit
        self.name = f"Trang thông tin điện tử {unit}"
        self.articles: list[NewsArticle] = commune_articles(unit, count, first_number=1400)
        self.visitors = visitors

    def post_path(self, article: NewsArticle) -> str:
        """The permalink path of a post."""
        return f"/{article.published:%Y/%m/%d}/{article.slug}/"

    def entry_points(self) -> list[str]:
        """The listing to crawl from: the home page, which pages through every post."""
        return ["/"]

    def handle(self, target: str) -> Reply:
        """Answer a request for ``target``."""
        path = target.split("?", 1)[0]
        if path == "/robots.txt":
            return Reply(200, "text/plain; charset=utf-8", b"User-agent: *\nDisallow: /wp-admin/\n")
        if path.startswith("/wp-content/uploads/") and path.endswith(".jpg"):
            return Reply(200, "image/jpeg", TINY_JPEG)
        post = POST_PATH.match(path)
        if post:
            for article in self.articles:
                if self.post_path(article) == path:
                    return self._html(self._post(article))
            return self._not_found()
        paged = PAGED.match(path)
        if paged:
            base = paged.group("base")
            category = base.split("/")[2] if base.startswith("/category/") else None
            rows = [a for a in self.articles if category is None or a.category == category]
            page = int(paged.group("page") or 1)
            pages = max(1, -(-len(rows) // PER_PAGE))
            if page == 1 or (rows and page <= pages):
                return self._html(self._archive(base, rows, page, pages, category))
        return self._not_found()

    # --- pages --------------------------------------------------------------------------------
    def _html(self, html: str) -> Reply:
        return Reply(200, "text/html; charset=UTF-8", html.encode("utf-8"))

    def _not_found(self) -> Reply:
        body = '<main id="main"><h1 class="page-title">Không tìm thấy trang</h1></main>'
        return Reply(404, "text/html; charset=UTF-8", self._layout("Không tìm thấy", body).encode())

    def _layout(self, title: str, main: str, head: str = "", body_class: str = "home") -> str:
        menu = "".join(
            f'<li class="menu-item"><a href="/category/{slug}/">{name}</a></li>'
            for slug, name in (("tin-tuc", "Tin tức"), ("thong-bao", "Thông báo"))
        )
        recent = "".join(
            f'<li><a href="{self.post_path(a)}">{escape(a.title)}</a>'
            f'<span class="post-date">{a.published:%d/%m/%Y}</span></li>'
            for a in self.articles[:4]
        )
        return f"""<!doctype html>
<html lang="vi">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} &#8211; {escape(self.name)}</title>
{head}<link rel='stylesheet' id='wp-block-library-css' \
href='/wp-includes/css/dist/block-library/style.min.css?ver=6.4.2' media='all' />
<link rel='stylesheet' id='xa-style-css' href='/wp-content/themes/xa-theme/style.css?ver=1.2' \
media='all' />
<link rel="https://api.w.org/" href="/wp-json/" />
<meta name="generator" content="WordPress 6.4.2" />
</head>
<body class="{body_class}">
<div id="page" class="site">
<header id="masthead" class="site-header"><div class="site-branding">
<p class="site-title"><a href="/" rel="home">{escape(self.name)}</a></p></div>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">
<li class="menu-item"><a href="/">Trang chủ</a></li>{menu}</ul></nav></header>
<div id="content" class="site-content"><div id="primary" class="content-area">
{main}
</div>
<aside id="secondary" class="widget-area">
<section class="widget widget_recent_entries"><h2 class="widget-title">Bài viết mới</h2>\
<ul>{recent}</ul></section>
<section class="widget widget_counter"><h2 class="widget-title">Thống kê truy cập</h2>
<ul><li>Hôm nay: 57</li><li>Tổng lượt truy cập: {dotted(self.visitors)}</li>\
<li>Đang online: 3</li></ul></section>
</aside></div>
<footer id="colophon" class="site-footer"><div class="site-info">{escape(self.name)}. Chịu trách \
nhiệm nội dung: Chủ tịch UBND {escape(self.unit)}.</div></footer>
</div>
<script src="/wp-includes/js/jquery/jquery.min.js?ver=3.7.1"></script>
</body>
</html>
"""

    def _archive(
        self, base: str, rows: list[NewsArticle], page: int, pages: int, category: str | None
    ) -> str:
        chunk = rows[(page - 1) * PER_PAGE : page * PER_PAGE]
        posts = "".join(
            f'<article id="post-{a.number}" class="post-{a.number} post type-post status-publish">'
            f'<header class="entry-header"><h2 class="entry-title"><a href="{self.post_path(a)}" '
            f'rel="bookmark">{escape(a.title)}</a></h2>'
            '<div class="entry-meta"><span class="posted-on">'
            f'<time class="entry-date published" datetime="{a.published_iso}">'
            f"{a.published:%d/%m/%Y}</time></span></div></header>"
            f'<div class="entry-summary"><p>{escape(a.paragraphs[0][:160])}…</p></div></article>'
            for a in chunk
        )
        links = []
        for number in range(1, pages + 1):
            href = base if number == 1 else f"{base}page/{number}/"
            if number == page:
                links.append(
                    f'<span aria-current="page" class="page-numbers current">{number}</span>'
                )
            else:
                links.append(f'<a class="page-numbers" href="{href}">{number}</a>')
        if page < pages:
            links.append(
                f'<a class="next page-numbers" href="{base}page/{page + 1}/">Trang sau</a>'
            )
        heading = "" if category is None else f'<h1 class="page-title">Chuyên mục: {category}</h1>'
        main = (
            f'<main id="main" class="site-main">{heading}{posts}'
            '<nav class="navigation pagination">'
            f'<div class="nav-links">{"".join(links)}</div></nav>'
            "</main>"
        )
        return self._layout(self.name, main, body_class="home blog" if not category else "archive")

    def _post(self, a: NewsArticle) -> str:
        modified = a.published.replace(hour=(a.published.hour + 3) % 24)
        head = (
            f'<meta property="og:type" content="article" />\n'
            f'<meta property="og:title" content="{escape(a.title)}" />\n'
            f'<meta property="article:published_time" content="{modified.isoformat()}" />\n'
        )
        body = [f"<p>{escape(p)}</p>" for p in a.paragraphs]
        if a.image:
            body.insert(
                1,
                '<figure class="wp-block-image"><img src="/wp-content/uploads/2024/05/'
                f'{a.image}" alt="" /><figcaption>Quang cảnh buổi lễ</figcaption></figure>',
            )
        if a.source:
            body.append(f"<p>Nguồn: {escape(a.source)}</p>")
        if a.author:
            body.append(f"<p><em>{escape(a.author_label or '')} {escape(a.author)}</em></p>")
        main = f"""<main id="main" class="site-main">
<article id="post-{a.number}" class="post-{a.number} post type-post status-publish hentry">
<header class="entry-header"><h1 class="entry-title">{escape(a.title)}</h1>
<div class="entry-meta"><span class="posted-on">Đăng ngày <a href="{self.post_path(a)}" \
rel="bookmark"><time class="entry-date published" datetime="{a.published_iso}">\
{a.published:%d/%m/%Y}</time><time class="updated" datetime="{modified.isoformat()}">\
{modified:%d/%m/%Y}</time></a></span>
<span class="byline"> bởi <span class="author vcard">\
<a href="/author/admin/">admin</a></span></span>
<span class="post-views-count">Lượt xem: {a.views}</span></div></header>
<div class="entry-content">
{"".join(body)}
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Chia sẻ:</h3>\
<ul><li><a class="share-facebook" href="?share=facebook">Facebook</a></li></ul></div>
</div>
<footer class="entry-footer"><span class="cat-links">Chuyên mục: \
<a href="/category/{a.category}/" rel="category tag">{a.category_name}</a></span></footer>
</article></main>"""
        return self._layout(a.title, main, head, body_class=f"single single-post postid-{a.number}")
