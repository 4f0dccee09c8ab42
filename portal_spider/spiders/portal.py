"""The one spider: crawls the listings of one or more portals and yields their articles.

``portal-archive crawl`` hands it :class:`~portal_spider.registry.Portal` rows; from the Scrapy
command line it takes ``-a portal=<slug>|all`` or ``-a url=<listing URL>``. For each portal it
starts from the listing entry points, pages through listings, and fetches every article page once
per run (one article may be linked under several URLs). The page object of the portal's platform
(declared in the registry, or detected from the first page) does all parsing.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from portal_spider.items import ArticleItem
from portal_spider.platforms import detect_platform, get_platform
from portal_spider.platforms.base import Platform
from portal_spider.registry import Portal, adhoc_portal, find_portal, load_registry

logger = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class PortalSpider(scrapy.Spider):
    """Crawl portal listings and article pages."""

    name = "portal"

    def __init__(
        self,
        portals: list[Portal] | None = None,
        portal: str | None = None,
        url: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if portals is None:
            portals = self._portals_from_arguments(portal, url)
        self.portals: dict[str, Portal] = {p.slug: p for p in portals}
        self.platforms: dict[str, Platform] = {}
        self.seen_articles: set[str] = set()
        for p in portals:
            if p.platform != "auto":
                self.platforms[p.slug] = get_platform(p.platform)

    @staticmethod
    def _portals_from_arguments(portal: str | None, url: str | None) -> list[Portal]:
        if url:
            return [adhoc_portal(url)]
        registry = load_registry()
        if portal in (None, "all"):
            return [p for p in registry if p.status == "active"]
        found = find_portal(portal, registry)
        if found is None:
            raise ValueError(f"no portal {portal!r} in the registry")
        return [found]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for portal in self.portals.values():
            for url in portal.start_urls():
                yield scrapy.Request(
                    url,
                    callback=self.parse_listing,
                    errback=self.failed,
                    meta={"portal": portal.slug},
                )

    # --- platform -------------------------------------------------------------------------------
    def platform_for(self, slug: str, response: Response) -> Platform:
        """The portal's platform: declared, or detected from its first page and remembered."""
        if slug not in self.platforms:
            platform = detect_platform(response.url, response.text)
            self.platforms[slug] = platform
            logger.info("portal %s: detected platform %s", slug, platform.name)
            self.crawler.stats.set_value(f"portal/{slug}/detected_platform", platform.name)
        return self.platforms[slug]

    # --- callbacks -------------------------------------------------------------------------------
    def parse_listing(self, response: Response) -> Iterator[scrapy.Request | ArticleItem]:
        """A listing (or home) page: follow its articles and its next pages."""
        slug = response.meta["portal"]
        if not isinstance(response, scrapy.http.TextResponse):
            return
        platform = self.platform_for(slug, response)
        if platform.is_article_url(response.url):
            yield from self.parse_article(response)
            return
        self.crawler.stats.inc_value(f"portal/{slug}/listing_pages")
        listing = platform.parse_listing(response.url, response.text)
        for url in listing.article_urls:
            key = platform.canonical_article_url(url)
            if key in self.seen_articles:
                continue
            self.seen_articles.add(key)
            yield response.follow(
                url, callback=self.parse_article, errback=self.failed, meta={"portal": slug}
            )
        for url in listing.next_urls:
            yield response.follow(
                url, callback=self.parse_listing, errback=self.failed, meta={"portal": slug}
            )

    def parse_article(self, response: Response) -> Iterator[ArticleItem]:
        """An article page: the page object's record, with the raw capture attached."""
        slug = response.meta["portal"]
        self.crawler.stats.inc_value(f"portal/{slug}/article_pages")
        platform = self.platform_for(slug, response)
        try:
            item = platform.parse_article(response.url, response.text)
        except (ValueError, AttributeError, TypeError, UnicodeDecodeError) as error:
            logger.warning("portal %s: could not parse %s: %s", slug, response.url, error)
            self.crawler.stats.inc_value(f"portal/{slug}/parse_errors")
            item = ArticleItem(url=response.url, platform=platform.name)
            item.problem(f"parse: the page could not be parsed ({type(error).__name__}: {error})")
        if b"</html>" not in response.body[-4096:].lower():
            item.problem("html: the page ends before </html> (truncated or broken markup)")
        item.portal = slug
        item.item_id = item.item_id or platform.item_id(response.url)
        item.canonical_url = platform.canonical_article_url(
            response.url, base_url=self.portals[slug].base_url
        )
        item.fetched_at = _now()
        item.http_status = response.status
        item.raw_body = response.body
        item.raw_headers = {
            k.decode("latin-1"): b", ".join(v).decode("latin-1")
            for k, v in response.headers.items()
        }
        yield item

    def failed(self, failure: Failure) -> None:
        """A request that failed for good (after retries): counted per portal and logged."""
        request = failure.request
        slug = request.meta.get("portal", "?")
        self.crawler.stats.inc_value(f"portal/{slug}/pages_failed")
        logger.warning("portal %s: failed %s: %s", slug, request.url, failure.getErrorMessage())
