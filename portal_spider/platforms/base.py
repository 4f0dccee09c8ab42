"""What every platform page object provides, and the helpers they share.

A page object takes ``(url, html)`` and returns fields; it never fetches anything. Each platform
(CMS family) subclasses :class:`Platform`; the spider only talks to this interface.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

from portal_spider.items import ArticleItem, Attachment, Image
from portal_spider.normalize.html import absolutize, clean_body_html, element_text
from portal_spider.normalize.text import nfc, strip_controls
from portal_spider.normalize.urls import absolute_url, canonical_url

logger = logging.getLogger(__name__)

ATTACHMENT_EXTENSIONS = re.compile(
    r"\.(pdf|docx?|xlsx?|pptx?|zip|rar|7z|odt|ods)(?:$|\?)", re.IGNORECASE
)

# the print, mail, arrow and bullet icons of tool rows and link lists: not article images
ICON_FILE = re.compile(
    r"(?:^|/)(?:icons?[\w-]*|[\w-]*[_-]icon|print(?:er)?|e?-?mail|arrow[\w-]*|bullet[\w-]*|"
    r"sep|spacer|blank|dot)\.(?:gif|png|svg|ico)(?:$|\?)",
    re.IGNORECASE,
)


@dataclass
class Listing:
    """What a listing page links to: article pages and further listing pages."""

    article_urls: list[str] = field(default_factory=list)
    next_urls: list[str] = field(default_factory=list)
    # listing-level dates of the articles when shown (url -> raw date string), for incremental stops
    article_dates: dict[str, str] = field(default_factory=dict)


XML_DECLARATIONS = re.compile(r"^(?:\s*<\?xml[^>]*>?)+")


class EmptyPage(ValueError):
    """A page with nothing to parse: empty, blank, or only comments or a doctype."""


def parse_html(html: str | bytes) -> HtmlElement:
    """Parse a whole page; broken HTML is repaired by lxml rather than rejected.

    The text comes out NFC: portals also serve decomposed Vietnamese (NFD), and every label,
    title and body rule compares precomposed strings. Control characters are dropped first (lxml
    refuses NUL and the like in text). A page with no element raises :class:`EmptyPage`.
    """
    try:
        if isinstance(html, bytes):
            tree = lxml_html.document_fromstring(html)
            nfc_tree(tree)
            return tree
        if not html.strip():
            raise EmptyPage("empty document")
        # lxml refuses str input that starts with an XML encoding declaration (one or several)
        html = XML_DECLARATIONS.sub("", strip_controls(nfc(html)))
        return lxml_html.document_fromstring(html)
    except etree.ParserError as error:
        raise EmptyPage(f"no HTML element on the page ({error})") from error


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


def first(tree: HtmlElement, *xpaths: str) -> tuple[HtmlElement | None, str | None]:
    """The first element matched by the first xpath that matches, and that xpath."""
    for xp in xpaths:
        found = tree.xpath(xp)
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


def collect_media(body: HtmlElement, page_url: str) -> tuple[list[Image], list[Attachment]]:
    """Images (with caption or alt) and attachment links found in a body element."""
    images: list[Image] = []
    seen: set[str] = set()
    for img in body.iter("img"):
        src = absolute_url(img.get("src") or img.get("data-src") or "", page_url)
        if not src or src in seen:
            continue
        if img.get("width") in {"0", "1"} or is_tool_icon(img, src):
            continue
        seen.add(src)
        caption = None
        figure = img.getparent()
        while figure is not None and figure.tag not in {"figure", "table", "div", "p"}:
            figure = figure.getparent()
        if figure is not None:
            captions = figure.xpath(
                ".//figcaption|.//*[contains(@class,'caption')]|"
                "./following-sibling::*[1][self::p][contains(@class,'caption') or .//em]"
            )
            if captions:
                caption = text_of(captions[0])
        images.append(Image(url=src, caption=caption or (img.get("alt") or "").strip() or None))
    attachments: list[Attachment] = []
    for link in body.iter("a"):
        href = absolute_url(link.get("href") or "", page_url)
        if href and ATTACHMENT_EXTENSIONS.search(href) and href not in seen:
            seen.add(href)
            attachments.append(Attachment(url=href, title=text_of(link)))
    return images, attachments


def is_tool_icon(img: HtmlElement, src: str) -> bool:
    """Whether an image is a tool or list icon (``print.gif``, or inside a ``javascript:`` link)."""
    if ICON_FILE.search(src):
        return True
    link = next(img.iterancestors("a"), None)
    return link is not None and (link.get("href") or "").strip().lower().startswith("javascript:")


class Platform:
    """A CMS family: detection, URL rules, listing and article parsing."""

    name: str = "base"

    def detect(self, url: str, html: str | None) -> int:
        """A score from 0 (not this platform) to 100 (certainly this platform)."""
        return 0

    def is_article_url(self, url: str) -> bool:
        """Whether ``url`` looks like an article page of this platform."""
        return False

    def item_id(self, url: str) -> str | None:
        """The portal's own id of the article at ``url``, when the URL carries one."""
        return None

    def canonical_article_url(self, url: str, base_url: str | None = None) -> str:
        """One URL per article, whatever list or extra parameter reached it."""
        return canonical_url(url, base_url=base_url)

    def parse_listing(self, url: str, html: str) -> Listing:
        """Article links and next-page links of a listing page."""
        raise NotImplementedError

    def parse_article(self, url: str, html: str) -> ArticleItem:
        """The article record of an article page (raw strings; normalised later)."""
        raise NotImplementedError

    def parse_related(self, url: str, html: str) -> Listing:
        """The related-news list of an article page ("Các tin khác"), when the platform has one."""
        return Listing()

    # shared by page objects
    def body_fields(
        self,
        item: ArticleItem,
        body: HtmlElement,
        page_url: str,
        how: str,
        text_root: HtmlElement | None = None,
    ) -> None:
        """Fill body_text, body_html, images and attachments from a body element.

        ``text_root`` is the element to take the text from when it differs from the stored HTML
        (for example the body without its image captions).
        """
        absolutize(body, page_url)
        item.images, item.attachments = collect_media(body, page_url)
        item.body_text = element_text(body if text_root is None else text_root) or None
        item.body_html = clean_body_html(body, page_url) if item.body_text else None
        if item.body_text:
            item.note("body_text", how)
        if item.images:
            item.note("images", how)
        if item.attachments:
            item.note("attachments", how)
