"""The portal's boundary: no request leaves a portal's own hosts or reaches an internal address.

:class:`PortalBoundaryMiddleware` is a downloader middleware placed before robots.txt and Scrapy's
own offsite filter. Scrapy's redirect middlewares (HTTP 3xx and ``<meta http-equiv=refresh>``)
schedule each hop as a new request, which passes the downloader middlewares again, so every hop is
checked here before it is fetched (and before the robots.txt of a foreign host is asked for). A
request is refused with :class:`LeftPortal`, an :class:`~scrapy.exceptions.IgnoreRequest` that
carries where it was going and why, when:

* its URL is not on the hosts of the portal that made it (:meth:`Portal.owns`: ``www.`` and the
  scheme ignored, the port kept; so ``127.0.0.1:8001`` -> ``127.0.0.1:8002`` or ``localhost`` is
  off the portal). A request that names no portal (robots.txt) must be on one of the crawl's
  portals;
* its host is an internal address (loopback, private, link-local, unspecified: see
  :func:`internal_address`) while the portal's own host, as written in the registry, is not one.
  Host names are resolved too, through Scrapy's caching resolver (the same cache the download
  then connects with): a lapsed or sinkholed government domain that now resolves to ``127.0.0.1``
  or ``10.x`` must not make the crawler fetch the archive machine's own services and store them
  as the portal's pages. A name that does not resolve is let through; the download then fails as
  any dead host does.

The spider records a refused redirect of an article (status and target) in ``pending_articles``
and counts it as ``portal/<slug>/redirected_offsite``; a response whose final URL is off the
portal is never stored as its article (checked again in the spider).
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from functools import lru_cache
from typing import Any, NoReturn

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from portal_spider.crawl.downloader.robots import branch
from portal_spider.crawl.politeness import portal_host
from portal_spider.registry import Portal

logger = logging.getLogger(__name__)

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
WEB_SCHEMES = {"http", "https"}


class LeftPortal(IgnoreRequest):
    """A request refused at the portal's boundary: where it was going, and why."""

    def __init__(
        self, url: str, reason: str, *, origin: str, redirect: int | str | None = None
    ) -> None:
        super().__init__(f"refused at the portal's boundary: {reason}")
        self.url = url  # the refused URL (a redirect's target)
        self.reason = reason
        self.origin = origin  # the URL first requested (before any redirect)
        self.redirect = redirect  # what led here: an HTTP status, "meta refresh", or None

    @property
    def redirected(self) -> bool:
        """Whether the request was a redirect's hop (else the first request itself)."""
        return self.origin != self.url


def redirect_note(redirect: int | str | None) -> str:
    """How a redirect was made, for a message: `` (HTTP 302)``, `` (meta refresh)`` or nothing."""
    if isinstance(redirect, int):
        return f" (HTTP {redirect})"
    return f" ({redirect})" if redirect else ""


def last_redirect(meta: dict[str, Any]) -> int | str | None:
    """The status (or ``"meta refresh"``) of the last redirect a request went through."""
    reasons = meta.get("redirect_reasons") or []
    return reasons[-1] if reasons else None


# host names and addresses as written are read once a crawl: every request's host is tested
@lru_cache(maxsize=4096)
def literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a host written as one stands for (``127.1`` and ``0x7f.1`` too), else None."""
    host = host.strip("[]")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        try:
            # the short and numeric forms the C resolver accepts (127.1, 2130706433, 0x7f.0.0.1)
            address = ipaddress.IPv4Address(socket.inet_aton(host))
        except (OSError, ValueError):
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def internal_ip(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether an address is loopback, private, link-local or unspecified (never a public site)."""
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_unspecified
        or address.is_reserved
    )


def local_name(host: str) -> bool:
    """Whether a host name means this machine without DNS (``localhost``, ``*.localhost``)."""
    host = host.lower().rstrip(".")
    return host in LOCAL_NAMES or host.endswith(".localhost")


@lru_cache(maxsize=4096)
def internal_address(host: str) -> bool:
    """Whether ``host`` as written is an internal address or a name for this machine."""
    if local_name(host):
        return True
    address = literal_address(host)
    return address is not None and internal_ip(address)


def outside_reason(portal: Portal, url: str) -> str | None:
    """Why ``url`` is outside ``portal`` (scheme or host), or None when it is on it."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in WEB_SCHEMES:
        return f"{url} is not an http(s) URL"
    if not portal.owns(url):
        return f"{url} is off the portal ({portal.base_url})"
    return None


class PortalBoundaryMiddleware:
    """Refuse, before it is fetched, any request that leaves its portal (see the module doc)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        # host name -> resolves to an internal address (a Deferred while the lookup runs)
        self.resolved: dict[str, bool | Deferred] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PortalBoundaryMiddleware:
        return cls(crawler)

    def trusted_names(self) -> set[str]:
        """Host names the crawl's settings map to an address themselves."""
        return {str(k).lower() for k in self.crawler.settings.getdict("PORTAL_ARCHIVE_RESOLVE")}

    def portals(self) -> dict[str, Portal]:
        return getattr(self.crawler.spider, "portals", None) or {}

    async def process_request(self, request: Request, spider: Any = None) -> None:
        portals = self.portals()
        if not portals:  # not a portal crawl: no boundary to keep
            return None
        slug = request.meta.get("portal")
        portal = portals.get(slug) if slug else None
        if portal is None:  # robots.txt: on the portal its first URL belongs to
            first = (request.meta.get("redirect_urls") or [request.url])[0]
            portal = next((p for p in portals.values() if p.owns(first)), None)
            if portal is None:
                self.refuse(request, None, f"{request.url} is on none of the crawl's portals")
        reason = outside_reason(portal, request.url)
        if reason is None:
            reason = await self.internal_reason(portal, request)
        if reason is not None:
            self.refuse(request, portal, reason)
        return None

    async def internal_reason(self, portal: Portal, request: Request) -> str | None:
        """Why the request's host is internal while the portal is not, or None."""
        if internal_address(portal_host(portal)):
            return None
        host = urlparse_cached(request).hostname or ""
        if internal_address(host):
            return f"{host} is an internal address"
        if literal_address(host) is not None:
            return None
        if host.lower() in self.trusted_names():
            return None  # mapped by the operator (PORTAL_ARCHIVE_RESOLVE): where it is meant to
        if await self.resolves_internal_once(host):
            return f"{host} resolves to an internal address"
        return None

    async def resolves_internal_once(self, host: str) -> bool:
        """:meth:`resolves_internal`, looked up once per host and run."""
        known = self.resolved.get(host)
        if isinstance(known, bool):
            return known
        if isinstance(known, Deferred):  # another request's lookup is running: share its answer
            return bool(await maybe_deferred_to_future(branch(known)))
        lookup: Deferred = Deferred()
        self.resolved[host] = lookup
        verdict = False
        try:
            verdict = await self.resolves_internal(host)
        finally:  # whatever happens, the requests waiting on this lookup get an answer
            self.resolved[host] = verdict
            lookup.callback(verdict)
        return verdict

    async def resolves_internal(self, host: str) -> bool:
        """Whether ``host`` resolves (through the crawl's resolver) to an internal address."""
        from twisted.internet import reactor

        try:
            answer = await maybe_deferred_to_future(reactor.resolve(host))  # type: ignore[attr-defined]
        except (DNSLookupError, TimeoutError, OSError) as error:
            logger.debug("boundary: %s did not resolve (%s); the download says why", host, error)
            return False
        address = literal_address(str(answer))
        internal = address is not None and internal_ip(address)
        if internal:
            logger.warning("boundary: %s resolves to the internal address %s", host, answer)
        return internal

    def refuse(self, request: Request, portal: Portal | None, reason: str) -> NoReturn:
        """Count and log the refusal, then raise :class:`LeftPortal`."""
        hops = request.meta.get("redirect_urls") or []
        origin = hops[0] if hops else request.url
        kind = "redirected_offsite" if hops else "refused_offsite"
        if request.meta.get("portal"):
            self.crawler.stats.inc_value(f"portal/{request.meta['portal']}/{kind}")
        else:  # robots.txt or another request of no portal's own
            self.crawler.stats.inc_value(f"boundary/{kind}")
        slug = portal.slug if portal is not None else "-"
        logger.info("portal %s: %s refused: %s", slug, request.url, reason)
        raise LeftPortal(request.url, reason, origin=origin, redirect=last_redirect(request.meta))
