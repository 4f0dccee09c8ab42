"""The generic field rules: every record field found on a page of any layout.

Each field is taken, in order, from structured data (JSON-LD, microdata, ``og:``/``article:``
meta), then from the Vietnamese cues portals print (labels, the article header between the title
and the body), then, for the body, from the main-content extractor. The publication date printed
in the article header wins over a declared one on another day (meta tags often carry the
modification time); a declared time only refines a header date of the same day that has none. A
view count is read only beside the article, never from the site counter; a date never from a
sidebar. Every field records the rule that found it (``generic:<rule>``).

The generic page object is :func:`complete_record` alone; the platform page objects call it to
fill what their own selectors did not find.
"""

from __future__ import annotations

import re
from copy import deepcopy

from lxml.html import HtmlElement

from portal_spider.extraction.around_body import (
    category_link,
    comes_after,
    lead_block,
    trailing_date,
    trailing_signature,
)
from portal_spider.extraction.article_header import header_elements
from portal_spider.extraction.attribution import (
    note_attribution,
    read_attribution_line,
    record_attribution,
)
from portal_spider.extraction.body import extract_body
from portal_spider.extraction.chrome import in_chrome
from portal_spider.extraction.dates import dates_in, header_date, precise_time, same_day
from portal_spider.extraction.document_order import following_within
from portal_spider.extraction.field_guard import field_guard
from portal_spider.extraction.html_tree import parse_html, short_text, text_of
from portal_spider.extraction.landmarks import (
    best_heading,
    block_before,
    common_ancestor,
    heading_candidates,
    is_label_line,
    iter_heading_candidates,
    link_trail,
    matching_heading,
    paragraph_element,
    text_block_matching,
    title_parts,
)
from portal_spider.extraction.media import collect_media
from portal_spider.extraction.page import Page
from portal_spider.extraction.structured_data import Found
from portal_spider.extraction.views import find_views
from portal_spider.extraction.vocabulary import (
    CRUMB_SEPARATORS,
    HOME_WORDS,
    MODIFIED_LABEL_RE,
    PUBLISH_LABEL_RE,
    key,
)
from portal_spider.items import RECORD_FIELDS, ArticleItem
from portal_spider.normalize.html import clean_body_html
from portal_spider.normalize.text import clean_text

# A body's first line is its headline when it has this many words and ends with no full stop...
HEADLINE_LINE_WORDS = (3, 30)
# ... and the line after it is prose of at least this many words.
PROSE_AFTER_HEADLINE_WORDS = 20
BREADCRUMBS = (
    "//*[contains(@class, 'crumb') or contains(@id, 'crumb') or contains(@class, 'Crumb') or "
    "contains(@id, 'Crumb') or contains(@class, 'duong-dan') or contains(@class, 'path') or "
    "contains(@class, 'vitri') or contains(@class, 'vi-tri')]"
    "[not(ancestor::*[contains(@class, 'crumb') or contains(@id, 'crumb') or "
    "contains(@class, 'Crumb') or contains(@id, 'Crumb')])]"
)
CATEGORY_LINKS = "//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]"


def complete_record(
    item: ArticleItem, page: Page, fields: tuple[str, ...] = RECORD_FIELDS, how: str = "generic"
) -> None:
    """Fill the fields of ``item`` that are still empty (among ``fields``) from ``page``.

    Each step is guarded: one that fails records a problem of its field and the others run.
    """
    with field_guard(item, "title"):
        _locate_title(item, page, fill="title" in fields and item.title is None, how=how)
    if "body_text" in fields and item.body_text is None:
        with field_guard(item, "body_text"):
            extract_body(item, page, how)
        if "title" in fields:
            with field_guard(item, "title"):
                _title_from_body(item, page, how)
    with field_guard(item, "body_text"):
        _locate_body(item, page)
    if "title" in fields:
        with field_guard(item, "title"):
            _title_near_body(item, page, how)
            _title_not_a_label(item, page, how)
    if "body_text" in fields:
        with field_guard(item, "body_text"):
            _lead(item, page, how)
    if "published_at" in fields and item.published_raw is None:
        with field_guard(item, "published_at"):
            _date(item, page, how)
    if "views" in fields and item.views_raw is None:
        with field_guard(item, "views"):
            _views(item, page, how)
    if ("source" in fields and item.source is None) or ("author" in fields and item.author is None):
        with field_guard(item, "source"):
            _attribution(item, page, fields, how)
    if "category" in fields and item.category is None:
        with field_guard(item, "category"):
            _category(item, page, how)


# --- title ------------------------------------------------------------------------------------
def _locate_title(item: ArticleItem, page: Page, fill: bool, how: str) -> None:
    if page.title is not None and item.title:
        return
    if item.title:
        # the first heading that is the title ends the search: those after it are not judged
        page.title = matching_heading(iter_heading_candidates(page.tree, page.chrome), item.title)
        return
    candidates = heading_candidates(page.tree, page.chrome)
    hints = list(page.data.headline)
    titles = page.tree.xpath("//title")
    page_title = clean_text(titles[0].text_content()) if titles else None
    named = [(hint.value, hint.rule) for hint in hints]
    for value, rule in [*named, *([(page_title, "<title>")] if page_title else [])]:
        for part in title_parts(value):
            element = matching_heading(candidates, part)
            if element is not None:
                page.title = element
                if fill:
                    _set_title(item, text_of(element), f"{how}:{rule} = heading")
                return
    for hint in [*hints, *([Found(page_title, "<title>")] if page_title else [])]:
        for part in sorted(title_parts(hint.value), key=len, reverse=True):
            element = text_block_matching(page.tree, part, page.texts)
            if element is not None:
                page.title = element
                if fill:
                    _set_title(item, text_of(element), f"{how}:{hint.rule} = text block")
                return
    page.title = best_heading(page.tree)
    if not fill:
        return
    declared = [h for h in hints if not h.rule.startswith("meta")]
    if declared:
        _set_title(item, declared[0].value, f"{how}:{declared[0].rule}")
    elif page.title is not None:
        _set_title(item, text_of(page.title), f"{how}:heading before prose")
    elif hints:
        _set_title(item, hints[0].value, f"{how}:{hints[0].rule}")
    elif page_title:
        _set_title(item, page_title, f"{how}:<title>")


def _title_from_body(item: ArticleItem, page: Page, how: str) -> None:
    """A body that starts with a short headline line, when no heading was the title.

    Pages whose ``<title>`` is generic ("Chi tiết tin") and whose headline is a styled
    ``<font>`` or ``<b>`` give the extractor the headline as the body's first line.
    """
    weak = item.title is None or item.extraction.get("title", "").endswith(":<title>")
    lines = (item.body_text or "").split("\n\n")
    if not weak or len(lines) < 2 or page.title is not None:
        return
    first, second = lines[0], lines[1]
    if not HEADLINE_LINE_WORDS[0] <= len(first.split()) <= HEADLINE_LINE_WORDS[1]:
        return
    if first.endswith((".", ":", ";", "…")):
        return
    if len(second.split()) < PROSE_AFTER_HEADLINE_WORDS:
        return
    item.title = clean_text(first)
    item.note("title", f"{how}:headline line before the body")
    item.body_text = "\n\n".join(lines[1:])
    if item.body_html:
        root = parse_html(f"<html><body>{item.body_html}</body></html>").find("body")
        for block in root.iter("p", "div", "h1", "h2", "h3", "h4", "font", "b", "strong"):
            if key(block.text_content()) == key(first):
                block.drop_tree()
                break
        item.body_html = clean_body_html(root, page.url) or None
    page.title = text_block_matching(page.tree, first, page.texts)


def _title_near_body(item: ArticleItem, page: Page, how: str) -> None:
    """Replace a weakly found title by the headline block right before the body."""
    rule = item.extraction.get("title", "")
    weak = item.title is None or rule.endswith((":<title>", ":heading before prose"))
    if page.body_start is None:
        return
    # a title is printed above its body: a match after it (the site name in the footer) is not
    weak = weak or (page.title is not None and comes_after(page.title, page.body_start))
    if not weak:
        return
    element = block_before(page.body_start, page.title)
    if element is not None:
        page.title = element
        _set_title(item, text_of(element), f"{how}:text block before the body")


def _title_not_a_label(item: ArticleItem, page: Page, how: str) -> None:
    """A title that is a meta line (``Số lần xem: 312``, a date) gives way to the headline above
    it; the title element moves there, so the article header spans the meta line again."""
    if not is_label_line(item.title) or page.title is None:
        return
    element = block_before(page.title, None)
    if element is None:
        item.title = None
        item.note("title", f"{how}:label line refused as a title")
        return
    page.title = element
    _set_title(item, text_of(element), f"{how}:headline block above the meta line")


def _set_title(item: ArticleItem, value: str | None, rule: str) -> None:
    value = clean_text(value)
    if value:
        item.title = value
        item.note("title", rule)


def _locate_body(item: ArticleItem, page: Page) -> None:
    if page.body_container is not None:
        page.body_start = page.body_container
        return
    if not item.body_text:
        return
    lines = item.body_text.split("\n\n")
    start = paragraph_element(page.tree, lines[0], page.texts)
    end = paragraph_element(page.tree, lines[-1], page.texts) if len(lines) > 1 else start
    if start is None:
        return
    page.body_start = start
    page.body_end = end if end is not None else start
    page.body_container = common_ancestor(start, end) if end is not None else start
    if item.extraction.get("body_text", "").startswith("generic") and not item.images:
        item.images, item.attachments = collect_media(page.body_container, page.url)
        if item.images:
            item.note("images", "generic:images in the body container")
        if item.attachments:
            item.note("attachments", "generic:links in the body container")


def _lead(item: ArticleItem, page: Page, how: str) -> None:
    """Put back a lead paragraph printed in its own block between the title and the body."""
    if not item.body_text or page.title is None or page.body_start is None:
        return
    lead = lead_block(page.title, page.body_start, page.chrome)
    text = text_of(lead)
    if lead is None or not text or key(text) in key(item.body_text):
        return
    item.body_text = f"{text}\n\n{item.body_text}"
    lead_html = clean_body_html(deepcopy(lead), page.url)
    item.body_html = f"{lead_html}\n{item.body_html or ''}".strip()
    item.note("body_text", f"{item.extraction.get('body_text', how)} + {how}:lead block")
    page.body_start = lead


# --- date -------------------------------------------------------------------------------------
def _date(item: ArticleItem, page: Page, how: str) -> None:
    declared = [f for f in page.data.published if not f.rule.startswith("meta") and f.value.strip()]
    header = header_date(page.title, page.body_start) if page.title is not None else None
    if header is not None:
        precise = None if header.has_time else precise_time(header)
        if precise:
            _set_date(item, precise, f"{how}:time[datetime] in the article header")
            return
        for found in declared:
            if not header.has_time and same_day(found.value, header.raw):
                _set_date(item, found.value, f"{how}:{found.rule} (same day as header)")
                return
        _set_date(item, header.raw, f"{how}:date in the article header")
        return
    if declared:
        _set_date(item, declared[0].value, f"{how}:{declared[0].rule}")
        return
    labelled = _labelled_date(page)
    if labelled:
        _set_date(item, labelled, f"{how}:label Ngày đăng")
        return
    end = page.body_end if page.body_end is not None else page.body_container
    trailing = trailing_date(end, page.chrome) if end is not None else None
    if trailing is not None:
        _set_date(item, trailing.raw, f"{how}:date right after the body")
        return
    metas = [f for f in page.data.published if f.rule.startswith("meta")]
    if metas:
        _set_date(item, metas[0].value, f"{how}:{metas[0].rule}")
        return
    for element in page.tree.xpath("//time[@datetime]"):
        if not in_chrome(element, verdicts=page.chrome):
            _set_date(item, element.get("datetime"), f"{how}:time[datetime]")
            return


def _set_date(item: ArticleItem, raw: str | None, rule: str) -> None:
    if raw and raw.strip():
        item.published_raw = raw.strip()
        item.note("published_at", rule)


def _labelled_date(page: Page) -> str | None:
    for element in page.tree.iter("span", "div", "p", "td", "em", "i", "li"):
        text = short_text(element, 120)
        if not text or not re.search(r"ngày\s+đăng|đăng\s+ngày|ngày\s+xuất\s+bản", text, re.I):
            continue
        if in_chrome(element, verdicts=page.chrome):
            continue
        for candidate in dates_in(element):
            if PUBLISH_LABEL_RE.search(candidate.label) and not MODIFIED_LABEL_RE.search(
                candidate.label
            ):
                return candidate.raw
    return None


# --- views ------------------------------------------------------------------------------------
def _views(item: ArticleItem, page: Page, how: str) -> None:
    regions: list[tuple[str, list[HtmlElement]]] = []
    if page.title is not None:
        regions.append(("article header", list(header_elements(page.title, page.body_start))))
    if page.body_container is not None:
        blocks = list(page.body_container.iterdescendants("p", "div", "span", "em", "i"))
        regions.append(("end of the body", blocks[-6:]))
        after = following_within(page.body_container, 40)
        regions.append(("after the body", after))
    for where, elements in regions:
        raw, _ = find_views(elements, page.chrome)
        if raw:
            item.views_raw = raw
            item.note("views", f"{how}:label lượt xem in the {where}")
            return
    if page.data.views is not None:
        item.views_raw = page.data.views.value
        item.note("views", f"{how}:{page.data.views.rule}")


# --- source and author ----------------------------------------------------------------------
def _attribution(item: ArticleItem, page: Page, fields: tuple[str, ...], how: str) -> None:
    container = page.body_container
    elements: list[HtmlElement] = []
    if container is not None:
        blocks = list(container.iterdescendants("p", "div", "span", "em", "strong", "b", "i"))
        elements.extend(blocks[-8:])
        elements.extend(following_within(container, 25))
    for element in elements:
        if in_chrome(element, verdicts=page.chrome):
            continue
        found = read_attribution_line(short_text(element, 170))
        if found is None:
            continue
        kind, name = found
        if kind == "source" and "source" in fields and item.source is None:
            note_attribution(item, None, name, how, "after the body")
        elif kind == "author" and "author" in fields and item.author is None:
            note_attribution(item, name, None, how, "after the body")
    declared = page.data.author
    if "author" in fields and declared is not None:
        record_attribution(item, "author", declared.value, f"{how}:{declared.rule}")
    if "author" in fields and item.author is None and container is not None:
        signature = trailing_signature(container, page.chrome)
        if signature:
            record_attribution(item, "author", signature, f"{how}:signature right after the body")


# --- category -------------------------------------------------------------------------------
def _crumb_names(crumbs: HtmlElement, title: str | None) -> list[str]:
    """The breadcrumb's names after the home link; a plain-text trail is split at its arrows."""
    names = [text_of(a) for a in crumbs.xpath(".//a")]
    if not any(names):
        text = text_of(crumbs) or ""
        parts = [p.strip() for p in CRUMB_SEPARATORS.split(text)]
        names = parts if len(parts) > 1 and parts[0].lower() in HOME_WORDS else []
    return [
        n for n in names if n and n.lower().strip(" >»/") not in HOME_WORDS and key(n) != key(title)
    ]


def _category(item: ArticleItem, page: Page, how: str) -> None:
    trail = link_trail(page.tree, HOME_WORDS)
    for crumbs in [*page.tree.xpath(BREADCRUMBS), *([trail] if trail is not None else [])]:
        names = _crumb_names(crumbs, item.title)
        if names:
            item.category = names[-1]
            item.note("category", f"{how}:breadcrumb last link")
            return
    if page.data.section is not None:
        item.category = page.data.section.value
        item.note("category", f"{how}:{page.data.section.rule}")
        return
    if page.title is not None:
        name = category_link(header_elements(page.title, page.body_start), page.chrome)
        if name:
            item.category = name
            item.note("category", f"{how}:category link in the article header")
            return
    for link in page.tree.xpath(CATEGORY_LINKS):
        if not in_chrome(link, verdicts=page.chrome) and text_of(link):
            item.category = text_of(link)
            item.note("category", f"{how}:a[rel=category]")
            return
