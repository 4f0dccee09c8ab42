"""The links of a listing page on software the project does not know: articles, pages, listings.

Articles are the links of the page's article lists (:func:`~portal_spider.discovery.classify.
article_link_groups`) and any link of a shape the portal's article pages were seen to have. Further
listing pages are the pager's links in every common form — numbers, "Trang sau", "»", "Sau",
"Tiếp", ``?page=``, ``/trang-N``, offsets, ``rel=next`` —, the menu's entries, the "Xem tiếp" /
"Xem thêm" links of home-page blocks, and the feeds the page advertises. Documents, print views
and calendars are never followed.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from portal_spider.crawl.paging import offset_of, page_number
from portal_spider.discovery.classify import article_link_groups, link_groups, page_links
from portal_spider.discovery.feeds import feed_links
from portal_spider.discovery.shapes import followable, path_shape
from portal_spider.extraction.listing_links import Listing
from portal_spider.extraction.vocabulary import MORE_LINK_RE, PAGER_LINK_RE
from portal_spider.normalize.dates_vi import find_dates

MENU_MARK = re.compile(r"menu|nav|danh-?muc|chuyen-?muc", re.IGNORECASE)
MENU_MAX_WORDS = 8
ITEM_BLOCK = ("li", "tr", "div", "article", "p", "dd")


def in_menu(link: HtmlElement) -> bool:
    """Whether a link sits in the site's navigation (``<nav>``, or a block named menu/nav)."""
    for ancestor in link.iterancestors():
        if ancestor.tag == "nav":
            return True
        names = f"{ancestor.get('class', '')} {ancestor.get('id', '')}"
        if ancestor.tag in ("ul", "div", "td", "table") and MENU_MARK.search(names):
            return True
    return False


def item_date(link: HtmlElement) -> str | None:
    """The date printed beside an article link in its list item, if any."""
    for ancestor in link.iterancestors(*ITEM_BLOCK):
        text = " ".join(ancestor.text_content().split())
        if len(text) > 400:
            return None
        dates = find_dates(text)
        if dates:
            return dates[0]
    return None


def discover_listing(tree: HtmlElement, url: str, article_shapes: set[str]) -> Listing:
    """Articles, pager pages, menu listings, "Xem tiếp" links and feeds of the page at ``url``."""
    listing = Listing()
    groups = link_groups(tree, url)
    article_group_shapes = {group.shape for group in article_link_groups(groups)}
    here = url.split("#", 1)[0]
    links = page_links(tree, url)
    for link, href, text in links:
        if href == here or not followable(href):
            continue
        shape = path_shape(href)
        listed = shape in article_group_shapes and len(text.split()) >= 3 and not in_menu(link)
        if (shape in article_shapes or listed) and href not in listing.article_urls:
            listing.article_urls.append(href)
            found = item_date(link)
            if found:
                listing.article_dates[href] = found
    articles = set(listing.article_urls)
    for link, href, text in links:
        if href == here or href in articles or not followable(href):
            continue
        shape = path_shape(href)
        if shape in article_shapes:
            continue
        lowered = text.lower()
        pager = bool(PAGER_LINK_RE.match(lowered)) or link.get("rel") == "next"
        paged = page_number(href) is not None or offset_of(href) is not None
        pager = pager or (paged and len(text.split()) <= 3)
        menu = in_menu(link) and 0 < len(text.split()) <= MENU_MAX_WORDS
        more = bool(MORE_LINK_RE.match(lowered))
        if (pager or menu or more) and href not in listing.next_urls:
            listing.next_urls.append(href)
    for feed in feed_links(tree, url):
        if feed not in listing.next_urls:
            listing.next_urls.append(feed)
    return listing
