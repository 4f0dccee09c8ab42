"""Unit tests of the extraction rules behind the held-out pages (``fixtures/pages/heldout``).

Each rule is checked on a small page of its own: the body anchored on the page (menus, footers
and visitor counters that the extractor returns on table layouts are cut), decomposed Unicode,
labels with a weekday before the date, view counts beside a year or in a list of other articles,
attribution lines after a ``<br>``, a lead paragraph in its own block, a date printed after the
body, and DNN detection; then the rules behind the blind cases (``heldout/blind-*``): NukeViet's
"Nguồn tin:" label, tool and like-widget rows after the body, a plain-text breadcrumb opening
the body, an entry header inside a theme's content wrapper, tool icons and breadcrumb separators.
"""

from __future__ import annotations

import logging
import unicodedata

import pytest

from portal_spider.extraction.attribution import read_attribution_line
from portal_spider.extraction.body import drop_head_blocks, strip_attribution, trim_lines
from portal_spider.extraction.dates import dates_in, is_date_stamp_line, pick_publication_date
from portal_spider.extraction.html_tree import parse_html
from portal_spider.extraction.main_content.extractor import extract_main_content
from portal_spider.extraction.main_content.line_filter import (
    is_boilerplate_line,
    strip_portal_boilerplate,
)
from portal_spider.extraction.media import collect_media
from portal_spider.extraction.page import Page
from portal_spider.extraction.views import find_views
from portal_spider.items import ArticleItem
from portal_spider.normalize.html import element_text
from portal_spider.offline.parse import parse_page
from portal_spider.platforms.dnn import DnnPlatform

logger = logging.getLogger(__name__)

PARAGRAPHS = [
    "Sáng ngày 9/7, Ủy ban nhân dân xã Tân Lập phối hợp với các đoàn thể ra quân tổng vệ sinh "
    "môi trường tại 8 thôn trên địa bàn xã, hưởng ứng phong trào Ngày Chủ nhật xanh.",
    "Tham gia ra quân có hơn 600 người là cán bộ, công chức xã, đoàn viên thanh niên, hội viên "
    "các hội, lực lượng dân quân và đông đảo nhân dân các thôn trong xã.",
    "Kết quả, toàn xã đã thu gom được khoảng 12 tấn rác thải, phát quang hơn 15 km đường giao "
    "thông nông thôn, nạo vét gần 3 km rãnh thoát nước trong các khu dân cư.",
]
TITLE = "Xã Tân Lập ra quân tổng vệ sinh môi trường hưởng ứng Ngày Chủ nhật xanh"
TABLE_PAGE = f"""<html><head><title>UBND XA TAN LAP</title></head><body>
<table width="1000"><tr><td>&nbsp;<a href="/">TRANG CHỦ</a> | <a href="/gt">GIỚI THIỆU</a></td></tr>
<tr><td><table width="100%"><tr>
<td width="200" valign="top"><table><tr><td><b>DANH MỤC</b></td></tr>
<tr><td>» <a href="/tt?cm=1">Tin hoạt động của xã</a></td></tr>
<tr><td>» <a href="/tt?cm=2">Kinh tế - Nông nghiệp</a></td></tr></table></td>
<td valign="top"><table width="100%">
<tr><td><font size="3"><b>{TITLE}</b></font></td></tr>
<tr><td><i>Cập nhật lúc 15:30, 14/07/2023</i></td></tr>
<tr><td><font face="Arial">{"<br><br>".join(PARAGRAPHS)}<br><br></font>
<div align="right"><b>Nguyễn Thị Lan</b></div></td></tr>
<tr><td align="right"><a href="javascript:history.back()">[Trở về]</a>
<a href="javascript:window.print()">[In trang]</a> Số lần xem: 1.234</td></tr>
<tr><td>Tổng lượt truy cập: 2.345.678 | Hôm nay: 123 | Đang online: 12</td></tr>
</table></td></tr></table></td></tr>
<tr><td>ỦY BAN NHÂN DÂN XÃ TÂN LẬP - HUYỆN ĐÔNG KHÊ<br>Địa chỉ: thôn Bản Chang, xã Tân Lập.
Điện thoại: 0206.3826.xxx<br>Thiết kế bởi Trung tâm Văn hóa - Thông tin huyện</td></tr>
</table></body></html>"""
URL = "http://xatanlap.example.gov.vn/index.asp?act=chitiet&id=892"


def test_table_layout_body_is_cut_to_the_article():
    content = extract_main_content(TABLE_PAGE, URL)
    assert content is not None
    assert content.text.startswith(PARAGRAPHS[0])
    for chrome in ("DANH MỤC", "TRANG CHỦ", "Thiết kế bởi", "Số lần xem", "Tổng lượt truy cập"):
        assert chrome not in content.text


def test_table_layout_record_through_parse():
    item = parse_page(TABLE_PAGE, URL, use_registry=False)
    assert item.title == TITLE
    assert item.published_at == "2023-07-14T15:30:00+07:00"
    assert item.views == 1234
    assert item.author == "Nguyễn Thị Lan"
    assert item.body_text.endswith(PARAGRAPHS[-1])


def test_decomposed_page_reads_like_precomposed():
    page = TABLE_PAGE.replace("<title>UBND XA TAN LAP</title>", f"<title>{TITLE}</title>")
    nfd = parse_page(unicodedata.normalize("NFD", page), URL, use_registry=False)
    nfc = parse_page(page, URL, use_registry=False)
    assert nfd.title == nfc.title == TITLE
    assert (nfd.views, nfd.published_at, nfd.body_text) == (
        nfc.views,
        nfc.published_at,
        nfc.body_text,
    )


@pytest.mark.parametrize(
    "line",
    [
        "Thứ năm, 14 Tháng 9 2023 08:30",
        "14 Tháng Bảy, 2023",
        "Tháng Bảy 14, 2023",
        "Thứ Ba, ngày 16 tháng 4 năm 2024",
    ],
)
def test_textual_date_lines(line: str):
    assert is_date_stamp_line(line)


def test_sentence_opening_with_a_textual_date_is_body():
    assert not is_date_stamp_line(
        "Ngày 14 tháng 7 năm 2023, đoàn công tác của tỉnh đã đến thăm xã."
    )


@pytest.mark.parametrize(
    "line", ["Cỡ chữ:", "[Trở về] [In trang] Số lần xem: 1.234", "In bài | Gửi email | Chia sẻ:"]
)
def test_toolbar_lines_are_boilerplate(line: str):
    assert is_boilerplate_line(line)


def _element(html: str):
    return parse_html(f"<html><body>{html}</body></html>").find("body")[0]


def test_weekday_between_label_and_date_keeps_the_label():
    element = _element("<div>Sửa lúc 09:12 20/07/2023 | Ngày đăng: Thứ Hai, 17/07/2023</div>")
    chosen = pick_publication_date(dates_in(element))
    assert chosen is not None and chosen.raw == "17/07/2023"


def test_views_label_before_count_wins_over_a_year():
    element = _element("<div>Thứ Ba, ngày 16 tháng 4 năm 2024 Lượt xem: 318</div>")
    raw, _ = find_views([element])
    assert raw == "Lượt xem: 318"


def test_views_of_another_articles_headline_are_skipped():
    html = (
        "<div><div class='box-news-item'><a href='/a-1.html'>Lễ hội xuống đồng bản Mường năm "
        "2024</a> <span>(3.456 lượt xem)</span></div><div>Cập nhật: 05/03/2024 • 1502 lượt xem"
        "</div></div>"
    )
    root = _element(html)
    raw, _ = find_views(root.iter("div", "span"))
    assert raw == "1502 lượt xem"


def test_source_after_a_break_in_the_last_paragraph():
    body = _element(
        "<div><p>Đoạn đầu của bài viết.</p><p>Câu cuối cùng của bài.<br>\n"
        "<em>Nguồn: baoyenbai.com.vn</em></p></div>"
    )
    item = ArticleItem(url=URL)
    strip_attribution(item, body, "test")
    assert item.source == "baoyenbai.com.vn"
    assert body.text_content().strip().endswith("Câu cuối cùng của bài.")


LEAD = (
    "(Cổng TTĐT quận) - Chiều 15/4, Ủy ban nhân dân phường tổ chức lễ ra mắt mô hình tổ dân "
    "phố số tại tổ dân phố số 7, mô hình thí điểm đầu tiên của quận."
)
DATE_AFTER_PAGE = f"""<html><head><title>Cổng thông tin điện tử huyện Khe Cát</title></head>
<body><div id="center"><div id="chitiet"><h1>{TITLE}</h1>
<div class="tomtat">{LEAD}</div>
{"".join(f"<div><span>{p}</span></div>" for p in PARAGRAPHS)}
<div>[Ngày cập nhật: 19/12/2023 10:21] [Số lượt xem: 640]</div>
</div></div><div id="bottom"><p>CỔNG THÔNG TIN ĐIỆN TỬ HUYỆN KHE CÁT</p></div></body></html>"""


def test_lead_block_and_date_after_the_body():
    item = parse_page(DATE_AFTER_PAGE, "http://khecat.example.gov.vn/?id=1", use_registry=False)
    assert item.title == TITLE  # not the site name printed in the footer
    assert item.body_text.startswith(LEAD)
    assert item.published_at == "2023-12-19T10:21:00+07:00"
    assert item.views == 640


def test_dnn_tab_ids_are_numbers():
    dnn = DnnPlatform()
    assert dnn.detect("http://x.example.gov.vn/default.aspx?tabid=123&newsid=5", None) >= 40
    assert dnn.detect("http://x.example.gov.vn/default.aspx?tabid=tintuc&newsid=5", None) < 40


# --- rules behind the blind cases ---------------------------------------------------------------
def test_nukeviet_source_label_nguon_tin():
    assert read_attribution_line("Nguồn tin: Báo Phú Thọ") == ("source", "Báo Phú Thọ")
    assert read_attribution_line("Nguồn: Văn phòng Đảng ủy xã Phúc An") == (
        "source",
        "Văn phòng Đảng ủy xã Phúc An",
    )


def test_like_widget_row_after_the_source_row_is_cut_and_the_source_kept():
    page = Page(URL, "<html><body><p>x</p></body></html>")
    item = ArticleItem(url=URL)
    lines = [PARAGRAPHS[0], PARAGRAPHS[1], "Nguồn: Văn phòng Đảng ủy xã Phúc An", "đã tặng"]
    assert trim_lines(item, page, lines, "generic") == PARAGRAPHS[:2]
    assert item.source == "Văn phòng Đảng ủy xã Phúc An"


def test_tools_row_with_view_count_is_boilerplate():
    assert is_boilerplate_line("Đã xem: 1036 | In bài | Gửi bài | Về đầu trang")


def test_plain_text_breadcrumb_title_and_update_line_do_not_open_the_body():
    title = "Krông Nô ra quân hưởng ứng Ngày toàn dân phòng, chống ma túy 26/6"
    text = "\n".join(
        [
            "Trang chủ » Tin tức - Sự kiện",
            title,
            "(Cập nhật: Chủ nhật, 19/06/2022 07:45)",
            *PARAGRAPHS,
        ]
    )
    assert strip_portal_boilerplate(text, [title]) == "\n\n".join(PARAGRAPHS)


def test_entry_header_inside_the_content_wrapper_is_dropped():
    body = parse_html(
        f"""<html><body><div class="cm-post-content">
<div class="cm-entry-header-meta"><div class="cm-post-categories">
<a href="/category/tin-tuc-su-kien/" rel="category tag">Tin tức - Sự kiện</a></div></div>
<header class="cm-entry-header"><h1 class="cm-entry-title">{TITLE}</h1></header>
<div class="cm-below-entry-meta"><span class="cm-post-date"><a href="/2024/04/12/x/">
<time class="entry-date published" datetime="2024-04-12T09:20:11+07:00">12 Tháng Tư, 2024</time>
<time class="updated" datetime="2024-04-15T08:00:00+07:00">15 Tháng Tư, 2024</time></a></span></div>
<div class="cm-entry-summary"><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p></div>
</div></body></html>"""
    ).xpath("//div[@class='cm-post-content']")[0]
    drop_head_blocks(body)
    assert element_text(body) == "\n\n".join(PARAGRAPHS[:2])


def test_tool_icons_are_not_article_images():
    body = parse_html(
        """<html><body><div class="noidung">
<div align="center"><img src="Upload/TinTuc/2022/06/ra-quan-ma-tuy.jpg" width="500"></div>
<a href="javascript:PrintNews(1187)"><img src="images/print.gif"> In bài</a>
<a href="javascript:SendMail(1187)"><img src="images/email.gif"> Gửi bài</a>
<img src="images/arrow.gif"> <a href="ChiTietTin.aspx?TinTucID=1185">Hội nghị sơ kết</a>
</div></body></html>"""
    ).xpath("//div[@class='noidung']")[0]
    images, _ = collect_media(body, "https://krongno.daknong.gov.vn/ChiTietTin.aspx?TinTucID=1187")
    assert [i.url for i in images] == [
        "https://krongno.daknong.gov.vn/Upload/TinTuc/2022/06/ra-quan-ma-tuy.jpg"
    ]


def test_breadcrumb_link_text_leaves_the_separator_after_it():
    crumb = parse_html(
        '<html><body><div class="breadcrumb-portal"><a href="/portal">Trang chủ</a> / '
        '<a href="/portal/Pages/Tin-tuc-su-kien.aspx">Tin tức - Sự kiện</a> / '
        "<span>Xây dựng Đảng</span></div></body></html>"
    ).xpath("//a")[-1]
    assert element_text(crumb) == "Tin tức - Sự kiện"
