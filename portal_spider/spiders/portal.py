"""The one spider: walks the listings of one or more portals and yields their articles.

``portal-archive crawl`` hands it :class:`~portal_spider.registry.Portal` rows; from the Scrapy
command line it takes ``-a portal=<slug>|all`` or ``-a url=<listing URL>``. The page object of the
portal's platform (declared in the registry, or detected from the first page) does all parsing.

What a run fetches, per portal (the archive remembers the rest: :mod:`portal_spider.crawl.plan`):

* its listings, each walked page after page (:mod:`portal_spider.crawl.paging`). A link to an
article
  the archive already holds is not followed. In incremental mode (the default), once a listing has
  had a complete walk, the walk stops when ``PORTAL_ARCHIVE_OVERLAP_PAGES`` pages in a row after
  a page of only known articles were known too (with the default 1: the first all-known page and
  one more). A listing whose last walk stopped before its end (a killed run, a limit) is walked
  from page 1 to that stop point, then on from the page it reached
  (:mod:`portal_spider.crawl.resume`);
  without a resume point it is paged through to its end; ``--full`` (``PORTAL_ARCHIVE_FULL``)
  pages through every listing;
* the articles due for a revisit (:mod:`portal_spider.crawl.revisits`), to record views and edits;
* the article pages that failed in earlier runs (pending), until they are stored.

An article that answers 404 or 410, or redirects to the portal's home page, is reported gone
(:class:`~portal_spider.items.GoneArticle`) when the archive holds it, and kept as pending when it
does not.

What a run may fetch is bounded (:mod:`portal_spider.crawl.limits`): listing pages per listing,
requests per portal, and listing URL families that lead only to more listings
(:mod:`portal_spider.crawl.traps`). Listing pages wait in the spider's frontier
(:mod:`portal_spider.crawl.frontier`), a few per portal out at once, so the article requests they
reveal are never starved.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest, UsageError
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archive.store import article_id
from portal_spider.crawl import politeness
from portal_spider.crawl.capture import ArchiveCaptureSink, CaptureSink, FileFetcher, headers_dict
from portal_spider.crawl.clock import Clock
from portal_spider.crawl.discovery import Discovery
from portal_spider.crawl.downloader.boundary import LeftPortal, last_redirect, redirect_note
from portal_spider.crawl.downloader.circuit import HostUnavailable
from portal_spider.crawl.frontier import ListingLink
from portal_spider.crawl.limits import Limits, PortalLimits
from portal_spider.crawl.pagesize import max_size, too_large_reason
from portal_spider.crawl.paging import listing_key, next_pages, page_number
from portal_spider.crawl.plan import CrawlState, PortalPlan, Walk
from portal_spider.crawl.revisits import parse_steps
from portal_spider.crawl.safe_parse import (
    is_empty_record,
    parse_article_safely,
    parse_listing_safely,
    parse_related_safely,
)
from portal_spider.crawl.traps import family_of_key
from portal_spider.items import ArticleItem, GoneArticle
from portal_spider.normalize.charset import DecodedPage, decode_page
from portal_spider.normalize.urls import canonical_url, joins_to_itself
from portal_spider.platforms import detect_platform, get_platform
from portal_spider.platforms.base import Platform
from portal_spider.registry import Portal, adhoc_portal, find_portal, load_registry

logger = logging.getLogger(__name__)

GONE_STATUSES = (404, 410)
# paths a portal redirects a removed article to, besides its base URL
HOME_PATHS = {"", "/", "/default.aspx", "/pages/default.aspx", "/index.html", "/index.php"}
# walk listings ahead of the articles they reveal: at most PORTAL_ARCHIVE_LISTINGS_IN_FLIGHT of a
# portal are out at once (the others wait in its frontier), so the articles still flow
LISTING_PRIORITY = 10
IDENTITY_CACHE = 100_000  # article identities kept per crawl before the cache starts again


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
        # (slug, url) -> (article id, canonical URL): a link met again is not worked out again
        self.identities: dict[tuple[str, str], tuple[str, str]] = {}
        self.listings_requested: set[tuple[str, str]] = set()
        self.state: CrawlState | None = None
        self.limits: dict[str, PortalLimits] = {}
        # articles requested and not settled yet -> the walks' listing pages that link them
        self.unsettled: dict[str, list[tuple[Walk, int]]] = {}
        self.clock = Clock()
        self.overlap = 1
        self.use_portal_delays = True
        self.files: FileFetcher | None = None
        self.discovery = Discovery()  # site models of the portals read by the generic rules
        for p in portals:
            if p.platform != "auto":
                self.platforms[p.slug] = get_platform(p.platform)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.files = FileFetcher(crawler)  # attachments, images, the home page: crawl/capture
        # the crawler's settings are frozen only after the spider is built: the portals' own
        # delays and concurrency, and the delay floor, apply however the crawl was started
        politeness.apply_portal_politeness(crawler.settings, list(spider.portals.values()))
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider.item_done, signal=signal)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        return spider

    @staticmethod
    def _portals_from_arguments(portal: str | None, url: str | None) -> list[Portal]:
        if url:
            return [adhoc_portal(url)]
        if portal is None:
            raise UsageError(
                "name the portals to crawl: -a portal=<slug>, -a portal=all (every active "
                "portal) or -a url=<listing URL>"
            )
        registry = load_registry()
        if portal == "all":
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
        for slug, portal in self.portals.items():
            limits = Limits.for_portal(settings, portal)
            self.limits[slug] = PortalLimits(limits)
            self.crawler.stats.set_value(f"portal/{slug}/limits", limits.__dict__.copy())
        state = self.crawl_state(settings)
        for slug, portal in self.portals.items():
            self.discovery.open(state, portal)
            if slug in self.platforms:
                self.platforms[slug] = self.discovery.wrap(slug, self.platforms[slug])
        return state

    def capture_sink(self) -> CaptureSink:
        """Where the captures of listings, files and other pages go: the archive of the settings."""
        return ArchiveCaptureSink(self.crawler.settings.get("PORTAL_ARCHIVE_DB"))

    def crawl_state(self, settings: Any) -> CrawlState:
        """The run's crawl state, read from and written to the archive of the settings."""
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
            if self.files is not None:  # the home page, and files a killed run did not fetch
                home = self.files.home_request(portal, self.use_portal_delays)
                files = self.files.pending_requests(portal, self.use_portal_delays)
                for request in self.paid(portal.slug, ([home] if home else []) + files):
                    yield request
            for url in portal.start_urls():
                self.queue_listing(portal.slug, self.first_page(url))
            for request in self.release_listings(portal.slug):
                yield request
            for article in plan.revisits:
                request = self.article_request(
                    portal.slug, article.url, article.article_id, "revisit"
                )
                if request is not None:
                    self.crawler.stats.inc_value(f"portal/{portal.slug}/revisits")
                    yield request
            for row in plan.pending:
                aid = row["article_id"]
                request = self.article_request(portal.slug, row["url"], aid, "pending")
                if request is not None:
                    yield request

    def _request(
        self,
        slug: str,
        url: str,
        callback: Any,
        meta: dict[str, Any],
        *,
        charged: bool = False,
        **kwargs: Any,
    ) -> scrapy.Request | None:
        """A request to the portal, or None when its request budget is spent (``charged``: the
        request was paid for already)."""
        portal = self.portals[slug]
        limits = self.limits.get(slug)
        if limits is not None and not charged and not limits.budget.take():
            self.request_limit_reached(slug)
            return None
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

    def listing_request(self, slug: str, link: ListingLink) -> scrapy.Request | None:
        """The request for a listing page released by the portal's frontier (paid for); a
        WebForms postback page is a POST of its listing's form."""
        form = self.discovery.form_for(link.url)
        return self._request(
            slug,
            form.pop("url", link.url),
            self.parse_listing,
            {
                "kind": "listing",
                "walk": link.walk,
                "page": link.page,
                "streak": link.streak,
                "listing_url": link.url,
            },
            charged=True,
            priority=LISTING_PRIORITY,
            **form,
        )

    def article_request(
        self, slug: str, url: str, aid: str, kind: str, walk: Walk | None = None, page: int = 0
    ) -> scrapy.Request | None:
        """A request for an article page (``kind``: new, revisit or pending), or None when the
        portal's request budget is spent. ``walk`` and ``page``: the listing page linking it."""
        meta: dict[str, Any] = {
            "kind": kind,
            "article_id": aid,
            "handle_httpstatus_list": list(GONE_STATUSES),
        }
        # the run keeps its own "seen" set; a redirect to a page fetched already (the home
        # page) must still reach the callback to be recognised
        request = self._request(slug, url, self.parse_article, meta, dont_filter=True)
        if request is None:
            if walk is not None:
                walk.progress.not_requested(page)
                walk.stopped_by = walk.stopped_by or "max_requests"
            return None
        self.seen_articles.add(self.canonical(slug, url))
        self.unsettled.setdefault(aid, [])
        if walk is not None:
            self.wait_for(walk, page, aid)
        return request

    def paid(self, slug: str, requests: list[scrapy.Request]) -> Iterator[scrapy.Request]:
        """The requests the portal's request budget still pays for (home page, files)."""
        for request in requests:
            if self.limits[slug].budget.take():
                yield request
            else:
                self.request_limit_reached(slug)

    def wait_for(self, walk: Walk, page: int, aid: str) -> None:
        """The walk's ``page`` links the article ``aid``: its resume point waits for it."""
        walk.progress.requested(page, aid)
        self.unsettled[aid].append((walk, page))

    # --- the listing frontier and the limits ----------------------------------------------------
    def first_page(self, url: str, key: str | None = None) -> ListingLink:
        """The link that begins the walk of the listing ``url`` belongs to (``key``: its listing
        key, when known already)."""
        key = key or listing_key(url)
        return ListingLink(url, key, family_of_key(key), page_number(url) or 1)

    def queue_listing(self, slug: str, link: ListingLink) -> None:
        """Let a listing page wait its turn in the portal's frontier, unless it is left out."""
        if not link.continuation and link.page == 1:
            if (slug, link.walk) in self.listings_requested:
                return
            full = self.state is not None and self.state.full  # a backfill walks them all
            if not full and self.discovery.not_due(slug, link.walk, self.clock.now()):
                self.crawler.stats.inc_value(f"portal/{slug}/listings_not_due")
                return
            self.listings_requested.add((slug, link.walk))
        reason = self.limits[slug].queue(link)
        if reason is not None:
            self.left_out(slug, link, reason)

    def release_listings(self, slug: str) -> list[scrapy.Request]:
        """The listing requests the portal's frontier lets out now."""
        released, refused = self.limits[slug].release()
        if refused:
            self.request_limit_reached(slug)
            for link in refused:
                self.left_out(slug, link, "max_requests")
        requests = [self.listing_request(slug, link) for link in released]
        return [request for request in requests if request is not None]

    def left_out(self, slug: str, link: ListingLink, reason: str) -> None:
        """A listing page not requested because of ``reason``; its walk stops there."""
        stats = self.crawler.stats
        stats.inc_value(f"portal/{slug}/listings_left_out/{reason}")
        if link.continuation and self.state is not None:
            walk = self.state.walks.get((slug, link.walk))
            if walk is not None and walk.stopped_by is None:
                walk.stopped_by = reason

    def request_limit_reached(self, slug: str) -> None:
        """Log the portal's spent request budget once, and count the requests refused."""
        limits = self.limits[slug]
        stats = self.crawler.stats
        stats.set_value(f"portal/{slug}/requests_refused", limits.budget.refused)
        if limits.budget_reported:
            return
        limits.budget_reported = True
        stats.set_value(f"portal/{slug}/limit_reached/max_requests", limits.budget.limit)
        logger.warning(
            "portal %s: request limit reached (%d requests in this run); the rest waits for the "
            "next run",
            slug,
            limits.budget.limit,
        )

    def cut_trap(self, slug: str, family: str) -> None:
        """Cut a listing family off as a trap: log it, count it, drop its waiting pages."""
        limits = self.limits[slug]
        dropped = limits.cut(family)
        for link in dropped:
            self.left_out(slug, link, "trap")
        stats = self.crawler.stats
        stats.inc_value(f"portal/{slug}/traps")
        families = list(stats.get_value(f"portal/{slug}/trap_families") or [])
        stats.set_value(f"portal/{slug}/trap_families", [*families, family])
        logger.warning(
            "portal %s: listing trap cut off after %d listing pages without a new article: %s "
            "(%d waiting listing pages dropped)",
            slug,
            limits.limits.trap_pages,
            family,
            len(dropped),
        )

    def settle(self, meta: dict[str, Any]) -> None:
        """An article is settled (stored, gone, or pending): the walks linking it move on."""
        aid = meta.get("article_id")
        if not aid or meta.get("kind") == "listing":
            return
        for walk, page in self.unsettled.pop(aid, []):
            walk.progress.settled(page, aid)
            if self.state is not None:
                self.state.save_progress(walk)  # only when the resume point moved

    def item_done(self, response: Response | None = None, **kwargs: Any) -> None:
        """An item went through the pipelines (stored, dropped or failed there)."""
        if response is not None:
            self.settle(response.meta)

    def request_dropped(self, request: scrapy.Request, **kwargs: Any) -> None:
        """A request the scheduler refused (a duplicate): a listing frees its frontier slot."""
        slug = request.meta.get("portal", "")
        if request.meta.get("kind") == "listing" and slug in self.limits:
            self.limits[slug].frontier.answered()

    def idle(self, **kwargs: Any) -> None:
        """Nothing in flight: release the listing pages still waiting (any slot held by a
        request lost on the way is free now), and keep the spider open while there are some."""
        requests = []
        for slug, limits in self.limits.items():
            if len(limits.frontier):
                limits.frontier.in_flight = 0
                requests.extend(self.release_listings(slug))
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

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
            detected = detect_platform(response.url, self.page_text(response).text)
            platform = self.discovery.wrap(slug, detected)
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
        """The archive id and canonical URL of the article at ``url`` (worked out once a URL)."""
        known = self.identities.get((slug, url))
        if known is None or self.platforms.get(slug) is not platform:
            canonical = platform.canonical_article_url(url, base_url=self.portals[slug].base_url)
            known = (article_id(slug, platform.item_id(url), canonical), canonical)
            if len(self.identities) >= IDENTITY_CACHE:
                self.identities.clear()
            self.identities[(slug, url)] = known
        return known

    # --- callbacks -------------------------------------------------------------------------------
    def parse_listing(self, response: Response) -> Iterator[scrapy.Request | ArticleItem]:
        """A listing (or home) page: follow its new articles and, unless the walk stops, its next
        page; its links to other listings wait in the portal's frontier."""
        slug = response.meta["portal"]
        self.limits[slug].frontier.answered()
        if not isinstance(response, scrapy.http.TextResponse):
            yield from self.release_listings(slug)
            return
        platform = self.platform_for(slug, response)
        for url in self.discovery.extra_listings(slug, platform, self.portals[slug].base_url):
            self.queue_listing(slug, self.first_page(url))
        if self.discovery.is_article_page(slug, platform, response, self.page_text(response).text):
            yield from self.parse_article(response)
            yield from self.release_listings(slug)
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
        here = self.discovery.page_name(response)  # a postback page is named by its number
        walk.progress.fetched(page, here)

        listing, failure = parse_listing_safely(
            platform, response.url, self.page_text(response).text
        )
        if failure is not None:
            stats.inc_value(f"portal/{slug}/parse_errors")
            stats.inc_value(f"portal/{slug}/pages_failed")
            walk.failures += 1
        listing.next_urls += self.discovery.postback_pages(slug, response, page)
        article_urls = self.on_portal(slug, self.absolute(response, listing.article_urls))
        known = new = 0
        requests: list[scrapy.Request] = []
        for url in article_urls:
            if self.is_known(slug, platform, url):
                known += 1
                continue
            aid, canonical = self.identity(slug, platform, url)
            if aid in self.state.plans[slug].too_large:  # given up on: recorded, never refetched
                self.crawler.stats.inc_value(f"portal/{slug}/too_large_known")
                known += 1
                continue
            if canonical in self.seen_articles:
                if aid in self.unsettled:  # requested from elsewhere, not stored yet
                    self.wait_for(walk, page, aid)
                continue
            new += 1
            request = self.article_request(slug, url, aid, "new", walk, page)
            if request is not None:
                requests.append(request)
        stats.inc_value(f"portal/{slug}/listing_articles", len(article_urls))
        stats.inc_value(f"portal/{slug}/listing_articles_known", known)

        all_known = bool(article_urls) and known == len(article_urls)
        streak = response.meta.get("streak", 0) + 1 if all_known else 0
        self.discovery.walked_page(slug, walk.listing, walk.first_url, new, len(article_urls))
        following, others = next_pages(
            here,
            self.on_portal(slug, self.absolute(response, listing.next_urls)),
        )
        links = [
            self.first_page(url, key)
            for url, key in ((url, listing_key(url)) for url in others)
            if (slug, key) not in self.listings_requested
        ]
        continuation = self.continue_walk(slug, walk, page, streak, following)
        if continuation is not None:
            links.insert(0, continuation)
        family = family_of_key(walk.listing)
        if self.limits[slug].traps.observe(family, new):
            self.cut_trap(slug, family)
        for link in links:
            self.queue_listing(slug, link)
        self.state.save_progress(walk)
        yield from requests
        yield from self.release_listings(slug)

    def continue_walk(
        self, slug: str, walk: Walk, page: int, streak: int, following: str | None
    ) -> ListingLink | None:
        """The walk's next listing page, or None when the walk ends or stops here."""
        stats = self.crawler.stats
        progress = walk.progress
        head_known = streak > self.overlap  # the incremental stop condition
        if following is None:
            walk.ended = True
            return None
        if walk.stop_allowed and head_known and not progress.jump_pending:
            walk.ended = True
            stats.inc_value(f"portal/{slug}/walks_stopped_early")
            logger.debug("portal %s: %s stops at page %d (all known)", slug, walk.listing, page)
            return None
        if self.limits[slug].listing_pages_reached(walk.pages):
            walk.stopped_by = "max_listing_pages"
            stats.inc_value(f"portal/{slug}/limit_reached/max_listing_pages")
            logger.warning(
                "portal %s: %s stops at page %d: listing page limit (%d pages per run) reached; "
                "the next run continues from there",
                slug,
                walk.listing,
                page,
                walk.pages,
            )
            return None
        family = family_of_key(walk.listing)
        if progress.jump_pending and head_known and progress.resume_url is not None:
            progress.resumed = True
            stats.inc_value(f"portal/{slug}/walks_resumed")
            logger.info(
                "portal %s: %s: page %d is known; continuing from page %s where the last walk "
                "stopped",
                slug,
                walk.listing,
                page,
                progress.resume_page,
            )
            resume_page = progress.resume_page or page_number(progress.resume_url) or page + 1
            return ListingLink(progress.resume_url, walk.listing, family, resume_page, 0, True)
        next_page = page_number(following) or page + 1
        return ListingLink(following, walk.listing, family, next_page, streak, True)

    @staticmethod
    def absolute(response: Response, urls: list[str]) -> list[str]:
        """``urls`` resolved as ``response.urljoin`` does (a listing's links are mostly absolute
        already, a hundred pager links a page: those are not split and joined again)."""
        return [url if joins_to_itself(url) else response.urljoin(url) for url in urls]

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
        assert self.state is not None
        if aid in self.state.plans[slug].too_large:
            self.crawler.stats.inc_value(f"portal/{slug}/too_large_known")
            return
        if canonical not in self.seen_articles:
            request = self.article_request(slug, url, aid, "new")
            if request is not None:
                yield request

    def related_requests(self, slug: str, platform: Platform, response: Response) -> Iterator:
        """New articles linked from an article page's related-news list ("Các tin khác")."""
        related = parse_related_safely(platform, response.url, self.page_text(response).text)
        for url in self.on_portal(slug, self.absolute(response, related.article_urls)):
            if not self.is_known(slug, platform, url):
                yield from self.new_article_request(slug, platform, url)

    def parse_article(
        self, response: Response
    ) -> Iterator[ArticleItem | GoneArticle | scrapy.Request]:
        """An article page: the page object's record with the raw capture, or its disappearance."""
        slug = response.meta["portal"]
        if not self.portals[slug].owns(response.url):
            # the boundary middleware refuses such hops; never store another site's page
            self.crawler.stats.inc_value(f"portal/{slug}/redirected_offsite")
            self.record_left_portal(slug, response, response.url, last_redirect(response.meta))
            return
        if response.status in GONE_STATUSES or self.redirected_home(slug, response):
            yield from self.article_gone(slug, response)
            return
        platform = self.platform_for(slug, response)
        page = self.page_text(response)
        refused = self.discovery.refuses(slug, platform, response, page.text)
        if refused is not None:  # a document or another page, linked like an article
            self.crawler.stats.inc_value(f"portal/{slug}/not_articles")
            logger.info("portal %s: %s not stored: %s", slug, response.url, refused)
            self.keep_unstored(response, "other")
            self.settle(response.meta)
            return
        self.crawler.stats.inc_value(f"portal/{slug}/article_pages")
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
        item.raw_headers = headers_dict(response.headers)
        item.raw_request_headers = headers_dict(response.request.headers)
        if item.refetch_reason is not None and not self.keep_lost_page(slug, response, item):
            return
        if self.discovery.duplicate_of(slug, item) is not None:
            self.crawler.stats.inc_value(f"portal/{slug}/duplicates_dropped")
            self.keep_unstored(response, "article")
            self.settle(response.meta)
            return
        yield item
        if self.files is not None:
            files = self.files.requests(self.portals[slug], item, self.use_portal_delays)
            yield from self.paid(slug, files)
        yield from self.related_requests(slug, platform, response)

    def keep_unstored(self, response: Response, kind: str) -> None:
        """Keep the raw capture of a page fetched as an article but not stored as one (a
        document linked like an article, the same article under another address)."""
        if self.files is not None:
            self.files.writer.keep_logged(response.request, response, kind)

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
            self.settle(response.meta)
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
            self.settle(response.meta)

    def failed(self, failure: Failure) -> list[scrapy.Request]:
        """A request that failed for good (after retries): counted, and remembered if an article.
        A listing frees its frontier slot: the listing requests let out then are returned."""
        request = failure.request
        slug = request.meta.get("portal", "?")
        kind = request.meta.get("kind")
        released: list[scrapy.Request] = []
        if kind == "listing" and slug in self.limits:
            self.limits[slug].frontier.answered()
            released = self.release_listings(slug)
        self.record_failed(failure)
        return released

    def record_failed(self, failure: Failure) -> None:
        """Count a failed request, and remember it: a listing's walk fails, an article is kept.

        An article page over the size cap is recorded with its reason and not retried; one the
        circuit breaker did not send stays pending without a try counted against it.
        """
        request = failure.request
        slug = request.meta.get("portal", "?")
        stats = self.crawler.stats
        error = failure.getErrorMessage()
        if failure.check(LeftPortal):
            left = failure.value
            if not left.redirected:  # the portal's own URL: a failure, not the portal's choice
                stats.inc_value(f"portal/{slug}/pages_failed")
            self.record_left_portal(slug, request, left.url, left.redirect, left.reason)
            return
        if failure.check(IgnoreRequest) and not failure.check(HttpError) and "robots" in error:
            # left out on purpose, not a failure of the portal
            stats.inc_value(f"portal/{slug}/forbidden_by_robots")
            return
        stats.inc_value(f"portal/{slug}/pages_failed")
        not_sent = failure.check(HostUnavailable) is not None
        too_large = too_large_reason(failure, max_size(request, self.crawler.settings))
        if too_large:
            error = too_large
            stats.inc_value(f"portal/{slug}/pages_too_large")
        if not_sent:  # the breaker logged it once for the whole host
            logger.debug("portal %s: %s %s", slug, error, request.url)
        else:
            logger.warning("portal %s: failed %s: %s", slug, request.url, error)
        kind = request.meta.get("kind")
        if self.state is None or slug not in self.state.plans:
            return
        aid = request.meta.get("article_id")
        if kind == "listing":
            walk = self.state.walks.get((slug, request.meta.get("walk", "")))
            if walk is not None:
                walk.failures += 1
        elif kind in ("new", "pending") and aid:
            if too_large:
                self.state.give_up(slug, aid, request.url, error)
            elif not_sent and not request.meta.get("retry_times"):
                self.state.keep_pending(slug, aid, request.url, error)
            else:
                self.state.record_failure(slug, aid, request.url, error)
            self.settle(request.meta)

    def record_left_portal(
        self,
        slug: str,
        request: scrapy.Request | Response,
        target: str,
        redirect: int | str | None,
        reason: str | None = None,
    ) -> None:
        """An article request that led off the portal: kept pending with where it went."""
        origin = (request.meta.get("redirect_urls") or [request.url])[0]
        if request.meta.get("redirect_urls"):
            why = f"redirected off the portal to {target}{redirect_note(redirect)}"
        else:
            why = f"refused: {reason or target}"
        logger.warning("portal %s: %s: %s; not stored", slug, origin, why)
        if self.state is None:
            return
        if request.meta.get("kind") == "listing":
            walk = self.state.walks.get((slug, request.meta.get("walk", "")))
            if walk is not None:
                walk.failures += 1
            return
        aid = request.meta.get("article_id")
        # as in failed(): an archived article (a revisit) is not made pending
        if request.meta.get("kind") in ("new", "pending") and slug in self.state.plans and aid:
            self.state.record_failure(slug, aid, origin, why)
            self.settle(request.meta)

    def closed(self, reason: str) -> None:
        """Record the listing walks that completed, and let the archive go."""
        if self.state is None:
            return
        completed = self.state.finish(reason == "finished")
        self.discovery.save(self.clock.now())
        logger.info("%d listing walk(s) completed (%s)", completed, reason)
        self.state.close()
