"""An article's stored body HTML made safe and readable: an allow-list of text tags, links into
the archive (or disabled), images only from the archive.

Nothing from a portal is trusted: scripts, styles, frames, forms and every attribute outside the
allow-list are dropped; ``javascript:`` and other non-web links never survive.
"""

from __future__ import annotations

from collections.abc import Callable

import lxml.html
from lxml import etree

KEPT_TAGS = {
    "p", "br", "b", "strong", "i", "em", "u", "sub", "sup", "ul", "ol", "li", "blockquote",
    "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "td", "th", "a", "img",
    "figure", "figcaption", "caption", "span", "div",
}  # fmt: skip
DROPPED_WITH_CONTENT = {
    "script", "style", "iframe", "object", "embed", "form", "input", "button", "select",
    "textarea", "noscript", "template", "svg", "math", "link", "meta", "base", "head", "title",
}  # fmt: skip
KEPT_ATTRIBUTES = {"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}, "img": {"alt"}}

Resolver = Callable[[str | None], str | None]


def link_targets(html: str | None) -> tuple[list[str], list[str]]:
    """The raw ``href`` values of links and ``src`` values of images in ``html``."""
    if not html or not html.strip():
        return [], []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    hrefs = [a.get("href") or "" for a in root.iter("a")]
    srcs = [img.get("src") or "" for img in root.iter("img")]
    return hrefs, srcs


def readable_html(html: str | None, page_link: Resolver, image_link: Resolver) -> str:
    """Clean ``html``; ``page_link(href)``/``image_link(src)`` give the archive address (or None
    to disable the link / drop the image, keeping its alt text)."""
    if not html or not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in list(root.iter()):
        if element is root or not isinstance(element.tag, str):
            if not isinstance(element.tag, str):  # comments, processing instructions
                element.drop_tree()
            continue
        tag = element.tag.lower()
        if tag in DROPPED_WITH_CONTENT:
            element.drop_tree()
            continue
        if tag not in KEPT_TAGS:
            element.drop_tag()
            continue
        original = dict(element.attrib)
        element.attrib.clear()
        for name in KEPT_ATTRIBUTES.get(tag, ()):
            if name in original:
                element.set(name, original[name])
        if tag == "a":
            target = page_link(original.get("href"))
            if target:
                element.set("href", target)
            else:
                element.set("class", "link-not-archived")
                element.set("title", "Trang này không có trong kho lưu trữ")
        elif tag == "img":
            source = image_link(original.get("src"))
            if source:
                element.set("src", source)
                element.set("loading", "lazy")
            else:
                alt = original.get("alt") or "ảnh"
                placeholder = etree.Element("span", {"class": "image-not-archived"})
                placeholder.text = f"[{alt} — ảnh không được lưu]"
                placeholder.tail = element.tail
                element.getparent().replace(element, placeholder)
    root.attrib.clear()
    root.set("class", "article-body")
    return lxml.html.tostring(root, encoding="unicode")
