"""A portal's own download timeout (registry ``download_timeout``), on every request to its host.

``DOWNLOAD_TIMEOUT`` (settings) applies to every host; a portal known to be slow, or one that
should fail faster, sets its own in its registry row. The middleware runs before Scrapy's
DownloadTimeoutMiddleware (350), which fills the default only where no timeout is set, so
robots.txt, listings and articles of that portal all get the portal's timeout.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.utils.httpobj import urlparse_cached


class PortalTimeoutMiddleware:
    """Set ``download_timeout`` on requests to a portal that declares its own."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.timeouts: dict[str, float | None] = {}  # by host[:port]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PortalTimeoutMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        site = urlparse_cached(request).netloc.lower()
        if site not in self.timeouts:
            portals = getattr(self.crawler.spider, "portals", {}) or {}
            owner = next((p for p in portals.values() if p.owns(request.url)), None)
            value = owner.download_timeout if owner is not None else None
            self.timeouts[site] = float(value) if value else None
        timeout = self.timeouts[site]
        if timeout is not None and "download_timeout" not in request.meta:
            request.meta["download_timeout"] = timeout
        return None
