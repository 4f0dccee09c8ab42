"""Fields read by a page object's XPath selectors, with the selector as the rule that found them.

A family lists, per field, the selectors of its layouts (variants are more selectors, tried in
order); these functions apply them and record ``platform:<family> <selector>`` as each field's
provenance.
"""

from __future__ import annotations

import re
from copy import deepcopy

from lxml.html import HtmlElement

from portal_spider.extraction.attribution import read_attribution_line, record_attribution
from portal_spider.extraction.body import element_body
from portal_spider.extraction.chrome import drop_tools, in_chrome
from portal_spider.extraction.dates import (
    DateCandidate,
    dates_in,
    pick_publication_date,
    precise_time,
)
from portal_spider.extraction.html_tree import text_of
from portal_spider.extraction.landmarks import in_logo
from portal_spider.extraction.page import Page
from portal_spider.extraction.views import find_views
from portal_spider.extraction.vocabulary import HOME_WORDS, SOURCE_LABELS
from portal_spider.items import ArticleItem
from portal_spider.normalize.text import clean_text, strip_label

# a bare heading selector: without the article block it may match the site's name
BARE_HEADING = re.compile(r"\.//h[1-6]")


def selector_rule(family: str, selector: str) -> str:
    """The provenance string of a field found by ``selector`` of ``family``'s page object."""
    return f"platform:{family} {selector}"


def title_by_selectors(
    item: ArticleItem, scope: HtmlElement, page: Page, paths: tuple[str, ...], family: str
) -> None:
    """The title: the first element of ``paths`` with text, outside chrome and the logo."""
    for path in paths:
        if scope is page.tree and BARE_HEADING.fullmatch(path):
            continue  # without the article block, a bare <h1> may be the site's name
        for element in scope.xpath(path):
            title = clean_text(element.get("content") or text_of(element))
            if (
                title
                and not in_chrome(element, stop=scope, verdicts=page.chrome)
                and not in_logo(element)
            ):
                item.title = title
                item.note("title", selector_rule(family, path))
                page.title = element if element.tag != "meta" else None
                return


def date_by_selectors(
    item: ArticleItem, scope: HtmlElement, paths: tuple[str, ...], family: str
) -> None:
    """The publication date among the dates of the first of ``paths`` that shows one."""
    for path in paths:
        candidates: list[DateCandidate] = []
        for element in scope.xpath(path):
            if in_chrome(element, stop=scope):
                continue
            visible = dates_in(element)
            attr = element.get("datetime") or element.get("content")
            if attr is None and visible and not visible[0].has_time:
                attr = precise_time(visible[0])
            if attr and (not visible or not visible[0].has_time):
                label = visible[0].label if visible else ""
                candidates.append(DateCandidate(raw=attr, label=label, element=element))
            candidates.extend(visible)
        chosen = pick_publication_date(candidates)
        if chosen is not None:
            item.published_raw = chosen.raw
            item.note("published_at", selector_rule(family, path))
            return


def views_by_selectors(
    item: ArticleItem, scope: HtmlElement, paths: tuple[str, ...], family: str
) -> None:
    """The view count: a meta value, a labelled count or bare digits in ``paths``."""
    for path in paths:
        elements = scope.xpath(path)
        for element in elements:
            value = element.get("content") if element.tag == "meta" else None
            if value:
                match = re.search(r"\d+", value)
                if match:
                    item.views_raw = match.group(0)
                    item.note("views", selector_rule(family, path))
                    return
        raw, _ = find_views(elements)
        if raw is None:
            for element in elements:
                if in_chrome(element, stop=scope):
                    continue
                digits = clean_text(element.text_content()) or ""
                if re.fullmatch(r"\(?\s*\d{1,3}(?:[.,]\d{3})*\s*\)?|\(?\d+\)?", digits):
                    raw = digits
                    break
        if raw:
            item.views_raw = raw
            item.note("views", selector_rule(family, path))
            return


def attribution_by_selectors(
    item: ArticleItem, scope: HtmlElement, field: str, paths: tuple[str, ...], family: str
) -> None:
    """The author or source (``field``) printed in the first of ``paths`` that names one."""
    for path in paths:
        for element in scope.xpath(path):
            text = clean_text(text_of(element))
            if not text or len(text) > 200:
                continue
            found = read_attribution_line(text)
            if found is not None and found[0] == field:
                value = found[1]
            elif field == "source":
                value = strip_label(text, SOURCE_LABELS)
            else:
                value = strip_label(text, ("Tác giả:", "Tác giả", "Bài viết:", "Người viết:"))
            if value:
                record_attribution(item, field, value, selector_rule(family, path))
                return


def body_element_by_selectors(
    scope: HtmlElement, page: Page, paths: tuple[str, ...]
) -> tuple[HtmlElement | None, str]:
    """The first body match that is an article body, and its selector.

    Class selectors match substrings (``noi-dung`` is also in ``noi-dung-trang``, a page
    wrapper): a match that holds the article's title or sits in page chrome is skipped.
    """
    for path in paths:
        for element in scope.xpath(path):
            holds_title = page.title is not None and (
                element is page.title or page.title in element.iterdescendants()
            )
            if not holds_title and not in_chrome(element, stop=scope, verdicts=page.chrome):
                return element, path
    return None, ""


def body_by_selector(
    item: ArticleItem, body: HtmlElement, url: str, rule: str, drop_paths: tuple[str, ...]
) -> None:
    """The body fields from a body element, without ``drop_paths`` and tool widgets."""
    body = deepcopy(body)
    for drop in drop_paths:
        for element in body.xpath(drop):
            element.drop_tree()
    drop_tools(body)
    element_body(item, body, url, rule)


def category_by_selectors(
    item: ArticleItem, tree: HtmlElement, paths: tuple[str, ...], family: str
) -> None:
    """The category: the last breadcrumb link, or the first name ``paths`` give."""
    for path in paths:
        names = [
            clean_text(text_of(e))
            for e in tree.xpath(path)
            if (clean_text(text_of(e)) or "").lower() not in HOME_WORDS
        ]
        names = [n for n in names if n and n != item.title]
        if names:
            item.category = names[-1] if path.endswith("//a") else names[0]
            item.note("category", selector_rule(family, path))
            return
