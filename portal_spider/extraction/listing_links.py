"""Listing discovery shared by page objects: article links, pager links and section links.

A platform describes its listings with :class:`ListingRules` (where the list is, which links are
articles, which are further pages) and :func:`parse_listing_with` applies them. Links to another
origin (host and port) are never followed: a portal's crawl stays on that portal, so every
archived row belongs to the portal it was crawled for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from portal_spider.extraction.html_tree import compiled_xpath, first, parse_html, text_of
from portal_spider.normalize.dates_vi import find_dates
from portal_spider.normalize.urls import absolute_url, canonical_url, same_origin

if TYPE_CHECKING:  # the page objects call these rules; the rules only read their URL methods
    from portal_spider.platforms.base import Platform


@dataclass
class Listing:
    """What a listing page links to: article pages and further listing pages."""

    article_urls: list[str] = field(default_factory=list)
    next_urls: list[str] = field(default_factory=list)
    # listing-level dates of the articles when shown (url -> raw date string), for incremental stops
    article_dates: dict[str, str] = field(default_factory=dict)


ITEM_ANCESTOR = (
    "ancestor::*[self::li or self::article or self::tr or contains(@class, 'item') or "
    "contains(@class, 'post') or contains(@class, 'news')][1]"
)
# Paths of a portal's home page, where section links count as further listing pages.
HOME_PAGE_PATHS = {"", "/", "/index.php", "/default.aspx", "/trang-chu", "/trang-chu.html", "/home"}


@dataclass(frozen=True)
class ListingRules:
    """How a platform's listing pages link to articles and to further pages."""

    article_links: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    pager_links: tuple[str, ...] = (
        "//*[contains(@class, 'pagination') or contains(@class, 'paging') or "
        "contains(@class, 'pager') or contains(@class, 'phan-trang') or "
        "contains(@class, 'PagerControl')]//a[@href]",
        "//a[contains(@class, 'page-numbers')]",
        "//a[@rel='next']",
        "//link[@rel='next']",
    )
    pager_pattern: re.Pattern[str] | None = None
    section_pattern: re.Pattern[str] | None = None


def add_article(listing: Listing, link: HtmlElement, href: str, item: str = ITEM_ANCESTOR) -> None:
    """Add an article link, with the date its list item shows (for incremental stops)."""
    listing.article_urls.append(href)
    block = compiled_xpath(item)(link)
    if block:
        dates = find_dates(text_of(block[0]) or "")
        if dates:
            listing.article_dates[href] = dates[0]


def parse_listing_with(platform: Platform, rules: ListingRules, url: str, html: str) -> Listing:
    """Apply ``rules`` to a listing page of ``platform``."""
    tree = parse_html(html)
    scope, _ = first(tree, *rules.scopes) if rules.scopes else (None, None)
    scope = scope if scope is not None else tree
    listing = Listing()
    seen: set[str] = set()
    candidates = [a for xp in rules.article_links for a in scope.xpath(xp)]
    candidates += [a for a in scope.iter("a") if a not in candidates]
    explicit = {id(a) for xp in rules.article_links for a in scope.xpath(xp)}
    for link in candidates:
        href = absolute_url(link.get("href") or "", url)
        if not href or not same_origin(href, url):
            continue
        if id(link) not in explicit and not platform.is_article_url(href):
            continue
        article_key = platform.canonical_article_url(href)
        if article_key in seen or canonical_url(href) == canonical_url(url):
            continue
        seen.add(article_key)
        add_article(listing, link, href)
    _next_pages(platform, rules, tree, url, listing, seen)
    return listing


def _next_pages(
    platform: Platform,
    rules: ListingRules,
    tree,
    url: str,
    listing: Listing,
    articles: set[str],
) -> None:
    here = canonical_url(url)
    links = [e.get("href") for xp in rules.pager_links for e in tree.xpath(xp)]
    patterns = [p for p in (rules.pager_pattern,) if p is not None]
    if urlsplit(url).path.lower() in HOME_PAGE_PATHS and rules.section_pattern is not None:
        patterns.append(rules.section_pattern)
    for pattern in patterns:
        links += [a.get("href") for a in tree.iter("a") if pattern.search(a.get("href") or "")]
    for href in links:
        target = absolute_url(href or "", url)
        if not target or not same_origin(target, url) or canonical_url(target) == here:
            continue
        if platform.is_article_url(target) or platform.canonical_article_url(target) in articles:
            continue
        if target not in listing.next_urls:
            listing.next_urls.append(target)
