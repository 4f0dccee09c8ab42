"""A page object described by selectors: the base of the CMS-family page objects.

A family module lists, per field, the XPath selectors of its layouts (variants of one family are
more selectors, tried in order) and its URL rules; this base applies them and records which
selector found each field (``platform:<name> <selector>``). Fields the selectors miss are filled by
the generic rules (``generic:<rule>``), so a new layout variant of a known family still gives a
record, and the record says which fields came from where.
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
from portal_spider.extraction.field_guard import field_guard
from portal_spider.extraction.html_tree import first, text_of
from portal_spider.extraction.landmarks import in_logo
from portal_spider.extraction.listing_links import Listing, ListingRules, parse_listing_with
from portal_spider.extraction.page import Page
from portal_spider.extraction.record_fields import complete_record
from portal_spider.extraction.views import find_views
from portal_spider.extraction.vocabulary import HOME_WORDS, SOURCE_LABELS
from portal_spider.items import RECORD_FIELDS, ArticleItem
from portal_spider.normalize.text import clean_text, strip_label
from portal_spider.platforms.base import Platform

BARE_HEADING = re.compile(r"\.//h[1-6]")


class LayoutPlatform(Platform):
    """Selectors per field; generic rules for whatever they miss."""

    name = "layout"
    article_blocks: tuple[str, ...] = ()
    title_paths: tuple[str, ...] = ()
    date_paths: tuple[str, ...] = ()
    views_paths: tuple[str, ...] = ()
    body_paths: tuple[str, ...] = ()
    body_drop: tuple[str, ...] = ()
    source_paths: tuple[str, ...] = ()
    author_paths: tuple[str, ...] = ()
    category_paths: tuple[str, ...] = ()
    listing_rules = ListingRules()
    # fields the generic rules may fill when the selectors find nothing
    fallback_fields: tuple[str, ...] = RECORD_FIELDS

    def parse_listing(self, url: str, html: str) -> Listing:
        return parse_listing_with(self, self.listing_rules, url, html)

    def parse_article(self, url: str, html: str) -> ArticleItem:
        page = Page(url, html)
        tree = page.tree
        item = ArticleItem(url=url, platform=self.name, item_id=self.item_id(url))
        block, _ = first(tree, *self.article_blocks) if self.article_blocks else (None, None)
        scope = block if block is not None else tree
        with field_guard(item, "title"):
            self._title(item, scope, page)
        with field_guard(item, "published_at"):
            self._date(item, scope)
        with field_guard(item, "views"):
            self._views(item, scope)
        with field_guard(item, "source"):
            self._labelled(item, scope, "source", self.source_paths)
        with field_guard(item, "author"):
            self._labelled(item, scope, "author", self.author_paths)
        with field_guard(item, "body_text"):
            body, body_how = self._body_element(scope, page)
            if body is not None:
                page.body_container = body
                self._body(item, body, url, body_how or "")
        with field_guard(item, "category"):
            self._category(item, tree)
        with field_guard(item, "item_id"):
            self.refine(item, page, scope)
        complete_record(item, page, fields=self.fallback_fields)
        return item

    def refine(self, item: ArticleItem, page: Page, scope: HtmlElement) -> None:
        """A hook for family specifics (ids from the HTML, layout quirks); nothing by default."""

    def how(self, selector: str) -> str:
        """The provenance string of a field found by ``selector``."""
        return f"platform:{self.name} {selector}"

    # --- fields -----------------------------------------------------------------------------------
    def _title(self, item: ArticleItem, scope: HtmlElement, page: Page) -> None:
        for path in self.title_paths:
            if scope is page.tree and BARE_HEADING.fullmatch(path):
                continue  # without the article block, a bare <h1> may be the site's name
            for element in scope.xpath(path):
                title = clean_text(element.get("content") or text_of(element))
                if title and not in_chrome(element, stop=scope) and not in_logo(element):
                    item.title = title
                    item.note("title", self.how(path))
                    page.title = element if element.tag != "meta" else None
                    return

    def _date(self, item: ArticleItem, scope: HtmlElement) -> None:
        for path in self.date_paths:
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
                item.note("published_at", self.how(path))
                return

    def _views(self, item: ArticleItem, scope: HtmlElement) -> None:
        for path in self.views_paths:
            elements = scope.xpath(path)
            for element in elements:
                value = element.get("content") if element.tag == "meta" else None
                if value:
                    match = re.search(r"\d+", value)
                    if match:
                        item.views_raw = match.group(0)
                        item.note("views", self.how(path))
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
                item.note("views", self.how(path))
                return

    def _labelled(self, item: ArticleItem, scope: HtmlElement, field: str, paths: tuple) -> None:
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
                    record_attribution(item, field, value, self.how(path))
                    return

    def _body_element(self, scope: HtmlElement, page: Page) -> tuple[HtmlElement | None, str]:
        """The first body match that is an article body, and its selector.

        Class selectors match substrings (``noi-dung`` is also in ``noi-dung-trang``, a page
        wrapper): a match that holds the article's title or sits in page chrome is skipped.
        """
        for path in self.body_paths:
            for element in scope.xpath(path):
                holds_title = page.title is not None and (
                    element is page.title or page.title in element.iterdescendants()
                )
                if not holds_title and not in_chrome(element, stop=scope):
                    return element, path
        return None, ""

    def _body(self, item: ArticleItem, body: HtmlElement, url: str, path: str) -> None:
        body = deepcopy(body)
        for drop in self.body_drop:
            for element in body.xpath(drop):
                element.drop_tree()
        drop_tools(body)
        element_body(item, body, url, self.how(path))

    def _category(self, item: ArticleItem, tree: HtmlElement) -> None:
        for path in self.category_paths:
            names = [
                clean_text(text_of(e))
                for e in tree.xpath(path)
                if (clean_text(text_of(e)) or "").lower() not in HOME_WORDS
            ]
            names = [n for n in names if n and n != item.title]
            if names:
                item.category = names[-1] if path.endswith("//a") else names[0]
                item.note("category", self.how(path))
                return
