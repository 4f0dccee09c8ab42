"""Article pages of any size, for the parse-time benchmark and the scaling tests.

``big_article_page(size, layout)`` renders one article page of about ``size`` bytes (UTF-8) the
way a portal serves a very long one: a giant menu, a long body of many paragraphs with a huge
data table in the middle, thousands of "Các tin khác" items, a sidebar of links and the site
footer. ``layout="generic"`` is a table layout no platform module knows; ``layout="yenbai"`` is the
Yên Bái SharePoint article layout; ``layout="longform"`` is the generic layout holding little but
very long paragraphs (few elements, much text). The page is deterministic (same size, layout and
seed, same bytes) and the returned :class:`BigPage` says what a parser must find on it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from html import escape

from portal_spider.demo.generate import PLACES

LAYOUTS = ("generic", "yenbai", "longform")
TITLE = "Hội nghị tổng kết công tác xây dựng nông thôn mới huyện Thử Nghiệm năm 2024"
SITE = "Cổng thông tin điện tử huyện Thử Nghiệm"
GENERIC_URL = "https://thunghiem.example.vn/tin-tuc/hoi-nghi-tong-ket-nong-thon-moi-12345.html"
YENBAI_URL = (
    "https://thunghiem.yenbai.gov.vn/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx"
    "?ItemID=12345&l=TinTucSuKien"
)
GENERIC_DATE = "14/07/2024 08:15"
YENBAI_DATE = "14/07/2024 8:15:02 SA"
SOURCE = "Trung tâm Truyền thông và Văn hóa huyện"
VOCABULARY = (
    "huyện xã thôn bản nhân dân cán bộ đảng viên phong trào xây dựng nông thôn mới kinh tế "
    "văn hóa xã hội giáo dục y tế giao thông thủy lợi sản xuất nông nghiệp chăn nuôi trồng trọt "
    "chè shan tuyết quế hồi lúa nương ruộng bậc thang du lịch cộng đồng đồng bào dân tộc Mông "
    "Dao Thái Tày hộ nghèo cận nghèo thu nhập bình quân đầu người tiêu chí đạt chuẩn kế hoạch "
    "triển khai thực hiện kết quả nhiệm vụ giải pháp trọng tâm năm tới tăng cường lãnh đạo chỉ "
    "đạo kiểm tra giám sát tuyên truyền vận động huy động nguồn lực đầu tư hạ tầng đường bê tông "
    "trường học trạm y tế nhà văn hóa nước sạch môi trường an ninh trật tự quốc phòng"
)
WORDS = VOCABULARY.split()
# shares of the page's size taken by its big parts (the rest is the fixed frame)
SHARES = {"paragraphs": 0.40, "rows": 0.15, "related": 0.20, "menu": 0.15, "sidebar": 0.10}
LONGFORM_SHARES = {"paragraphs": 0.96, "rows": 0.01, "related": 0.01, "menu": 0.01, "sidebar": 0.01}
LONGFORM_SENTENCES = 40  # sentences of one paragraph of the longform layout (3 elsewhere)
# approximate bytes of one item of each part, to size a first draft
ITEM_BYTES = {"paragraphs": 320, "rows": 150, "related": 230, "menu": 110, "sidebar": 200}


@dataclass(frozen=True)
class BigPage:
    """A generated article page and what its parser must find on it."""

    url: str
    html: str
    layout: str
    title: str
    date: str  # the date as printed (dd/mm/yyyy ...)
    first_paragraph: str
    last_paragraph: str
    paragraphs: int
    rows: int  # rows of the big table (its header row apart)
    source: str

    @property
    def size(self) -> int:
        """Size in bytes (UTF-8), as served."""
        return len(self.html.encode("utf-8"))


class _Writer:
    """Deterministic Vietnamese-looking text."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def words(self, low: int, high: int) -> str:
        return " ".join(self.random.choice(WORDS) for _ in range(self.random.randint(low, high)))

    def sentence(self, serial: int) -> str:
        place = self.random.choice(PLACES)
        return (
            f"{self.words(8, 14).capitalize()} tại {place} lần thứ {serial}, {self.words(6, 12)}."
        )

    def paragraph(self, serial: int, sentences: int = 3) -> str:
        return " ".join(self.sentence(serial * sentences + n) for n in range(sentences))

    def headline(self, serial: int) -> str:
        return f"{self.words(6, 10).capitalize()} tại {self.random.choice(PLACES)} số {serial}"


def _menu(writer: _Writer, count: int) -> str:
    items = "".join(
        f'<li><a href="/chuyen-muc/muc-{n}.html">{escape(writer.words(2, 4).capitalize())}</a></li>'
        for n in range(count)
    )
    return (
        f'<div id="menu" class="menu-top"><ul><li><a href="/">Trang chủ</a></li>{items}</ul></div>'
    )


def _body(writer: _Writer, paragraphs: list[str], rows: int) -> str:
    table_rows = "".join(
        f"<tr><td>{escape(writer.random.choice(PLACES).capitalize())}</td><td>{n + 1}</td>"
        f"<td>{writer.random.randint(100, 9999)}</td><td>{writer.random.randint(1, 99)},"
        f"{writer.random.randint(0, 9)}%</td><td>{escape(writer.words(2, 4))}</td></tr>"
        for n in range(rows)
    )
    table = (
        '<table class="data" border="1"><tr><th>Đơn vị</th><th>STT</th><th>Số hộ</th>'
        f"<th>Tỷ lệ</th><th>Ghi chú</th></tr>{table_rows}</table>"
    )
    middle = len(paragraphs) // 2
    parts = [f'<p style="text-align:justify">{escape(text)}</p>' for text in paragraphs]
    return "\n".join([*parts[:middle], table, *parts[middle:]])


def _related(writer: _Writer, count: int, link: str) -> str:
    return "".join(
        f'<li><a href="{escape(link.format(n=20000 + n))}">{escape(writer.headline(n))}</a> '
        f'<span class="date">({1 + n % 28:02d}/{1 + n % 12:02d}/2023)</span></li>'
        for n in range(count)
    )


def _sidebar(writer: _Writer, count: int) -> str:
    items = "".join(
        f'<li><a href="/tin-tuc/tin-moi-{30000 + n}.html">{escape(writer.headline(n))}</a></li>'
        for n in range(count)
    )
    return (
        '<div class="sidebar-right"><div class="box-news-new"><h3 class="box-title">Tin mới</h3>'
        f"<ul>{items}</ul></div>"
        '<div class="box-counter"><h3 class="box-title">Thống kê truy cập</h3>'
        '<div class="counter">Lượt truy cập <span class="num">1.254.873</span></div></div></div>'
    )


def _footer() -> str:
    return (
        '<div class="footer"><p>Cơ quan chủ quản: Ủy ban nhân dân huyện Thử Nghiệm</p>'
        "<p>Địa chỉ: Tổ dân phố 1, thị trấn Thử Nghiệm</p>"
        "<p>Ghi rõ nguồn khi phát hành lại thông tin từ cổng thông tin này.</p></div>"
    )


def _generic_page(writer: _Writer, counts: dict[str, int], paragraphs: list[str]) -> str:
    related = _related(writer, counts["related"], "/tin-tuc/tin-khac-{n}.html")
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>{escape(TITLE)} - {escape(SITE)}</title>
<meta property="og:title" content="{escape(TITLE)}">
</head><body>
<div class="header"><div class="banner"><span class="site-name">{escape(SITE)}</span></div>
{_menu(writer, counts["menu"])}</div>
<table class="khung" width="100%"><tr>
<td class="main-col" valign="top">
<div class="breadcrumb"><a href="/">Trang chủ</a> » <a href="/tin-tuc.html">Tin tức</a></div>
<div class="article-detail">
<h1 class="article-title">{escape(TITLE)}</h1>
<div class="article-meta">Ngày đăng: {GENERIC_DATE} | Lượt xem: 1.234</div>
<div class="article-content">
{_body(writer, paragraphs, counts["rows"])}
<p>Nguồn: {escape(SOURCE)}</p>
</div></div>
<div class="tin-khac"><h3>Các tin khác</h3><ul>{related}</ul></div>
</td>
<td class="right-col" valign="top" width="300">{_sidebar(writer, counts["sidebar"])}</td>
</tr></table>
{_footer()}
</body></html>
"""


def _yenbai_page(writer: _Writer, counts: dict[str, int], paragraphs: list[str]) -> str:
    link = "/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx?ItemID={n}&l=TinTucSuKien"
    related = _related(writer, counts["related"], link)
    return f"""<!DOCTYPE html>
<html dir="ltr" lang="vi-VN"><head><meta charset="utf-8">
<title>{escape(TITLE)} - {escape(SITE)}</title>
<script type="text/javascript">var _spPageContextInfo = {{webLanguage: 1066}};</script>
</head><body>
<form method="post" action="./" id="aspnetForm"><div id="s4-workspace">
<div class="header"><div class="banner"><span class="site-name">{escape(SITE)}</span></div>
{_menu(writer, counts["menu"])}</div>
<div class="container"><div class="main-left">
<div class="breadcrumb"><a href="/">Trang chủ</a> &gt; \
<a href="/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx?l=TinTucSuKien&amp;lv=0">\
Tin tức - Sự kiện</a></div>
<div class="news-detail" id="ctl00_PlaceHolderMain_g_7f3a_NewsDetail">
<h2 class="news-title">{escape(TITLE)}</h2>
<div class="news-info"><span class="news-date">{YENBAI_DATE}</span>
<span class="news-view">4829 lượt xem</span>
<div class="news-tools"><a href="javascript:window.print();" class="print">In</a>
<a href="#" class="readspeaker">Đọc bài</a></div></div>
<div class="news-content ms-rtestate-field">
{_body(writer, paragraphs, counts["rows"])}
</div>
<div class="news-source"><p>Nguồn: {escape(SOURCE)}</p></div>
</div>
<div class="other-news"><h3 class="other-news-title">Các tin khác:</h3><ul>{related}</ul></div>
</div>
{_sidebar(writer, counts["sidebar"])}
</div>
{_footer()}
</div></form></body></html>
"""


def _render(layout: str, counts: dict[str, int], seed: int) -> tuple[str, list[str]]:
    writer = _Writer(seed)
    sentences = LONGFORM_SENTENCES if layout == "longform" else 3
    paragraphs = [writer.paragraph(n, sentences) for n in range(max(counts["paragraphs"], 2))]
    render = _yenbai_page if layout == "yenbai" else _generic_page
    return render(writer, counts, paragraphs), paragraphs


def _counts(layout: str, size: int, scale: float = 1.0) -> dict[str, int]:
    shares = LONGFORM_SHARES if layout == "longform" else SHARES
    paragraph_scale = LONGFORM_SENTENCES / 3 if layout == "longform" else 1
    counts = {
        part: max(1, int(size * share * scale / ITEM_BYTES[part])) for part, share in shares.items()
    }
    counts["paragraphs"] = max(1, int(counts["paragraphs"] / paragraph_scale))
    return counts


def big_article_page(size: int, layout: str = "generic", seed: int = 0) -> BigPage:
    """An article page of about ``size`` bytes (within a few percent) in ``layout``."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; known: {', '.join(LAYOUTS)}")
    html, _ = _render(layout, _counts(layout, size), seed)
    # one correction: the items' real sizes differ from the estimate
    counts = _counts(layout, size, size / len(html.encode("utf-8")))
    html, paragraphs = _render(layout, counts, seed)
    return BigPage(
        url=YENBAI_URL if layout == "yenbai" else GENERIC_URL,
        html=html,
        layout=layout,
        title=TITLE,
        date=(YENBAI_DATE if layout == "yenbai" else GENERIC_DATE).split()[0],
        first_paragraph=paragraphs[0],
        last_paragraph=paragraphs[-1],
        paragraphs=len(paragraphs),
        rows=counts["rows"],
        source=SOURCE,
    )
