"""Parse one page without letting any exception escape: the record is kept, with its reasons.

The crawler, ``portal-archive parse`` and ``reparse`` turn pages into records through here, so a
page no page object can read still gives a record (``incomplete``, with a ``parse:`` problem) and
its raw capture is stored. A page with nothing to parse (empty, or only comments) is marked to be
fetched again by a later run (:attr:`~portal_spider.items.ArticleItem.refetch_reason`): servers
answer such pages when they are overloaded or half-deployed. When the platform's page object
fails as a whole, the generic rules are tried before giving up.
"""

from __future__ import annotations

import logging

from portal_spider.extraction.field_guard import failure_text
from portal_spider.extraction.html_tree import EmptyPage
from portal_spider.extraction.listing_links import Listing
from portal_spider.items import ArticleItem
from portal_spider.normalize.charset import DecodedPage
from portal_spider.platforms.base import Platform
from portal_spider.platforms.generic import GenericPlatform

logger = logging.getLogger(__name__)


def _text_and_problems(page: DecodedPage | str) -> tuple[str, list[str]]:
    if isinstance(page, DecodedPage):
        return page.text, list(page.problems)
    return page, []


def empty_record(url: str, platform: Platform, reason: str) -> ArticleItem:
    """The record of a page that has nothing to parse, to be fetched again later."""
    item = ArticleItem(url=url, platform=platform.name)
    item.problem(f"parse: {reason}")
    item.refetch_reason = reason
    return item


def parse_article_safely(platform: Platform, url: str, page: DecodedPage | str) -> ArticleItem:
    """The platform's record of an article page; never raises.

    ``page`` is the decoded page (its charset doubts become problems of the record) or its text.
    """
    html, charset_problems = _text_and_problems(page)
    try:
        item = platform.parse_article(url, html)
    except EmptyPage as error:
        logger.warning("%s: nothing to parse: %s", url, error)
        item = empty_record(url, platform, f"the page has no content ({error})")
    except Exception as error:  # a page object's failure must not lose the page
        logger.warning("%s: the %s page object failed: %s", url, platform.name, failure_text(error))
        item = _generic_record(platform, url, html, error)
    for problem in charset_problems:
        item.problem(problem)
    return item


def _generic_record(platform: Platform, url: str, html: str, error: Exception) -> ArticleItem:
    """The generic rules' record after the platform's page object failed on the page."""
    failure = f"parse: the {platform.name} page object failed ({failure_text(error)})"
    if not isinstance(platform, GenericPlatform):
        try:
            item = GenericPlatform().parse_article(url, html)
        except Exception as second:  # the generic rules fail too: keep an empty record
            logger.warning("%s: the generic rules failed too: %s", url, failure_text(second))
        else:
            item.platform = platform.name
            item.problem(failure + "; fields found by the generic rules")
            return item
    item = ArticleItem(url=url, platform=platform.name)
    item.problem(failure)
    item.refetch_reason = failure
    return item


def parse_listing_safely(platform: Platform, url: str, html: str) -> tuple[Listing, str | None]:
    """The links of a listing page, and why none could be read (None when parsed)."""
    try:
        return platform.parse_listing(url, html), None
    except EmptyPage as error:
        reason = f"the listing page has no content ({error})"
    except Exception as error:  # one bad listing page must not stop the crawl
        reason = f"the {platform.name} listing rules failed ({failure_text(error)})"
    logger.warning("%s: %s", url, reason)
    return Listing(), reason


def is_empty_record(item: ArticleItem) -> bool:
    """Whether a parsed record holds neither a title nor a body: nothing of the article."""
    return not (item.title or "").strip() and not (item.body_text or "").strip()


def parse_related_safely(platform: Platform, url: str, html: str) -> Listing:
    """The related-news links of an article page; none when its rules fail."""
    try:
        return platform.parse_related(url, html)
    except Exception as error:  # the related list is optional; the article is kept anyway
        logger.warning("%s: related links not read: %s", url, failure_text(error))
        return Listing()
