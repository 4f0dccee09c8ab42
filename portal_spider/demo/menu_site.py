"""An offline commune portal on a small PHP CMS, whose news is reachable only through its menu.

No platform module knows it. The home page has no pager and no news list: a slideshow of three
featured articles, a welcome text, and the menu, whose entries (with drop-down sub-menus) lead to
the categories (``/chuyen-muc/<slug>``). A category is paged by offset (``?start=10``) under a
"Trang sau ›" link. Articles live at ``/bai-viet/<slug>.html`` with no number in their URL;
the slideshow links them with ``?from=home``, a category with ``?cid=N``, and each page declares
``<link rel="canonical">``. The headline is a ``<div>``, ``<title>`` is the headline plus
`` | <site name>``, the date is printed ``Cập nhật: 14-05-2024 | 09:15`` beside ``Lượt xem:
1.234``. Traps: a print view (``?print=1``), PDFs in dated paths on the documents page and in
the articles, a work calendar, and one-segment pages (``/gioi-thieu``, ``/lien-he``) that list no
article.
"""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qs, urlsplit

from portal_spider.demo.commune_news import NewsArticle, dotted
from portal_spider.demo.unnamed_portal import PER_PAGE, UnnamedPortal
from portal_spider.demo.yenbai_site import Reply

CATEGORIES = {"tin-tuc": (1, "Tin tức - Sự kiện"), "thong-bao": (2, "Thông báo"),
              "kinh-te": (3, "Phát triển kinh tế")}  # fmt: skip
OTHER_PAGES = {
    "/gioi-thieu": ("Giới thiệu chung", "Xã có 9 thôn, diện tích tự nhiên 4.512 ha."),
    "/lien-he": ("Liên hệ", "Trụ sở UBND xã, điện thoại 0216 3 876 543."),
}


class MenuSite(UnnamedPortal):
    """A commune portal reached only through its menu: offset paging, slug URLs."""

    def __init__(self, unit: str = "xã Tân Phong", count: int = 200) -> None:
        super().__init__(unit, count, first_number=7000)
        self.by_slug = {a.slug: a for a in self.articles}

    def article_path(self, article: NewsArticle) -> str:
        return f"/bai-viet/{article.slug}.html"

    # --- answering --------------------------------------------------------------------------------
    def handle(self, target: str) -> Reply:
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        if path == "/robots.txt":
            return Reply(200, "text/plain; charset=utf-8", b"User-agent: *\nDisallow: /quan-tri/\n")
        if path.startswith("/Uploads/files/") and path.endswith(".pdf"):
            return self.pdf()
        if path in {"/", "/index.php"}:
            return self.html(self._home())
        if path.startswith("/chuyen-muc/") and path.split("/")[2] in CATEGORIES:
            start = query.get("start", ["0"])[-1]
            return self._category(path.split("/")[2], int(start) if start.isdigit() else 0)
        if path.startswith("/bai-viet/") and path.endswith(".html"):
            article = self.by_slug.get(path[len("/bai-viet/") : -len(".html")])
            if article is None:
                return self.html(self._layout("Không tìm thấy", "<p>Không tìm thấy.</p>"), 404)
            if query.get("print"):
                return self.html(self._print(article))
            return self.html(self._article(article))
        if path == "/lich-cong-tac":
            month = self.calendar_month(query)
            return self.html(self._layout("Lịch công tác", self.calendar("/lich-cong-tac?", month)))
        if path == "/van-ban":
            return self.html(self._documents())
        if path in OTHER_PAGES:
            heading, text = OTHER_PAGES[path]
            return self.html(self._layout(heading, f"<h2>{heading}</h2><p>{text}</p>"))
        return self.html(self._layout("Không tìm thấy", "<p>Không tìm thấy trang.</p>"), 404)

    # --- pages ------------------------------------------------------------------------------------
    def _layout(self, title: str, main: str, head: str = "") -> str:
        submenu = "".join(
            f'<li><a href="/chuyen-muc/{key}">{escape(name)}</a></li>'
            for key, (_, name) in CATEGORIES.items()
        )
        return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>{escape(title)} | {escape(self.name)}</title>{head}
<link rel="stylesheet" href="/templates/tanphong/css/template.css"></head>
<body>
<div id="header"><img src="/templates/tanphong/images/banner.png" alt="{escape(self.name)}"></div>
<div id="main-nav"><ul class="nav-menu">
<li><a href="/">Trang chủ</a></li>
<li class="parent"><a href="/gioi-thieu">Giới thiệu</a><ul class="sub"><li>\
<a href="/gioi-thieu">Giới thiệu chung</a></li><li><a href="/lien-he">Liên hệ</a></li></ul></li>
<li class="parent"><a href="#">Tin tức</a><ul class="sub">{submenu}</ul></li>
<li><a href="/van-ban">Văn bản</a></li>
<li><a href="/lich-cong-tac">Lịch công tác</a></li>
</ul></div>
<div id="content">{main}</div>
<div id="right"><div class="module"><h3>Thống kê</h3><p>Đang truy cập: 8</p>\
<p>Tổng lượt truy cập: {dotted(312_004)}</p></div></div>
<div id="footer">Bản quyền thuộc Ủy ban nhân dân {escape(self.unit)}.</div>
</body></html>
"""

    def _home(self) -> str:
        slides = "".join(
            f'<div class="slide"><a href="{self.article_path(a)}?from=home">{escape(a.title)}</a>'
            "</div>"
            for a in self.articles[:3]
        )
        welcome = (
            f"<p>Chào mừng quý vị đến với cổng thông tin điện tử {escape(self.unit)}. Cổng "
            "thông tin cung cấp tin tức, văn bản chỉ đạo điều hành và thủ tục hành chính của "
            "xã đến người dân và doanh nghiệp.</p>"
        )
        links = (
            '<div class="module"><h3>Liên kết website</h3><ul><li><a href="http://dichvucong.'
            'example.vn/">Cổng dịch vụ công quốc gia</a></li></ul></div>'
        )
        return self._layout(self.name, f'<div class="slideshow">{slides}</div>{welcome}{links}')

    def _category(self, key: str, start: int) -> Reply:
        rows = self.in_category(key)
        cid, name = CATEGORIES[key]
        chunk = rows[start : start + PER_PAGE]
        if not chunk and start:
            return self.html(self._layout(name, "<p>Không có bài viết.</p>"), 404)
        items = "".join(
            f'<div class="blog-item"><h3><a href="{self.article_path(a)}?cid={cid}">'
            f'{escape(a.title)}</a></h3><div class="ngay">{a.published:%d-%m-%Y}</div>'
            f"<p>{escape(a.paragraphs[0][:140])}…</p></div>"
            for a in chunk
        )
        pager = ""
        if start:
            pager += (
                f'<a href="/chuyen-muc/{key}?start={max(0, start - PER_PAGE)}">‹ Trang trước</a> '
            )
        if start + PER_PAGE < len(rows):
            pager += f'<a href="/chuyen-muc/{key}?start={start + PER_PAGE}">Trang sau ›</a>'
        main = (
            f'<h2 class="cat-title">{escape(name)}</h2>{items}<div class="dieuhuong">{pager}</div>'
        )
        return self.html(self._layout(name, main))

    def _article(self, a: NewsArticle) -> str:
        key = a.category
        cid, name = CATEGORIES[key]
        head = f'\n<link rel="canonical" href="{self.article_path(a)}">'
        source = (
            f'<p class="nguon"><strong>Nguồn: {escape(a.source)}</strong></p>' if a.source else ""
        )
        main = f"""<div class="path"><a href="/">Trang chủ</a> » \
<a href="/chuyen-muc/{key}">{escape(name)}</a></div>
<div class="item-page">
<div class="tieu-de-bai">{escape(a.title)}</div>
<div class="thong-tin">Cập nhật: {a.published:%d-%m-%Y | %H:%M} &nbsp; Lượt xem: {dotted(a.views)}\
</div>
<div class="noi-dung">{self.paragraphs(a)}
<p>Văn bản: <a href="{self.attachment_path(a)}">Tải về kế hoạch</a></p></div>
{source}
<div class="tools"><a href="{self.article_path(a)}?print=1" rel="nofollow">In bài viết</a></div>
</div>"""
        return self._layout(a.title, main, head)

    def _print(self, a: NewsArticle) -> str:
        return (
            f"<html><head><title>{escape(a.title)}</title></head><body>"
            f"<h1>{escape(a.title)}</h1>{self.paragraphs(a)}</body></html>"
        )

    def _documents(self) -> str:
        rows = "".join(
            f'<li><a href="{self.attachment_path(a)}">Kế hoạch số {a.number}/KH-UBND về việc '
            f"triển khai nhiệm vụ trọng tâm của {escape(self.unit)}</a></li>"
            for a in self.articles[:10]
        )
        return self._layout(
            "Văn bản", f'<h2>Văn bản chỉ đạo điều hành</h2><ul class="vb">{rows}</ul>'
        )
