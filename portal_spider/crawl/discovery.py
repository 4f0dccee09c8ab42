"""What the spider asks discovery, for portals read by the generic rules.

:class:`Discovery` keeps each such portal's :class:`~portal_spider.discovery.model.SiteModel`
for the run: it wraps the generic page object into a
:class:`~portal_spider.platforms.discovery.DiscoveryPlatform`, adds the portal's ``robots.txt``
(for its Sitemap lines) and its remembered listings (sitemaps, feeds, menus) to the walk, holds
back listings not due on their schedule, turns WebForms pagers into postback requests, refuses
responses that are no articles (documents, other pages, a second URL of one article) and writes
the model back at the end of the run. For portals on a known platform every method lets things
pass as they were.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from scrapy.http import Response, TextResponse
from sqlite_utils import Database

from archive.site_models import load_schedule, load_site_model, save_site_model
from portal_spider.crawl.paging import listing_key
from portal_spider.discovery.canonical import CanonicalRules
from portal_spider.discovery.classify import ARTICLE
from portal_spider.discovery.feeds import is_machine_listing, robots_url
from portal_spider.discovery.model import ScheduledListing, SiteModel
from portal_spider.discovery.postback import (
    PAGE_ARGUMENT,
    page_url,
    postback_page,
    postback_pager,
    postback_request,
)
from portal_spider.discovery.shapes import is_html_type, path_shape
from portal_spider.extraction.html_tree import EmptyPage, parse_html
from portal_spider.items import ArticleItem
from portal_spider.platforms.base import Platform
from portal_spider.platforms.discovery import DiscoveryPlatform
from portal_spider.registry import Portal


class Discovery:
    """Site models of the run's portals, and the spider's questions about them."""

    def __init__(self) -> None:
        self.db: Database | None = None
        self.models: dict[str, SiteModel] = {}
        self.started: set[str] = set()  # portals whose extra listings are queued
        self.start_keys: dict[str, set[str]] = {}
        self.walk_news: dict[tuple[str, str], tuple[str, int]] = {}  # walk -> (first URL, new)
        self.forms: dict[str, dict[str, Any]] = {}  # postback page URL -> request arguments
        self.pagers: dict[str, dict[str, Any]] = {}  # listing key -> its last Page$N postback
        self.bodies: dict[tuple[str, str], str] = {}  # (portal, body hash) -> URL
        self.platform_names: dict[str, str] = {}

    def open(self, db: Database, portal: Portal) -> None:
        """Read the portal's model from the archive."""
        self.db = db
        self.models[portal.slug] = SiteModel.from_rows(
            portal.slug, load_site_model(db, portal.slug), load_schedule(db, portal.slug)
        )
        self.start_keys[portal.slug] = {listing_key(url) for url in portal.start_urls()}

    def wrap(self, slug: str, platform: Platform) -> Platform:
        """The generic page object with the portal's model; other platforms as they are."""
        self.platform_names[slug] = platform.name
        if platform.name != "generic" or isinstance(platform, DiscoveryPlatform):
            return platform
        model = self.models.setdefault(slug, SiteModel(slug))
        return DiscoveryPlatform(model)

    def active(self, slug: str) -> bool:
        return slug in self.models and slug in self.started

    # --- listings -------------------------------------------------------------------------------
    def extra_listings(self, slug: str, platform: Platform, base_url: str) -> list[str]:
        """Once per run, when the portal is read by discovery: its robots.txt and the remembered
        listings that are due (the caller queues them; the schedule holds back the others)."""
        if not isinstance(platform, DiscoveryPlatform) or slug in self.started:
            return []
        self.started.add(slug)
        model = self.models[slug]
        urls = [robots_url(base_url), *model.sitemaps, *model.feeds]
        urls += [entry.url for entry in model.schedule.values()]
        return list(dict.fromkeys(urls))

    def not_due(self, slug: str, key: str, now: datetime) -> bool:
        """Whether the schedule holds back the listing ``key`` in this run."""
        if slug not in self.models or key in self.start_keys.get(slug, set()):
            return False
        entry = self.models[slug].schedule.get(key)
        if entry is None or entry.url in self.models[slug].feeds:
            return False  # a feed is the portal's newest articles in one request: every run
        return not entry.due(now)

    def walked_page(self, slug: str, walk: str, first_url: str, new: int, links: int) -> None:
        """A page of the walk ``walk`` linked ``links`` articles, ``new`` of them new.

        On a portal read by discovery a walk counts by its new articles; on a known platform
        only by whether it linked any article at all (an about or contact page the platform's
        rules took for a listing), so its listings stay walked as the platform walks them.
        """
        counted = new if slug in self.started else links
        url, count = self.walk_news.get((slug, walk), (first_url, 0))
        self.walk_news[(slug, walk)] = (url, count + counted)

    def is_article_page(self, slug: str, platform: Platform, response: Response, text: str) -> bool:
        """Whether a page requested as a listing is an article page (a start page never is)."""
        if not isinstance(platform, DiscoveryPlatform):
            return platform.is_article_url(response.url)
        if is_machine_listing(response.url, response.body):
            return False
        if listing_key(response.url) in self.start_keys.get(slug, set()):
            return False
        return platform.page_kind(response.url, text) == ARTICLE

    def postback_pages(self, slug: str, response: Response, page: int) -> list[str]:
        """The next page of a WebForms postback pager, as a page URL whose request is kept."""
        if not self.active(slug) or not isinstance(response, TextResponse):
            return []
        if b"__doPostBack" not in response.body:
            return []
        try:
            tree = parse_html(response.text)
        except EmptyPage:
            return []
        pages = postback_pager(tree, page)
        if page + 1 not in pages:
            return []
        target, argument = pages[page + 1]
        request = postback_request(response, target, argument)
        if request is None:
            return []
        url = page_url(self.page_name(response), page + 1)
        self.forms[url] = {
            "url": request.url,
            "method": request.method,
            "body": request.body,
            "headers": request.headers,
        }
        if PAGE_ARGUMENT.match(argument):
            self.pagers[listing_key(url)] = self.forms[url]
        return [url]

    @staticmethod
    def page_name(response: Response) -> str:
        """The URL a listing page goes by: a postback page's name, else the response's URL."""
        requested = response.meta.get("listing_url") or ""
        return requested if postback_page(requested) else response.url

    def form_for(self, url: str) -> dict[str, Any]:
        """The request arguments of a postback page URL (empty for an ordinary URL).

        A page not offered by the last pager seen (a walk resuming at page 7 of a killed run)
        is asked for with that pager's form and ``Page$7``: a grid answers any of its pages.
        """
        if url in self.forms:
            return dict(self.forms[url])
        number = postback_page(url)
        template = self.pagers.get(listing_key(url)) if number else None
        if template is None:
            return {}
        fields = [
            (name, f"Page${number}" if name == "__EVENTARGUMENT" else value)
            for name, value in parse_qsl(template["body"].decode("ascii"), keep_blank_values=True)
        ]
        return {**template, "body": urlencode(fields).encode("ascii")}

    # --- articles -------------------------------------------------------------------------------
    def refuses(self, slug: str, platform: Platform, response: Response, text: str) -> str | None:
        """Why a response requested as an article is no article (None when it may be one)."""
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        if not isinstance(response, TextResponse) or not is_html_type(content_type):
            reason = f"not a web page ({content_type or 'no type'})"
        elif isinstance(platform, DiscoveryPlatform):
            kind = platform.page_kind(response.url, text)
            # a short notice on a page of the portal's article template is an article still
            known = path_shape(response.url) in platform.model.known_article_shapes()
            short = kind != ARTICLE and not known and platform.short_article(text)
            reason = None if kind == ARTICLE or known or short else f"a {kind} page"
        else:
            return None
        if reason and slug in self.started:
            url = (response.meta.get("redirect_urls") or [response.url])[0]
            self.models[slug].not_articles.add(platform.canonical_article_url(url))
        return reason

    def duplicate_of(self, slug: str, item: ArticleItem) -> str | None:
        """The URL that gave the same article in this run, if any (its differing parameters are
        learned as not changing the page)."""
        if slug not in self.started or not item.body_text:
            return None
        digest = hashlib.sha256(f"{item.title}\x1f{item.body_text}".encode()).hexdigest()
        other = self.bodies.setdefault((slug, digest), item.url)
        if other == item.url:
            return None
        rules: CanonicalRules = self.models[slug].canonical
        rules.learn_duplicate(item.url, other)
        return other

    # --- the end of the run ---------------------------------------------------------------------
    def save(self, now: datetime) -> None:
        """Write the models of the portals read by discovery, with their listings' schedule."""
        if self.db is None:
            return
        touched = set(self.started)
        for (slug, walk), (url, count) in self.walk_news.items():
            schedule = self.models[slug].schedule
            if count == 0 or walk in schedule or slug in self.started:
                entry = schedule.setdefault(walk, ScheduledListing(listing=walk, url=url))
                entry.walked(count, now)
                touched.add(slug)
        for slug in touched:
            model = self.models[slug]
            if slug not in self.started:
                model.platform = self.platform_names.get(slug, model.platform)
            row, schedule = model.to_rows(now)
            save_site_model(self.db, row, schedule)
