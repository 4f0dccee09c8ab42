"""A page's HTML as a tree: the one parser of whole pages, and small readers of the tree.

Every page object and every engine rule reads the tree :func:`parse_html` returns: NFC text, no
control characters, broken HTML repaired by lxml rather than rejected.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

from portal_spider.normalize.html import element_text
from portal_spider.normalize.text import (
    CleanText,
    clean_text,
    nfc,
    nfc_without_controls,
    strip_controls,
    utf8_has_control,
)

XML_DECLARATIONS = re.compile(r"^(?:\s*<\?xml[^>]*>?)+")


class EmptyPage(ValueError):
    """A page with nothing to parse: empty, blank, or only comments or a doctype."""


def html_element_classes() -> etree.ElementNamespaceClassLookup:
    """lxml.html's element classes (``HtmlElement``, ``FormElement`` for ``<form>``...), found
    by lxml itself: ``lxml.html``'s own parser asks a Python method for the class of every
    element handed to Python code, a good part of the cost of walking a tree."""
    fallback = etree.ElementDefaultClassLookup(
        element=HtmlElement,
        comment=lxml_html.HtmlComment,
        pi=lxml_html.HtmlProcessingInstruction,
        entity=lxml_html.HtmlEntity,
    )
    lookup = etree.ElementNamespaceClassLookup(fallback)
    by_tag = lookup.get_namespace(None)  # the HTML parser gives lower-case tags, no namespace
    for tag, element_class in lxml_html.HtmlElementClassLookup._default_element_classes.items():
        by_tag[tag] = element_class
    return lookup


# Comments and processing instructions dropped while parsing, for the main-content extractor:
# React pages put ``<!-- -->`` inside paragraphs and trafilatura would cut the paragraph there.
# It reads bytes as UTF-8 (the page's text, encoded by _clean_utf8) and text as text; bytes
# given to parse_html go to the second one, which finds their encoding as lxml does.
WITHOUT_COMMENTS = etree.HTMLParser(
    remove_comments=True, remove_pis=True, collect_ids=False, encoding="utf-8"
)
BYTES_WITHOUT_COMMENTS = etree.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
# lxml.html's own parser (the same options: comments kept), its element classes found in C too
WITH_COMMENTS = etree.HTMLParser()
for _parser in (WITHOUT_COMMENTS, BYTES_WITHOUT_COMMENTS, WITH_COMMENTS):
    _parser.set_element_class_lookup(html_element_classes())


def parse_html(html: str | bytes, drop_comments: bool = False) -> HtmlElement:
    """Parse a whole page; broken HTML is repaired by lxml rather than rejected.

    The text comes out NFC: portals also serve decomposed Vietnamese (NFD), and every label,
    title and body rule compares precomposed strings. Control characters are dropped first (lxml
    refuses NUL and the like in text). A page with no element raises :class:`EmptyPage`.
    ``drop_comments`` leaves comments and processing instructions out of the tree.
    """
    parser = WITHOUT_COMMENTS if drop_comments else WITH_COMMENTS
    try:
        if isinstance(html, bytes):
            if drop_comments:
                parser = BYTES_WITHOUT_COMMENTS
            tree = lxml_html.document_fromstring(html, parser=parser)
            nfc_tree(tree)
            return tree
        if not html or html.isspace():  # blank (isspace stops at the first other character)
            raise EmptyPage("empty document")
        encoded = _clean_utf8(html) if drop_comments else None
        if encoded is not None:
            return lxml_html.document_fromstring(encoded, parser=parser)
        # lxml refuses str input that starts with an XML encoding declaration (one or several)
        html = XML_DECLARATIONS.sub("", nfc_without_controls(html))
        return lxml_html.document_fromstring(html, parser=parser)
    except etree.ParserError as error:
        raise EmptyPage(f"no HTML element on the page ({error})") from error


def _clean_utf8(html: str) -> bytes | None:
    """The UTF-8 bytes of the text :func:`parse_html` parses, when the page has no control
    character to drop; ``None`` otherwise (or when it cannot be encoded).

    The page is encoded once: the control characters are looked for in those bytes, and lxml
    reads UTF-8 bytes faster than text (the same tree: its parser is told the encoding).
    """
    text = html if type(html) is CleanText else nfc(html)
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: left to the text path
        return None
    if utf8_has_control(encoded):
        return None
    stripped = XML_DECLARATIONS.sub("", text)
    return encoded if len(stripped) == len(text) else stripped.encode("utf-8")


def nfc_tree(tree: HtmlElement) -> None:
    """Normalise every text node and attribute value of a parsed page to NFC, in place."""
    for element in tree.iter():
        if element.text:
            element.text = strip_controls(nfc(element.text))
        if element.tail:
            element.tail = strip_controls(nfc(element.tail))
        if isinstance(element.tag, str):
            for name, value in element.attrib.items():
                element.set(name, strip_controls(nfc(value)))


@lru_cache(maxsize=1024)
def compiled_xpath(path: str) -> etree.XPath:
    """``path`` compiled once: ``element.xpath(path)`` compiles it again at every call (a few
    microseconds, a dozen times a page), ``compiled_xpath(path)(element)`` gives the same."""
    return etree.XPath(path)


def first(tree: HtmlElement, *xpaths: str) -> tuple[HtmlElement | None, str | None]:
    """The first element matched by the first xpath that matches, and that xpath."""
    for xp in xpaths:
        found = compiled_xpath(xp)(tree)
        if found:
            return found[0], xp
    return None, None


def text_of(element: HtmlElement | None) -> str | None:
    """Whitespace-normalised visible text of an element, or None."""
    if element is None:
        return None
    text = " ".join(element_text(element).split())
    return text or None


def meta_content(tree: HtmlElement, *names: str) -> str | None:
    """The content of the first ``<meta>`` with one of ``names`` as property, name or itemprop."""
    # the whole document, as ``//meta[…]`` reads it, without an XPath walk per name
    metas = list(tree.getroottree().getroot().iter("meta"))
    for name in names:
        for attr in ("property", "name", "itemprop"):
            for meta in metas:
                value = meta.get("content") if meta.get(attr) == name else None
                if value is not None and value.strip():
                    return value.strip()
    return None


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


def short_text(element: HtmlElement, limit: int = 160) -> str:
    """The element's whole text when short, else only its own text nodes (not its children's)."""
    text = bounded_clean_text(element, limit, " ")
    if text is not None:
        return text
    return clean_text(" ".join(element.xpath("text()"))) or ""
