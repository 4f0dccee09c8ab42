"""What every platform page object provides.

A page object takes ``(url, html)`` and returns fields; it never fetches anything. Each platform
(CMS family) subclasses :class:`Platform`; the spider only talks to this interface. The rules
page objects share live in :mod:`portal_spider.extraction`.
"""

from __future__ import annotations

from portal_spider.extraction.listing_links import Listing
from portal_spider.items import ArticleItem
from portal_spider.normalize.urls import canonical_url

# Detection scores run from 0 (not this family) to 100. A family adds up the signs it finds on the
# URL and the page and caps the sum at how sure those signs can ever make it:
SCORE_CERTAIN = 100  # the portal's own host and page names: no other portal prints them
SCORE_MARKED = 95  # the CMS names itself (generator tag, framework scripts, its id prefixes)
SCORE_SHARED_MARKERS = 90  # markers a family shares with its derivatives (Yên Bái's SharePoint)
SCORE_SHAPES_ONLY = 70  # only URL and link shapes, which an unknown CMS may print as well
# Below this no family is believed, and the generic page object reads the page.
DETECTION_THRESHOLD = 40


class Platform:
    """A CMS family: detection, URL rules, listing and article parsing."""

    name: str = "base"
    # Which family wins when two detect a page with the same score: the higher priority. Every
    # page object sets one, listed in platforms/README.md; a base class without one is no family.
    priority: int | None = None

    def detect(self, url: str, html: str | None) -> int:
        """A score from 0 (not this platform) to 100 (certainly this platform)."""
        return 0

    def is_article_url(self, url: str) -> bool:
        """Whether ``url`` looks like an article page of this platform."""
        return False

    def item_id(self, url: str) -> str | None:
        """The portal's own id of the article at ``url``, when the URL carries one."""
        return None

    def canonical_article_url(self, url: str, base_url: str | None = None) -> str:
        """One URL per article, whatever list or extra parameter reached it."""
        return canonical_url(url, base_url=base_url)

    def parse_listing(self, url: str, html: str) -> Listing:
        """Article links and next-page links of a listing page."""
        raise NotImplementedError

    def parse_article(self, url: str, html: str) -> ArticleItem:
        """The article record of an article page (raw strings; normalised later)."""
        raise NotImplementedError

    def parse_related(self, url: str, html: str) -> Listing:
        """The related-news list of an article page ("Các tin khác"), when the platform has one."""
        return Listing()
