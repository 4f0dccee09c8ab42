"""A page object described by selectors: the base of the CMS-family page objects.

A family module lists, per field, the XPath selectors of its layouts and its URL rules; this base
applies them with :mod:`portal_spider.extraction.selector_fields` (each field records the selector
that found it) and fills what they miss with the generic rules (``generic:<rule>``), so a new
layout variant of a known family still gives a record that says which fields came from where.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from portal_spider.extraction.field_guard import field_guard
from portal_spider.extraction.html_tree import first
from portal_spider.extraction.listing_links import Listing, ListingRules, parse_listing_with
from portal_spider.extraction.page import Page
from portal_spider.extraction.record_fields import complete_record
from portal_spider.extraction.selector_fields import (
    attribution_by_selectors,
    body_by_selector,
    body_element_by_selectors,
    category_by_selectors,
    date_by_selectors,
    selector_rule,
    title_by_selectors,
    views_by_selectors,
)
from portal_spider.items import RECORD_FIELDS, ArticleItem
from portal_spider.platforms.base import Platform


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
        family = self.name
        with field_guard(item, "title"):
            title_by_selectors(item, scope, page, self.title_paths, family)
        with field_guard(item, "published_at"):
            date_by_selectors(item, scope, self.date_paths, family)
        with field_guard(item, "views"):
            views_by_selectors(item, scope, self.views_paths, family)
        with field_guard(item, "source"):
            attribution_by_selectors(item, scope, "source", self.source_paths, family)
        with field_guard(item, "author"):
            attribution_by_selectors(item, scope, "author", self.author_paths, family)
        with field_guard(item, "body_text"):
            body, body_how = body_element_by_selectors(scope, page, self.body_paths)
            if body is not None:
                page.body_container = body
                rule = self.how(body_how or "")
                body_by_selector(item, body, url, rule, self.body_drop)
        with field_guard(item, "category"):
            category_by_selectors(item, tree, self.category_paths, family)
        with field_guard(item, "item_id"):
            self.refine(item, page, scope)
        complete_record(item, page, fields=self.fallback_fields)
        return item

    def refine(self, item: ArticleItem, page: Page, scope: HtmlElement) -> None:
        """A hook for family specifics (ids from the HTML, layout quirks); nothing by default."""

    def how(self, selector: str) -> str:
        """The provenance string of a field found by ``selector``."""
        return selector_rule(self.name, selector)
