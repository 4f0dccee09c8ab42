"""The one vocabulary of page furniture: the words, phrases and patterns portals print.

Portals print labels beside their fields (``Lượt xem:``, ``Nguồn:``, ``Tin, ảnh:``, ``Ngày đăng:``)
and surround the article with widgets that use the same words for other things: the site-wide
visitor counter (``Lượt truy cập``, ``Đang online``), print and share buttons, sidebars of other
articles (``Tin mới``, ``Các tin khác``), the site footer. Every rule of the engine (the page
objects' field readers and the main-content extractor alike) takes its words from here, so a
label is spelled once and both sides agree on it. Also here: the comparison key and the line
normaliser every rule compares text with.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import islice

# --- text keys -----------------------------------------------------------------------------------
WORD_RE = re.compile(r"\w+")
# past every character a comparison key can hold (keys are words and spaces)
KEY_END = "\U0010ffff"


def key(text: str | None) -> str:
    """Comparison key: case-folded words without punctuation."""
    return " ".join(WORD_RE.findall((text or "").casefold()))


PUNCT_ONLY_RE = re.compile(r"^[\W_]*$")


def normalize_line(text: str) -> str:
    """NFC-normalise *text* and collapse all whitespace runs to one space.

    ``str.split`` splits at the characters ``\\s`` matches, and is faster than a substitution.
    """
    return " ".join(unicodedata.normalize("NFC", text).split())


def word_count(text: str) -> int:
    """Number of word tokens in *text*."""
    return len(WORD_RE.findall(text))


def has_words(text: str, count: int) -> bool:
    """``word_count(text) >= count``, reading *text* only as far as its ``count``-th word."""
    if count <= 0:
        return True
    return next(islice(WORD_RE.finditer(text), count - 1, None), None) is not None


def any_phrase(phrases: tuple[str, ...]) -> str:
    """A regex alternation of ``phrases``, any run of whitespace between their words."""
    return "|".join(re.escape(phrase).replace(r"\ ", r"\s+") for phrase in phrases)


def label_at_end(labels: tuple[str, ...]) -> re.Pattern[str]:
    """Matches a text that ends with one of ``labels`` (and maybe a colon): a value's label."""
    return re.compile(rf"({any_phrase(labels)})\s*[:：]?\s*$", re.IGNORECASE)


# --- page chrome: class words, widgets, other articles -------------------------------------------
# Words of class and id tokens that mark page chrome: sidebars, menus, footers, counters, lists of
# other articles. Matched inside each lowercased token ("box-tin-moi", "sidebarRight").
CHROME_WORDS = (
    "sidebar", "side-bar", "aside", "footer", "menu", "navbar", "navigation", "breadcrumb",
    "counter", "thongke", "thong-ke", "statistic", "visitor", "truycap", "truy-cap", "online",
    "related", "relate", "tinkhac", "tin-khac", "othernews", "other-news", "other_news", "tinmoi",
    "tin-moi", "latest", "lienquan", "lien-quan", "cungchuyenmuc", "cung-chuyen-muc", "widget",
    "banner", "marquee", "quangcao", "quang-cao", "advert", "gallery", "thuvien", "thu-vien",
    "hotnews", "hot-news", "noibat", "noi-bat", "mostview", "most-view", "xemnhieu", "xem-nhieu",
    "docnhieu", "doc-nhieu", "recent", "weather", "thoitiet", "thoi-tiet", "login", "search",
    "chantrang", "chan-trang", "copyright", "ban-quyen", "rightcol", "right-col", "col-right",
    "cotphai", "cot-phai", "pagenav", "pager", "pagination",
)  # fmt: skip
# Tags that are page chrome wherever they stand.
CHROME_TAGS = {"aside", "footer", "nav"}
# Class prefixes of the article's own blocks ("entry-footer" is no site footer).
ARTICLE_PREFIXES = ("article", "entry", "post", "news", "detail", "story")
# Whole class or id tokens of page chrome.
CHROME_EXACT = {"nav", "left", "right", "col-right", "right-col", "box-right", "module-right"}
# Headings that start a list of other articles; their section is chrome even without a class.
# The words of such a heading ("Các tin khác", "Tin cùng chuyên mục", "Bài viết liên quan" …),
# shared with the main-content extractor's rule for where an article's text ends.
OTHER_NEWS_WORDS = (
    r"(các|những)?\s*(tin|bài|bài viết|tin tức)\s*(khác|liên quan|cùng chuyên mục|cùng loại|"
    r"mới|mới nhất|mới đăng|xem nhiều|đọc nhiều|nổi bật|đã đưa)"
)
OTHER_NEWS_HEADING_RE = re.compile(rf"^{OTHER_NEWS_WORDS}\b", re.IGNORECASE)
# The heading of a list of articles related to the one shown ("Các tin khác", "Tin liên quan",
# "Tin cùng chuyên mục"), not of the site's newest or most read: its links are worth following.
RELATED_NEWS_HEADING_RE = re.compile(
    r"^(các|những)?\s*(tin|bài|bài viết|tin tức)\s*"
    r"(khác|liên quan|cùng chuyên mục|cùng loại)\s*:?$",
    re.IGNORECASE,
)
# The text of one tool widget (print, share, font size …), element by element.
# The print, read-aloud, mail, share and save links of the Yên Bái article toolbar.
TOOLBAR_LINK_WORDS = {"in", "đọc bài", "in bài", "gửi email", "chia sẻ", "lưu", "in trang"}
TOOL_WORDS = TOOLBAR_LINK_WORDS | {
    "bản in", "nghe đọc bài", "gửi mail", "gửi bài", "lưu tin", "lưu bài viết", "quay lại",
    "trở về", "về đầu trang", "lên đầu trang", "a+", "a-", "a", "cỡ chữ", "facebook", "zalo",
    "twitter", "tweet", "email", "print", "share", "bình luận", "like", "thích", "đã tặng",
}  # fmt: skip
# Tags a tool widget is printed in.
TOOL_TAGS = {"a", "span", "button", "div", "p", "li", "label"}
# Class or id words of tool widgets and of lists of other articles.
TOOL_CLASS_RE = re.compile(
    r"(share|social|print|tool|rating|like|zalo|facebook|tweet|readspeaker|audio|speech|tts|"
    r"font-?size|button|btn|comment|tags?$|keyword|related|other|pagination|pager|"
    r"cong-?cu|chia-?se|tien-?ich)",
    re.IGNORECASE,
)
# Class or id words of blocks the density fallback never reads.
BOILERPLATE_ATTR_RE = re.compile(
    r"(^|[\s_-])(nav|menu|sidebar|side-bar|footer|header|breadcrumbs?|share|social|comments?|"
    r"related|tin-?lien-?quan|tin-?khac|other-?news|banner|advert|ads|popup|modal|login|"
    r"search|pager|pagination|toolbar|print|widget|cookie)([\s_-]|$)",
    re.IGNORECASE,
)
# Widget labels that may appear alone or several on one line ("In  Đọc bài  Gửi email").
WIDGET_PHRASES = (
    "in bài viết",
    "in bài",
    "in trang",
    "bản in",
    "đọc bài",
    "nghe đọc bài",
    "dừng đọc",
    "gửi email",
    "gửi mail",
    "gửi bài viết",
    "gửi bài",
    "lưu bài viết",
    "lưu tin",
    "chia sẻ",
    "chia sẻ bài viết",
    "quay lại",
    "trở về",
    "về đầu trang",
    "lên đầu trang",
    "đóng cửa sổ",
    "cỡ chữ",
    "phóng to",
    "thu nhỏ",
    "tweet",
    "facebook",
    "zalo",
    "twitter",
    "email",
    "print",
    "share",
    "in",
    "a",
    "a-",
    "a+",
    "đã tặng",  # the like widget of Yên Bái's SharePoint sites
)
# A heading that starts a trailing list of other articles: it and everything after it go.
TRAILING_SECTION_RE = re.compile(
    rf"^{OTHER_NEWS_WORDS}\s*[:.…]*$"
    r"|^(thư viện ảnh|ý kiến bạn đọc|bình luận|gửi bình luận|gửi ý kiến|ý kiến của bạn|"
    r"viết bình luận|related (news|articles|posts|stories)|read more|more stories)\s*[:.…]*$",
    re.IGNORECASE,
)
# Lines dropped wherever they appear.
BOILERPLATE_LINE_RE = re.compile(
    r"^(lượt truy cập|số lượt truy cập|lượt xem|số lượt xem|tổng lượt truy cập|đang truy cập|"
    r"đang online|trực tuyến|hôm nay|tổng số lượt|lượt đọc|tags?|từ khóa|từ khoá)\s*[:：]"
    r"|^(chia sẻ|share)\s*(bài viết|this|on)?\s*[:：]"
    r"|^like this story\? share it"
    r"|^(họ và tên|họ tên|địa chỉ email|email|nội dung|mã xác nhận|mã bảo vệ)\s*[:：*]?\s*\*?$"
    r"|^(gửi|nhập lại|làm lại|xóa|hủy)$"
    r"|^(bản quyền|copyright)\b.{0,120}$"
    r"|^©"
    r"|^.{0,200}\(\s*\d{1,2}/\d{1,2}/\d{2,4}(\s+\d{1,2}:\d{2})?\s*\)$",  # teaser "(12/12/2024)"
    re.IGNORECASE,
)
# Site footer lines, dropped only at the end of the body.
FOOTER_LINE_RE = re.compile(
    r"^(cơ quan chủ quản|chịu trách nhiệm|người chịu trách nhiệm|giấy phép|địa chỉ|"
    r"điện thoại|đt|fax|email|e-mail|thiết kế bởi|phát triển bởi|ghi rõ nguồn|"
    r"bản quyền thuộc)\b",
    re.IGNORECASE,
)
# A plain-text breadcrumb ("Trang chủ » Tin tức - Sự kiện") printed above the title.
BREADCRUMB_LINE_RE = re.compile(
    r"^(trang\s+chủ|trang\s+nhất|home)\s*[»>›/|→]\s*\S.{0,120}$", re.IGNORECASE
)
# The heading of a sidebar box ("Thống kê truy cập", "Liên kết website"): not a title.
BOX_TITLES = (
    "thống kê", "liên kết", "văn bản", "thư viện", "video", "tiêu điểm", "thông báo", "sự kiện",
    "lịch", "hỏi đáp", "chuyên mục", "danh mục", "tìm kiếm", "giới thiệu", "liên hệ",
)  # fmt: skip
BOX_TITLE_RE = re.compile(rf"^({'|'.join(BOX_TITLES)})\b[\w\s]{{0,20}}$", re.IGNORECASE)

# --- views ---------------------------------------------------------------------------------------
# "Lượt xem: 1.234" (label first) is read before "4829 lượt xem" (number first): in
# "ngày 16 tháng 4 năm 2024 Lượt xem: 318" the year before the label is not the count.
VIEWS_WORDS = ("lượt xem", "lượt đọc", "lần xem", "views", "view")
VIEWS_LABELS = ("số lượt xem", "số lần xem", *VIEWS_WORDS[:3], "đã xem", *VIEWS_WORDS[3:])
VIEWS_LABEL_FIRST_RE = re.compile(
    rf"(?:{any_phrase(VIEWS_LABELS)})\s*[:：]?\s*[(\[]?\s*\d[\d.,]*(?![\d/:-])", re.IGNORECASE
)
# "4829 lượt xem": a number followed by a views word.
VIEWS_NUMBER_FIRST_RE = re.compile(
    rf"(?<![\d/.:-])\d[\d.,]*\s*[)\]]?\s*(?:{any_phrase(VIEWS_WORDS)})(?!\w)", re.IGNORECASE
)
# The count of the Yên Bái article toolbar ("4829 lượt xem"); the views label rules above would
# also take a leading "Số" into the raw value of other layouts, so this one stays apart.
TOOLBAR_VIEWS_RE = re.compile(
    r"(\d[\d.,\s]*)\s*lượt\s*xem|(?:lượt\s*xem|số\s*lần\s*xem)\s*:?\s*(\d[\d.,]*)", re.I
)
# The words of a site-wide visitor counter: a count beside them is not the article's views.
SITE_COUNTER_WORDS = (
    "lượt truy cập", "đang truy cập", "đang online", "trực tuyến", "hôm nay", "hôm qua",
    "trong tuần", "trong tháng", "tuần này", "tháng này", "tổng số lượt", "tổng lượt", "thống kê",
    "số người", "visitors", "visitor", "online",
)  # fmt: skip
SITE_COUNTER_RE = re.compile(any_phrase(SITE_COUNTER_WORDS), re.IGNORECASE)
# A view counter inside a line of buttons.
BUTTON_ROW_VIEWS_RE = re.compile(
    r"(số\s+)?(lượt|lần)\s+(xem|đọc)\s*[:：]?\s*\(?[\d.,]+\)?|đã\s+xem\s*[:：]?\s*[\d.,]+"
    r"|[\d.,]+\s+(lượt|lần)\s+(xem|đọc)",
    re.IGNORECASE,
)

# --- dates ---------------------------------------------------------------------------------------
# Labels that end right before the publication date ("Ngày đăng:").
PUBLISH_LABEL_RE = label_at_end((
    "ngày đăng", "đăng ngày", "đăng lúc", "ngày xuất bản", "xuất bản", "được đăng", "ngày tạo",
    "ngày phát hành", "published", "posted",
))  # fmt: skip
# Labels that end right before a modification date: never the publication date.
MODIFIED_LABEL_RE = label_at_end((
    "cập nhật lần cuối", "sửa đổi", "chỉnh sửa", "ngày sửa", "lần sửa", "modified", "updated",
    "hiệu chỉnh",
))  # fmt: skip
# Labels before a date printed after the body ("[Ngày cập nhật: 19/12/2023 10:21]").
DATE_LABEL_RE = label_at_end((
    "ngày đăng", "đăng ngày", "đăng lúc", "cập nhật lúc", "cập nhật", "xuất bản", "thời gian",
    "posted", "published", "updated",
))  # fmt: skip
# A weekday printed between a label and its date ("Ngày đăng: Thứ Hai, 17/07/2023"): not the label.
WEEKDAY_TAIL_RE = re.compile(
    r"(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s+nhật)\s*[,\-–|]?\s*(?:ngày\s*)?$",
    re.IGNORECASE,
)
# Words a date-only line may hold besides its date (weekday, label, view count, punctuation).
DATE_LINE_NOISE_RE = re.compile(
    r"(số\s+)?(lượt|lần)\s+(xem|đọc|truy\s+cập)\s*:?\s*[\d.,]*|"
    r"thứ\s+(hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s+nhật|ngày\s+đăng|đăng\s+ngày|cập\s+nhật|"
    r"lần\s+cập\s+nhật\s+cuối|lúc|ngày|gmt\s*\+?\s*7|\(|\)|[,|:\-–]",
    re.IGNORECASE,
)
VI_MONTH = r"(\d{1,2}|một|hai|ba|tư|bốn|năm|sáu|bảy|bẩy|tám|chín|mười(\s+một|\s+hai)?|giêng|chạp)"
# A date in any format portals print, English ones included (main-content extractor).
DATE_RE = re.compile(
    r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}"
    r"|\d{4}-\d{2}-\d{2}"
    r"|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}(\s+năm\s+\d{4})?"
    # "14 Tháng 9 2023", "14 Tháng Bảy, 2023", "Tháng Bảy 14, 2023" (WordPress in Vietnamese)
    rf"|\b\d{{1,2}}\s+tháng\s+{VI_MONTH}(\s*,\s*|\s+năm\s+|\s+)\d{{4}}"
    rf"|\btháng\s+{VI_MONTH}\s+\d{{1,2}}\s*,?\s*\d{{4}}"
    r"|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}"
    r"|\b\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}",
    re.IGNORECASE,
)
# Times, weekdays and labels a date stamp line may hold besides its date.
DATE_NOISE_RE = re.compile(
    r"\d{1,2}\s*[:h]\s*\d{2}(\s*[:]\s*\d{2})?\s*(am|pm|gmt[+-]?\d*|\(gmt[^)]*\))?"
    r"|\b(thứ\s+(hai|ba|tư|năm|sáu|bảy|2|3|4|5|6|7)|chủ nhật|ngày đăng|ngày cập nhật|"
    r"cập nhật|đăng lúc|đăng ngày|lúc|ngày|tháng|năm|thời gian|posted|published|updated|"
    r"on|at|by|monday|tuesday|wednesday|thursday|friday|saturday|sunday|gmt|utc|ict|"
    r"am|pm|et|est|edt|pst|pdt)\b"
    r"|(lượt\s+(xem|đọc|truy cập)|views?)\s*[:：]?\s*[\d.,]+",
    re.IGNORECASE,
)

# --- attribution ---------------------------------------------------------------------------------
AUTHOR_RE = re.compile(
    r"^\(?\s*(tin,?\s*ảnh|tin\s+và\s+ảnh|bài,?\s*ảnh|bài\s+và\s+ảnh|tác\s+giả|người\s+viết|"
    r"bài|tin|ảnh|thực\s+hiện|nhóm\s+phóng\s+viên|pv)\s*[:：]\s*(?P<name>[^:]{2,80}?)\s*\)?$",
    re.IGNORECASE,
)
# "Nguồn:" and NukeViet's standard "Nguồn tin:"
SOURCE_RE = re.compile(
    r"^\(?\s*nguồn(?:\s+tin)?\s*[:：]\s*(?P<name>.{2,150}?)\s*\)?\.?$", re.IGNORECASE
)
# "Theo Báo Yên Bái": the source an article was taken from.
THEO_RE = re.compile(r"^\(?\s*theo\s+(?P<name>[^;:.!?/\d]{3,90}?)\s*\)?$", re.IGNORECASE)
# A capitalised word of a person's name.
NAME_WORD_RE = re.compile(r"^[A-ZĐÀ-Ỹ][\wÀ-ỹ.]*$")
# The start of a "Nguồn:" line, dropped at the end of an extracted body.
SOURCE_LINE_RE = re.compile(r"^\(?\s*nguồn(?:\s+tin)?\s*[:：]", re.IGNORECASE)
# A line that introduces the attached files at the end of a body.
ATTACHMENT_LINE = re.compile(
    r"^(file|tệp|tập\s+tin|văn\s+bản|tài\s+liệu)\s+(đính\s+kèm|kèm\s+theo)|^(tải\s+về|đính\s+kèm)",
    re.IGNORECASE,
)

# Labels stripped from the text of a source element ("Nguồn: Báo Yên Bái" -> "Báo Yên Bái").
SOURCE_LABELS = ("Nguồn tin:", "Nguồn:", "Nguồn :", "Nguồn", "Theo")

# --- titles, breadcrumbs -------------------------------------------------------------------------
# The label that starts an article's meta line ("Số lần xem: 312", "Nguồn: …", "Ngày đăng: …",
# "Tin, ảnh: …"): a line that starts so is never the headline.
META_LINE_LABEL_RE = re.compile(
    r"^\s*(?:số\s+lần\s+xem|lượt\s+xem|lượt\s+đọc|đã\s+xem|lượt\s+truy\s+cập|ngày\s+đăng|"
    r"đăng\s+ngày|ngày\s+cập\s+nhật|cập\s+nhật|ngày\s+xuất\s+bản|nguồn|tác\s+giả|tin,?\s+ảnh|"
    r"bài,?\s+ảnh|tin\s+và\s+ảnh|chia\s+sẻ|in\s+bài|trang\s+chủ|đang\s+truy\s+cập|"
    r"đang\s+online)\s*:",
    re.IGNORECASE,
)
TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:»]\s+")
# What glues the links of a breadcrumb trail printed as text.
TRAIL_GLUE = re.compile(r"[\s»›>→/]+")
# The same separators and "::", for the main-content extractor's title parts.
TITLE_SPLIT_RE = re.compile(rf"{TITLE_SEPARATORS.pattern}|\s*::\s*")
# Names of a breadcrumb's home link.
HOME_WORDS = {"trang chủ", "home", "trang chu", "trang nhất"}
# Arrows and slashes between the names of a plain-text breadcrumb.
CRUMB_SEPARATORS = re.compile(r"\s*[»›>→]\s*|\s+/\s+")

# --- listings: pagers and "more" links -----------------------------------------------------------
# The text of a pager's link to the next page ("Trang sau", "»", "Tiếp").
NEXT_PAGE_WORDS = (
    "»",
    "›",
    ">",
    ">>",
    "sau",
    "tiếp",
    "trang sau",
    "trang tiếp",
    "tiếp theo",
    "next",
)
# The text of a pager's other links: previous, last.
OTHER_PAGE_WORDS = ("trước", "trang trước", "«", "‹", "cuối", "trang cuối", "last", "xem tiếp")
# A pager link's whole text: a page number or one of the words above.
PAGER_LINK_RE = re.compile(
    rf"^(?:\d{{1,4}}|{any_phrase(NEXT_PAGE_WORDS + OTHER_PAGE_WORDS)})$", re.IGNORECASE
)
# The start of a home-page block's link to its whole listing ("Xem tiếp »", "Xem thêm").
MORE_LINK_RE = re.compile(
    r"^(?:xem tiếp|xem thêm|xem tất cả|tất cả|chi tiết|đọc thêm|more)\b", re.IGNORECASE
)
