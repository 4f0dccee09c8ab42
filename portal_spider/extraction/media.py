"""The images, attachments and text of an article body element, as record fields."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from portal_spider.extraction.html_tree import text_of
from portal_spider.items import ArticleItem, Attachment, Image
from portal_spider.normalize.html import absolutize, clean_body_html, element_text
from portal_spider.normalize.urls import absolute_url

ATTACHMENT_EXTENSIONS = re.compile(
    r"\.(pdf|docx?|xlsx?|pptx?|zip|rar|7z|odt|ods)(?:$|\?)", re.IGNORECASE
)

# the print, mail, arrow and bullet icons of tool rows and link lists: not article images
ICON_FILE = re.compile(
    r"(?:^|/)(?:icons?[\w-]*|[\w-]*[_-]icon|print(?:er)?|e?-?mail|arrow[\w-]*|bullet[\w-]*|"
    r"sep|spacer|blank|dot)\.(?:gif|png|svg|ico)(?:$|\?)",
    re.IGNORECASE,
)


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


def fill_body_fields(
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
