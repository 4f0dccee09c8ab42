"""Page object for DotNetNuke (DNN) sites.

Signatures: ``Default.aspx?tabid=<n>`` and ``/tabid/<n>/`` URLs, ``dnn_`` element ids
(``dnn_ctr<n>_…``), ``/Portals/0/`` files, ``DotNetNuke`` / ``DNN`` in the generator meta or
scripts. A news module shows an article at ``?tabid=<n>&ArticleId=<id>`` or
``/tabid/<n>/ArticleId/<id>/<slug>.aspx`` (some modules say ``newsid`` or ``ItemId``); the same
article is linked from several tabs. Two
layout variants: ASP.NET labels (``span[id$='_lblTitle']``, ``_lblDate``, ``_lblViews``) and
``.article-*`` classes. Dates are often the .NET vi-VN ``dd/MM/yyyy h:mm:ss SA``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from portal_spider.extraction.listing_links import ListingRules
from portal_spider.normalize.urls import canonical_url, query_params, with_query
from portal_spider.platforms.base import SCORE_MARKED
from portal_spider.platforms.layout import LayoutPlatform

ID_NAMES = ("articleid", "newsid", "itemid", "id")
PATH_ID = re.compile(r"/(?:ArticleId|newsid|ItemId)/(\d+)", re.I)
TABID = re.compile(r"/tabid/\d+", re.I)


class DnnPlatform(LayoutPlatform):
    """DotNetNuke news modules."""

    name = "dnn"
    priority = 50
    article_blocks = (
        "//*[contains(@class, 'article-detail') or contains(@class, 'news-detail')]",
        "//*[starts-with(@id, 'dnn_ctr')][.//*[contains(@id, 'lblTitle')]]",
        "//*[contains(@id, 'ContentPane')]",
    )
    title_paths = (
        ".//*[contains(@id, 'lblTitle') or contains(@id, 'lblTieuDe')]",
        ".//*[contains(@class, 'article-title') or contains(@class, 'news-title')]",
        ".//h1",
    )
    date_paths = (
        ".//*[contains(@id, 'lblDate') or contains(@id, 'lblNgay') or contains(@id, 'lblPublish')]",
        ".//*[contains(@class, 'article-date') or contains(@class, 'news-date') or "
        "contains(@class, 'publish-date')]",
    )
    views_paths = (
        ".//*[contains(@id, 'lblView') or contains(@id, 'lblLuotXem') or contains(@id, 'lblHit')]",
        ".//*[contains(@class, 'article-views') or contains(@class, 'news-views') or "
        "contains(@class, 'hits')]",
    )
    body_paths = (
        ".//*[contains(@id, 'lblContent') or contains(@id, 'divContent') or "
        "contains(@id, 'lblNoiDung')]",
        ".//*[contains(@class, 'article-content') or contains(@class, 'news-content')]",
    )
    source_paths = (
        ".//*[contains(@id, 'lblSource') or contains(@id, 'lblNguon')]",
        ".//*[contains(@class, 'article-source') or contains(@class, 'news-source')]",
    )
    author_paths = (
        ".//*[contains(@id, 'lblAuthor') or contains(@id, 'lblTacGia')]",
        ".//*[contains(@class, 'article-author') or contains(@class, 'news-author')]",
    )
    category_paths = (
        "//*[contains(@id, 'dnnBreadcrumb') or contains(@class, 'breadcrumb')]//a",
        ".//*[contains(@id, 'lblCategory') or contains(@class, 'article-category')]",
    )
    listing_rules = ListingRules(
        scopes=(
            "//*[contains(@class, 'news-list') or contains(@class, 'article-list')]",
            "//*[contains(@id, 'ContentPane')]",
        ),
        pager_pattern=re.compile(r"[?&](?:page|currentpage|pageindex)=\d+|/Page/\d+", re.I),
    )

    def detect(self, url: str, html: str | None) -> int:
        score = 0
        # DNN tab ids are numbers; "tabid=tintuc" is another CMS's page parameter
        if query_params(url).get("tabid", "").isdigit() or TABID.search(urlsplit(url).path):
            score += 40
        if html:
            if re.search(r'id=["\']dnn_', html):
                score += 30
            if re.search(r"DotNetNuke|DNN Platform|dnncore\.js|/js/dnn\.", html, re.I):
                score += 30
            if "/Portals/0/" in html or "/Portals/_default/" in html:
                score += 25
        return min(score, SCORE_MARKED)

    def _article_id(self, url: str) -> str | None:
        query = query_params(url)
        for name in ID_NAMES:
            value = query.get(name, "")
            if value.isdigit():
                return value
        match = PATH_ID.search(urlsplit(url).path)
        return match.group(1) if match else None

    def is_article_url(self, url: str) -> bool:
        return self._article_id(url) is not None

    def item_id(self, url: str) -> str | None:
        return self._article_id(url)

    def canonical_article_url(self, url: str, base_url: str | None = None) -> str:
        query = query_params(url)
        item_id = self._article_id(url)
        if item_id and "tabid" in query:
            name = next(n for n in ID_NAMES if query.get(n, "").isdigit())
            params = [("tabid", query["tabid"]), (name, item_id)]
            return canonical_url(with_query(url, params), base_url=base_url)
        return canonical_url(url, base_url=base_url)
