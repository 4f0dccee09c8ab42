"""The generic page object with a site model: how the crawler reads software it does not know.

:class:`DiscoveryPlatform` keeps the generic rules for an article's fields and adds what one
portal teaches: which pages are articles (their structure, then their URL shape), where its lists,
pagers, menus, sitemaps and feeds are, which URL of an article is canonical, and what its
``<title>`` adds to every headline. Its name stays ``generic``: records say the generic rules read
them. It is not detected (no ``priority``): the spider gives it the portals that detection leaves
to the generic page object (:class:`portal_spider.crawl.discovery.Discovery`), and the site model
it reads is learned by :mod:`portal_spider.discovery`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from lxml.html import HtmlElement

from portal_spider.discovery.canonical import declared_canonical, item_number
from portal_spider.discovery.classify import ARTICLE, classify_page, short_article
from portal_spider.discovery.feeds import feed_links, is_machine_listing, read_machine_listing
from portal_spider.discovery.links import discover_listing
from portal_spider.discovery.model import SiteModel
from portal_spider.discovery.shapes import followable, path_shape
from portal_spider.extraction.html_tree import EmptyPage, parse_html
from portal_spider.extraction.listing_links import Listing
from portal_spider.extraction.vocabulary import RELATED_NEWS_HEADING_RE
from portal_spider.items import ArticleItem
from portal_spider.normalize.text import clean_text
from portal_spider.normalize.urls import absolute_url
from portal_spider.platforms.generic import GenericPlatform

WEAK_TITLE_RULES = (":<title>", ":heading before prose", ":text block before the body")


class DiscoveryPlatform(GenericPlatform):
    """Generic fields, with the portal's site model for discovery and canonical URLs."""

    name = "generic"
    priority = None  # never detected: the generic page object of a portal, with its site model

    def __init__(self, model: SiteModel | None = None, *, once_per_run: bool = True) -> None:
        self.model = model or SiteModel("")
        # a crawl requests each link once: later forms of an article already linked are left out
        self.once_per_run = once_per_run
        self.kinds: dict[str, str] = {}  # URL -> article / listing / other, this run
        self.numbered: dict[tuple[str, str], str] = {}  # (path, article number) -> first URL

    # --- what a page is ---------------------------------------------------------------------------
    def is_article_url(self, url: str) -> bool:
        """Only a page's structure says so; a URL of a known article shape is a strong hint."""
        return followable(url) and path_shape(url) in self.model.known_article_shapes()

    def page_kind(self, url: str, html: str | bytes) -> str:
        """``article``, ``listing`` or ``other``, from the page's structure (remembered)."""
        if url not in self.kinds:
            try:
                tree = parse_html(html)
            except EmptyPage:
                return "other"
            kind = classify_page(tree, url, self.model.known_article_shapes())
            self.kinds[url] = kind
            shapes = self.model.article_shapes if kind == ARTICLE else self.model.listing_shapes
            shapes[path_shape(url)] += 1
        return self.kinds[url]

    def short_article(self, html: str) -> bool:
        """Whether a page linked as an article, too short to read as one, is a dated notice."""
        try:
            return short_article(parse_html(html))
        except EmptyPage:
            return False

    # --- canonical URLs ---------------------------------------------------------------------------
    def item_id(self, url: str) -> str | None:
        return item_number(url)

    def canonical_article_url(self, url: str, base_url: str | None = None) -> str:
        return self.model.canonical.apply(url, base_url)

    # --- listings ---------------------------------------------------------------------------------
    def parse_listing(self, url: str, html: str) -> Listing:
        raw = html.encode("utf-8") if isinstance(html, str) else html
        if is_machine_listing(url, raw):
            listing = read_machine_listing(url, raw)
            for source in listing.next_urls:
                self.model.add_listing_source(source, "sitemap")
            listing.article_urls = [u for u in listing.article_urls if followable(u)]
        else:
            tree = parse_html(html)
            for feed in feed_links(tree, url):
                self.model.add_listing_source(feed, "feed")
            listing = discover_listing(tree, url, self.model.known_article_shapes())
        listing.article_urls = self.learn_from_links(listing.article_urls)
        refused = self.model.not_articles
        listing.article_urls = [
            u for u in listing.article_urls if self.canonical_article_url(u) not in refused
        ]
        return listing

    def parse_related(self, url: str, html: str) -> Listing:
        """Links of the article's "Các tin khác" / "Tin liên quan" block of the article shape."""
        tree = parse_html(html)
        shape = path_shape(url)
        listing = Listing()
        for block in self._related_blocks(tree):
            for link in block.iter("a"):
                href = link.get("href")
                if not href:
                    continue
                target = absolute_url(href, url)
                same_shape = target and followable(target) and path_shape(target) == shape
                if same_shape and target not in listing.article_urls:
                    listing.article_urls.append(target)
        listing.article_urls = self.learn_from_links(listing.article_urls)
        return listing

    def learn_from_links(self, urls: list[str]) -> list[str]:
        """The links without second forms of one article seen earlier in the run.

        Links to one article number on one path with other parameters besides: those
        parameters do not choose the article (``?id=5`` and ``?id=5&cid=2``); the form met
        first stands for the article in this run.
        """
        kept = []
        for url in urls:
            number = item_number(url)
            if number is None:
                kept.append(url)
                continue
            key = (urlsplit(url).path, number)
            other = self.numbered.setdefault(key, url)
            if other != url:
                self.model.canonical.learn_duplicate(url, other)
                if self.once_per_run:
                    continue
            kept.append(url)
        return kept

    @staticmethod
    def _related_blocks(tree: HtmlElement) -> list[HtmlElement]:
        blocks = []
        for element in tree.iter("div", "h2", "h3", "h4", "span", "p", "strong"):
            if RELATED_NEWS_HEADING_RE.match(" ".join(element.text_content().split())):
                container = element.getparent()
                while container is not None and not list(container.iter("a")):
                    container = container.getparent()
                if container is not None:
                    blocks.append(container)
        return blocks

    # --- articles ---------------------------------------------------------------------------------
    def parse_article(self, url: str, html: str) -> ArticleItem:
        item = super().parse_article(url, html)
        tree = parse_html(html)
        declared = declared_canonical(tree, url)
        if declared:
            self.model.canonical.learn_declared(url, declared)
        titles = tree.xpath("//title")
        page_title = clean_text(titles[0].text_content()) if titles else None
        self.model.titles.observe(page_title)
        headline = self.model.titles.headline(page_title)
        rule = item.extraction.get("title", "")
        weak = item.title is None or rule.endswith(WEAK_TITLE_RULES)
        if headline and weak and headline != item.title:
            item.title = headline
            item.note("title", "generic:<title> without the site's name")
        return item
