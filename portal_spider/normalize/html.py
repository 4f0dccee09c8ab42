"""HTML fragments of an article body: cleaned for storage and flattened to paragraph text.

``clean_body_html`` keeps the body's structure (paragraphs, lists, tables, images, links) and
removes what must never be stored or replayed: scripts, styles, event handlers, inline styles,
tracking pixels and tracking parameters. Relative links become absolute.
``element_text`` turns an lxml element into paragraphs separated by one blank line.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import nh3
from lxml import html as lxml_html
from lxml.html import HtmlElement

ALLOWED_TAGS = {
    "p", "br", "div", "span", "strong", "b", "em", "i", "u", "sub", "sup", "blockquote",
    "ul", "ol", "li", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
    "h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "figure", "figcaption", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
TRACKING_PARAM = re.compile(r"^(utm_\w+|fbclid|gclid|zarsrc|_ga|mc_cid|mc_eid)$", re.I)
BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "table", "tr", "blockquote", "h1", "h2", "h3", "h4", "h5",
    "h6", "figure", "figcaption", "section", "article", "header", "footer", "pre", "hr", "dd",
    "dt", "dl", "caption", "center",
}  # fmt: skip
INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2002\u2003\u2009\u202f]+")


def _strip_tracking(url: str) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    filtered = [(k, v) for k, v in kept if not TRACKING_PARAM.match(k)]
    if len(filtered) == len(kept):
        return url
    return urlunsplit(parts._replace(query=urlencode(filtered)))


def _is_tracking_pixel(img: HtmlElement) -> bool:
    return img.get("width") in {"0", "1"} and img.get("height") in {"0", "1"}


def absolutize(fragment: HtmlElement, base_url: str) -> None:
    """Make every link and image source in ``fragment`` absolute, in place."""
    for el in fragment.iter("a", "img"):
        attr = "href" if el.tag == "a" else "src"
        value = (el.get(attr) or "").strip()
        if not value:
            continue
        if value.lower().startswith(("javascript:", "vbscript:", "data:")):
            del el.attrib[attr]
            continue
        if value.startswith("#") or value.lower().startswith(("mailto:", "tel:")):
            continue
        try:
            el.set(attr, _strip_tracking(urljoin(base_url, value)))
        except ValueError:  # a link no URL parser accepts (``http://[::1``): dropped
            del el.attrib[attr]


def clean_body_html(fragment: HtmlElement | str, base_url: str) -> str:
    """Serialise a body fragment safely: allow-listed tags and attributes, absolute links."""
    if isinstance(fragment, str):
        fragment = lxml_html.fragment_fromstring(fragment, create_parent="div")
    fragment = lxml_html.fromstring(lxml_html.tostring(fragment, encoding="unicode"))
    for img in list(fragment.iter("img")):
        if _is_tracking_pixel(img):
            img.drop_tree()
    absolutize(fragment, base_url)
    raw = lxml_html.tostring(fragment, encoding="unicode", method="html")
    cleaned = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return unicodedata.normalize("NFC", cleaned).strip()


def _inline_text(text: str) -> str:
    if len(text) <= INLINE_CACHED_LENGTH:
        return _short_inline_text(text)
    return _spaced(text)


def _spaced(text: str) -> str:
    return SPACES.sub(" ", INVISIBLE.sub("", text))


# The text of nested elements is read again for each of them (title, date, meta lines): short
# text nodes are cleaned once.
INLINE_CACHED_LENGTH = 200
_short_inline_text = lru_cache(maxsize=8192)(_spaced)


def element_text(element: HtmlElement) -> str:
    """Visible text of ``element`` as paragraphs separated by exactly one blank line."""
    chunks: list[str] = []

    def walk(el: HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in {"script", "style", "noscript", "template"}:
            if el.tail:
                chunks.append(_inline_text(el.tail))
            return
        block = tag in BLOCK_TAGS
        if block:
            chunks.append("\n\n")
        if tag == "br":
            chunks.append("\n")
        if tag in {"td", "th"}:
            chunks.append(" ")
        if el.text and tag:
            chunks.append(_inline_text(el.text))
        for child in el:
            walk(child)
        if block:
            chunks.append("\n\n")
        if el.tail and el is not element:
            # the root's tail (a breadcrumb's " / " after its link) is not the element's text
            chunks.append(_inline_text(el.tail))

    walk(element)
    text = "".join(chunks)
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return unicodedata.normalize("NFC", "\n\n".join(paragraphs))
