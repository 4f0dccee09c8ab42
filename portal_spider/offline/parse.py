"""One saved article page to its normalised record: the code behind ``portal-archive parse``.

The platform is, in order: the one named by the caller; the registry's platform for the portal
that serves the URL (when it is not ``auto``); the one detected from the URL and the HTML. The
portal's date order (``day_first``) applies unless the caller sets one. Fixture tests and the
``fixtures regenerate`` command go through here too, so they test what users run.
"""

from __future__ import annotations

import logging

from portal_spider.crawl.safe_parse import parse_article_safely
from portal_spider.items import ArticleItem
from portal_spider.normalize.article import normalize_article
from portal_spider.normalize.charset import DecodedPage
from portal_spider.platforms import detect_platform, get_platform
from portal_spider.platforms.base import Platform
from portal_spider.registry import Portal, find_portal, load_registry

logger = logging.getLogger(__name__)


def registry_portal(url: str) -> Portal | None:
    """The registry portal serving ``url``, or None (also when the registry cannot be read)."""
    try:
        portals = load_registry()
    except (OSError, ValueError) as error:
        logger.warning("registry not read: %s", error)
        return None
    return find_portal(url, portals)


def choose_platform(
    url: str, html: str, platform_name: str | None = None, portal: Portal | None = None
) -> Platform:
    """The named platform, else the portal's declared platform, else the detected one."""
    if platform_name:
        return get_platform(platform_name)
    if portal is not None and portal.platform != "auto":
        return get_platform(portal.platform)
    return detect_platform(url, html)


def parse_page(
    html: str | DecodedPage,
    url: str,
    platform_name: str | None = None,
    day_first: bool | None = None,
    use_registry: bool = True,
) -> ArticleItem:
    """The normalised record of the article page ``html`` fetched from ``url``.

    ``html`` is the page's text, or the decoded page (its charset doubts become problems). No
    exception of a page object escapes: a page none can read gives an incomplete record.
    """
    text = html.text if isinstance(html, DecodedPage) else html
    portal = registry_portal(url) if use_registry and not platform_name else None
    platform = choose_platform(url, text, platform_name, portal)
    item = parse_article_safely(platform, url, html)
    item.item_id = item.item_id or platform.item_id(url)
    item.canonical_url = platform.canonical_article_url(url)
    if portal is not None:
        item.portal = portal.slug
    if day_first is None:
        day_first = portal.day_first if portal is not None else True
    return normalize_article(item, day_first=day_first)
