"""A circuit breaker per host: a host that stops answering gets no more requests this run.

A small government server that is down, or that holds every connection open without answering,
would otherwise cost every remaining request its download timeout, times the retries. The breaker
counts, per host, the different pages that failed in a row without any answer (DNS failure,
refused or lost connection, timeout:
:data:`~portal_spider.crawl.downloader.connection_errors.CONNECTION_FAILURES`);
any HTTP response, whatever its status, resets the count. Different pages, not tries: the retries
of a few hung pages at the end of a crawl do not open it.

After ``PORTAL_ARCHIVE_BREAKER_FAILURES`` such pages (0 turns the breaker off) the host's circuit
opens: this is logged once, and the requests already waiting in the host's download slot, and
every later request to the host, fail at once with :class:`HostUnavailable` instead of being
sent. The spider keeps those articles pending for the next run without counting a try against
them. Stats: ``breaker/opened``, ``breaker/skipped`` and, per portal,
``portal/<slug>/breaker_opened`` and ``portal/<slug>/breaker_skipped``; the monitor turns them
into a ``host_down`` warning. Per portal it also counts the responses received
(``portal/<slug>/responses``) and the connection failures (``portal/<slug>/connection_failures``),
which tell an unreachable portal (:mod:`portal_spider.crawl.report`).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached
from twisted.python.failure import Failure

from portal_spider.crawl.downloader.connection_errors import describe, is_connection_failure

logger = logging.getLogger(__name__)


def host_of_request(request: Request) -> str:
    """What the breaker counts by: the request's host and port (two portals may share a host
    name on different ports)."""
    return urlparse_cached(request).netloc.lower()


class HostUnavailable(IgnoreRequest):
    """A request that was not sent: its host stopped answering earlier in this run."""


@dataclass
class HostCircuit:
    """What the breaker knows of one host in this run."""

    failing_pages: set[str] = field(default_factory=set)  # different URLs failed in a row
    open: bool = False
    reason: str = ""
    skipped: int = 0


class HostBreakerMiddleware:
    """Downloader middleware: open a host's circuit after repeated failures to answer.

    Its priority must be above RetryMiddleware's (550) so that it sees every failed try.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.threshold = max(0, crawler.settings.getint("PORTAL_ARCHIVE_BREAKER_FAILURES", 5))
        self.hosts: dict[str, HostCircuit] = {}  # by host[:port]
        self._slugs: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostBreakerMiddleware:
        return cls(crawler)

    def slug_for(self, request: Request, host: str) -> str | None:
        """The portal a request belongs to (from its meta, else the portal serving its host)."""
        if request.meta.get("portal"):
            return str(request.meta["portal"])
        if host not in self._slugs:
            portals = getattr(self.crawler.spider, "portals", {}) or {}
            owner = next((p for p in portals.values() if p.owns(request.url)), None)
            self._slugs[host] = owner.slug if owner is not None else None
        return self._slugs[host]

    def _count(self, request: Request, host: str, key: str) -> None:
        stats = self.crawler.stats
        slug = self.slug_for(request, host)
        if slug is not None:
            stats.inc_value(f"portal/{slug}/{key}")

    def _refusal(self, request: Request, host: str, circuit: HostCircuit) -> HostUnavailable:
        circuit.skipped += 1
        self.crawler.stats.inc_value("breaker/skipped")
        self._count(request, host, "breaker_skipped")
        return HostUnavailable(f"not sent: host {host} stopped answering ({circuit.reason})")

    def process_request(self, request: Request, spider: Any = None) -> None:
        host = host_of_request(request)
        circuit = self.hosts.get(host)
        if circuit is None or not circuit.open:
            return None
        raise self._refusal(request, host, circuit)

    def _drop_queued(self, request: Request, host: str, circuit: HostCircuit) -> int:
        """Fail the requests already waiting in the host's download slot (past this middleware,
        not sent yet); returns how many."""
        engine = self.crawler.engine
        key = request.meta.get("download_slot")
        slot = engine.downloader.slots.get(key) if engine is not None and key else None
        if slot is None:
            return 0
        kept, dropped = deque(), 0
        while slot.queue:
            queued, deferred = slot.queue.popleft()
            if host_of_request(queued) != host:  # another port of the same host name
                kept.append((queued, deferred))
                continue
            deferred.errback(Failure(self._refusal(queued, host, circuit)))
            dropped += 1
        slot.queue.extend(kept)
        return dropped

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Any:
        host = host_of_request(request)
        circuit = self.hosts.get(host)
        if circuit is not None:
            circuit.failing_pages.clear()
        self._count(request, host, "responses")
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> None:
        if isinstance(exception, IgnoreRequest) or not is_connection_failure(exception):
            return None
        host = host_of_request(request)
        self._count(request, host, "connection_failures")
        circuit = self.hosts.setdefault(host, HostCircuit())
        if circuit.open or not self.threshold:
            return None
        circuit.failing_pages.add(request.url)
        if len(circuit.failing_pages) >= self.threshold:
            circuit.open = True
            circuit.reason = describe(exception)
            slug = self.slug_for(request, host)
            self.crawler.stats.inc_value("breaker/opened")
            if slug is not None:
                self.crawler.stats.set_value(f"portal/{slug}/breaker_opened", 1)
            logger.warning(
                "host %s (portal %s): %d different pages in a row got no answer (last: %s); "
                "its other requests are left for the next run",
                host,
                slug or "?",
                len(circuit.failing_pages),
                circuit.reason,
            )
            self._drop_queued(request, host, circuit)
        return None


def portal_unreachable(stats: Mapping[str, Any], slug: str) -> bool:
    """Whether no request to the portal's host got any answer, and at least one failed so."""
    failures = int(stats.get(f"portal/{slug}/connection_failures") or 0)
    return failures > 0 and not int(stats.get(f"portal/{slug}/responses") or 0)


def unreachable_portals(stats: Mapping[str, Any]) -> list[str]:
    """The portals of a crawl (by their stats) that could not be reached at all."""
    slugs = sorted(
        key.split("/")[1]
        for key in stats
        if key.startswith("portal/") and key.endswith("/connection_failures")
    )
    return [slug for slug in slugs if portal_unreachable(stats, slug)]
