"""The generic page object, for layouts no platform module knows: the engine's rules alone.

Every field comes from :func:`~portal_spider.extraction.record_fields.complete_record`, which the
platform page objects also call to fill what their own selectors did not find.
"""

from __future__ import annotations

import re

from portal_spider.extraction.listing_links import Listing, ListingRules, parse_listing_with
from portal_spider.extraction.page import Page
from portal_spider.extraction.record_fields import complete_record
from portal_spider.items import ArticleItem
from portal_spider.platforms.base import Platform

# The URL shapes of article pages on unknown layouts: a numeric id in the file name or query, or a
# dated path.
ARTICLE_PATH_HINT = re.compile(
    r"(-\d{3,}\.html?$|/\d{4}/\d{1,2}/|[?&](itemid|id|newsid|articleid|p)=\d+|/\d+-[^/]+\.html?$)",
    re.I,
)


class GenericPlatform(Platform):
    """Structured data, Vietnamese labels and a main-content extractor."""

    name = "generic"
    priority = 0
    listing_rules = ListingRules()

    def detect(self, url: str, html: str | None) -> int:
        return 1

    def is_article_url(self, url: str) -> bool:
        return bool(ARTICLE_PATH_HINT.search(url))

    def parse_listing(self, url: str, html: str) -> Listing:
        return parse_listing_with(self, self.listing_rules, url, html)

    def parse_article(self, url: str, html: str) -> ArticleItem:
        item = ArticleItem(url=url, platform=self.name)
        complete_record(item, Page(url, html))
        return item
