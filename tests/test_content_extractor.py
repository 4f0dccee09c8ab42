"""Tests for the generic main-content extractor on Vietnamese government portal layouts."""

from __future__ import annotations

import logging

import pytest

from portal_spider.extraction.dates import is_date_stamp_line
from portal_spider.extraction.main_content.extractor import MainContent, extract_main_content
from portal_spider.extraction.main_content.line_filter import strip_portal_boilerplate

logger = logging.getLogger(__name__)

TITLE = "Huyện Lục Yên tổ chức Hội nghị tổng kết công tác xây dựng nông thôn mới năm 2024"
PARAGRAPHS = [
    "Sáng ngày 12/12/2024, Ủy ban nhân dân huyện Lục Yên tổ chức Hội nghị tổng kết công tác "
    "xây dựng nông thôn mới năm 2024, triển khai nhiệm vụ trọng tâm năm 2025. Dự hội nghị có "
    "đại diện lãnh đạo các phòng, ban, ngành của huyện và Chủ tịch UBND các xã, thị trấn.",
    "Năm 2024, toàn huyện huy động được hơn 125 tỷ đồng để thực hiện Chương trình mục tiêu "
    "quốc gia xây dựng nông thôn mới, trong đó vốn ngân sách nhà nước chiếm 68%, vốn lồng ghép "
    "và vốn do nhân dân đóng góp chiếm 32%. Nhân dân đã hiến hơn 18.000 m² đất làm đường.",
    "Đến nay, huyện có 14 xã đạt chuẩn nông thôn mới, 3 xã đạt chuẩn nông thôn mới nâng cao, "
    "bình quân mỗi xã đạt 17,2 tiêu chí; thu nhập bình quân đầu người khu vực nông thôn đạt "
    "48,5 triệu đồng/năm, tăng 4,1 triệu đồng so với năm 2023.",
    "Phát biểu chỉ đạo tại hội nghị, đồng chí Phó Chủ tịch UBND huyện đề nghị các xã tiếp tục "
    "rà soát các tiêu chí còn thiếu, huy động tối đa nguồn lực xã hội hóa và phấn đấu năm 2025 "
    "có thêm 2 xã đạt chuẩn nông thôn mới nâng cao, 1 xã đạt chuẩn kiểu mẫu.",
]
WIDGET_STRINGS = [
    "Đọc bài",
    "In bài viết",
    "Gửi email",
    "Các tin khác",
    "Tin cùng chuyên mục",
    "Tin liên quan",
    "Thư viện ảnh",
    "Lượt truy cập",
    "Nguồn:",
    "Chia sẻ",
    "Tin mới",
    "Bình luận",
    "gtag(",
    "Trang chủ",
]

HEAD = """<head>
<meta charset="utf-8">
<title>{title} - Cổng thông tin điện tử huyện Lục Yên</title>
<meta property="og:title" content="{title}">
<style>.menu {{ color: red; }} body {{ font-family: Arial; }}</style>
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}
gtag('js', new Date());</script>
</head>"""

MENU = """<div class="header"><img src="/logo.png" alt="Quốc huy">
<span>CỔNG THÔNG TIN ĐIỆN TỬ HUYỆN LỤC YÊN</span></div>
<ul class="menu">
<li><a href="/">Trang chủ</a></li><li><a href="/gioi-thieu">Giới thiệu</a></li>
<li><a href="/tin-tuc">Tin tức - Sự kiện</a></li><li><a href="/van-ban">Văn bản</a></li>
<li><a href="/thu-tuc">Thủ tục hành chính</a></li><li><a href="/lien-he">Liên hệ</a></li>
</ul>"""

SIDEBAR = """<div class="sidebar">
<h3>Tin mới</h3>
<ul>
<li><a href="/tin/1">Xã Minh Xuân ra quân tổng vệ sinh môi trường</a> <span>(10/12/2024)</span></li>
<li><a href="/tin/2">Huyện Lục Yên tiếp nhận 500 suất quà cho hộ nghèo</a>
<span>(09/12/2024)</span></li>
<li><a href="/tin/3">Hội nghị triển khai kế hoạch phòng chống rét cho gia súc</a>
<span>(08/12/2024)</span></li>
</ul>
<h3>Thư viện ảnh</h3><a href="/anh"><img src="/a1.jpg" alt="Ảnh hoạt động"></a>
</div>"""

FOOTER = """<div class="footer">
<p>Cơ quan chủ quản: Ủy ban nhân dân huyện Lục Yên, tỉnh Yên Bái</p>
<p>Địa chỉ: Tổ 7, thị trấn Yên Thế, huyện Lục Yên. Điện thoại: 0216.3845.123</p>
<p>Lượt truy cập: 1.234.567</p>
</div>
<script src="/js/jquery.min.js"></script>
<script>$(function(){ $('.menu').slideDown(); });</script>"""

OTHER_NEWS = """<div class="other-news"><h3>Các tin khác</h3><ul>
<li><a href="/tin/11">Lục Yên đẩy mạnh phát triển kinh tế đồi rừng</a> (05/12/2024)</li>
<li><a href="/tin/12">Ra mắt mô hình dân vận khéo tại xã Tân Lĩnh</a> (03/12/2024)</li>
<li><a href="/tin/13">Tập huấn chuyển đổi số cho cán bộ cấp xã</a> (01/12/2024)</li>
</ul></div>"""


def _paragraphs_html(tag: str = "p") -> str:
    """The four article paragraphs wrapped in *tag* elements."""
    return "\n".join(f"<{tag}>{text}</{tag}>" for text in PARAGRAPHS)


def _page(article: str) -> str:
    """A complete portal page around *article*."""
    return (
        f"<!DOCTYPE html><html lang='vi'>{HEAD.format(title=TITLE)}<body>{MENU}"
        f"<div class='main'><div class='content'>{article}</div>{SIDEBAR}</div>"
        f"{FOOTER}</body></html>"
    )


def _div_layout() -> str:
    """Modern div-based layout with print / read-aloud buttons above the body."""
    article = f"""<div class="breadcrumb"><a href="/">Trang chủ</a> &gt; Tin tức - Sự kiện</div>
<h1 class="title">{TITLE}</h1>
<div class="date">Thứ năm, 12/12/2024 - 15:30</div>
<div class="tools"><a href="javascript:window.print()">In</a>
<a href="#" class="speech">Đọc bài</a></div>
<div class="news-body">{_paragraphs_html()}
<p style="text-align:right"><strong>Nguồn: Văn phòng HĐND - UBND huyện</strong></p></div>
<div class="share">Chia sẻ: <a href="https://facebook.com/sharer">Facebook</a>
<a href="mailto:?subject=x">Gửi email</a></div>
{OTHER_NEWS}"""
    return _page(article)


def _table_layout() -> str:
    """Older table-based layout, body lines separated by ``<br>``."""
    body = "<br><br>".join(PARAGRAPHS)
    article = f"""<table width="100%"><tr><td class="title"><b>{TITLE}</b></td></tr>
<tr><td class="date">Ngày đăng: 12/12/2024 | Lượt xem: 356</td></tr>
<tr><td class="tools"><a href="#">In bài viết</a> | <a href="#">Gửi email</a>
| <a href="#">Đọc bài</a></td></tr>
<tr><td class="text">{body}<br><br>Nguồn: Phòng Nông nghiệp và PTNT huyện</td></tr>
<tr><td><b>Tin cùng chuyên mục</b><br>
<a href="/tin/21">Xã An Phú tổng kết mô hình trồng quế hữu cơ</a> (02/12/2024)<br>
<a href="/tin/22">Huyện Lục Yên kiểm tra tiến độ giải ngân vốn đầu tư công</a>
(28/11/2024)</td></tr>
</table>"""
    return _page(article)


def _article_layout() -> str:
    """HTML5 ``<article>`` layout with a related-news block and a comment form."""
    article = f"""<article>
<header><h1>{TITLE}</h1><time datetime="2024-12-12">12/12/2024 08:15</time>
<div class="print-tools"><button>In</button> <button>Đọc bài</button></div></header>
<div class="entry-content">{_paragraphs_html()}
<p><em>Nguồn: Trung tâm Truyền thông và Văn hóa huyện</em></p>
</div>
<div class="related"><h4>Tin liên quan</h4><ul>
<li><a href="/tin/31">Lục Yên triển khai tháng cao điểm vì người nghèo</a></li>
<li><a href="/tin/32">Huyện Lục Yên sơ kết 9 tháng thực hiện Nghị quyết</a></li></ul></div>
<form class="comment-form"><h4>Bình luận</h4>
<label>Họ và tên</label><input name="name"><label>Email</label><input name="email">
<textarea name="body"></textarea><button type="submit">Gửi bình luận</button></form>
</article>"""
    return _page(article)


def _plain_div_layout() -> str:
    """Body as loose text inside a ``<div>`` with ``<br>`` breaks (no ``<p>`` at all)."""
    body = "<br>\n<br>\n".join(PARAGRAPHS)
    article = f"""<div class="tieude">{TITLE}</div>
<div class="ngay">Cập nhật lúc 08:15 ngày 12/12/2024</div>
<div class="chucnang"><a href="#">In bài viết</a> <a href="#">Gửi email</a></div>
<div class="noidung">{body}<br>\n<br>\n<i>Nguồn: Báo Yên Bái</i></div>
<div class="tinkhac"><b>Các tin khác</b><br>
<a href="/tin/41">Lục Yên: Hơn 200 hộ dân được hỗ trợ làm nhà ở</a><br>
<a href="/tin/42">Khánh thành cầu treo thôn Khau Ca, xã Tân Phượng</a></div>"""
    return _page(article)


LAYOUTS = {
    "div": _div_layout,
    "table": _table_layout,
    "article": _article_layout,
    "plain_div": _plain_div_layout,
}


@pytest.fixture(params=sorted(LAYOUTS))
def extracted(request: pytest.FixtureRequest) -> MainContent:
    """Extraction result of every sample layout."""
    result = extract_main_content(LAYOUTS[request.param](), "https://lucyen.yenbai.gov.vn/tin/99")
    assert result is not None
    return result


def test_text_starts_with_first_paragraph(extracted: MainContent) -> None:
    assert extracted.text.startswith(PARAGRAPHS[0])


def test_text_ends_with_last_paragraph(extracted: MainContent) -> None:
    assert extracted.text.endswith(PARAGRAPHS[-1])


def test_text_is_exactly_the_four_paragraphs(extracted: MainContent) -> None:
    assert extracted.text == "\n\n".join(PARAGRAPHS)


@pytest.mark.parametrize("widget", WIDGET_STRINGS)
def test_text_has_no_widget_strings(extracted: MainContent, widget: str) -> None:
    assert widget not in extracted.text


def test_text_has_no_title(extracted: MainContent) -> None:
    assert TITLE not in extracted.text


def test_text_has_no_sidebar_headline(extracted: MainContent) -> None:
    assert "Xã Minh Xuân ra quân" not in extracted.text


def test_html_has_no_scripts_or_styles(extracted: MainContent) -> None:
    lowered = extracted.html.lower()
    assert "<script" not in lowered
    assert "<style" not in lowered
    assert "gtag" not in lowered


def test_html_has_no_navigation_or_widgets(extracted: MainContent) -> None:
    assert "Giới thiệu" not in extracted.html
    assert "Đọc bài" not in extracted.html
    assert "Nguồn:" not in extracted.html


def test_html_contains_the_paragraphs(extracted: MainContent) -> None:
    assert all(text[:60] in extracted.html for text in PARAGRAPHS)


def test_method_is_named(extracted: MainContent) -> None:
    assert extracted.method in {"trafilatura", "trafilatura-fast", "density"} or (
        extracted.method.endswith("+chunks")
    )


def test_text_is_nfc() -> None:
    decomposed = "Ho\u0323\u0302i nghi\u0323 " * 3  # "Hội nghị" with combining marks
    html = _page(f"<div class='body'><p>{decomposed}{PARAGRAPHS[0]}</p></div>")
    result = extract_main_content(html)
    assert result is not None
    assert "Hội nghị Hội nghị" in result.text


def test_whitespace_collapsed_within_paragraph() -> None:
    spread = PARAGRAPHS[0].replace(" ", "  \n\t ")
    html = _page(f"<div class='body'><p>{spread}</p><p>{PARAGRAPHS[1]}</p></div>")
    result = extract_main_content(html)
    assert result is not None
    assert result.text.split("\n\n")[0] == PARAGRAPHS[0]


def test_empty_page_returns_none() -> None:
    assert extract_main_content("") is None


def test_page_without_body_returns_none() -> None:
    html = _page("<div class='tools'><a href='#'>In</a> <a href='#'>Đọc bài</a></div>")
    assert extract_main_content(html) is None


def test_density_fallback_used_when_trafilatura_finds_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        "portal_spider.extraction.main_content.trafilatura_pass._trafilatura_html",
        lambda *a, **k: "",
    )
    result = extract_main_content(_table_layout())
    assert result is not None
    assert result.method == "density"
    assert result.text == "\n\n".join(PARAGRAPHS)


def test_strip_boilerplate_removes_trailing_source_line() -> None:
    text = f"{PARAGRAPHS[0]}\n\n{PARAGRAPHS[1]}\n\nNguồn: Báo Yên Bái"
    assert strip_portal_boilerplate(text) == f"{PARAGRAPHS[0]}\n\n{PARAGRAPHS[1]}"


def test_strip_boilerplate_removes_button_line() -> None:
    text = f"In  Đọc bài  Gửi email\n{PARAGRAPHS[0]}"
    assert strip_portal_boilerplate(text) == PARAGRAPHS[0]


def test_strip_boilerplate_cuts_other_news_list() -> None:
    text = f"{PARAGRAPHS[0]}\nCác tin khác\nLục Yên đẩy mạnh phát triển kinh tế đồi rừng"
    assert strip_portal_boilerplate(text) == PARAGRAPHS[0]


def test_strip_boilerplate_removes_counter_line() -> None:
    text = f"{PARAGRAPHS[0]}\nLượt truy cập: 1.234.567"
    assert strip_portal_boilerplate(text) == PARAGRAPHS[0]


def test_strip_boilerplate_removes_title_and_date_head() -> None:
    text = f"{TITLE}\nThứ năm, 12/12/2024 - 15:30\n{PARAGRAPHS[0]}"
    assert strip_portal_boilerplate(text, titles=[TITLE]) == PARAGRAPHS[0]


def test_strip_boilerplate_keeps_source_mentioned_mid_text() -> None:
    text = f"Nguồn: số liệu của Cục Thống kê tỉnh cho thấy tăng trưởng khá.\n{PARAGRAPHS[0]}"
    assert strip_portal_boilerplate(text).startswith("Nguồn: số liệu")


def test_strip_boilerplate_keeps_sentence_starting_with_in() -> None:
    text = "In năm 2024, huyện in 5.000 tờ rơi tuyên truyền."
    assert strip_portal_boilerplate(text) == text


@pytest.mark.parametrize(
    "line",
    ["Thứ năm, 12/12/2024 - 15:30", "Ngày đăng: 12/12/2024", "Cập nhật lúc 08:15 ngày 12/12/2024"],
)
def test_date_lines_recognised(line: str) -> None:
    assert is_date_stamp_line(line)


def test_sentence_with_date_is_not_a_date_line() -> None:
    assert not is_date_stamp_line("Ngày 12/12/2024, huyện tổ chức hội nghị tổng kết công tác năm.")
