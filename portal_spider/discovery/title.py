"""The generic headline: never a label line, and ``<title>`` without the site's name.

On layouts no page object knows, the block right before the body is often the article's meta
line (``Số lần xem: 312``, a date, ``Nguồn: …``), not its headline. :func:`repair_label_title`
replaces such a title by the nearest heading-like block above it that is no label line,
breadcrumb, link or site name. :class:`TitleAffixes` learns, across a portal's pages, the prefix
or suffix every ``<title>`` shares (the site's name) so that what is left is a strong cue for the
headline; a portal whose ``<title>`` is the site's name alone gives no cue.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from portal_spider.extraction.vocabulary import VIEWS_LABEL_FIRST_RE, VIEWS_NUMBER_FIRST_RE
from portal_spider.items import ArticleItem
from portal_spider.normalize.dates_vi import find_dates
from portal_spider.normalize.text import clean_text

logger = logging.getLogger(__name__)

LABEL_LINE = re.compile(
    r"^\s*(?:số\s+lần\s+xem|lượt\s+xem|lượt\s+đọc|đã\s+xem|lượt\s+truy\s+cập|ngày\s+đăng|"
    r"đăng\s+ngày|ngày\s+cập\s+nhật|cập\s+nhật|ngày\s+xuất\s+bản|nguồn|tác\s+giả|tin,?\s+ảnh|"
    r"bài,?\s+ảnh|tin\s+và\s+ảnh|chia\s+sẻ|in\s+bài|trang\s+chủ|đang\s+truy\s+cập|"
    r"đang\s+online)\s*:",
    re.IGNORECASE,
)
BLOCK_TAGS = {"p", "div", "span", "td", "h1", "h2", "h3", "h4", "h5", "h6", "font", "b", "strong",
              "li", "header", "section"}  # fmt: skip
CONTAINER_TAGS = {"p", "div", "table", "ul", "ol", "td", "tr", "h1", "h2", "h3", "h4", "section"}
WEAK_RULES = (":<title>", ":heading before prose", ":text block before the body")
SEPARATORS = re.compile(r"\s+[-|–—:»]\s+|\s*\|\s*")
LOOK_BACK = 8


def is_label_line(text: str | None) -> bool:
    """Whether a line is an article's meta line (views, date, source …), not a headline."""
    if not text:
        return False
    views = VIEWS_LABEL_FIRST_RE.search(text) or VIEWS_NUMBER_FIRST_RE.search(text)
    if LABEL_LINE.match(text) or views:
        return True
    rest = text
    for found in find_dates(text):
        rest = rest.replace(found, " ")
    words = [w for w in re.split(r"[\s|,;:()\-–/]+", rest) if w and not w.isdigit()]
    return len(words) <= 2 and rest != text


def _own_text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _is_leaf_block(element: HtmlElement) -> bool:
    return not any(
        isinstance(child.tag, str) and child.tag in CONTAINER_TAGS and _own_text(child)
        for child in element
    )


def _headline_like(element: HtmlElement, site_names: set[str]) -> bool:
    text = _own_text(element)
    if not 3 <= len(text.split()) <= 40 or is_label_line(text) or text in site_names:
        return False
    if element.tag == "a" or any(a.tag == "a" for a in element.iterancestors()):
        return False
    linked = sum(len(_own_text(a)) for a in element.iter("a"))
    if linked * 2 >= len(text):
        return False
    return not any(a.tag in ("nav", "footer") for a in element.iterancestors())


def headline_before(tree: HtmlElement, anchor: HtmlElement) -> HtmlElement | None:
    """The nearest heading-like block before ``anchor`` in document order, label lines skipped."""
    site_names = {_own_text(t) for t in tree.iter("title")}
    before: list[HtmlElement] = []
    for element in tree.iter():
        if element is anchor:
            break
        if (
            isinstance(element.tag, str)
            and element.tag in BLOCK_TAGS
            and _is_leaf_block(element)
            and _own_text(element)
        ):
            before.append(element)
    for element in reversed(before[-LOOK_BACK:]):
        if anchor in element.iterdescendants():
            continue
        if _headline_like(element, site_names):
            return element
    return None


def repair_label_title(item: ArticleItem, page, how: str) -> None:
    """Replace a title that is a label line by the headline block above it.

    ``page`` is the page object's :class:`~portal_spider.platforms.page.Page`; its ``title``
    element moves to the headline, so the article header (where views and dates are read) spans
    the meta line again.
    """
    if not is_label_line(item.title) or page.title is None:
        return
    element = headline_before(page.tree, page.title)
    if element is None:
        item.title = None
        item.note("title", f"{how}:label line refused as a title")
        return
    item.title = clean_text(_own_text(element))
    item.note("title", f"{how}:headline block above the meta line")
    page.title = element


@dataclass
class TitleAffixes:
    """The prefix or suffix a portal's ``<title>`` texts share: its name."""

    prefix: str | None = None
    suffix: str | None = None
    samples: list[str] = field(default_factory=list)

    def observe(self, title: str | None) -> None:
        """Learn from one more page's ``<title>`` (once three differ or agree)."""
        if not title:
            return
        self.samples.append(title)
        if len(self.samples) < 3:
            return
        recent = self.samples[-20:]
        if len(set(recent)) == 1:
            self.prefix, self.suffix = None, recent[0]
            return
        parts = [SEPARATORS.split(sample) for sample in recent]
        firsts = {p[0] for p in parts if len(p) > 1}
        lasts = {p[-1] for p in parts if len(p) > 1}
        if len(lasts) == 1 and all(len(p) > 1 for p in parts):
            self.suffix = lasts.pop()
        if len(firsts) == 1 and all(len(p) > 1 for p in parts):
            self.prefix = firsts.pop()

    def headline(self, title: str | None) -> str | None:
        """``title`` without the site's name; None when nothing else is left."""
        if not title:
            return None
        text = title.strip()
        if self.suffix and text == self.suffix:
            return None
        if self.suffix and text.endswith(self.suffix):
            text = text[: -len(self.suffix)].rstrip(" |-–—:»")
        if self.prefix and text.startswith(self.prefix):
            text = text[len(self.prefix) :].lstrip(" |-–—:»")
        text = text.strip()
        return text or None
