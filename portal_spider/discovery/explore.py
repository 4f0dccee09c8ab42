"""``portal-archive explore``: a bounded, polite sample of a portal and the site model it shows.

Before a full crawl of a new portal an operator wants to know, in a minute, what the crawler will
make of it: which platform it detects, which listings it finds and how many pages each has, what
its article URLs look like, which fields it reads on a few articles and by which rule, and what it
could not find. :func:`explore` fetches at most ``max_pages`` pages (robots.txt, the home page,
its sitemaps and feeds, menu listings, a few articles, then further listing pages), one at a time
with a delay, obeying robots.txt, and builds that model with the crawler's own discovery code.
"""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from portal_spider.crawl.paging import listing_key, next_pages, page_number
from portal_spider.discovery.classify import ARTICLE
from portal_spider.discovery.feeds import is_machine_listing, robots_url
from portal_spider.discovery.postback import postback_pager
from portal_spider.discovery.shapes import is_html_type, path_shape, url_shape
from portal_spider.extraction.html_tree import EmptyPage, parse_html
from portal_spider.normalize.charset import decode_page
from portal_spider.normalize.urls import absolute_url, same_site
from portal_spider.platforms import detect_platform
from portal_spider.platforms.base import Platform
from portal_spider.platforms.discovery import DiscoveryPlatform
from portal_spider.settings import USER_AGENT

logger = logging.getLogger(__name__)

SAMPLE_ARTICLES = 5
FIELDS = (("title", "title"), ("published_raw", "published_at"), ("views_raw", "views"),
          ("body_text", "body_text"), ("source", "source"), ("author", "author"),
          ("category", "category"))  # fmt: skip


@dataclass
class Fetched:
    """One response: status, Content-Type and body."""

    url: str
    status: int
    content_type: str
    body: bytes


Fetcher = Callable[[str], Fetched]


@dataclass
class ListingSummary:
    """A listing found: where it starts, what it is, its pages and the articles it links."""

    url: str
    kind: str  # page, sitemap, feed
    pages: int = 1
    pages_complete: bool = False  # the count is the listing's whole length
    pager: str = "none"  # numbered, next link, offset, postback, none
    linked: set[str] = field(default_factory=set)  # the articles it links (canonical at the end)
    places: dict[str, set[str]] = field(default_factory=dict)  # link -> where it is on the page
    walked: int = 0  # pages of it fetched

    @property
    def articles(self) -> int:
        return len(self.linked)


@dataclass
class SampledArticle:
    """Fields read on one sampled article page, each with the rule that found it."""

    url: str
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class SiteReport:
    """What ``explore`` learned about a portal."""

    url: str
    platform: str = "generic"
    pages_fetched: int = 0
    robots: str = "not fetched"
    sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    listings: dict[str, ListingSummary] = field(default_factory=dict)
    article_template: str | None = None
    dropped_params: list[str] = field(default_factory=list)
    title_affix: str | None = None
    articles: list[SampledArticle] = field(default_factory=list)
    article_links: int = 0
    not_found: list[str] = field(default_factory=list)


class SameSiteRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only on the site it starts from (as the crawl's boundary does)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201
        if not same_site(newurl, req.full_url):
            logger.warning("%s redirects off the portal to %s: not followed", req.full_url, newurl)
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def http_fetcher(delay: float, user_agent: str = USER_AGENT, timeout: float = 20) -> Fetcher:
    """A polite fetcher: one request at a time, ``delay`` seconds apart, identified, staying on
    the portal's site through redirects."""
    last = [0.0]
    opener = urllib.request.build_opener(SameSiteRedirects)

    def fetch(url: str) -> Fetched:
        wait = last[0] + delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        request = urllib.request.Request(url, headers={"User-Agent": user_agent})
        try:
            with opener.open(request, timeout=timeout) as reply:
                body = reply.read(8 * 1024 * 1024)
                return Fetched(reply.url, reply.status, reply.headers.get("Content-Type", ""), body)
        except urllib.error.HTTPError as error:
            return Fetched(url, error.code, error.headers.get("Content-Type", ""), b"")
        except (urllib.error.URLError, OSError) as error:
            logger.warning("%s: %s", url, error)
            return Fetched(url, 0, "", b"")
        finally:
            last[0] = time.monotonic()

    return fetch


class Explorer:
    """One exploration: a page budget, robots rules, and the crawler's discovery code."""

    def __init__(self, url: str, fetch: Fetcher, max_pages: int = 30) -> None:
        self.report = SiteReport(url)
        self.fetch_page = fetch
        self.max_pages = max_pages
        self.platform = DiscoveryPlatform(once_per_run=False)
        self.known: Platform | None = None  # the page object of a detected platform
        self.robots = urllib.robotparser.RobotFileParser()
        self.robots_read = False
        self.article_urls: list[str] = []
        self.next_of: dict[str, str] = {}  # listing key -> its next page not fetched yet
        self.fetched: set[str] = set()
        self.page_places: list[set[str]] = []  # where article links are, on each first page

    def promote(self) -> None:
        """Explore applies what it learns at once: no earlier request depends on it."""
        rules = self.platform.model.canonical
        rules.dropped |= rules.learned

    # --- fetching within the budget -------------------------------------------------------------
    def fetch(self, url: str) -> Fetched | None:
        if self.report.pages_fetched >= self.max_pages or url in self.fetched:
            return None
        if self.robots_read and not self.robots.can_fetch(USER_AGENT, url):
            logger.info("robots.txt forbids %s", url)
            return None
        self.fetched.add(url)
        self.report.pages_fetched += 1
        return self.fetch_page(url)

    def run(self) -> SiteReport:
        report = self.report
        robots = self.fetch(robots_url(report.url))
        if robots is not None and robots.status == 200:
            self.robots.parse(robots.body.decode("utf-8", "replace").splitlines())
            self.robots_read = True
            report.robots = "fetched"
            for sitemap in self.robots.site_maps() or []:
                self.platform.model.add_listing_source(sitemap, "sitemap")
        else:
            report.robots = "none"
        home = self.fetch(report.url)
        if home is None or home.status != 200:
            report.not_found.append("the home page did not answer")
            return report
        text = decode_page(home.body, home.content_type).text
        detected = detect_platform(home.url, text)
        report.platform = detected.name
        if detected.name != "generic":  # its page object reads the portal, as the crawl does
            self.known = detected
        queue = self.read_listing(home.url, home, "page", first=True)
        queue += [u for u in self.platform.model.sitemaps + self.platform.model.feeds]
        self.walk(queue)
        self.sample_articles()
        self.deepen()
        self.finish()
        return report

    # --- listings ---------------------------------------------------------------------------------
    def read_listing(self, url: str, fetched: Fetched, kind: str, first: bool) -> list[str]:
        """Read a listing page; returns the other listings it links (their first pages)."""
        text = decode_page(fetched.body, fetched.content_type).text
        key = listing_key(url)
        if is_machine_listing(url, fetched.body):
            kind = "feed" if url in self.platform.model.feeds else "sitemap"
        elif self.is_article(url, text):
            self.add_articles([url])
            return []
        if self.known is not None and kind == "page":
            listing = self.known.parse_listing(url, text)
        else:
            listing = self.platform.parse_listing(url, text)
        summary = self.report.listings.setdefault(key, ListingSummary(url, kind))
        self.add_articles(listing.article_urls)
        summary.linked |= {absolute_url(u, url) or u for u in listing.article_urls}
        if kind == "page":
            summary.walked += 1
            places = self.link_places(url, text, listing.article_urls)
            for link, where in places.items():
                summary.places.setdefault(link, set()).update(where)
            if first and places:
                self.page_places.append(set().union(*places.values()))
        following, others = next_pages(url, listing.next_urls)
        if kind == "page":
            self.count_pages(summary, url, text, listing.next_urls, following)
        if following and not summary.pages_complete:
            self.next_of[key] = following
        else:
            self.next_of.pop(key, None)
        if kind != "page":
            summary.pages_complete = True
        if kind == "sitemap":
            return listing.next_urls
        return others

    def link_places(self, url: str, text: str, links: list[str]) -> dict[str, set[str]]:
        """Where on the page each article link is: its ancestors' tags and classes."""
        wanted = {absolute_url(u, url) for u in links}
        places: dict[str, set[str]] = {}
        try:
            tree = parse_html(text)
        except EmptyPage:
            return places
        for anchor in tree.iter("a"):
            target = absolute_url(anchor.get("href") or "", url)
            if target in wanted:
                chain = [f"{e.tag}.{e.get('class', '')}" for e in anchor.iterancestors()]
                places.setdefault(target, set()).add("/".join(reversed(chain)))
        return places

    def count_pages(
        self, summary: ListingSummary, url: str, text: str, links: list[str], following: str | None
    ) -> None:
        key = listing_key(url)
        here = page_number(url) or summary.walked
        summary.pages = max(summary.pages, here)
        numbers = [page_number(u) or 0 for u in links if listing_key(u) == key]
        if numbers and max(numbers) > here + 1:
            summary.pager = "numbered"
            summary.pages, summary.pages_complete = max(numbers), True
            return
        try:
            pages = postback_pager(parse_html(text), here)
        except EmptyPage:
            pages = {}
        if pages:
            summary.pager = "postback"
            summary.pages, summary.pages_complete = max(max(pages), here), True
            return
        if following is not None:
            summary.pager = "offset" if "start=" in following else "next link"
        else:
            summary.pages_complete = True

    def walk(self, queue: list[str]) -> None:
        """Read the first page of each listing found, breadth first."""
        while queue and self.report.pages_fetched < self.max_pages - SAMPLE_ARTICLES:
            url = queue.pop(0)
            if listing_key(url) in self.report.listings or url in self.fetched:
                continue
            fetched = self.fetch(url)
            if fetched is None or fetched.status != 200:
                continue
            kind = "feed" if url in self.platform.model.feeds else "page"
            queue.extend(self.read_listing(fetched.url, fetched, kind, first=True))

    def deepen(self) -> None:
        """Spend what is left of the budget on the next pages of listings without a page count."""
        while self.next_of and self.report.pages_fetched < self.max_pages:
            key, url = next(iter(self.next_of.items()))
            del self.next_of[key]
            fetched = self.fetch(url)
            if fetched is None or fetched.status != 200:
                continue
            self.read_listing(url, fetched, "page", first=False)

    # --- articles ---------------------------------------------------------------------------------
    def canonical(self, url: str) -> str:
        return (self.known or self.platform).canonical_article_url(url)

    def is_article(self, url: str, text: str) -> bool:
        if self.known is not None:
            return self.known.is_article_url(url)
        return self.platform.page_kind(url, text) == ARTICLE

    def add_articles(self, urls: list[str]) -> None:
        self.promote()
        for url in urls:
            canonical = self.canonical(url)
            if canonical not in self.article_urls:
                self.article_urls.append(canonical)

    def sample_articles(self) -> None:
        """Fetch a few articles, spread over the ones found, and read their fields."""
        candidates = self.article_urls
        step = max(1, len(candidates) // SAMPLE_ARTICLES)
        for url in candidates[::step][:SAMPLE_ARTICLES]:
            fetched = self.fetch(url)
            if fetched is None or fetched.status != 200:
                continue
            if not is_html_type(fetched.content_type):
                continue
            text = decode_page(fetched.body, fetched.content_type).text
            if not self.is_article(fetched.url, text):
                continue
            item = (self.known or self.platform).parse_article(fetched.url, text)
            if self.known is not None:
                self.platform.model.article_shapes[path_shape(fetched.url)] += 1
            sample = SampledArticle(self.canonical(fetched.url))
            for attribute, name in FIELDS:
                value = getattr(item, attribute)
                if value:
                    shown = " ".join(str(value).split())
                    sample.fields[name] = (shown, item.extraction.get(name, ""))
            self.report.articles.append(sample)

    def finish(self) -> None:
        report, model = self.report, self.platform.model
        report.sitemaps, report.feeds = list(model.sitemaps), list(model.feeds)
        report.dropped_params = sorted(model.canonical.all_dropped)
        shapes = Counter(url_shape(a.url) for a in report.articles)
        shapes.update(url_shape(self.canonical(u)) for u in self.article_urls)
        article_shapes = model.known_article_shapes() | set(model.article_shapes)
        report.article_template = next(
            (shape for shape, _ in shapes.most_common() if shape.split("?")[0] in article_shapes),
            None,
        )
        shapes_seen = {shape.split("?")[0] for shape in article_shapes}

        def is_article(url: str) -> bool:
            return path_shape(url) in shapes_seen

        report.article_links = len({self.canonical(u) for u in self.article_urls if is_article(u)})
        titles = model.titles
        report.title_affix = titles.suffix or titles.prefix
        # a place with article links on every page is the site's own column ("Tin mới"): its
        # links are not the listing's
        pages = self.page_places
        chrome = set.intersection(*pages) if len(pages) >= 3 else set()
        for summary in report.listings.values():
            summary.linked = {
                self.canonical(link)
                for link in summary.linked
                if is_article(link) and not summary.places.get(link, {""}) <= chrome
            }
        listings: dict[str, ListingSummary] = {}
        shown: set[frozenset[str]] = set()  # ``/`` and ``/Default.aspx`` are one page
        for key, summary in report.listings.items():
            same = frozenset(summary.linked)
            if summary.kind == "page" and (not summary.articles or same in shown):
                continue
            shown.add(same)
            listings[key] = summary
        report.listings = listings
        if not report.listings:
            report.not_found.append("no listing linking articles")
        if not report.sitemaps:
            report.not_found.append("no sitemap (robots.txt names none)")
        if not report.feeds:
            report.not_found.append("no RSS/Atom feed advertised")
        if not report.articles:
            report.not_found.append("no article page among the pages sampled")
        for _, name in FIELDS:
            missing = sum(1 for a in report.articles if name not in a.fields)
            if report.articles and missing:
                report.not_found.append(f"{name} on {missing} of {len(report.articles)} articles")


def explore(url: str, fetch: Fetcher, max_pages: int = 30) -> SiteReport:
    """The site model of the portal at ``url`` from at most ``max_pages`` requests."""
    return Explorer(url, fetch, max_pages).run()


def describe(report: SiteReport) -> str:
    """The report as the operator reads it."""
    lines = [f"Site model of {report.url} ({report.pages_fetched} requests)"]
    platform = report.platform
    if platform == "generic":
        platform += " (no page object knows this software: the learned site model reads it)"
    lines.append(f"platform: {platform}")
    lines.append(f"robots.txt: {report.robots}")
    lines.append("sitemaps: " + (", ".join(report.sitemaps) or "none"))
    lines.append("feeds: " + (", ".join(report.feeds) or "none"))
    lines.append(f"listings ({len(report.listings)}):")
    for summary in report.listings.values():
        pages = f"{summary.pages}" if summary.pages_complete else f"at least {summary.pages}"
        lines.append(
            f"  {summary.url}  [{summary.kind}] pages: {pages} (pager: {summary.pager}); "
            f"articles linked: {summary.articles}"
        )
    lines.append(f"article URL template: {report.article_template or 'not found'}")
    lines.append(f"article links found: {report.article_links}")
    lines.append(
        "parameters that do not change a page: " + (", ".join(report.dropped_params) or "none")
    )
    if report.title_affix:
        lines.append(f"site name in <title>: {report.title_affix!r}")
    lines.append(f"sampled articles ({len(report.articles)}):")
    for article in report.articles:
        lines.append(f"  {article.url}")
        for name, (value, rule) in article.fields.items():
            shown = value if len(value) <= 90 else value[:87] + "…"
            lines.append(f"    {name}: {shown}  [{rule}]")
    lines.append("not found: " + ("; ".join(report.not_found) or "nothing missing"))
    return "\n".join(lines)
