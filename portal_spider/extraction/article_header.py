"""The article header: the elements just before the title and between the title and the body."""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from portal_spider.extraction.document_order import following
from portal_spider.extraction.html_tree import bounded_clean_text
from portal_spider.normalize.text import clean_text

# With the body unknown, the header ends at a paragraph of this many words: the body's first.
BODY_PARAGRAPH_WORDS = 30


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
        if body is None and element.tag == "p" and _words(element) >= BODY_PARAGRAPH_WORDS:
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
