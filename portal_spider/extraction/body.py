"""The article body of a page no selector knows, and the lines around it that are not body.

The body comes from schema.org microdata when the page declares it, else from the main-content
extractor (:mod:`portal_spider.extraction.main_content`), else from the densest block of prose
outside page chrome (table layouts the extractor misreads). Lines printed only in page chrome
are dropped from both ends; trailing author, source, signature, attachment and date lines are
taken out (author and source are recorded); the title and date lines at the start go.
"""

from __future__ import annotations

import logging
import re
from copy import deepcopy

from lxml.html import HtmlElement

from portal_spider.extraction.attribution import (
    looks_like_signature,
    note_attribution,
    read_attribution_line,
    record_attribution,
)
from portal_spider.extraction.chrome import drop_tools, is_chrome_element
from portal_spider.extraction.dates import is_date_only_line
from portal_spider.extraction.html_tree import parse_html, text_of
from portal_spider.extraction.landmarks import KEY_START, line_in_chrome, prose_container
from portal_spider.extraction.main_content.extractor import extract_main_content
from portal_spider.extraction.main_content.line_filter import (
    is_boilerplate_line,
    strip_portal_boilerplate,
)
from portal_spider.extraction.media import fill_body_fields
from portal_spider.extraction.page import Page
from portal_spider.extraction.vocabulary import ATTACHMENT_LINE, key
from portal_spider.items import ArticleItem
from portal_spider.normalize.html import clean_body_html
from portal_spider.normalize.text import clean_text

logger = logging.getLogger(__name__)

# the entry header a theme prints inside its content wrapper: category link, headline, dates
HEAD_CLASS_RE = re.compile(
    r"(entry-header|entry-meta|entry-title|post-meta|post-categories|post-date|breadcrumb)",
    re.IGNORECASE,
)
LEAD_PARAGRAPH_WORDS = 8  # the first paragraph of a body has at least this many words
# a microdata articleBody of fewer words is a teaser, not the body
MICRODATA_BODY_WORDS = 20
# the extractor's lines are the body unless they hold fewer than this share of the densest prose
EXTRACTOR_SHARE_OF_PROSE = 1 / 2
# A page of more elements than this (article pages have a few thousand), or of more visible text
# (a long article has some 50,000 characters), takes its body from the densest prose block
# without the main-content extractor, whose time on such a page would hold the crawl for seconds;
# the extractor still runs when no prose block is found.
BIG_PAGE_ELEMENTS = 10_000
BIG_PAGE_CHARACTERS = 400_000
SIGNATURE_BLOCKS = ("p", "div")


def extract_body(item: ArticleItem, page: Page, how: str) -> None:
    """Fill the body fields from microdata, the main-content extractor or the densest prose."""
    element = page.data.body_element
    if element is not None and len((text_of(element) or "").split()) >= MICRODATA_BODY_WORDS:
        body = deepcopy(element)
        drop_tools(body)
        element_body(item, body, page.url, f"{how}:microdata articleBody")
        page.body_container = element
        return
    container, words = prose_container(page.tree)
    content = None
    if container is None or not is_big_page(page):
        content = extract_main_content(page.html, page.url)
    else:
        logger.debug("%s: a big page, body from the densest prose block", page.url)
    kept: list[str] = []
    if content is not None and content.text.strip():
        kept = trim_lines(item, page, content.text.split("\n\n"), how)
    if container is not None and len(" ".join(kept).split()) < words * EXTRACTOR_SHARE_OF_PROSE:
        # the extractor missed the article (table layouts): the densest prose block instead
        body = deepcopy(container)
        drop_tools(body)
        for element in body.xpath(".//*[@class or @id]"):
            if is_chrome_element(element):
                element.drop_tree()
        element_body(item, body, page.url, f"{how}:densest prose block")
        page.body_container = container
        return
    if kept and content is not None:
        item.body_text = "\n\n".join(kept)
        item.note("body_text", f"{how}:{content.method}")
        item.body_html = trim_html(content.html, kept, page.url)
        return
    declared = page.data.body_text
    if declared is not None and clean_text(declared.value):
        item.body_text = declared.value.strip()
        item.note("body_text", f"{how}:{declared.rule}")


def is_big_page(page: Page) -> bool:
    """Whether the page is too big for the main-content extractor (see ``BIG_PAGE_ELEMENTS``)."""
    texts = page.texts
    return len(texts) > BIG_PAGE_ELEMENTS or texts.visible_length() > BIG_PAGE_CHARACTERS


def element_body(item: ArticleItem, body: HtmlElement, url: str, rule: str) -> None:
    """Body fields from a body element, its head and trailing author and source lines removed."""
    drop_head_blocks(body)
    strip_attribution(item, body, rule)
    text_root = deepcopy(body)
    for caption in text_root.xpath(".//figure|.//figcaption|.//table[contains(@class,'caption')]"):
        caption.drop_tree()
    # attachment lines at the end go; only the blocks from the end are read. A block that had
    # text counts as one even when a dropped attachment line was all of it.
    holding_dropped: set[HtmlElement] = set()
    for block in reversed(_blocks(text_root, ("p",))):
        text = text_of(block)
        if not text and block not in holding_dropped:
            continue
        if not ATTACHMENT_LINE.match(text or ""):
            break
        holding_dropped.update(block.iterancestors())
        block.drop_tree()
    fill_body_fields(item, body, url, rule, text_root=text_root)


def drop_head_blocks(body: HtmlElement) -> None:
    """Remove the article header printed inside a body element before its first paragraph, in place.

    A theme's content wrapper may hold the entry header as well as the text (WordPress ColorMag:
    the category link, the ``<h1>`` and the published and updated ``<time>`` s): ``<header>``,
    ``<h1>`` and header/meta-classed elements before the first paragraph of prose go.
    """
    order = {element: index for index, element in enumerate(body.iter())}
    lead = next(
        (p for p in body.iter("p") if len((text_of(p) or "").split()) >= LEAD_PARAGRAPH_WORDS),
        None,
    )
    if lead is None:
        return
    heads = [
        element
        for element in body.iter()
        if element is not body
        and isinstance(element.tag, str)
        and order[element] < order[lead]
        and (element.tag in {"header", "h1"} or HEAD_CLASS_RE.search(element.get("class") or ""))
        and lead not in element.iterdescendants()
    ]
    for element in heads:
        if element.getparent() is not None:
            element.drop_tree()


def _blocks(root: HtmlElement, not_holding: tuple[str, ...]) -> list[HtmlElement]:
    """The ``<p>`` below ``root`` and its ``<div>`` holding none of ``not_holding``, in order.

    The same as ``.//p|.//div[not(.//p)]`` (and ``[… and not(.//div)]``), read without the
    XPath union, which libxml2 evaluates in time quadratic in its result.
    """
    return [
        element
        for element in root.iterdescendants("p", "div")
        if element.tag == "p" or next(element.iterdescendants(*not_holding), None) is None
    ]


def trim_lines(item: ArticleItem, page: Page, lines: list[str], how: str) -> list[str]:
    """An extracted body's lines without chrome, attribution, attachment and head lines.

    Lines printed only in page chrome (footer, sidebars) go from both ends; author, source,
    signature and "File đính kèm" lines go from the end (author and source are recorded);
    the title, date and widget lines go from the start.
    """
    lines = [line for line in lines if line.strip()]
    while lines and line_in_chrome(page.tree, lines[-1], page.texts):
        lines.pop()
    while lines and line_in_chrome(page.tree, lines[0], page.texts):
        lines.pop(0)
    while lines:
        found = read_attribution_line(lines[-1])
        if found is not None:
            kind, name = found
            note_attribution(
                item, name if kind == "author" else None, name if kind == "source" else None,
                how, "body end",
            )  # fmt: skip
        elif (
            ATTACHMENT_LINE.match(lines[-1])
            or is_date_only_line(lines[-1])
            or is_boilerplate_line(lines[-1])
        ):
            pass
        elif is_signature(page, lines[-1]):
            signature = clean_text(lines[-1])
            record_attribution(item, "author", signature, f"{how}:signature at the end of the body")
        else:
            break
        lines.pop()
    titles = [t for t in [item.title, *(h.value for h in page.data.headline)] if t]
    text = strip_portal_boilerplate("\n".join(lines), titles)
    kept = [line for line in text.split("\n\n") if line.strip()]
    while kept and (is_date_only_line(kept[0]) or key(kept[0]) in {key(t) for t in titles}):
        kept.pop(0)
    return kept


def is_signature(page: Page, line: str) -> bool:
    """Whether a line is printed as a bold or right-aligned name (the author's signature)."""
    if len(line) > 60:
        return False
    wanted = key(line)
    blocks = page.texts.index(SIGNATURE_BLOCKS, KEY_START).starting_with(wanted[:KEY_START])
    return any(
        page.texts.key_start(element, len(wanted) + 1) == wanted and looks_like_signature(element)
        for element in blocks
    )


def trim_html(fragment: str, kept: list[str], url: str) -> str | None:
    """The extractor's HTML without the blocks after the last kept line."""
    if not fragment:
        return None
    root = parse_html(f"<html><body>{fragment}</body></html>").find("body")
    last_key = key(kept[-1]) if kept else ""
    blocks = [e for e in root if isinstance(e.tag, str)]
    # drop trailing blocks after the last kept line (attribution lines taken out of the text)
    while blocks and last_key and not key(blocks[-1].text_content()).endswith(last_key[-60:]):
        blocks.pop().drop_tree()
    return clean_body_html(root, url) or None


def strip_attribution(item: ArticleItem, body: HtmlElement, rule: str) -> None:
    """Take trailing author/source lines (and a signature) out of a body element, in place."""
    for _ in range(4):
        blocks = _blocks(body, ("p", "div"))
        last = next((e for e in reversed(blocks) if (text_of(e) or "").strip()), None)
        if last is None:
            return
        text = text_of(last) or ""
        found = read_attribution_line(text)
        if found is not None:
            _record_attribution(item, found, rule)
            last.drop_tree()
            continue
        if _strip_line_after_break(item, last, rule):
            continue
        if looks_like_signature(last):
            record_attribution(item, "author", text, f"{rule} (signature at the end)")
            last.drop_tree()
            continue
        return


def _record_attribution(item: ArticleItem, found: tuple[str, str], rule: str) -> None:
    kind, name = found
    label = "Nguồn/Theo" if kind == "source" else "author label"
    record_attribution(item, kind, name, f"{rule} (last line, {label})")


def _strip_line_after_break(item: ArticleItem, block: HtmlElement, rule: str) -> bool:
    """Take an attribution line printed after a ``<br>`` inside the last paragraph, in place.

    ``<p>… nâng cao giá trị.<br><em>Nguồn: baoyenbai.com.vn</em></p>`` keeps its sentence.
    """
    breaks = block.xpath("./br[last()]")
    if not breaks:
        return False
    line = breaks[0]
    after = list(line.itersiblings())
    rest = (line.tail or "") + " ".join(e.text_content() + (e.tail or "") for e in after)
    found = read_attribution_line(rest)
    if found is None or not clean_text(block.text_content()).replace(clean_text(rest), "").strip():
        return False
    _record_attribution(item, found, rule)
    for element in after:
        block.remove(element)
    block.remove(line)  # lxml's remove drops the <br>'s tail text with it
    return True
