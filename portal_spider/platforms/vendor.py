"""Page object for the newer vendor portals with clean URLs.

Many provinces moved districts and communes to portals built by national vendors. They share a
shape rather than a code base: articles at ``/<section>/<slug>-<id>.html``, listings paged as
``/<section>/trang-<n>.html`` (or ``?page=<n>``), ``og:`` and ``article:`` meta in the head. The
``article:published_time`` meta of these portals may carry the modification time: the date
printed under the title is the publication time and wins. Two layout variants are handled: the
``detail``-classed one (``.title-detail``, ``.date-detail``, ``.content-detail``) and the
``article-*`` one (``.article-title``, ``.article-meta``, ``.article-body``).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from portal_spider.extraction.listing_links import ListingRules
from portal_spider.platforms.base import SCORE_SHAPES_ONLY
from portal_spider.platforms.layout import LayoutPlatform

ARTICLE_URL = re.compile(r"/[\w-]*[a-z][\w-]*-(\d{3,})\.(?:html?|aspx)$", re.I)
PAGER_URL = re.compile(r"/trang-\d+\.html?$|[?&](?:page|trang|p)=\d+", re.I)
ARTICLE_LINK = re.compile(r"""href=["'][^"']*/[\w-]+-\d{3,}\.html?["']""", re.I)
OTHER_CMS = re.compile(
    r"/wp-content/|com_content|/media/jui/|_spPageContextInfo|p_p_id|/Portals/0/|dnn_", re.I
)


class VendorPlatform(LayoutPlatform):
    """Clean-URL vendor portals (``/tin-tuc/<slug>-<id>.html``)."""

    name = "vendor"
    priority = 20
    article_blocks = (
        "//*[contains(@class, 'news-detail') or contains(@class, 'detail-news') or "
        "contains(@class, 'article-detail') or contains(@class, 'post-detail')]",
        "//article",
        "//*[contains(@class, 'main-content') or contains(@class, 'col-main')]",
    )
    title_paths = (
        ".//*[contains(@class, 'title-detail') or contains(@class, 'detail-title') or "
        "contains(@class, 'article-title') or contains(@class, 'news-title')]",
        ".//h1",
    )
    date_paths = (
        ".//*[contains(@class, 'date-detail') or contains(@class, 'detail-date') or "
        "contains(@class, 'time-post') or contains(@class, 'post-date') or "
        "contains(@class, 'publish-date')]",
        ".//*[contains(@class, 'article-meta') or contains(@class, 'meta-detail')]"
        "//*[contains(@class, 'time') or contains(@class, 'date')]",
        ".//*[contains(@class, 'article-meta') or contains(@class, 'meta-detail')]",
    )
    views_paths = (
        ".//*[contains(@class, 'view-count') or contains(@class, 'luot-xem') or "
        "contains(@class, 'luotxem') or contains(@class, 'views')]",
        ".//*[contains(@class, 'article-meta') or contains(@class, 'meta-detail')]",
    )
    body_paths = (
        ".//*[contains(@class, 'content-detail') or contains(@class, 'detail-content') or "
        "contains(@class, 'article-body') or contains(@class, 'news-content') or "
        "@id='content-detail']",
    )
    source_paths = (
        ".//*[contains(@class, 'source-detail') or contains(@class, 'news-source') or "
        "contains(@class, 'article-source')]",
    )
    author_paths = (
        ".//*[contains(@class, 'author-detail') or contains(@class, 'article-author') or "
        "contains(@class, 'news-author')]",
    )
    category_paths = ("//*[contains(@class, 'breadcrumb')]//a",)
    listing_rules = ListingRules(
        scopes=(
            "//*[contains(@class, 'list-news') or contains(@class, 'news-list') or "
            "contains(@class, 'category-news') or contains(@class, 'list-article')]",
        ),
        pager_pattern=PAGER_URL,
        section_pattern=re.compile(r"^/?[a-z0-9-]+/?$|/chuyen-muc/[\w-]+", re.I),
    )

    def detect(self, url: str, html: str | None) -> int:
        score = 0
        if ARTICLE_URL.search(urlsplit(url).path):
            score += 35
        if html:
            article_links = len(ARTICLE_LINK.findall(html))
            if article_links >= 5:
                score += 40
            elif article_links >= 3:
                score += 25
            if re.search(r"""href=["'][^"']*/trang-\d+\.html""", html):
                score += 20
            if 'property="og:' in html or "property='og:" in html:
                score += 5
            if OTHER_CMS.search(html):
                score -= 40
        return max(0, min(score, SCORE_SHAPES_ONLY))

    def is_article_url(self, url: str) -> bool:
        path = urlsplit(url).path
        return bool(ARTICLE_URL.search(path)) and not PAGER_URL.search(path)

    def item_id(self, url: str) -> str | None:
        match = ARTICLE_URL.search(urlsplit(url).path)
        return match.group(1) if match else None
