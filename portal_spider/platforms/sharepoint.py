"""Page object for SharePoint portals outside the Yên Bái family (several provinces).

Signatures: ``_spPageContextInfo`` scripts, ``/_layouts/`` assets, ``ms-rtestate-field`` rich-text
fields, the ``Microsoft SharePoint`` generator meta. Two layout variants: publishing pages at
``/portal/Pages/<yyyy-m-d>/<slug>.aspx`` (or ``/Pages/<slug>.aspx``) whose page layout prints the
title, the date (``dd/MM/yyyy HH:mm``) and the rich-text body; and news web parts showing a list
item at ``/Pages/<page>.aspx?ItemID=<n>`` (often with ``CateID`` or ``l=`` beside it), where the
same ItemID reached from several categories is one article. Listings page with ``Page=<n>`` or
``PageIndex=<n>``. The Yên Bái family has its own module (:mod:`.yenbai`).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from portal_spider.extraction.listing_links import ListingRules
from portal_spider.normalize.urls import canonical_url, query_params, with_query
from portal_spider.platforms.base import SCORE_SHARED_MARKERS
from portal_spider.platforms.layout import LayoutPlatform

DATED_PAGE = re.compile(r"/Pages/\d{4}-\d{1,2}-\d{1,2}/[^/]+\.aspx$", re.I)
ANY_PAGE = re.compile(r"/Pages/[^/]+\.aspx$", re.I)


class SharePointPlatform(LayoutPlatform):
    """SharePoint publishing pages and news web parts."""

    name = "sharepoint"
    priority = 70
    article_blocks = (
        "//*[contains(@class, 'article-detail') or contains(@class, 'ArticleDetail')]",
        "//*[contains(@class, 'news-detail') or contains(@class, 'NewsDetail') or "
        "contains(@class, 'tin-chi-tiet')]",
        "//*[contains(@id, 'PlaceHolderMain')]",
    )
    title_paths = (
        ".//*[contains(@class, 'article-title') or contains(@class, 'ArticleTitle')]",
        ".//*[contains(@class, 'news-title') or contains(@class, 'tieu-de') or "
        "contains(@class, 'TieuDe')]",
        ".//h1",
        ".//h2",
    )
    date_paths = (
        ".//*[contains(@class, 'article-date') or contains(@class, 'ArticleDate') or "
        "contains(@class, 'news-date') or contains(@class, 'ngay-dang') or "
        "contains(@class, 'NgayDang')]",
        ".//*[contains(@class, 'article-info') or contains(@class, 'news-info')]",
    )
    views_paths = (
        ".//*[contains(@class, 'article-view') or contains(@class, 'news-view') or "
        "contains(@class, 'luot-xem') or contains(@class, 'LuotXem')]",
        ".//*[contains(@class, 'article-info') or contains(@class, 'news-info')]",
    )
    body_paths = (
        ".//*[contains(@class, 'article-content')]",
        ".//*[contains(@class, 'ms-rtestate-field')]",
        ".//*[contains(@class, 'news-content') or contains(@class, 'noi-dung') or "
        "contains(@class, 'NoiDung')]",
    )
    source_paths = (
        ".//*[contains(@class, 'article-source') or contains(@class, 'news-source') or "
        "contains(@class, 'nguon-tin')]",
    )
    author_paths = (
        ".//*[contains(@class, 'article-author') or contains(@class, 'news-author') or "
        "contains(@class, 'tac-gia')]",
    )
    category_paths = ("//*[contains(@class, 'breadcrumb') or contains(@class, 'ms-sitemap')]//a",)
    listing_rules = ListingRules(
        scopes=(
            "//*[contains(@class, 'news-list') or contains(@class, 'list-news') or "
            "contains(@class, 'article-list')]",
            "//*[contains(@id, 'PlaceHolderMain')]",
        ),
        pager_pattern=re.compile(r"[?&](?:page|pageindex|trang)=\d+", re.I),
    )

    def detect(self, url: str, html: str | None) -> int:
        score = 0
        path = urlsplit(url).path
        if DATED_PAGE.search(path):
            score += 35
        elif ANY_PAGE.search(path):
            score += 20
        if html:
            if "_spPageContextInfo" in html:
                score += 45
            if re.search(r'name=["\']GENERATOR["\'][^>]*SharePoint', html, re.I):
                score += 45
            if "/_layouts/" in html:
                score += 15
            if "ms-rtestate-field" in html or "ms-rteElement" in html:
                score += 10
        return min(score, SCORE_SHARED_MARKERS)

    def is_article_url(self, url: str) -> bool:
        path = urlsplit(url).path
        if DATED_PAGE.search(path):
            return True
        query = query_params(url)
        has_id = query.get("itemid", "").isdigit() or query.get("newsid", "").isdigit()
        return bool(ANY_PAGE.search(path)) and has_id

    def item_id(self, url: str) -> str | None:
        query = query_params(url)
        for name in ("itemid", "newsid"):
            if query.get(name, "").isdigit():
                return query[name]
        return None

    def canonical_article_url(self, url: str, base_url: str | None = None) -> str:
        item_id = self.item_id(url)
        if item_id is None:
            return canonical_url(url, base_url=base_url)
        return canonical_url(with_query(url, [("ItemID", item_id)]), base_url=base_url)
