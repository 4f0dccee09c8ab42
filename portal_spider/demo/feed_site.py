"""An offline ward portal whose news lists exist only in its sitemaps and its RSS feed.

No platform module knows it. Its pages draw their news lists with a script from a JSON API, so
the HTML of the home page and of ``/tin-tuc.html`` links no article. ``robots.txt`` names
``/sitemap.xml``, a sitemap index of one sitemap per year of news and one of other pages (which
lists PDFs in dated paths and the calendar too); the home page advertises an RSS feed of the
newest articles in ``<link rel="alternate">``. Sitemaps link ``/tin-tuc/chi-tiet.html?id=N``,
the feed ``?id=N&cid=C&utm_source=rss``. ``<title>`` is the site's name; the headline is a
``<p class="title-detail">``; ``Số lần xem: 312`` comes before the date and the body.
"""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qs, urlsplit

from portal_spider.demo.commune_news import NewsArticle, dotted
from portal_spider.demo.unnamed_portal import UnnamedPortal
from portal_spider.demo.yenbai_site import Reply

FEED_SIZE = 20
CATEGORY_IDS = {"tin-tuc": 11, "thong-bao": 12, "kinh-te": 13}


class FeedSite(UnnamedPortal):
    """A ward portal with script-drawn lists: sitemaps and a feed are the only listings."""

    def __init__(self, unit: str = "phường Nam Cường", count: int = 200) -> None:
        super().__init__(unit, count, first_number=9000)
        self.base = ""  # the server's URL, for absolute sitemap and feed links

    def article_path(self, article: NewsArticle) -> str:
        return f"/tin-tuc/chi-tiet.html?id={article.number}"

    def years(self) -> list[int]:
        return sorted({a.published.year for a in self.articles}, reverse=True)

    # --- answering --------------------------------------------------------------------------------
    def handle(self, target: str) -> Reply:
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        if path == "/robots.txt":
            text = f"User-agent: *\nDisallow: /api/\nSitemap: {self.base}/sitemap.xml\n"
            return Reply(200, "text/plain; charset=utf-8", text.encode())
        if path == "/sitemap.xml":
            return self._xml(self._index())
        if path.startswith("/sitemaps/"):
            return self._sitemap(path[len("/sitemaps/") :])
        if path == "/rss/tin-moi.rss":
            return Reply(200, "application/rss+xml; charset=utf-8", self._feed().encode())
        if path.startswith("/Uploads/files/") and path.endswith(".pdf"):
            return self.pdf()
        if path.startswith("/api/"):
            return Reply(403, "text/plain; charset=utf-8", b"forbidden\n")
        if path in {"/", "/tin-tuc.html"}:
            title = "Tin tức" if path != "/" else None
            return self.html(self._layout(self._script_list(title)))
        if path in {"/tin-tuc/chi-tiet.html", "/tin-tuc/in.html"}:
            number = query.get("id", [""])[-1]
            article = self.by_number.get(int(number)) if number.isdigit() else None
            if article is None:
                return self.html(self._layout("<p>Không tìm thấy tin bài.</p>"), 404)
            if path == "/tin-tuc/in.html":
                return self.html(self._print(article))
            return self.html(self._article(article))
        if path == "/lich-lam-viec.html":
            month = self.calendar_month(query)
            return self.html(self._layout(self.calendar("/lich-lam-viec.html?", month)))
        if path == "/gioi-thieu.html":
            return self.html(self._layout(f"<h2>Giới thiệu</h2><p>{escape(self.name)}.</p>"))
        return self.html(self._layout("<p>Không tìm thấy trang.</p>"), 404)

    # --- sitemaps and the feed ----------------------------------------------------------------
    @staticmethod
    def _xml(text: str) -> Reply:
        return Reply(200, "application/xml; charset=utf-8", text.encode("utf-8"))

    def _index(self) -> str:
        entries = "".join(
            f"<sitemap><loc>{self.base}/sitemaps/tin-tuc-{year}.xml</loc></sitemap>"
            for year in self.years()
        )
        entries += f"<sitemap><loc>{self.base}/sitemaps/trang.xml</loc></sitemap>"
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}'
            "</sitemapindex>"
        )

    def _sitemap(self, name: str) -> Reply:
        if name == "trang.xml":
            locs = ["/", "/tin-tuc.html", "/gioi-thieu.html", "/lich-lam-viec.html"]
            locs += [self.attachment_path(a) for a in self.articles[:15]]
            urls = [(loc, None) for loc in locs]
        elif name.startswith("tin-tuc-") and name.endswith(".xml"):
            year = name[len("tin-tuc-") : -len(".xml")]
            urls = [
                (self.article_path(a), a.published.date().isoformat())
                for a in self.articles
                if str(a.published.year) == year
            ]
            if not urls:
                return Reply(404, "text/plain; charset=utf-8", b"not found\n")
        else:
            return Reply(404, "text/plain; charset=utf-8", b"not found\n")
        entries = "".join(
            f"<url><loc>{escape(self.base + loc)}</loc>"
            + (f"<lastmod>{day}</lastmod>" if day else "")
            + "</url>"
            for loc, day in urls
        )
        return self._xml(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
        )

    def _feed(self) -> str:
        items = "".join(
            f"<item><title>{escape(a.title)}</title><link>{self.base}/tin-tuc/chi-tiet.html?"
            f"id={a.number}&amp;cid={CATEGORY_IDS[a.category]}&amp;utm_source=rss</link>"
            f"<pubDate>{a.published:%a, %d %b %Y %H:%M:%S +0700}</pubDate></item>"
            for a in self.articles[:FEED_SIZE]
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{escape(self.name)} - Tin mới</title><link>{self.base}/</link>"
            f"{items}</channel></rss>"
        )

    # --- pages ------------------------------------------------------------------------------------
    def _layout(self, main: str) -> str:
        return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(self.name)}</title>
<link rel="alternate" type="application/rss+xml" title="Tin mới" href="/rss/tin-moi.rss">
<link rel="stylesheet" href="/static/css/app.css"></head>
<body>
<header class="site-header"><a class="logo" href="/">{escape(self.name)}</a>
<nav class="main-menu"><a href="/">Trang chủ</a> <a href="/gioi-thieu.html">Giới thiệu</a> \
<a href="/tin-tuc.html">Tin tức</a> <a href="/lich-lam-viec.html">Lịch làm việc</a></nav></header>
<main class="page">{main}</main>
<aside class="widget"><p>Lượt truy cập: {dotted(88_120)}</p></aside>
<footer class="site-footer">Bản quyền © Ủy ban nhân dân {escape(self.unit)}</footer>
<script src="/static/js/app.js"></script>
</body></html>
"""

    @staticmethod
    def _script_list(title: str | None) -> str:
        heading = f"<h2>{title}</h2>" if title else ""
        return (
            f'{heading}<div id="news-list" data-source="/api/news?page=1">Đang tải…</div>'
            "<script>loadNews(document.getElementById('news-list'));</script>"
        )

    def _article(self, a: NewsArticle) -> str:
        source = f'<div class="source">Nguồn: {escape(a.source)}</div>' if a.source else ""
        main = f"""<div class="breadcrumbs"><a href="/">Trang chủ</a> / <a href="/tin-tuc.html">\
Tin tức</a></div>
<article class="detail">
<p class="title-detail">{escape(a.title)}</p>
<div class="meta"><span class="views">Số lần xem: {a.views}</span> \
<span class="date">{a.published:%d/%m/%Y %H:%M}</span></div>
<div class="detail-content">{self.paragraphs(a)}
<p>File đính kèm: <a href="{self.attachment_path(a)}">Tải về</a></p></div>
{source}
<div class="tools"><a href="/tin-tuc/in.html?id={a.number}">In trang</a></div>
</article>"""
        return self._layout(main)

    def _print(self, a: NewsArticle) -> str:
        return (
            f"<html><head><title>{escape(self.name)}</title></head><body>"
            f"<p><b>{escape(a.title)}</b></p>{self.paragraphs(a)}</body></html>"
        )
