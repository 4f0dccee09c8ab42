"""Listings a portal publishes for machines: robots.txt Sitemap lines, sitemaps, RSS and Atom feeds.

Many portals draw their news lists with scripts or hide them behind forms, yet publish a sitemap
(named in ``robots.txt``) or a feed (advertised by ``<link rel="alternate">``). Each is read as a
listing: a sitemap index links further sitemaps, a sitemap and a feed link pages. Scrapy's
sitemap reader (:class:`scrapy.utils.sitemap.Sitemap`) parses sitemaps; feeds are read with lxml.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from portal_spider.extraction.listing_links import Listing

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
ROBOTS_PATH = "/robots.txt"
XML_START = re.compile(
    rb"^\s*(?:\xef\xbb\xbf)?\s*<(?:\?xml|urlset|sitemapindex|rss|feed|rdf)", re.I
)


def robots_url(base_url: str) -> str:
    """The ``robots.txt`` of the site of ``base_url``."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}{ROBOTS_PATH}"


def is_robots(url: str) -> bool:
    return urlsplit(url).path == ROBOTS_PATH


def is_machine_listing(url: str, body: bytes) -> bool:
    """Whether a response is robots.txt, a sitemap or a feed (not a web page)."""
    return is_robots(url) or bool(XML_START.match(body[:300]))


def feed_links(tree: HtmlElement, page_url: str) -> list[str]:
    """The feeds a page advertises with ``<link rel="alternate" type="application/rss+xml">``."""
    found = []
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower()
        if "alternate" in rel and kind in FEED_TYPES and link.get("href"):
            url = urljoin(page_url, link.get("href").strip())
            if url not in found:
                found.append(url)
    return found


def read_machine_listing(url: str, body: bytes) -> Listing:
    """The links of robots.txt (its sitemaps), a sitemap (pages or sitemaps) or a feed (pages).

    Pages go to ``article_urls`` (the caller filters documents out), further sitemaps to
    ``next_urls``.
    """
    listing = Listing()
    if is_robots(url):
        found = sitemap_urls_from_robots(body, base_url=url)
        listing.next_urls = [urljoin(url, u) for u in found]
        return listing
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(recover=True, resolve_entities=False))
    except etree.XMLSyntaxError:
        return listing
    if root is None:
        return listing
    tag = etree.QName(root).localname.lower()
    if tag in {"urlset", "sitemapindex"}:
        sitemap = Sitemap(body)
        for entry in sitemap:
            loc = (entry.get("loc") or "").strip()
            if not loc:
                continue
            target = listing.next_urls if sitemap.type == "sitemapindex" else listing.article_urls
            target.append(urljoin(url, loc))
            if entry.get("lastmod") and sitemap.type == "urlset":
                listing.article_dates[urljoin(url, loc)] = entry["lastmod"]
        return listing
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname.lower()
        if name == "link":
            href = (element.get("href") or element.text or "").strip()
            rel = element.get("rel") or "alternate"
            parent = element.getparent()
            in_item = parent is not None and etree.QName(parent).localname.lower() in {
                "item",
                "entry",
            }
            if href and in_item and rel == "alternate":
                listing.article_urls.append(urljoin(url, href))
    return listing
