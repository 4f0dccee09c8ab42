"""Vietnamese cues that mark article fields on a portal page, shared by every page object.

Portals print labels beside their fields (``Lượt xem:``, ``Nguồn:``, ``Tin, ảnh:``, ``Ngày đăng:``)
and surround the article with widgets that use the same words for other things: the site-wide
visitor counter (``Lượt truy cập``, ``Đang online``), sidebars of other articles with their own
dates (``Tin mới``, ``Các tin khác``). The helpers here read the labels and tell the article's own
block from that page chrome, so a page object never takes a site counter for views or a sidebar
headline's date for the publication date.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lxml.html import HtmlElement

from portal_spider.extraction.document_order import following
from portal_spider.normalize.dates_vi import find_dates, parse_vi_datetime
from portal_spider.normalize.text import clean_text

logger = logging.getLogger(__name__)

# "Lượt xem: 1.234" (label first) is read before "4829 lượt xem" (number first): in
# "ngày 16 tháng 4 năm 2024 Lượt xem: 318" the year before the label is not the count.
VIEWS_LABEL_FIRST_RE = re.compile(
    r"(?:số\s+lượt\s+xem|số\s+lần\s+xem|lượt\s+xem|lượt\s+đọc|lần\s+xem|đã\s+xem|views?)"
    r"\s*[:：]?\s*[(\[]?\s*\d[\d.,]*(?![\d/:-])",
    re.IGNORECASE,
)
VIEWS_NUMBER_FIRST_RE = re.compile(
    r"(?<![\d/.:-])\d[\d.,]*\s*[)\]]?\s*(?:lượt\s+xem|lượt\s+đọc|lần\s+xem|views?)(?!\w)",
    re.IGNORECASE,
)
SITE_COUNTER_RE = re.compile(
    r"lượt\s+truy\s+cập|đang\s+truy\s+cập|đang\s+online|trực\s+tuyến|hôm\s+nay|hôm\s+qua|"
    r"trong\s+tuần|trong\s+tháng|tuần\s+này|tháng\s+này|tổng\s+(?:số\s+)?lượt|thống\s+kê|"
    r"số\s+người|visitors?|online",
    re.IGNORECASE,
)
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
CHROME_TAGS = {"aside", "footer", "nav"}
ARTICLE_PREFIXES = ("article", "entry", "post", "news", "detail", "story")
CHROME_EXACT = {"nav", "left", "right", "col-right", "right-col", "box-right", "module-right"}
# The short block around a date or a view count that may be an item of a list of other articles.
HEADLINE_ITEM_BLOCK = "ancestor-or-self::*[self::div or self::p or self::tr or self::dd][1]"
# Headings that start a list of other articles; their section is chrome even without a class.
# The words of such a heading ("Các tin khác", "Tin cùng chuyên mục", "Bài viết liên quan" …),
# shared with the main-content extractor's rule for where an article's text ends.
OTHER_NEWS_WORDS = (
    r"(các|những)?\s*(tin|bài|bài viết|tin tức)\s*(khác|liên quan|cùng chuyên mục|cùng loại|"
    r"mới|mới nhất|mới đăng|xem nhiều|đọc nhiều|nổi bật|đã đưa)"
)
OTHER_NEWS_HEADING_RE = re.compile(rf"^{OTHER_NEWS_WORDS}\b", re.IGNORECASE)
AUTHOR_RE = re.compile(
    r"^\(?\s*(tin,?\s*ảnh|tin\s+và\s+ảnh|bài,?\s*ảnh|bài\s+và\s+ảnh|tác\s+giả|người\s+viết|"
    r"bài|tin|ảnh|thực\s+hiện|nhóm\s+phóng\s+viên|pv)\s*[:：]\s*(?P<name>[^:]{2,80}?)\s*\)?$",
    re.IGNORECASE,
)
# "Nguồn:" and NukeViet's standard "Nguồn tin:"
SOURCE_RE = re.compile(
    r"^\(?\s*nguồn(?:\s+tin)?\s*[:：]\s*(?P<name>.{2,150}?)\s*\)?\.?$", re.IGNORECASE
)
THEO_RE = re.compile(r"^\(?\s*theo\s+(?P<name>[^;:.!?/\d]{3,90}?)\s*\)?$", re.IGNORECASE)
PUBLISH_LABEL_RE = re.compile(
    r"(ngày\s+đăng|đăng\s+ngày|đăng\s+lúc|ngày\s+xuất\s+bản|xuất\s+bản|được\s+đăng|ngày\s+tạo|"
    r"ngày\s+phát\s+hành|published|posted)\s*[:：]?\s*$",
    re.IGNORECASE,
)
MODIFIED_LABEL_RE = re.compile(
    r"(cập\s+nhật\s+lần\s+cuối|sửa\s+đổi|chỉnh\s+sửa|ngày\s+sửa|lần\s+sửa|modified|updated|"
    r"hiệu\s+chỉnh)\s*[:：]?\s*$",
    re.IGNORECASE,
)
# A weekday printed between a label and its date ("Ngày đăng: Thứ Hai, 17/07/2023"): not the label.
WEEKDAY_TAIL_RE = re.compile(
    r"(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s+nhật)\s*[,\-–|]?\s*(?:ngày\s*)?$",
    re.IGNORECASE,
)
TOOL_WORDS = {
    "in", "in bài", "in trang", "bản in", "đọc bài", "nghe đọc bài", "gửi email", "gửi mail",
    "gửi bài", "chia sẻ", "lưu", "lưu tin", "lưu bài viết", "quay lại", "trở về", "về đầu trang",
    "lên đầu trang", "a+", "a-", "a", "cỡ chữ", "facebook", "zalo", "twitter", "tweet", "email",
    "print", "share", "bình luận", "like", "thích", "đã tặng",
}  # fmt: skip
TOOL_TAGS = {"a", "span", "button", "div", "p", "li", "label"}
TOOL_CLASS_RE = re.compile(
    r"(share|social|print|tool|rating|like|zalo|facebook|tweet|readspeaker|audio|speech|tts|"
    r"font-?size|button|btn|comment|tags?$|keyword|related|other|pagination|pager|"
    r"cong-?cu|chia-?se|tien-?ich)",
    re.IGNORECASE,
)
NAME_WORD_RE = re.compile(r"^[A-ZĐÀ-Ỹ][\wÀ-ỹ.]*$")


def bounded_clean_text(element: HtmlElement, limit: int, joiner: str = "") -> str | None:
    """The element's cleaned text when it has at most ``limit`` characters, else ``None``.

    Only the start of a long text is read: once the cleaned start is longer than ``limit`` (with
    a margin for a character merged or a space stripped at the cut), the whole text is too.
    ``joiner`` goes between the text nodes (``" "`` as :func:`short_text` joins them).
    """
    pieces: list[str] = []
    size = 0
    budget = 2 * limit + 64
    for piece in element.itertext():
        pieces.append(piece)
        size += len(piece) + len(joiner)
        if size > budget:
            if len(clean_text(joiner.join(pieces)) or "") > limit + 16:
                return None
            budget *= 2  # mostly whitespace so far: read on
    text = clean_text(joiner.join(pieces)) or ""
    return text if len(text) <= limit else None


def _tokens(element: HtmlElement) -> list[str]:
    marker = f"{element.get('class', '')} {element.get('id', '')}".lower()
    return marker.split()


def is_chrome_element(element: HtmlElement) -> bool:
    """Whether this one element (not its ancestors) is page chrome by tag, class or id."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in CHROME_TAGS:
        # an <article>'s own <footer> holds its author, source and tags, not site chrome
        return not (tag == "footer" and element.xpath("ancestor::article"))
    for token in _tokens(element):
        if token.startswith(ARTICLE_PREFIXES) and "footer" in token:
            continue  # the article's own footer holds its author and source lines
        if token in CHROME_EXACT or any(word in token for word in CHROME_WORDS):
            return True
    return False


def in_chrome(element: HtmlElement, stop: HtmlElement | None = None) -> bool:
    """Whether ``element`` sits in page chrome (up to, not including, ``stop``)."""
    node: HtmlElement | None = element
    while node is not None and node is not stop:
        if is_chrome_element(node) or _under_other_news_heading(node):
            return True
        node = node.getparent()
    return False


def _under_other_news_heading(element: HtmlElement) -> bool:
    """A list or block right after a heading such as "Các tin khác" or "Tin mới"."""
    previous = element.getprevious()
    hops = 0
    while previous is not None and hops < 2:
        if isinstance(previous.tag, str) and previous.tag in {"h2", "h3", "h4", "h5", "div", "p"}:
            text = bounded_clean_text(previous, 59)
            return text is not None and bool(OTHER_NEWS_HEADING_RE.match(text))
        previous = previous.getprevious()
        hops += 1
    return False


def short_text(element: HtmlElement, limit: int = 160) -> str:
    """The element's whole text when short, else only its own text nodes (not its children's)."""
    text = bounded_clean_text(element, limit, " ")
    if text is not None:
        return text
    return clean_text(" ".join(element.xpath("text()"))) or ""


# --- views -------------------------------------------------------------------------------------
def views_in_text(text: str) -> str | None:
    """The labelled view count in ``text`` (``"Lượt xem: 1.234"``), unless it is a site counter."""
    if not text or SITE_COUNTER_RE.search(text):
        return None
    match = VIEWS_LABEL_FIRST_RE.search(text) or VIEWS_NUMBER_FIRST_RE.search(text)
    return match.group(0).strip() if match else None


def eye_icon_views(element: HtmlElement) -> str | None:
    """Digits right after an eye icon (``<i class="fa fa-eye"></i> 1.234``)."""
    for icon in element.xpath(".//*[contains(@class, 'eye') or contains(@class, 'view')]"):
        parent = icon.getparent()
        text = clean_text(
            (icon.tail or "") or (parent.text_content() if parent is not None else "")
        )
        match = re.fullmatch(r"[^\d]{0,3}(\d{1,3}(?:[.,]\d{3})+|\d+)\s*", text or "")
        if match and not SITE_COUNTER_RE.search(text or ""):
            return match.group(1)
    return None


def find_views(elements: Iterable[HtmlElement]) -> tuple[str | None, HtmlElement | None]:
    """The first article view count among ``elements``.

    Chrome, site counters and the counts of other articles' headlines ("Tin xem nhiều") are
    skipped.
    """
    for element in elements:
        if not isinstance(element.tag, str) or element.tag in {"script", "style"}:
            continue
        if in_chrome(element) or in_headline_list(element):
            continue
        text = short_text(element, 120)
        raw = views_in_text(text)
        if raw is None and len(text) < 40:
            raw = eye_icon_views(element)
        if raw:
            return raw, element
    return None, None


# --- dates ---------------------------------------------------------------------------------------
@dataclass
class DateCandidate:
    """A date printed on the page: the raw string, the label before it, where it was found."""

    raw: str
    label: str
    element: HtmlElement | None = None

    @property
    def has_time(self) -> bool:
        return bool(re.search(r"\d{1,2}\s*(?::|h|g)\s*\d{2}", self.raw))


def dates_in(element: HtmlElement) -> list[DateCandidate]:
    """Dates printed in an element (or its ``datetime`` attribute), with their labels."""
    found: list[DateCandidate] = []
    text = short_text(element)
    for raw in find_dates(text):
        before = text[: text.find(raw)] if raw in text else ""
        label = WEEKDAY_TAIL_RE.sub("", before)[-40:]
        found.append(DateCandidate(raw=raw, label=label, element=element))
    return found


def header_elements(
    title: HtmlElement, body: HtmlElement | None, limit: int = 30
) -> Iterator[HtmlElement]:
    """Elements of the article header: a few just before the title, then those after it.

    After the title the walk stops where the body starts (or after ``limit`` elements, or at a
    paragraph of prose when the body is unknown).
    """
    yield from _before_title(title)
    for count, element in enumerate(following(title)):
        if body is not None and (element is body or _is_inside(element, body)):
            return
        if body is None and element.tag == "p" and _words(element) >= 30:
            return
        if count >= limit:
            return
        yield element


def _words(element: HtmlElement) -> int:
    return len((clean_text(element.text_content()) or "").split())


def _before_title(title: HtmlElement) -> Iterator[HtmlElement]:
    node = title
    for _ in range(2):
        siblings = node.xpath("preceding-sibling::*[position() <= 3]")
        for sibling in reversed(siblings):
            if bounded_clean_text(sibling, 200) is None:
                continue
            yield sibling
            yield from sibling.iterdescendants()
        parent = node.getparent()
        if parent is None or parent.tag == "body":
            return
        node = parent


def _is_inside(element: HtmlElement, container: HtmlElement) -> bool:
    return any(ancestor is container for ancestor in element.iterancestors())


def header_date(title: HtmlElement, body: HtmlElement | None) -> DateCandidate | None:
    """The publication date printed in the article's own header, near its title.

    A date labelled as the publication date wins over one labelled as a modification; sidebars
    and lists of other articles are never read.
    """
    candidates: list[DateCandidate] = []
    seen: set[int] = set()
    for element in header_elements(title, body):
        if not isinstance(element.tag, str) or element.tag in {"script", "style", "a"}:
            continue
        if in_chrome(element) or element.xpath("ancestor::a") or in_headline_list(element):
            continue
        for candidate in dates_in(element):
            key = hash((candidate.raw, candidate.label))
            if key not in seen:
                seen.add(key)
                candidates.append(candidate)
    return pick_publication_date(candidates)


def in_headline_list(element: HtmlElement) -> bool:
    """Inside an item that links another article's headline (its date and views are that one's).

    A list item with a link of four words or more, or a short block (``<div class="item">``,
    a table row) with a link of five words or more and no heading of its own.
    """
    for item in element.xpath("ancestor-or-self::li[1]"):
        if _links_headline(item, 4):
            return True
    for block in element.xpath(HEADLINE_ITEM_BLOCK):
        text = bounded_clean_text(block, 300)
        return text is not None and not block.xpath(".//h1|.//h2") and _links_headline(block, 5)
    return False


def _links_headline(block: HtmlElement, words: int) -> bool:
    """A link of at least ``words`` words of letters (a date link is not a headline)."""
    return any(
        len(re.findall(r"[^\W\d_]+", link.text_content())) >= words for link in block.iter("a")
    )


def pick_publication_date(candidates: list[DateCandidate]) -> DateCandidate | None:
    """Labelled publication date first, then the first date not labelled as a modification."""
    if not candidates:
        return None
    for candidate in candidates:
        if PUBLISH_LABEL_RE.search(candidate.label):
            return candidate
    for candidate in candidates:
        if not MODIFIED_LABEL_RE.search(candidate.label):
            return candidate
    return None


def same_day(first: str, second: str, day_first: bool = True) -> bool:
    """Whether two printed dates name the same calendar day (local time)."""
    a = parse_vi_datetime(first, day_first=day_first)
    b = parse_vi_datetime(second, day_first=day_first)
    return a is not None and b is not None and a.date() == b.date()


# --- attribution ------------------------------------------------------------------------------
def read_attribution_line(line: str) -> tuple[str, str] | None:
    """``("author", name)`` or ``("source", name)`` when ``line`` is an attribution line."""
    text = clean_text(line) or ""
    if not text or len(text) > 160:
        return None
    source = SOURCE_RE.match(text)
    if source:
        return "source", source.group("name").strip("() ").rstrip(".").strip()
    author = AUTHOR_RE.match(text)
    if author:
        name = author.group("name").strip().rstrip(".")
        bare_label = author.group(1).lower() in {"bài", "tin", "ảnh", "pv"}
        # "Ảnh: Lãnh đạo huyện trao quà" is a caption, "Ảnh: Minh Tuấn" a credit
        if bare_label and not all(NAME_WORD_RE.match(w) for w in re.split(r"[\s,\-–]+", name) if w):
            return None
        return "author", name
    theo = THEO_RE.match(text)
    if theo and len(theo.group("name").split()) <= 12 and _looks_like_name(theo.group("name")):
        return "source", theo.group("name").strip()
    return None


def _looks_like_name(text: str) -> bool:
    """A proper name: its first word is capitalised ("Báo Yên Bái", "Cổng TTĐT tỉnh")."""
    words = text.split()
    return bool(words) and words[0][:1].isupper()


def looks_like_signature(element: HtmlElement) -> bool:
    """A short right-aligned name (often bold) at the end of a body: the author's signature."""
    text = clean_text(element.text_content()) or ""
    words = [w for w in re.split(r"[\s,\-–]+", text) if w]
    if not 1 <= len(words) <= 6 or any(ch.isdigit() for ch in text) or text.endswith((".", ":")):
        return False
    if not all(NAME_WORD_RE.match(word) for word in words):
        return False
    style = (element.get("style") or "").replace(" ", "").lower()
    right = "text-align:right" in style or (element.get("align") or "").lower() == "right"
    right = right or "right" in (element.get("class") or "").lower()
    bold_children = element.xpath("./strong|./b|./em/strong|./strong/em|./b/i|./i/b")
    bold = bool(bold_children) and clean_text(bold_children[0].text_content()) == text
    return right and (bold or len(words) <= 4)


def drop_tools(body: HtmlElement) -> None:
    """Remove print, read-aloud, share and similar widgets from a body element, in place."""
    for element in list(body.iter("script", "style", "noscript", "iframe", "form", "button")):
        element.drop_tree()
    # inner elements first: a toolbar left with only its label ("Cỡ chữ:") goes too
    for element in reversed(list(body.iter())):
        if not isinstance(element.tag, str) or element is body:
            continue
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        tool_class = bool(marker.strip()) and bool(TOOL_CLASS_RE.search(marker))
        if not tool_class and element.tag not in TOOL_TAGS:
            continue
        short = bounded_clean_text(element, 199)  # None: 200 characters or more
        text = (short or "").lower()
        tool_word = element.tag in TOOL_TAGS and text.rstrip(" :：") in TOOL_WORDS
        if (tool_class and short is not None) or tool_word:
            element.drop_tree()


def precise_time(candidate: DateCandidate) -> str | None:
    """The ``datetime`` attribute behind a header date printed without a time, if it has one.

    The ``<time>`` element itself, or the one inside the element whose visible text is the date.
    """
    element = candidate.element
    if element is None:
        return None
    times = [element] if element.tag == "time" else element.xpath(".//time[@datetime]")
    for time_element in times:
        value = (time_element.get("datetime") or "").strip()
        visible = clean_text(time_element.text_content()) or ""
        shown_here = time_element is element or candidate.raw in visible
        has_time = bool(re.search(r"\d{2}:\d{2}", value))
        if value and shown_here and has_time and same_day(value, candidate.raw):
            return value
    return None


DATE_LINE_NOISE_RE = re.compile(
    r"(số\s+)?(lượt|lần)\s+(xem|đọc|truy\s+cập)\s*:?\s*[\d.,]*|"
    r"thứ\s+(hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s+nhật|ngày\s+đăng|đăng\s+ngày|cập\s+nhật|"
    r"lần\s+cập\s+nhật\s+cuối|lúc|ngày|gmt\s*\+?\s*7|\(|\)|[,|:\-–]",
    re.IGNORECASE,
)


def is_date_only_line(line: str) -> bool:
    """A short line that holds a date and little else ("Thứ năm, 14 Tháng 9 2023 08:30")."""
    text = clean_text(line) or ""
    if len(text) > 90:
        return False
    dates = find_dates(text)
    if not dates:
        return False
    rest = text
    for raw in dates:
        rest = rest.replace(raw, " ")
    rest = DATE_LINE_NOISE_RE.sub(" ", rest)
    return len(rest.split()) <= 1
