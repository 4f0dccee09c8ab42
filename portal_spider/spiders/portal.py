"""The one spider: walks the listings of one or more portals and yields their articles.

``portal-archive crawl`` hands it :class:`~portal_spider.registry.Portal` rows; from the Scrapy
command line it takes ``-a portal=<slug>|all`` or ``-a url=<listing URL>``. The page object of the
portal's platform (declared in the registry, or detected from the first page) does all parsing.

What a run fetches, per portal (the archive remembers the rest: :mod:`portal_spider.crawlstate`):

* its listings, each walked page after page (:mod:`portal_spider.paging`). A link to an article
  the archive already holds is not followed. In incremental mode (the default), once a listing has
  had a complete walk, the walk stops when ``PORTAL_ARCHIVE_OVERLAP_PAGES`` pages in a row after
  a page of only known articles were known too (with the default 1: the first all-known page and
  one more). A listing whose last walk did not complete (a killed run) is paged through to its
  end; ``--full`` (``PORTAL_ARCHIVE_FULL``) pages through every listing;
* the articles due for a revisit (:mod:`portal_spider.revisits`), to record views and edits;
* the article pages that failed in earlier runs (pending), until they are stored.

An article that answers 404 or 410, or redirects to the portal's home page, is reported gone
(:class:`~portal_spider.items.GoneArticle`) when the archive holds it, and kept as pending when it
does not.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archive.store import article_id
from portal_spider import politeness
from portal_spider.clock import Clock
from portal_spider.crawlstate import CrawlState, PortalPlan
from portal_spider.items import ArticleItem, GoneArticle
from portal_spider.normalize.charset import DecodedPage, decode_page
from portal_spider.normalize.urls import canonical_url
from portal_spider.paging import listing_key, next_pages, page_number
from portal_spider.platforms import detect_platform, get_platform
from portal_spider.platforms.base import Platform
from portal_spider.registry import Portal, adhoc_portal, find_portal, load_registry
from portal_spider.revisits import parse_steps
from portal_spider.safe_parse import (
    is_empty_record,
    parse_article_safely,
    parse_listing_safely,
    parse_related_safely,
)

logger = logging.getLogger(__name__)

GONE_STATUSES = (404, 410)
# paths a portal redirects a removed article to, besides its base URL
HOME_PATHS = {"", "/", "/default.aspx", "/pages/default.aspx", "/index.html", "/index.php"}
LISTING_PRIORITY = 10  # walk listings ahead of the articles they reveal


class PortalSpider(scrapy.Spider):
    """Walk portal listings and fetch new, due and pending article pages."""

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
        self.listings_requested: set[tuple[str, str]] = set()
        self.state: CrawlState | None = None
        self.clock = Clock()
        self.overlap = 1
        self.use_portal_delays = True
        for p in portals:
            if p.platform != "auto":
                self.platforms[p.slug] = get_platform(p.platform)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        # the crawler's settings are frozen only after the spider is built: the portals' own
        # delays and concurrency, and the delay floor, apply however the crawl was started
        politeness.apply_portal_politeness(crawler.settings, list(spider.portals.values()))
        return spider

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

    # --- start: listings, revisits, pending articles -------------------------------------------
    def open_state(self) -> CrawlState:
        """Read the crawl state from the archive named by the settings."""
        settings = self.crawler.settings
        self.clock = Clock(settings.get("PORTAL_ARCHIVE_NOW"))
        self.overlap = max(0, settings.getint("PORTAL_ARCHIVE_OVERLAP_PAGES", 1))
        self.use_portal_delays = settings.getbool("PORTAL_ARCHIVE_PORTAL_DELAYS", True)
        return CrawlState(
            settings.get("PORTAL_ARCHIVE_DB"),
            self.clock,
            full=settings.getbool("PORTAL_ARCHIVE_FULL"),
            max_attempts=settings.getint("PORTAL_ARCHIVE_MAX_ATTEMPTS", 5),
            default_steps=parse_steps(settings.get("PORTAL_ARCHIVE_REVISIT_DAYS")),
        )

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.state = self.open_state()
        for portal in self.portals.values():
            steps = parse_steps(portal.revisit_days) if portal.revisit_days is not None else None
            plan = self.state.plan(portal, steps)
            for url in portal.start_urls():
                request = self.listing_request(portal.slug, url)
                if request is not None:
                    yield request
            for article in plan.revisits:
                self.crawler.stats.inc_value(f"portal/{portal.slug}/revisits")
                yield self.article_request(portal.slug, article.url, article.article_id, "revisit")
            for row in plan.pending:
                yield self.article_request(portal.slug, row["url"], row["article_id"], "pending")

    def _request(
        self, slug: str, url: str, callback: Any, meta: dict[str, Any], **kwargs: Any
    ) -> scrapy.Request:
        portal = self.portals[slug]
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.failed,
            meta={
                "portal": slug,
                **politeness.request_meta(portal, use_delay=self.use_portal_delays),
                **meta,
            },
            **kwargs,
        )

    def listing_request(self, slug: str, url: str, streak: int = 0) -> scrapy.Request | None:
        """A request for a listing page, or None when this listing is walked already."""
        key = listing_key(url)
        page = page_number(url) or 1
        if streak == 0 and page == 1:
            if (slug, key) in self.listings_requested:
                return None
            self.listings_requested.add((slug, key))
        return self._request(
            slug,
            url,
            self.parse_listing,
            {"kind": "listing", "walk": key, "page": page, "streak": streak},
            priority=LISTING_PRIORITY,
        )

    def article_request(self, slug: str, url: str, aid: str, kind: str) -> scrapy.Request:
        """A request for an article page; ``kind`` is new, revisit or pending."""
        self.seen_articles.add(self.canonical(slug, url))
        return self._request(
            slug,
            url,
            self.parse_article,
            {"kind": kind, "article_id": aid, "handle_httpstatus_list": list(GONE_STATUSES)},
            # the run keeps its own "seen" set; a redirect to a page fetched already (the home
            # page) must still reach the callback to be recognised
            dont_filter=True,
        )

    # --- platform -------------------------------------------------------------------------------
    @staticmethod
    def page_text(response: Response) -> DecodedPage:
        """The page's text, decoded from its bytes whatever charset it claims (once a response)."""
        url, decoded = response.meta.get("decoded_page", (None, None))
        if url != response.url or not isinstance(decoded, DecodedPage):
            decoded = decode_page(response.body, response.headers.get("Content-Type"))
            response.meta["decoded_page"] = (response.url, decoded)
        return decoded

    def platform_for(self, slug: str, response: Response) -> Platform:
        """The portal's platform: declared, or detected from its first page and remembered."""
        if slug not in self.platforms:
            platform = detect_platform(response.url, self.page_text(response).text)
            self.platforms[slug] = platform
            logger.info("portal %s: detected platform %s", slug, platform.name)
            self.crawler.stats.set_value(f"portal/{slug}/detected_platform", platform.name)
        return self.platforms[slug]

    def canonical(self, slug: str, url: str) -> str:
        """The canonical article URL (by the portal's platform when known)."""
        base = self.portals[slug].base_url
        platform = self.platforms.get(slug)
        if platform is None:
            return canonical_url(url, base_url=base)
        return platform.canonical_article_url(url, base_url=base)

    def identity(self, slug: str, platform: Platform, url: str) -> tuple[str, str]:
        """The archive id and canonical URL of the article at ``url``."""
        canonical = platform.canonical_article_url(url, base_url=self.portals[slug].base_url)
        return article_id(slug, platform.item_id(url), canonical), canonical

    # --- callbacks -------------------------------------------------------------------------------
    def parse_listing(self, response: Response) -> Iterator[scrapy.Request | ArticleItem]:
        """A listing (or home) page: follow its new articles and, unless the walk stops, its next
        page."""
        slug = response.meta["portal"]
        if not isinstance(response, scrapy.http.TextResponse):
            return
        platform = self.platform_for(slug, response)
        if platform.is_article_url(response.url):
            yield from self.parse_article(response)
            return
        stats = self.crawler.stats
        stats.inc_value(f"portal/{slug}/listing_pages")
        assert self.state is not None
        walk = self.state.walk(
            slug, response.meta.get("walk") or listing_key(response.url), response.url
        )
        page = response.meta.get("page") or page_number(response.url) or 1
        walk.pages += 1
        walk.deepest_page = max(walk.deepest_page, page)

        listing, failure = parse_listing_safely(
            platform, response.url, self.page_text(response).text
        )
        if failure is not None:
            stats.inc_value(f"portal/{slug}/parse_errors")
            stats.inc_value(f"portal/{slug}/pages_failed")
            walk.failures += 1
        article_urls = self.on_portal(slug, [response.urljoin(u) for u in listing.article_urls])
        known = 0
        for url in article_urls:
            if self.is_known(slug, platform, url):
                known += 1
                continue
            yield from self.new_article_request(slug, platform, url)
        stats.inc_value(f"portal/{slug}/listing_articles", len(article_urls))
        stats.inc_value(f"portal/{slug}/listing_articles_known", known)

        all_known = bool(article_urls) and known == len(article_urls)
        streak = response.meta.get("streak", 0) + 1 if all_known else 0
        following, others = next_pages(
            response.url, self.on_portal(slug, [response.urljoin(u) for u in listing.next_urls])
        )
        for url in others:
            request = self.listing_request(slug, url)
            if request is not None:
                yield request
        if following is None:
            walk.ended = True
        elif walk.stop_allowed and streak > self.overlap:
            walk.ended = walk.stopped_early = True
            stats.inc_value(f"portal/{slug}/walks_stopped_early")
            logger.debug("portal %s: %s stops at page %d (all known)", slug, walk.listing, page)
        else:
            request = self.listing_request(slug, following, streak=streak)
            if request is not None:
                yield request

    def on_portal(self, slug: str, urls: list[str]) -> list[str]:
        """The URLs that belong to the portal's own site (links to other portals are left out)."""
        portal = self.portals[slug]
        return [url for url in urls if portal.owns(url)]

    def is_known(self, slug: str, platform: Platform, url: str) -> bool:
        """Whether the archive already holds the article at ``url``."""
        assert self.state is not None
        aid, canonical = self.identity(slug, platform, url)
        return self.state.plans[slug].knows(aid, canonical, url)

    def new_article_request(
        self, slug: str, platform: Platform, url: str
    ) -> Iterator[scrapy.Request]:
        """A request for an article neither archived nor requested yet in this run."""
        aid, canonical = self.identity(slug, platform, url)
        if canonical not in self.seen_articles:
            yield self.article_request(slug, url, aid, "new")

    def related_requests(self, slug: str, platform: Platform, response: Response) -> Iterator:
        """New articles linked from an article page's related-news list ("Các tin khác")."""
        related = parse_related_safely(platform, response.url, self.page_text(response).text)
        for url in self.on_portal(slug, [response.urljoin(u) for u in related.article_urls]):
            if not self.is_known(slug, platform, url):
                yield from self.new_article_request(slug, platform, url)

    def parse_article(
        self, response: Response
    ) -> Iterator[ArticleItem | GoneArticle | scrapy.Request]:
        """An article page: the page object's record with the raw capture, or its disappearance."""
        slug = response.meta["portal"]
        if response.status in GONE_STATUSES or self.redirected_home(slug, response):
            yield from self.article_gone(slug, response)
            return
        self.crawler.stats.inc_value(f"portal/{slug}/article_pages")
        platform = self.platform_for(slug, response)
        page = self.page_text(response)
        item = parse_article_safely(platform, response.url, page)
        if any(problem.startswith("parse:") for problem in item.problems):
            self.crawler.stats.inc_value(f"portal/{slug}/parse_errors")
        if item.refetch_reason is None and is_empty_record(item):
            item.refetch_reason = "the page holds neither a title nor a body"
        if "</html>" not in page.text[-4096:].lower():
            item.problem("html: the page ends before </html> (truncated or broken markup)")
        item.portal = slug
        item.item_id = item.item_id or platform.item_id(response.url)
        item.canonical_url = platform.canonical_article_url(
            response.url, base_url=self.portals[slug].base_url
        )
        item.fetched_at = self.clock.iso()
        item.http_status = response.status
        item.raw_body = response.body
        item.raw_headers = {
            k.decode("latin-1"): b", ".join(v).decode("latin-1")
            for k, v in response.headers.items()
        }
        if item.refetch_reason is not None and not self.keep_lost_page(slug, response, item):
            return
        yield item
        yield from self.related_requests(slug, platform, response)

    def keep_lost_page(self, slug: str, response: Response, item: ArticleItem) -> bool:
        """Count a page that gave nothing of its article as failed (it is fetched again by a later
        run); whether to store its record. A new article's record is stored (incomplete, with its
        raw capture; the store keeps it pending); an archived one is never replaced by it."""
        self.crawler.stats.inc_value(f"portal/{slug}/pages_failed")
        logger.warning(
            "portal %s: nothing of the article on %s: %s", slug, response.url, item.refetch_reason
        )
        aid = response.meta.get("article_id")
        assert self.state is not None
        if aid and aid in self.state.plans[slug].known_ids:
            request_url = (response.meta.get("redirect_urls") or [response.url])[0]
            self.state.record_failure(slug, aid, request_url, str(item.refetch_reason))
            return False
        return True

    def redirected_home(self, slug: str, response: Response) -> bool:
        """Whether an article request ended, through redirects, on the portal's home page."""
        if not response.meta.get("redirect_urls"):
            return False
        portal = self.portals[slug]
        if canonical_url(response.url) == canonical_url(portal.base_url):
            return True
        return urlsplit(response.url).path.lower() in HOME_PATHS and portal.owns(response.url)

    def article_gone(self, slug: str, response: Response) -> Iterator[GoneArticle]:
        """A 404/410 or a redirect home: gone if archived, else a failure to retry later."""
        request_url = (response.meta.get("redirect_urls") or [response.url])[0]
        reason = (
            f"HTTP {response.status}"
            if response.status in GONE_STATUSES
            else f"redirected to the home page {response.url}"
        )
        aid = response.meta.get("article_id")
        assert self.state is not None
        plan: PortalPlan = self.state.plans[slug]
        if aid and aid in plan.known_ids:
            self.crawler.stats.inc_value(f"portal/{slug}/gone_seen")
            logger.info("portal %s: article gone (%s): %s", slug, reason, request_url)
            yield GoneArticle(slug, aid, request_url, reason, self.clock.iso())
            return
        self.crawler.stats.inc_value(f"portal/{slug}/pages_failed")
        logger.warning("portal %s: failed %s: %s", slug, request_url, reason)
        if aid:
            self.state.record_failure(slug, aid, request_url, reason)

    def failed(self, failure: Failure) -> None:
        """A request that failed for good (after retries): counted, and remembered if an article."""
        request = failure.request
        slug = request.meta.get("portal", "?")
        stats = self.crawler.stats
        error = failure.getErrorMessage()
        if failure.check(IgnoreRequest) and not failure.check(HttpError) and "robots" in error:
            # left out on purpose, not a failure of the portal
            stats.inc_value(f"portal/{slug}/forbidden_by_robots")
            return
        stats.inc_value(f"portal/{slug}/pages_failed")
        logger.warning("portal %s: failed %s: %s", slug, request.url, error)
        kind = request.meta.get("kind")
        if self.state is None or slug not in self.state.plans:
            return
        if kind == "listing":
            walk = self.state.walks.get((slug, request.meta.get("walk", "")))
            if walk is not None:
                walk.failures += 1
        elif kind in ("new", "pending") and request.meta.get("article_id"):
            self.state.record_failure(slug, request.meta["article_id"], request.url, error)

    def closed(self, reason: str) -> None:
        """Record the listing walks that completed, and let the archive go."""
        if self.state is None:
            return
        completed = self.state.finish(reason == "finished")
        logger.info("%d listing walk(s) completed (%s)", completed, reason)
        self.state.close()
