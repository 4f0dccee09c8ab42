"""An offline district portal in older ASP.NET WebForms, paged only by postbacks.

No platform module knows it. Its home page shows the newest articles of each category with a
"Xem tiếp »" link to the category (``/TinTuc.aspx?cid=C``); a category's first page is a GET,
its further pages only a POST of the page's form with ``__EVENTTARGET`` and ``__EVENTARGUMENT``
(``javascript:__doPostBack('ctl00$MainContent$gvTin','Page$2')``). The traps of such portals:
``<title>`` is the site's name on every page, there is no ``<h1>`` and no ``og:`` tag, the meta
line ``Số lần xem: 312`` sits between the headline and the body, one article is linked as
``?id=N`` from its category and ``?id=N&cid=C`` from the home page and "Các tin khác", short
notices of one paragraph among the articles, a print view (``/InTin.aspx?id=N``), PDFs in dated
paths (``/Uploads/files/2024/12/x.pdf``) in the articles and on the documents page, and a work
calendar whose every day and month is a link.
"""

from __future__ import annotations

import base64
from dataclasses import replace
from html import escape
from urllib.parse import parse_qs, urlsplit

from portal_spider.demo.commune_news import NewsArticle, dotted
from portal_spider.demo.unnamed_portal import PER_PAGE, UnnamedPortal, vi_net_time
from portal_spider.demo.yenbai_site import Reply

CATEGORIES = {"tin-tuc": (1, "Tin tức - Sự kiện"), "thong-bao": (2, "Thông báo"),
              "kinh-te": (3, "Kinh tế - Xã hội")}  # fmt: skip
GRID = "ctl00$MainContent$gvTin"
OTHER_PAGES = {
    "/GioiThieu.aspx": ("Giới thiệu", "Huyện có 14 đơn vị hành chính cấp xã."),
    "/LienHe.aspx": ("Liên hệ", "Điện thoại: 0216 3 123 456. Thư điện tử: ubnd@example.vn"),
}


class WebFormsSite(UnnamedPortal):
    """A district portal on an old WebForms CMS: postback pager, no sitemap, no feed."""

    def __init__(self, unit: str = "huyện Văn Bàn", count: int = 180) -> None:
        super().__init__(unit, count, first_number=5000)
        self.name = f"UBND {unit}"
        # every fifteenth article is a short notice: one paragraph and its attachment
        self.articles = [
            replace(a, paragraphs=a.paragraphs[:1]) if index % 15 == 14 else a
            for index, a in enumerate(self.articles)
        ]
        self.by_number = {a.number: a for a in self.articles}

    def category_id(self, article: NewsArticle) -> int:
        return CATEGORIES[article.category][0]

    def by_id(self, cid: int) -> str | None:
        return next((key for key, (number, _) in CATEGORIES.items() if number == cid), None)

    # --- answering --------------------------------------------------------------------------------
    def handle(self, target: str) -> Reply:
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        if path == "/robots.txt":
            return Reply(200, "text/plain; charset=utf-8", b"User-agent: *\nDisallow: /Admin/\n")
        if path.startswith("/Uploads/files/") and path.endswith(".pdf"):
            return self.pdf()
        if path in {"/", "/Default.aspx"}:
            return self.html(self._home())
        if path == "/TinTuc.aspx":
            return self._category(query, 1)
        if path in {"/ChiTietTin.aspx", "/InTin.aspx"}:
            number = query.get("id", [""])[-1]
            article = self.by_number.get(int(number)) if number.isdigit() else None
            if article is None:
                return self.html(self._layout("<p>Không tìm thấy tin.</p>"), 404)
            return self.html(
                self._print(article) if path == "/InTin.aspx" else self._article(article)
            )
        if path == "/LichCongTac.aspx":
            month = self.calendar_month(query)
            return self.html(self._layout(f"<h2>Lịch công tác</h2>{self._calendar(month)}"))
        if path == "/VanBan.aspx":
            return self.html(self._documents())
        if path in OTHER_PAGES:
            heading, text = OTHER_PAGES[path]
            return self.html(self._layout(f'<div class="tieude">{heading}</div><p>{text}</p>'))
        return self.html(self._layout("<p>Không tìm thấy trang.</p>"), 404)

    def handle_post(self, target: str, form: bytes) -> Reply:
        """A postback: the grid's page named by ``__EVENTARGUMENT`` (``Page$N``)."""
        parts = urlsplit(target)
        fields = parse_qs(form.decode("utf-8"))
        if parts.path != "/TinTuc.aspx" or fields.get("__EVENTTARGET", [""])[-1] != GRID:
            return self.html(self._home())
        state = fields.get("__VIEWSTATE", [""])[-1]
        if not state.startswith("/wE"):  # a postback without the page's state: the first page
            return self._category(parse_qs(parts.query), 1)
        argument = fields.get("__EVENTARGUMENT", [""])[-1]
        page = int(argument.split("$", 1)[1]) if argument.startswith("Page$") else 1
        return self._category(parse_qs(parts.query), page)

    # --- pages ------------------------------------------------------------------------------------
    def _layout(self, main: str, form_action: str = "./Default.aspx", state: str = "") -> str:
        menu = "".join(
            f'<li><a href="/TinTuc.aspx?cid={cid}">{escape(name)}</a></li>'
            for cid, name in CATEGORIES.values()
        )
        calendar = self._calendar(self.articles[0].published.date())
        view_state = "/wE" + base64.b64encode(state.encode() or b"home").decode()
        newest = "".join(
            f'<li><a href="/ChiTietTin.aspx?id={a.number}&amp;cid={self.category_id(a)}">'
            f"{escape(a.title)}</a></li>"
            for a in self.articles[:5]
        )
        return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{escape(self.name)}</title>
<link href="/App_Themes/Default/style.css" rel="stylesheet" type="text/css" /></head>
<body>
<form name="aspnetForm" method="post" action="{form_action}" id="aspnetForm">
<div><input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />
<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{view_state}" /></div>
<script type="text/javascript">
var theForm = document.forms['aspnetForm'];
function __doPostBack(eventTarget, eventArgument) {{
    theForm.__EVENTTARGET.value = eventTarget; theForm.__EVENTARGUMENT.value = eventArgument;
    theForm.submit();
}}
</script>
<table class="khung" width="1000" cellpadding="0" cellspacing="0">
<tr><td colspan="3" class="banner"><img src="/Images/banner.jpg" alt="{escape(self.name)}" />\
</td></tr>
<tr><td colspan="3"><ul class="menungang"><li><a href="/Default.aspx">Trang chủ</a></li>\
<li><a href="/GioiThieu.aspx">Giới thiệu</a></li>{menu}\
<li><a href="/VanBan.aspx">Văn bản</a></li><li><a href="/LichCongTac.aspx">Lịch công tác</a></li>\
<li><a href="/LienHe.aspx">Liên hệ</a></li></ul></td></tr>
<tr><td class="cottrai" valign="top" width="220"><div class="khoi"><div class="tieudekhoi">Tin mới \
nhất</div><ul>{newest}</ul></div>
<div class="khoi"><div class="tieudekhoi">Lịch công tác</div>{calendar}</div></td>
<td class="cotgiua" valign="top">{main}</td>
<td class="cotphai" valign="top" width="200"><div class="khoi"><div class="tieudekhoi">Thống kê \
truy cập</div><p>Đang online: 17</p><p>Lượt truy cập: {dotted(1_254_873)}</p></div></td></tr>
<tr><td colspan="3" class="chantrang">Cơ quan chủ quản: Ủy ban nhân dân {escape(self.unit)}<br />\
Giấy phép số 12/GP-STTTT</td></tr>
</table>
<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="/wEWBQKk" />
</form>
</body>
</html>
"""

    def _calendar(self, month) -> str:
        return self.calendar("/LichCongTac.aspx?", month)

    def _home(self) -> str:
        blocks = []
        for key, (cid, name) in CATEGORIES.items():
            items = "".join(
                f'<tr><td><a href="/ChiTietTin.aspx?id={a.number}&amp;cid={cid}">'
                f'{escape(a.title)}</a> <span class="ngay">({a.published:%d/%m/%Y})</span>'
                "</td></tr>"
                for a in self.in_category(key)[:4]
            )
            blocks.append(
                f'<div class="khoi"><div class="tieudekhoi">{escape(name)}</div><table>{items}'
                f'</table><div class="xemtiep"><a href="/TinTuc.aspx?cid={cid}">Xem tiếp »</a>'
                "</div></div>"
            )
        return self._layout("".join(blocks))

    def _category(self, query: dict[str, list[str]], page: int) -> Reply:
        cid = query.get("cid", [""])[-1]
        key = self.by_id(int(cid)) if cid.isdigit() else None
        if key is None:
            return self.html(self._layout("<p>Không tìm thấy chuyên mục.</p>"), 404)
        rows = self.in_category(key)
        pages = max(1, -(-len(rows) // PER_PAGE))
        page = min(max(page, 1), pages)
        items = "".join(
            f'<tr><td><a href="ChiTietTin.aspx?id={a.number}">{escape(a.title)}</a> '
            f'<span class="ngay">({a.published:%d/%m/%Y})</span></td></tr>'
            for a in rows[(page - 1) * PER_PAGE : page * PER_PAGE]
        )
        pager = " ".join(
            f"<span>{n}</span>"
            if n == page
            else f"<a href=\"javascript:__doPostBack('{GRID}','Page${n}')\">{n}</a>"
            for n in range(1, pages + 1)
        )
        main = (
            f'<div class="duongdan"><a href="/Default.aspx">Trang chủ</a> &gt; '
            f"{escape(CATEGORIES[key][1])}</div>"
            f'<table class="gvTin" id="ctl00_MainContent_gvTin">{items}'
            f'<tr class="pager"><td>{pager}</td></tr></table>'
        )
        action = f"./TinTuc.aspx?cid={cid}"
        return self.html(self._layout(main, action, state=f"{cid}:{page}"))

    def _article(self, a: NewsArticle) -> str:
        cid, name = CATEGORIES[a.category]
        older = [r for r in self.in_category(a.category) if r.number < a.number][:5]
        others = "".join(
            f'<li><a href="/ChiTietTin.aspx?id={r.number}&amp;cid={cid}">{escape(r.title)}</a> '
            f'<span class="ngay">({r.published:%d/%m/%Y})</span></li>'
            for r in older
        )
        source = f'<div class="nguon">Nguồn: {escape(a.source)}</div>' if a.source else ""
        main = f"""<div class="duongdan"><a href="/Default.aspx">Trang chủ</a> &gt; \
<a href="/TinTuc.aspx?cid={cid}">{escape(name)}</a></div>
<div class="chitiet">
<span id="ctl00_MainContent_lblTieuDe" class="tieude">{escape(a.title)}</span>
<div class="ngaydang">{vi_net_time(a.published)}</div>
<div class="luotxem">Số lần xem: {a.views}</div>
<div id="ctl00_MainContent_pnlNoiDung" class="noidung">{self.paragraphs(a)}
<p>Tài liệu kèm theo: <a href="{self.attachment_path(a)}">Kế hoạch số {a.number}/KH-UBND</a></p>
</div>
{source}
<div class="congcu"><a href="/InTin.aspx?id={a.number}" target="_blank">In bài</a> | \
<a href="javascript:history.back()">Quay lại</a></div>
</div>
<div class="tinkhac"><div class="tieudekhoi">Các tin khác</div><ul>{others}</ul></div>"""
        return self._layout(main, f"./ChiTietTin.aspx?id={a.number}")

    def _print(self, a: NewsArticle) -> str:
        return f"""<html><head><title>{escape(self.name)}</title></head>
<body onload="window.print()"><div class="tieude">{escape(a.title)}</div>
<div>{vi_net_time(a.published)}</div>{self.paragraphs(a)}</body></html>"""

    def _documents(self) -> str:
        rows = "".join(
            f'<tr><td>{a.number}/KH-UBND</td><td><a href="{self.attachment_path(a)}">Kế hoạch '
            f"triển khai nhiệm vụ năm 2025 của Ủy ban nhân dân {escape(self.unit)} số "
            f"{a.number}</a></td><td>{a.published:%d/%m/%Y}</td></tr>"
            for a in self.articles[:12]
        )
        return self._layout(
            f'<div class="tieude">Văn bản</div><table class="vanban">{rows}</table>'
        )
