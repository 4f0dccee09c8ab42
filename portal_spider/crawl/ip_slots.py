"""Politeness per server: the per-host limits also hold per IP address.

Many district portals of a province are virtual hosts of one server (``tramtau.yenbai.gov.vn``,
``vanchan.yenbai.gov.vn``, ... on one address). Scrapy keys its download slots (the delay and
the requests in flight) by host name, so a crawl of nine such portals would send nine times the
per-host limit to one machine. :class:`IpSlotMiddleware` resolves each request's host name
(through the crawl's caching resolver, the lookup the download then uses) and puts the request
in the slot of the address instead, so ``CONCURRENT_REQUESTS_PER_DOMAIN`` and the delay hold for
the server. A slot shared by several portals takes the strictest of their own settings (the
longest delay, the lowest concurrency). ``PORTAL_ARCHIVE_SLOTS_PER_IP = False`` turns it off.

:class:`OverrideResolver` is Scrapy's caching resolver with a fixed map of names to addresses,
``PORTAL_ARCHIVE_RESOLVE`` (``{"host": "address"}``), answered without DNS: tests and demos reach
local servers under real portal names. The boundary trusts a name mapped there to point where
it does (an operator's decision, not a lapsed domain's).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

from portal_spider.crawl.downloader.boundary import literal_address

logger = logging.getLogger(__name__)

RESOLVE_SETTING = "PORTAL_ARCHIVE_RESOLVE"


class OverrideResolver(CachingThreadedResolver):
    """The caching resolver, answering the names of ``PORTAL_ARCHIVE_RESOLVE`` itself."""

    overrides: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> OverrideResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.overrides = {
            str(k).lower(): str(v) for k, v in crawler.settings.getdict(RESOLVE_SETTING).items()
        }
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Any:  # noqa: N802
        address = self.overrides.get(name.lower())
        if address is not None:
            return defer.succeed(address)
        return super().getHostByName(name, timeout)


class IpSlotMiddleware:
    """Put each request in the download slot of its host's IP address (see the module doc)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.enabled = crawler.settings.getbool("PORTAL_ARCHIVE_SLOTS_PER_IP", True)
        self.addresses: dict[str, str | None] = {}
        self.hosts_of: dict[str, set[str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IpSlotMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        if not self.enabled or "download_slot" in request.meta:
            return None
        host = (urlparse_cached(request).hostname or "").lower()
        if not host or literal_address(host) is not None:
            return None  # an address already keys its own slot
        address = await self.address_of(host)
        if address is None:
            return None  # the download fails as any unresolvable host does
        self.share(address, host)
        request.meta["download_slot"] = address
        return None

    async def address_of(self, host: str) -> str | None:
        if host not in self.addresses:
            from twisted.internet import reactor

            try:
                answer = await maybe_deferred_to_future(reactor.resolve(host))  # type: ignore[attr-defined]
            except (DNSLookupError, TimeoutError, OSError) as error:
                logger.debug("ip slots: %s did not resolve (%s)", host, error)
                answer = None
            self.addresses[host] = str(answer) if answer else None
        return self.addresses[host]

    def share(self, address: str, host: str) -> None:
        """Give the address's slot the strictest settings of the hosts that share it."""
        hosts = self.hosts_of.setdefault(address, set())
        if host in hosts:
            return
        hosts.add(host)
        if len(hosts) > 1:
            logger.info("ip slots: %s share the server %s", ", ".join(sorted(hosts)), address)
        engine = self.crawler.engine
        if engine is None:
            return
        downloader = engine.downloader
        per_slot = downloader.per_slot_settings
        merged: dict[str, Any] = {}
        for name in hosts:
            own = per_slot.get(name, {})
            if "delay" in own:
                merged["delay"] = max(float(own["delay"]), merged.get("delay", 0.0))
            if "concurrency" in own:
                merged["concurrency"] = min(
                    int(own["concurrency"]), merged.get("concurrency", 1 << 30)
                )
        if not merged:
            return
        per_slot[address] = {**per_slot.get(address, {}), **merged}
        slot = downloader.slots.get(address)
        if slot is not None:  # the slot exists already: tighten it in place
            if "delay" in merged:
                slot.delay = max(slot.delay, merged["delay"])
            if "concurrency" in merged:
                slot.concurrency = min(slot.concurrency, merged["concurrency"])
