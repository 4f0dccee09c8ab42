"""Pipeline step 2: one article once per run, whatever URL reached it.

The identity is the portal plus the portal's own item id, or the canonical URL when the portal
shows none; across runs the archive's upsert on the same identity keeps one row per article.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from archive.store import article_id
from portal_spider.items import ArticleItem


class DedupPipeline:
    """Drop the second and later copies of an article within one run."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        key = article_id(item.portal or "", item.item_id, item.canonical_url or item.url)
        if key in self.seen:
            self.crawler.stats.inc_value(f"portal/{item.portal}/duplicates_dropped")
            raise DropItem(f"duplicate of an article already stored in this run: {item.url}")
        self.seen.add(key)
        return item
