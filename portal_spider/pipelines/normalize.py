"""Pipeline step 1: derive parsed values (dates, views, clean text) and list what is missing.

Every text field leaves it without control characters: the normaliser cleans the prose fields,
and the others (body HTML, raw values, URLs, provenance, problems) lose theirs here.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler

from portal_spider.items import RECORD_FIELDS, ArticleItem
from portal_spider.normalize.article import normalize_article
from portal_spider.normalize.text import strip_controls

logger = logging.getLogger(__name__)

COUNTED_FIELDS = RECORD_FIELDS  # the record fields a missing value is counted of
# string fields of a record besides those the normaliser cleans
RAW_TEXT_FIELDS = (
    "url",
    "canonical_url",
    "item_id",
    "platform",
    "views_raw",
    "body_html",
    "fetched_at",
)


def strip_record_controls(item: ArticleItem) -> ArticleItem:
    """Remove control characters from every string of ``item`` the normaliser leaves, in place."""
    for name in RAW_TEXT_FIELDS:
        value = getattr(item, name)
        if isinstance(value, str):
            setattr(item, name, strip_controls(value))
    for image in item.images:
        image.url = strip_controls(image.url)
    for attachment in item.attachments:
        attachment.url = strip_controls(attachment.url)
    item.extraction = {
        strip_controls(key): strip_controls(value) for key, value in item.extraction.items()
    }
    item.problems = [strip_controls(problem) for problem in item.problems]
    return item


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
        strip_record_controls(item)
        stats = self.crawler.stats
        for field_name in COUNTED_FIELDS:
            if getattr(item, field_name) in (None, ""):
                stats.inc_value(f"portal/{item.portal}/missing/{field_name}")
        if item.problems:
            stats.inc_value(f"portal/{item.portal}/incomplete")
            logger.info("incomplete record %s: %s", item.url, "; ".join(item.problems))
        return item
