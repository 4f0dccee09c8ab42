"""What a portal prints around an article's body: the lead, the trailing date, the signature.

Once the title and the body are located, a few fields sit right next to them rather than in
labelled header blocks: a lead paragraph ("sapo") in its own block between the title and the
body, which extractors often drop; a date printed after the body (``[Ngày cập nhật: 19/12/2023
10:21]``) on pages whose header has none; a bold right-aligned author name just after the body
container; the category link of the article's own meta line. Page chrome and lists of other
articles are never read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml.html import HtmlElement

from portal_spider.extraction.attribution import looks_like_signature
from portal_spider.extraction.chrome import ChromeVerdicts, in_chrome, in_headline_list
from portal_spider.extraction.dates import (
    DateCandidate,
    dates_in,
    is_date_only_line,
    pick_publication_date,
)
from portal_spider.extraction.document_order import following_within
from portal_spider.extraction.html_tree import bounded_clean_text, text_of
from portal_spider.extraction.views import views_in_text
from portal_spider.extraction.vocabulary import DATE_LABEL_RE, OTHER_NEWS_HEADING_RE
from portal_spider.normalize.text import clean_text

LEAD_WORDS = 15  # a lead paragraph between the title and the body has at least this many words
SENTENCE_END = (".", "!", "?", "…", '"', "”", ")")
AFTER_BODY_WINDOW = 12  # elements after the body read for a trailing date
SIGNATURE_WINDOW = 6  # elements after the body read for the author's signature
CAPTION = (
    "ancestor-or-self::figure|ancestor-or-self::figcaption|"
    "ancestor-or-self::*[contains(@class, 'caption')]"
)
INNER_BLOCKS = {"div", "p", "ul", "ol", "table", "li", "h1", "h2", "h3", "section", "article"}
CATEGORY_CLASS_RE = re.compile(r"categor|chuyen-?muc", re.IGNORECASE)


def document_position(element: HtmlElement) -> int:
    """The element's position in document order."""
    return int(element.xpath("count(preceding::*) + count(ancestor::*)"))


def comes_after(element: HtmlElement, other: HtmlElement) -> bool:
    """Whether ``element`` starts after ``other`` in document order (and is not inside it)."""
    if any(node is other for node in element.iterancestors()):
        return False
    return document_position(element) > document_position(other)


def between(title: HtmlElement, body: HtmlElement, limit: int = 30) -> list[HtmlElement]:
    """Elements after the title and before the body's first element."""
    found: list[HtmlElement] = []
    holders = list(body.iterancestors())  # the blocks holding the body, read once
    for element in following_within(title, limit):
        if element is body or any(node is body for node in element.iterancestors()):
            break
        if any(node is element for node in holders):
            continue  # an ancestor of the body: the block holding both
        found.append(element)
    return found


def lead_block(
    title: HtmlElement, body: HtmlElement, verdicts: ChromeVerdicts | None = None
) -> HtmlElement | None:
    """A lead paragraph in its own block between the title and the body, if there is one."""
    for element in between(title, body):
        # every test only rules an element out: the cheap ones first
        if not isinstance(element.tag, str) or any(
            isinstance(child.tag, str) and child.tag in INNER_BLOCKS for child in element
        ):
            continue
        text = clean_text(element.text_content()) or ""
        if len(text.split()) < LEAD_WORDS or not text.endswith(SENTENCE_END):
            continue
        if in_chrome(element, verdicts=verdicts) or element.xpath(".//a|ancestor::a|" + CAPTION):
            continue
        if is_date_only_line(text) or views_in_text(text):
            continue
        return element
    return None


def after_body(end: HtmlElement, window: int = AFTER_BODY_WINDOW) -> list[HtmlElement]:
    """The elements right after the body's last block, up to a list of other articles."""
    found: list[HtmlElement] = []
    for element in following_within(end, window):
        text = bounded_clean_text(element, 59)
        if text is not None and OTHER_NEWS_HEADING_RE.match(text.strip(" :")):
            break
        found.append(element)
    return found


def trailing_date(end: HtmlElement, verdicts: ChromeVerdicts | None = None) -> DateCandidate | None:
    """A date printed right after the body (pages whose header prints none).

    Only a labelled date (``Ngày cập nhật:``, ``Đăng lúc``) or a line that is only a date: the
    date of a document named after the body ("Quyết định … ngày 10/7/2023") is not the article's.
    """
    candidates: list[DateCandidate] = []
    for element in after_body(end):
        if not isinstance(element.tag, str) or element.tag in {"script", "style", "a"}:
            continue
        if (
            in_chrome(element, verdicts=verdicts)
            or element.xpath("ancestor::a")
            or in_headline_list(element)
        ):
            continue
        text = bounded_clean_text(element, 120)
        if text is None:
            continue
        candidates.extend(
            found
            for found in dates_in(element)
            if DATE_LABEL_RE.search(found.label) or is_date_only_line(text)
        )
    return pick_publication_date(candidates)


def trailing_signature(
    container: HtmlElement, verdicts: ChromeVerdicts | None = None
) -> str | None:
    """A bold or right-aligned name just after the body container: the author."""
    for element in following_within(container, SIGNATURE_WINDOW):
        chrome = not isinstance(element.tag, str) or in_chrome(element, verdicts=verdicts)
        if not chrome and looks_like_signature(element):
            return clean_text(element.text_content())
    return None


def category_link(
    elements: Iterable[HtmlElement], verdicts: ChromeVerdicts | None = None
) -> str | None:
    """The text of a link in a category-classed element of the article's header."""
    for element in elements:
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        if not CATEGORY_CLASS_RE.search(marker) or in_chrome(element, verdicts=verdicts):
            continue
        links = [text_of(a) for a in element.iter("a")]
        names = [name for name in links if name]
        if names:
            return names[0]
    return None
