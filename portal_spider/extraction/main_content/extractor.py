"""Generic main-content (article body) extraction for unknown page layouts.

Strategy, in order:

1. ``trafilatura`` in *precision* mode (``favor_precision=True``) -- on news-like pages it
   keeps the article and drops most teasers, related-article lists and footers.
2. If that result is missing or suspiciously short compared with trafilatura's *fast*
   (balanced, no fallback algorithms) result, the longer one is used instead.
3. If trafilatura finds nothing, a small text-density heuristic picks the container whose
   paragraphs hold the most non-link text (Vietnamese portals are often table based).

The chosen HTML fragment is split into text blocks (``<p>``, headings, list items, table rows,
``<br>``-separated lines) and cleaned by :func:`filter_blocks`: the title and date line at the
top, print / read-aloud / share widgets, "Các tin khác"-style trailing lists, view counters and
a trailing "Nguồn: ..." line are removed from both the text and the HTML.
"""

from __future__ import annotations

import copy
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from portal_spider.extraction.cues import OTHER_NEWS_WORDS
from portal_spider.extraction.main_content.article_span import article_span

logger = logging.getLogger(__name__)

MIN_WORDS = 8
SHORT_RESULT_WORDS = 150
LONGER_RATIO = 3.0
PROSE_LINE_WORDS = 12
MIN_CHUNK_WORDS = 60
PROSE_SHARE = 0.8
CHUNK_ANCESTOR_LEVELS = 3

# Options shared by every trafilatura call: the article body only (no comments, no images,
# no links so that link text does not bias anything), tables kept (portals lay out
# announcements in tables), no deduplication (the cache is process-global).
TRAFILATURA_OPTIONS: dict[str, object] = {
    "output_format": "html",
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
    "with_metadata": False,
}

UNIT_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "pre", "blockquote", "dd", "dt"}
    | {"figcaption", "caption"}
)
BLOCK_TAGS = (
    UNIT_TAGS
    | {"div", "section", "article", "main", "td", "th", "ul", "ol", "dl"}
    | {
        "table",
        "tbody",
        "thead",
        "tfoot",
        "address",
        "center",
    }
)
DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "form",
    "nav",
    "header",
    "footer",
    "aside",
    "button",
    "select",
    "input",
    "textarea",
    "svg",
    "object",
    "embed",
)
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
_WIDGETS_LONGEST_FIRST = sorted(WIDGET_PHRASES, key=len, reverse=True)
# A heading that starts a trailing list of other articles: it and everything after it go.
TRAILING_SECTION_RE = re.compile(
    rf"^{OTHER_NEWS_WORDS}\s*[:.…]*$"
    r"|^(thư viện ảnh|ý kiến bạn đọc|bình luận|gửi bình luận|gửi ý kiến|ý kiến của bạn|"
    r"viết bình luận|related (news|articles|posts|stories)|read more|more stories)\s*[:.…]*$",
    re.IGNORECASE,
)
# A view counter inside a line of buttons.
VIEW_COUNT_RE = re.compile(
    r"(số\s+)?(lượt|lần)\s+(xem|đọc)\s*[:：]?\s*\(?[\d.,]+\)?|đã\s+xem\s*[:：]?\s*[\d.,]+"
    r"|[\d.,]+\s+(lượt|lần)\s+(xem|đọc)",
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
SOURCE_LINE_RE = re.compile(r"^\(?\s*nguồn(?:\s+tin)?\s*[:：]", re.IGNORECASE)
VI_MONTH = r"(\d{1,2}|một|hai|ba|tư|bốn|năm|sáu|bảy|bẩy|tám|chín|mười(\s+một|\s+hai)?|giêng|chạp)"
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
DATE_NOISE_RE = re.compile(
    r"\d{1,2}\s*[:h]\s*\d{2}(\s*[:]\s*\d{2})?\s*(am|pm|gmt[+-]?\d*|\(gmt[^)]*\))?"
    r"|\b(thứ\s+(hai|ba|tư|năm|sáu|bảy|2|3|4|5|6|7)|chủ nhật|ngày đăng|ngày cập nhật|"
    r"cập nhật|đăng lúc|đăng ngày|lúc|ngày|tháng|năm|thời gian|posted|published|updated|"
    r"on|at|by|monday|tuesday|wednesday|thursday|friday|saturday|sunday|gmt|utc|ict|"
    r"am|pm|et|est|edt|pst|pdt)\b"
    r"|(lượt\s+(xem|đọc|truy cập)|views?)\s*[:：]?\s*[\d.,]+",
    re.IGNORECASE,
)
TITLE_SPLIT_RE = re.compile(r"\s+[|\-–—:»]\s+|\s*::\s*")
SPACE_RE = re.compile(r"\s+")
PUNCT_ONLY_RE = re.compile(r"^[\W_]*$")
HEAD_LINES = 4
LINE_BREAK = "\u2029"


@dataclass
class MainContent:
    """Extracted article body: plain text, HTML fragment and the strategy that found it."""

    text: str
    html: str
    method: str


@dataclass
class _Unit:
    """One block element of the body fragment and its text lines."""

    element: etree._Element
    lines: list[str]


def normalize_line(text: str) -> str:
    """NFC-normalise *text* and collapse all whitespace runs to one space."""
    return SPACE_RE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _key(text: str) -> str:
    """Comparison key: case-folded words without punctuation."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def _word_count(text: str) -> int:
    """Number of word tokens in *text*."""
    return len(re.findall(r"\w+", text))


def _is_widget_line(line: str) -> bool:
    """True when *line* only consists of widget labels such as "In  Đọc bài  Gửi email".

    A view counter printed among the buttons ("[In trang]  Số lần xem: 1.234") is one of them.
    """
    if len(line) >= 80:
        return False
    rest = f" {VIEW_COUNT_RE.sub(' ', line.casefold())} "
    rest = re.sub(r"[|/•·,;:：()\[\]]", " ", rest)
    for phrase in _WIDGETS_LONGEST_FIRST:
        while f" {phrase} " in rest:
            rest = rest.replace(f" {phrase} ", " ")
    return PUNCT_ONLY_RE.match(rest.strip()) is not None


def is_date_line(line: str) -> bool:
    """True for a short line that is only a date/time stamp ("Thứ hai, 12/3/2024 08:15")."""
    if len(line) > 80 or not DATE_RE.search(line):
        return False
    rest = DATE_NOISE_RE.sub(" ", DATE_RE.sub(" ", line))
    return _word_count(rest) <= 1


def is_boilerplate_line(line: str) -> bool:
    """True for a portal widget line that never belongs to an article body."""
    if not line or PUNCT_ONLY_RE.match(line):
        return True
    return _is_widget_line(line) or BOILERPLATE_LINE_RE.match(line) is not None


def _is_title(line: str, titles: Iterable[str]) -> bool:
    """True when *line* repeats the page title (or one ``|``/``-`` separated part of it)."""
    key = _key(line)
    return bool(key) and any(key == _key(title) for title in titles)


def _drop_head(lines: list[str], titles: list[str]) -> int:
    """Return how many leading lines are the title, the date line or widgets."""
    index = 0
    while index < min(len(lines), HEAD_LINES):
        line = lines[index]
        if not (
            _is_title(line, titles)
            or is_date_line(line)
            or is_boilerplate_line(line)
            or BREADCRUMB_LINE_RE.match(line)
            or TRAILING_SECTION_RE.match(line)
        ):
            break
        index += 1
    return index


def _trailing_cut(lines: list[str]) -> int:
    """Index where a trailing "Các tin khác" section starts (``len(lines)`` if none)."""
    for index, line in enumerate(lines):
        if index > 0 and TRAILING_SECTION_RE.match(line):
            return index
    return len(lines)


def _drop_tail(lines: list[str]) -> int:
    """Return the new length of *lines* after removing a trailing source/date/widget run."""
    end = len(lines)
    while end > 0:
        line = lines[end - 1]
        if not (
            SOURCE_LINE_RE.match(line)
            or FOOTER_LINE_RE.match(line)
            or is_date_line(line)
            or is_boilerplate_line(line)
        ):
            break
        end -= 1
    return end


def filter_blocks(lines: list[str], titles: Iterable[str] = ()) -> list[bool]:
    """Decide for every line of an extracted body whether it is kept."""
    title_list = [t for t in titles if t]
    start = _drop_head(lines, title_list)
    stop = _trailing_cut(lines)
    keep = [start <= i < stop and not is_boilerplate_line(line) for i, line in enumerate(lines)]
    kept_indices = [i for i, flag in enumerate(keep) if flag]
    tail_len = _drop_tail([lines[i] for i in kept_indices])
    for index in kept_indices[tail_len:]:
        keep[index] = False
    return keep


def strip_portal_boilerplate(text: str, titles: Iterable[str] = ()) -> str:
    """Remove portal widget lines, title/date head and a trailing "Nguồn:" line from *text*.

    *text* is split into lines (blank lines ignored); the kept lines are joined with one
    blank line between them.
    """
    lines = [normalize_line(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    keep = filter_blocks(lines, titles)
    return "\n\n".join(line for line, flag in zip(lines, keep, strict=True) if flag)


# --------------------------------------------------------------------------- HTML -> units


def _has_block_child(element: etree._Element) -> bool:
    """True when *element* contains a nested block-level element."""
    return any(
        isinstance(child.tag, str) and child.tag in BLOCK_TAGS
        for child in element.iterdescendants()
    )


def _split_lines(element: etree._Element) -> list[str]:
    """Text of *element*, split at ``<br>``, each line whitespace-normalised."""
    if next(element.iter("br"), None) is not None:
        element = copy.deepcopy(element)
        for br in element.iter("br"):
            br.tail = LINE_BREAK + (br.tail or "")
    text = element.xpath("string()")
    return [line for line in (normalize_line(part) for part in text.split(LINE_BREAK)) if line]


def _row_lines(row: etree._Element) -> list[str]:
    """One line per table row: the non-empty cell texts joined by a space."""
    cells = [normalize_line(cell.xpath("string()")) for cell in row if isinstance(cell.tag, str)]
    line = " ".join(cell for cell in cells if cell)
    return [line] if line else []


def _is_data_row(row: etree._Element) -> bool:
    """True for a table row of several plain cells (a data table, not a layout table)."""
    cells = [cell for cell in row if isinstance(cell.tag, str)]
    return len(cells) > 1 and not any(_has_block_child(cell) for cell in cells)


def _iter_units(element: etree._Element) -> Iterator[_Unit]:
    """Yield the innermost block elements below *element* in document order.

    Inline content sitting directly in a container (``<div>text<br>text</div>``) is wrapped
    into a synthetic ``<p>`` unit.
    """
    if element.tag == "tr" and _is_data_row(element):
        lines = _row_lines(element)
        if lines:
            yield _Unit(element, lines)
        return
    if element.tag in UNIT_TAGS and not _has_block_child(element):
        lines = _split_lines(element)
        if lines:
            yield _Unit(element, lines)
        return
    chunk: list[etree._Element | str] = []
    if element.text and element.text.strip():
        chunk.append(element.text)
    for child in element:
        if isinstance(child.tag, str) and child.tag in BLOCK_TAGS:
            yield from _flush_chunk(chunk)
            chunk = []
            yield from _iter_units(child)
        else:
            chunk.append(child)
        if child.tail and child.tail.strip():
            chunk.append(child.tail)
    yield from _flush_chunk(chunk)


def _flush_chunk(chunk: list[etree._Element | str]) -> Iterator[_Unit]:
    """Turn loose inline content of a container into a synthetic ``<p>`` unit."""
    if not any(isinstance(item, str) or isinstance(item.tag, str) for item in chunk):
        return
    para = etree.Element("p")
    for item in chunk:
        if isinstance(item, str):
            _append_text(para, item)
        elif isinstance(item.tag, str):
            clone = copy.deepcopy(item)
            clone.tail = None
            para.append(clone)
    lines = _split_lines(para)
    if lines:
        yield _Unit(para, lines)


def _append_text(element: etree._Element, text: str) -> None:
    """Append *text* at the end of *element* (as text or the last child's tail)."""
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text


def _unit_html(unit: _Unit, keep: list[bool]) -> str:
    """HTML of one unit with only its kept lines."""
    if all(keep):
        clone = copy.deepcopy(unit.element)
        clone.tail = None
        return lxml_html.tostring(clone, encoding="unicode")
    tag = "p" if unit.element.tag == "tr" else unit.element.tag
    new = etree.Element(tag)
    kept = [line for line, flag in zip(unit.lines, keep, strict=True) if flag]
    for index, line in enumerate(kept):
        if index:
            etree.SubElement(new, "br").tail = line
        else:
            new.text = line
    return lxml_html.tostring(new, encoding="unicode")


def _wrap_rows(fragments: list[tuple[etree._Element, str]]) -> str:
    """Join unit HTML, wrapping runs of list items / table rows in their list / table."""
    out: list[str] = []
    open_tag = ""
    for element, fragment in fragments:
        wrapper = _wrapper_tag(element)
        if wrapper != open_tag:
            if open_tag:
                out.append(f"</{open_tag}>")
            if wrapper:
                out.append(f"<{wrapper}>")
            open_tag = wrapper
        out.append(fragment)
    if open_tag:
        out.append(f"</{open_tag}>")
    return "\n".join(out)


def _wrapper_tag(element: etree._Element) -> str:
    """Container tag a unit needs in the output fragment ("" for standalone blocks)."""
    if element.tag == "li":
        parent = element.getparent()
        return parent.tag if parent is not None and parent.tag in {"ul", "ol"} else "ul"
    if element.tag == "tr":
        return "table"
    return ""


def render_units(units: list[_Unit], titles: Iterable[str]) -> tuple[str, str]:
    """Filter the units' lines and return ``(text, html)`` of what is kept."""
    flat = [line for unit in units for line in unit.lines]
    keep = filter_blocks(flat, titles)
    text_lines: list[str] = []
    fragments: list[tuple[etree._Element, str]] = []
    position = 0
    for unit in units:
        flags = keep[position : position + len(unit.lines)]
        position += len(unit.lines)
        if not any(flags):
            continue
        text_lines.extend(line for line, flag in zip(unit.lines, flags, strict=True) if flag)
        fragments.append((unit.element, _unit_html(unit, flags)))
    return "\n\n".join(text_lines), _wrap_rows(fragments)


# --------------------------------------------------------------------------- page helpers


# Comments and processing instructions are dropped while parsing: React pages put ``<!-- -->``
# inside paragraphs and trafilatura would cut the paragraph at such a comment.
_PARSER = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
_BYTES_PARSER = lxml_html.HTMLParser(
    remove_comments=True, remove_pis=True, collect_ids=False, encoding="utf-8"
)


def parse_html(html: str) -> etree._Element | None:
    """Parse *html* leniently; ``None`` when it is empty or unparsable."""
    if not html or not html.strip():
        return None
    html = unicodedata.normalize("NFC", html)  # decomposed Vietnamese reads like precomposed
    try:
        return lxml_html.document_fromstring(html, parser=_PARSER)
    except (etree.ParserError, ValueError):
        # ValueError: a str with an XML encoding declaration
        try:
            raw = html.encode("utf-8", "replace")
            return lxml_html.document_fromstring(raw, parser=_BYTES_PARSER)
        except (etree.ParserError, ValueError):
            logger.debug("unparsable HTML")
            return None


def page_titles(tree: etree._Element) -> list[str]:
    """Candidate titles of the page: ``<h1>``, ``og:title`` and ``<title>`` with its parts."""
    titles: list[str] = []
    for xpath in ("//h1", "//title"):
        titles.extend(normalize_line(e.text_content()) for e in tree.xpath(xpath)[:3])
    titles.extend(
        normalize_line(v)
        for v in tree.xpath('//meta[@property="og:title" or @name="twitter:title"]/@content')
    )
    parts = [part for title in titles for part in TITLE_SPLIT_RE.split(title)]
    return [t for t in dict.fromkeys(titles + parts) if _word_count(t) >= 2]


def _split_text_at_newlines(text: str) -> list[str] | None:
    """Parts of *text* around its inner newlines, ``None`` when there are none."""
    if "\n" not in text.strip():
        return None
    return text.split("\n")


def newlines_to_br(root: etree._Element) -> None:
    """Turn newlines inside text nodes into ``<br>`` (trafilatura keeps line breaks as text)."""
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        parts = _split_text_at_newlines(element.text or "")
        if parts:
            element.text = parts[0]
            for index, part in enumerate(parts[1:]):
                br = etree.Element("br")
                br.tail = part
                element.insert(index, br)
        parts = _split_text_at_newlines(element.tail or "")
        if parts and element.getparent() is not None:
            element.tail = parts[0]
            anchor = element
            for part in parts[1:]:
                br = etree.Element("br")
                br.tail = part
                anchor.addnext(br)
                anchor = br


def _fragment_units(fragment: str) -> list[_Unit]:
    """Parse an HTML fragment (trafilatura output) into units."""
    tree = parse_html(fragment)
    if tree is None:
        return []
    newlines_to_br(tree)
    body = tree.find("body")
    return list(_iter_units(body if body is not None else tree))


def _trafilatura_html(tree: etree._Element, url: str | None, **options: object) -> str:
    """Run trafilatura on a copy of *tree* and return its HTML output ("" if none)."""
    try:
        result = trafilatura.extract(copy.deepcopy(tree), url=url, **TRAFILATURA_OPTIONS, **options)
    except (ValueError, TypeError, etree.LxmlError) as exc:
        logger.debug("trafilatura failed on %s: %s", url, exc)
        return ""
    return result or ""


def _units_words(units: list[_Unit]) -> int:
    """Total number of words in *units*."""
    return sum(_word_count(line) for unit in units for line in unit.lines)


def _prose_words(units: list[_Unit]) -> int:
    """Words in sentence-like lines (at least ``PROSE_LINE_WORDS`` words): menus score ~0."""
    counts = (_word_count(line) for unit in units for line in unit.lines)
    return sum(count for count in counts if count >= PROSE_LINE_WORDS)


def trafilatura_units(tree: etree._Element, url: str | None) -> tuple[list[_Unit], str]:
    """Best trafilatura result as units, with the name of the mode that produced it."""
    precise = _fragment_units(_trafilatura_html(tree, url, favor_precision=True))
    precise_words = _units_words(precise)
    if precise_words >= SHORT_RESULT_WORDS:
        return precise, "trafilatura"
    balanced = _fragment_units(_trafilatura_html(tree, url, fast=True))
    if _prose_words(balanced) > LONGER_RATIO * max(_prose_words(precise), 1):
        return balanced, "trafilatura-fast"
    return precise, "trafilatura"


# --------------------------------------------------------------------------- split articles


def _body_parent(tree: etree._Element, units: list[_Unit]) -> etree._Element | None:
    """The element of *tree* that holds most of the extracted prose paragraphs."""
    prose = {line for unit in units for line in unit.lines if _word_count(line) >= PROSE_LINE_WORDS}
    if not prose:
        return None
    parents: dict[etree._Element, int] = {}
    for para in tree.iter("p"):
        if normalize_line(para.xpath("string()")) in prose:
            parent = para.getparent()
            parents[parent] = parents.get(parent, 0) + 1
    if not parents:
        return None
    return max(parents, key=parents.__getitem__)


def _signature(element: etree._Element) -> tuple[str, str]:
    """Tag and class attribute, used to recognise repeated article chunks."""
    return str(element.tag), element.get("class", "").strip()


def _path(element: etree._Element, region: etree._Element) -> list[tuple[str, str]]:
    """Signatures of *element* and its ancestors up to (excluding) *region*."""
    path = [_signature(element)]
    for ancestor in element.iterancestors():
        if ancestor is region:
            break
        path.append(_signature(ancestor))
    return path


def _chunk_region(parent: etree._Element) -> etree._Element | None:
    """Ancestor of *parent* within which split chunks of the same article are searched."""
    region = parent
    for _ in range(CHUNK_ANCESTOR_LEVELS):
        region = region.getparent()
        if region is None or region.tag == "body":
            return None
    return region


def _chunk_units(chunk: etree._Element) -> list[_Unit]:
    """Prose units of an additional article chunk (noise removed)."""
    work = copy.deepcopy(chunk)
    work.tail = None
    _strip_noise(work)
    units = [u for u in _iter_units(work) if u.element.tag == "p"]
    prose = _prose_words(units)
    if prose < MIN_CHUNK_WORDS or prose < PROSE_SHARE * _units_words(units):
        return []
    text_len = sum(len(line) for unit in units for line in unit.lines)
    if _link_text_length(work) > 0.3 * max(text_len, 1):
        return []
    return units


def merge_split_chunks(tree: etree._Element, units: list[_Unit]) -> tuple[list[_Unit], bool]:
    """Add article chunks that repeat the main body container (ads split the body).

    Some sites (e.g. Wired) cut the article body into several sibling containers with the
    same tag and class; trafilatura keeps only the first one.
    """
    parent = _body_parent(tree, units)
    if parent is None or not _signature(parent)[1]:
        return units, False
    region = _chunk_region(parent)
    if region is None:
        return units, False
    path = _path(parent, region)
    seen = {line for unit in units for line in unit.lines}
    merged: list[_Unit] = []
    added = False
    for element in region.iter(parent.tag):
        if element is parent:
            merged.extend(units)
            continue
        if _path(element, region) != path:
            continue
        extra = [u for u in _chunk_units(element) if not seen.intersection(u.lines)]
        merged.extend(extra)
        added = added or bool(extra)
    return (merged, True) if added else (units, False)


# --------------------------------------------------------------------------- anchoring


def anchored_units(tree: etree._Element, units: list[_Unit], titles: Iterable[str]) -> list[_Unit]:
    """*units* without the leading and trailing lines that lie outside the article block."""
    flat = [line for unit in units for line in unit.lines]
    start, end = article_span(tree, flat, titles)
    if start == 0 and end == len(flat):
        return units
    kept: list[_Unit] = []
    position = 0
    for unit in units:
        first, last = position, position + len(unit.lines)
        position = last
        lines = unit.lines[max(start, first) - first : max(min(end, last) - first, 0)]
        if len(lines) == len(unit.lines):
            kept.append(unit)
        elif lines:
            kept.append(_Unit(_lines_paragraph(lines), lines))
    return kept


def _lines_paragraph(lines: list[str]) -> etree._Element:
    """A ``<p>`` holding *lines* separated by ``<br>``."""
    para = etree.Element("p")
    para.text = lines[0]
    for line in lines[1:]:
        etree.SubElement(para, "br").tail = line
    return para


# --------------------------------------------------------------------------- density fallback


def _strip_noise(tree: etree._Element) -> None:
    """Remove scripts, navigation and elements whose class/id look like page chrome."""
    for element in list(tree.iter(*DROP_TAGS)):
        _remove(element)
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.tag in {"html", "body"}:
            continue
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        if marker.strip() and BOILERPLATE_ATTR_RE.search(marker):
            _remove(element)


def _remove(element: etree._Element) -> None:
    """Remove *element* (and its tail text) from the tree."""
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _link_text_length(element: etree._Element) -> int:
    """Characters of text inside links below *element*."""
    return sum(len(a.text_content()) for a in element.iter("a"))


def _density_score(element: etree._Element) -> float:
    """Score of a container: text in its direct paragraph-like children minus link text."""
    score = 0.0
    for child in element:
        if not isinstance(child.tag, str) or child.tag not in {"p", "br", "span", "font", "h2"}:
            continue
        text = child.text_content()
        if len(text) > 25:
            score += len(text) - 2 * _link_text_length(child)
    loose = (element.text or "") + "".join((c.tail or "") for c in element)
    return score + len(loose.strip())


def density_units(tree: etree._Element) -> list[_Unit]:
    """Fallback: units of the container with the highest paragraph text density."""
    work = copy.deepcopy(tree)
    _strip_noise(work)
    candidates = list(work.iter("div", "article", "section", "td", "main", "body"))
    if not candidates:
        return []
    best = max(candidates, key=_density_score)
    if _density_score(best) <= 0:
        return []
    return list(_iter_units(best))


# --------------------------------------------------------------------------- public API


def extract_main_content(html: str, url: str | None = None) -> MainContent | None:
    """Extract the article body of *html*; ``None`` when no body can be found."""
    tree = parse_html(html)
    if tree is None:
        return None
    titles = page_titles(tree)
    units, method = trafilatura_units(tree, url)
    units, merged = merge_split_chunks(tree, units)
    if merged:
        method += "+chunks"
    units = anchored_units(tree, units, titles)
    if _units_words(units) < MIN_WORDS:
        units, method = density_units(tree), "density"
    text, body_html = render_units(units, titles)
    if _word_count(text) < MIN_WORDS:
        logger.debug("no main content found for %s", url)
        return None
    return MainContent(text=text, html=body_html, method=method)
