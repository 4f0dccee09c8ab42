"""Page object for Liferay portals (believed common for city and district portals).

Signatures: ``p_p_id`` parameters, ``_WAR_`` portlet names, ``/web/guest/`` and ``/web/<site>/``
paths, ``asset_publisher`` URLs and classes, ``Liferay.ThemeDisplay`` scripts, ``portlet-*`` and
``aui`` classes. Two layout variants: the built-in Asset Publisher showing web content
(``/-/asset_publisher/<instance>/content/<url-title>``, ``.asset-full-content``,
``.journal-content-article``) and custom ``*_WAR_*`` news portlets
(``?p_p_id=<portlet>&_<portlet>_articleId=<id>``, ``.news-detail``). Article links carry
``redirect=`` and ``inheritRedirect`` parameters: one article, many URLs, so the canonical URL drops
them. Listings page with ``_cur=<n>`` (the portlet-namespaced ``…_cur``) parameters.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from portal_spider.extraction.listing_links import ListingRules
from portal_spider.normalize.urls import canonical_url
from portal_spider.platforms.base import SCORE_MARKED
from portal_spider.platforms.layout import LayoutPlatform

ASSET_CONTENT = re.compile(r"/-/asset_publisher/[^/]+/content/([^/?#]+)", re.I)
ARTICLE_PARAM = re.compile(r"(?:^|_)(articleid|newsid|entryid|id)$", re.I)
DROP_PARAMS = re.compile(
    r"(redirect|inheritredirect|p_p_lifecycle|p_p_state|p_p_mode|p_p_col_)", re.I
)


def _article_param(url: str) -> tuple[str, str] | None:
    for name, value in parse_qsl(urlsplit(url).query):
        if ARTICLE_PARAM.search(name) and value.strip().isdigit():
            return name, value.strip()
    return None


class LiferayPlatform(LayoutPlatform):
    """Liferay Asset Publisher and ``_WAR_`` news portlets."""

    name = "liferay"
    priority = 60
    article_blocks = (
        "//*[contains(@class, 'asset-full-content')]",
        "//*[contains(@class, 'news-detail')]",
        "//*[contains(@class, 'portlet-asset-publisher')]//*[contains(@class, 'portlet-body')]",
        "//*[contains(@class, 'journal-content-article')]/ancestor::*[contains(@class, "
        "'portlet-body')][1]",
    )
    title_paths = (
        ".//*[contains(@class, 'header-title') or contains(@class, 'asset-title')]",
        ".//*[contains(@class, 'news-title') or contains(@class, 'detail-title')]",
        ".//h1",
        ".//h2",
    )
    date_paths = (
        ".//*[contains(@class, 'metadata-publish-date') or contains(@class, 'publish-date')]",
        ".//*[contains(@class, 'asset-metadata') or contains(@class, 'news-date') or "
        "contains(@class, 'date-time')]",
    )
    views_paths = (
        ".//*[contains(@class, 'metadata-view-count') or contains(@class, 'view-count') or "
        "contains(@class, 'news-view')]",
        ".//*[contains(@class, 'asset-metadata')]",
    )
    body_paths = (
        ".//*[contains(@class, 'journal-content-article')]",
        ".//*[contains(@class, 'news-content') or contains(@class, 'detail-content')]",
        ".//*[contains(@class, 'asset-content')]",
    )
    body_drop = (
        ".//*[contains(@class, 'taglib-social-bookmarks') or contains(@class, 'asset-links') or "
        "contains(@class, 'taglib-ratings') or contains(@class, 'asset-ratings') or "
        "contains(@class, 'print-action') or contains(@class, 'lfr-meta-actions')]",
    )
    source_paths = (".//*[contains(@class, 'news-source') or contains(@class, 'asset-source')]",)
    author_paths = (".//*[contains(@class, 'news-author') or contains(@class, 'asset-author')]",)
    category_paths = (
        "//*[contains(@class, 'breadcrumb')]//a",
        ".//*[contains(@class, 'news-category') or contains(@class, 'asset-category')]",
    )
    listing_rules = ListingRules(
        article_links=(
            "//*[contains(@class, 'asset-abstract')]//*[contains(@class, 'asset-title')]//a",
            "//*[contains(@class, 'news-item')]//a[contains(@class, 'title')]",
        ),
        scopes=(
            "//*[contains(@class, 'portlet-asset-publisher')]",
            "//*[contains(@class, 'news-list')]",
        ),
        pager_links=(
            "//*[contains(@class, 'taglib-page-iterator') or contains(@class, 'lfr-pagination') "
            "or contains(@class, 'pagination')]//a[@href]",
        ),
        pager_pattern=re.compile(r"[?&][\w]*_cur=\d+", re.I),
    )

    def detect(self, url: str, html: str | None) -> int:
        score = 0
        if ASSET_CONTENT.search(url) or "p_p_id=" in url:
            score += 40
        if "/web/" in urlsplit(url).path:
            score += 10
        if html:
            if "Liferay.ThemeDisplay" in html or "Liferay.authToken" in html:
                score += 45
            if "p_p_id" in html:
                score += 30
            if "_WAR_" in html:
                score += 20
            if "asset_publisher" in html or "portlet-asset-publisher" in html:
                score += 25
            if "/web/guest/" in html:
                score += 20
            if "portlet-boundary" in html:
                score += 20
        return min(score, SCORE_MARKED)

    def is_article_url(self, url: str) -> bool:
        path = urlsplit(url).path
        if ASSET_CONTENT.search(path):
            return True
        return _article_param(url) is not None

    def item_id(self, url: str) -> str | None:
        found = _article_param(url)
        return found[1] if found else None

    def canonical_article_url(self, url: str, base_url: str | None = None) -> str:
        parts = urlsplit(url)
        kept = [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not DROP_PARAMS.search(k)
        ]
        if ASSET_CONTENT.search(parts.path):
            kept = []
        query = f"?{urlencode(kept)}" if kept else ""
        return canonical_url(
            f"{parts.scheme}://{parts.netloc}{parts.path}{query}", base_url=base_url
        )
