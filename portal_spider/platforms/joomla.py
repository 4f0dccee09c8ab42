"""Page object for Joomla sites (commune and unit sites; Joomla 1.5 to 4 layouts).

Signatures: the ``Joomla!`` generator meta, ``com_content`` in links and classes, ``/media/jui/``
or ``/media/system/`` assets. Articles are ``index.php?option=com_content&view=article&id=<id>``
or SEF URLs ``/<menu>/<id>-<alias>.html``; listings page with ``?start=<n>`` / ``limitstart``.
Joomla 3+ marks the article with schema.org microdata (``itemprop="headline"``,
``datePublished``, ``dateModified``, ``articleBody``, ``interactionCount`` for hits). Its info
block prints several dates: ``published`` (Ngày đăng), ``create`` (Ngày tạo) and ``modified``
(Cập nhật lần cuối); the modification date is never the publication date. Joomla 1.5 uses
``.contentheading``, ``.createdate`` and ``.contentpaneopen``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from portal_spider.extraction.listing_links import ListingRules
from portal_spider.normalize.urls import canonical_url, query_params, with_query
from portal_spider.platforms.base import SCORE_MARKED
from portal_spider.platforms.layout import LayoutPlatform

SEF_ARTICLE = re.compile(r"/(\d+)-[\w-]+(?:\.html?)?/?$", re.I)
COMPONENT_ARTICLE = re.compile(r"/component/content/article/(?:\d+-[\w-]+/)?(\d+)", re.I)


class JoomlaPlatform(LayoutPlatform):
    """Joomla ``com_content`` articles."""

    name = "joomla"
    priority = 30
    article_blocks = (
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' item-page ')]",
        "//*[@itemscope][contains(@itemtype, 'Article')]",
        "//*[contains(@class, 'contentpaneopen')]/ancestor::*[1]",
    )
    title_paths = (
        ".//*[@itemprop='headline' or @itemprop='name'][not(self::meta)]",
        ".//*[contains(@class, 'page-header')]//*[self::h1 or self::h2]",
        ".//*[contains(@class, 'contentheading') or contains(@class, 'item-title')]",
        ".//h1",
        ".//h2",
    )
    date_paths = (
        ".//*[@itemprop='datePublished']",
        ".//*[contains(@class, 'published')]",
        ".//*[contains(@class, 'create') or contains(@class, 'createdate')]",
    )
    views_paths = (
        ".//*[@itemprop='interactionCount']",
        ".//*[contains(@class, 'hits')]",
    )
    body_paths = (
        ".//*[@itemprop='articleBody']",
        ".//*[contains(@class, 'article-body') or contains(@class, 'article-content')]",
        ".//*[contains(@class, 'contentpaneopen')]//td[not(contains(@class, 'createdate'))]"
        "[not(contains(@class, 'modifydate'))][count(.//p) > 1]",
    )
    body_drop = (
        ".//*[contains(@class, 'pagenav') or contains(@class, 'pager') or "
        "contains(@class, 'article-info') or contains(@class, 'tags') or "
        "contains(@class, 'icons') or contains(@class, 'jcomments')]",
    )
    category_paths = (
        ".//*[@itemprop='genre' or @itemprop='articleSection']",
        ".//*[contains(@class, 'category-name')]//a",
        "//*[contains(@class, 'breadcrumb')]//a",
    )
    listing_rules = ListingRules(
        article_links=(
            "//*[contains(@class, 'blog')]//*[self::h2 or self::h3 or @itemprop='name']//a[@href]",
            "//*[contains(@class, 'list-title')]//a[@href]",
            "//a[contains(@class, 'contentpagetitle')]",
        ),
        scopes=("//*[contains(@class, 'blog') or contains(@class, 'category-list')]",),
        pager_pattern=re.compile(r"[?&](?:start|limitstart)=\d+", re.I),
    )

    def detect(self, url: str, html: str | None) -> int:
        score = 0
        query = query_params(url)
        if query.get("option") == "com_content":
            score += 40
        if query.get("view") == "article":
            score += 20
        if html:
            if re.search(r'name=["\']generator["\'][^>]*Joomla', html, re.I):
                score += 55
            if "com_content" in html:
                score += 35
            if "/media/jui/" in html or "/media/system/js/" in html:
                score += 25
            if 'itemprop="articleBody"' in html:
                score += 10
        return min(score, SCORE_MARKED)

    def is_article_url(self, url: str) -> bool:
        query = query_params(url)
        if query.get("option") == "com_content":
            return query.get("view") == "article" and bool(query.get("id"))
        path = urlsplit(url).path
        return bool(SEF_ARTICLE.search(path) or COMPONENT_ARTICLE.search(path))

    def item_id(self, url: str) -> str | None:
        query = query_params(url)
        value = query.get("id", "").split(":", 1)[0]
        if value.isdigit():
            return value
        path = urlsplit(url).path
        match = COMPONENT_ARTICLE.search(path) or SEF_ARTICLE.search(path)
        return match.group(1) if match else None

    def canonical_article_url(self, url: str, base_url: str | None = None) -> str:
        query = query_params(url)
        item_id = self.item_id(url)
        if query.get("option") == "com_content" and item_id:
            params = [("option", "com_content"), ("view", "article"), ("id", item_id)]
            return canonical_url(with_query(url, params), base_url=base_url)
        return canonical_url(url, base_url=base_url)
