"""Pipeline step 1: derive parsed values (dates, views, clean text) and list what is missing."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler

from portal_spider.items import ArticleItem
from portal_spider.normalize.article import normalize_article

logger = logging.getLogger(__name__)

COUNTED_FIELDS = ("title", "published_at", "views", "body_text", "source", "author", "category")


class NormalizePipeline:
    """Normalise every article item, and count fields not found per portal in the stats."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalizePipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        portal = self.crawler.spider.portals.get(item.portal) if self.crawler.spider else None
        normalize_article(item, day_first=portal.day_first if portal else True)
        stats = self.crawler.stats
        for field_name in COUNTED_FIELDS:
            if getattr(item, field_name) in (None, ""):
                stats.inc_value(f"portal/{item.portal}/missing/{field_name}")
        if item.problems:
            stats.inc_value(f"portal/{item.portal}/incomplete")
            logger.info("incomplete record %s: %s", item.url, "; ".join(item.problems))
        return item
