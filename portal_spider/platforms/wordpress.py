"""Page object for WordPress sites (mostly small commune and unit sites).

Signatures: ``/wp-content/`` and ``/wp-includes/`` assets, the ``WordPress`` generator meta,
``/wp-json/`` links, ``entry-title`` classes. Articles are ``?p=<id>``, dated permalinks
(``/2024/03/12/<slug>/``) or bare ``/<slug>/`` (known from the listing markup, not the URL);
listings page with ``/page/<n>/``. The post header prints ``<time class="entry-date published">``
beside ``<time class="updated">``: the first is the publication time. ``article:published_time``
meta is written by SEO plugins and may carry the modification time, so it is not read when the
header shows a date. The byline's user name (often ``admin``) is not the author; an author line at
the end of the body is.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from lxml.html import HtmlElement

from portal_spider.extraction.listing_links import ListingRules
from portal_spider.extraction.page import Page
from portal_spider.items import ArticleItem
from portal_spider.platforms.base import SCORE_MARKED
from portal_spider.platforms.layout import LayoutPlatform

ARTICLE_URL = re.compile(
    r"[?&]p=\d+(?:&|$)|/\d{4}/\d{2}/(?:\d{2}/)?[^/?#]+/?$|/\d{4}/\d{2}/[^/?#]+\.html?$", re.I
)
NOT_ARTICLE = re.compile(
    r"/(?:page|category|tag|author|feed|wp-content|wp-admin|wp-json|wp-includes|comments)(?:/|$)",
    re.I,
)
POST_ID = re.compile(r"\bpost(?:id)?-(\d+)\b")


class WordPressPlatform(LayoutPlatform):
    """WordPress themes: classic (``.entry-*``), block themes and page-builder news themes."""

    name = "wordpress"
    priority = 40
    article_blocks = (
        "//article[contains(@class, 'type-post') or contains(@class, 'post')]",
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' type-post ')]",
        "//main",
    )
    title_paths = (
        ".//h1[contains(@class, 'entry-title') or contains(@class, 'post-title')]",
        ".//*[contains(@class, 'entry-title') or contains(@class, 'post-title')]",
        ".//*[contains(@class, 'wp-block-post-title')]",
        ".//h1",
    )
    date_paths = (
        ".//time[contains(@class, 'published')]",
        ".//time[contains(@class, 'entry-date') and not(contains(@class, 'updated'))]",
        ".//*[contains(@class, 'posted-on') or contains(@class, 'post-date') or "
        "contains(@class, 'entry-date') or contains(@class, 'td-post-date')]",
        ".//*[contains(@class, 'wp-block-post-date')]//time",
    )
    views_paths = (
        ".//*[contains(@class, 'post-views-count')]",
        ".//*[contains(@class, 'post-views') or contains(@class, 'entry-views') or "
        "contains(@class, 'view-count')]",
        ".//*[contains(@class, 'entry-meta')]",
    )
    body_paths = (
        ".//*[contains(@class, 'entry-content')]",
        ".//*[contains(@class, 'post-content') or contains(@class, 'td-post-content')]",
        ".//*[contains(@class, 'wp-block-post-content')]",
    )
    body_drop = (
        ".//*[contains(@class, 'sharedaddy') or contains(@class, 'jp-relatedposts') or "
        "contains(@class, 'addtoany') or contains(@class, 'yarpp') or "
        "contains(@class, 'post-views') or contains(@class, 'wp-block-buttons')]",
    )
    category_paths = (
        "(//*[contains(@class, 'cat-links')]//a)[1]",
        "(//*[contains(@class, 'entry-category') or contains(@class, 'post-category')]//a)[1]",
        "(//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')])[1]",
        "//*[contains(@class, 'breadcrumb') or contains(@class, 'crumbs')]//a",
    )
    listing_rules = ListingRules(
        article_links=(
            "//*[contains(@class, 'entry-title') or contains(@class, 'post-title')]//a[@href]",
            "//article//h2/a[@href]",
            "//a[@rel='bookmark']",
        ),
        scopes=("//main", "//*[@id='primary']", "//*[@id='content']"),
        pager_pattern=re.compile(r"/page/\d+/?(?:$|\?)|[?&]paged=\d+"),
        section_pattern=re.compile(r"/category/[^/]+/?$"),
    )

    def detect(self, url: str, html: str | None) -> int:
        score = 0
        if ARTICLE_URL.search(url):
            score += 10
        if html:
            if "/wp-content/" in html:
                score += 45
            if "/wp-includes/" in html:
                score += 25
            if re.search(r'name=["\']generator["\'][^>]*WordPress', html, re.I):
                score += 50
            if "/wp-json/" in html:
                score += 20
            if "entry-title" in html:
                score += 10
        return min(score, SCORE_MARKED)

    def is_article_url(self, url: str) -> bool:
        path = urlsplit(url).path
        return bool(ARTICLE_URL.search(url)) and not NOT_ARTICLE.search(path)

    def item_id(self, url: str) -> str | None:
        query = dict(parse_qsl(urlsplit(url).query))
        value = query.get("p", "")
        return value if value.isdigit() else None

    def refine(self, item: ArticleItem, page: Page, scope: HtmlElement) -> None:
        if item.item_id is None:
            body = page.tree.find("body")  # a truncated page may have none
            body_class = body.get("class") if body is not None else None
            for marker in (scope.get("id") or "", body_class or ""):
                match = POST_ID.search(marker)
                if match:
                    item.item_id = match.group(1)
                    item.note("item_id", "platform:wordpress post-<id> / postid-<id>")
                    break
