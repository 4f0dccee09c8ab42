"""Politeness across the fleet: a request to a host waits for a lease that Redis hands out.

Scrapy keeps each worker within the per-host concurrency and delay on its own; with several
workers those limits must hold for all of them together. Before a request goes to the network,
:class:`FleetHostLeaseMiddleware` takes a lease on its host from Redis, by one
Lua script that counts the leases out (a sorted set scored by their expiry) and the time the next
request may start, both on the Redis server's clock. A host is its server: the address its name
resolves to when :mod:`portal_spider.crawl.ip_slots` put the request in that address's slot (the
portals of one server share it, as in a local crawl), else ``host:port``:

* at most the portal's ``concurrency`` (else ``CONCURRENT_REQUESTS_PER_DOMAIN``) leases of a host
  are out at once, across every worker;
* a lease is handed out no sooner than the portal's ``delay`` (else ``DOWNLOAD_DELAY``) after
  the previous one of that host;
* the lease is given back when the response or the error arrives; a lease of a killed worker
  expires after the request's download timeout (the portal's own, else ``DOWNLOAD_TIMEOUT``)
  plus ``PORTAL_ARCHIVE_CLUSTER_HOST_LEASE_MARGIN`` seconds, so its slot is not lost for good.

It sits last before the download handler (after retries and redirects, which make new requests
that take their own lease).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import redis
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

from portal_spider.cluster.keys import Keys, connect

logger = logging.getLogger(__name__)

LEASE_META = "fleet_host_lease"
# seconds a lease outlives its request's download timeout (PORTAL_ARCHIVE_CLUSTER_HOST_LEASE_MARGIN)
LEASE_MARGIN_S = 30.0
MAX_POLL_S = 0.25  # longest wait between two tries of a full host

ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
local next_at = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < next_at then return next_at - now end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
redis.call('SET', KEYS[2], now + tonumber(ARGV[3]), 'PX', tonumber(ARGV[3]) + 1000)
return 0
"""


def server_key(request: Request) -> str:
    """The server a request goes to: the address its host name resolved to (the download slot
    :mod:`portal_spider.crawl.ip_slots` gave it, shared by the portals of one server, as in a
    local crawl), else its ``host:port`` (an address written in the URL)."""
    slot = request.meta.get("download_slot")
    return str(slot) if slot else urlparse_cached(request).netloc


class FleetHostLeaseMiddleware:
    """Hold a Redis lease on the request's host while the request is on the network."""

    def __init__(self, crawler: Crawler, client: redis.Redis, keys: Keys) -> None:
        self.crawler = crawler
        self.client = client
        self.keys = keys
        self.acquire = client.register_script(ACQUIRE)
        settings = crawler.settings
        self.default_limit = max(1, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 2))
        self.default_delay = max(0.0, settings.getfloat("DOWNLOAD_DELAY"))
        self.timeout = settings.getfloat("DOWNLOAD_TIMEOUT", 180)
        self.margin = max(
            0.0, settings.getfloat("PORTAL_ARCHIVE_CLUSTER_HOST_LEASE_MARGIN", LEASE_MARGIN_S)
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FleetHostLeaseMiddleware:
        url = crawler.settings.get("PORTAL_ARCHIVE_CLUSTER_REDIS")
        if not url:
            raise NotConfigured("not a cluster worker")
        if not crawler.settings.getbool("PORTAL_ARCHIVE_CLUSTER_HOST_LEASES", True):
            raise NotConfigured("host leases turned off (each worker keeps its own limits only)")
        prefix = crawler.settings.get("PORTAL_ARCHIVE_CLUSTER_PREFIX")
        return cls(crawler, connect(url), Keys(prefix))

    def politeness(self, request: Request) -> tuple[int, float]:
        """The host's limit of requests in flight and its delay, for this request's portal."""
        portals = getattr(self.crawler.spider, "portals", {}) or {}
        portal = portals.get(request.meta.get("portal", ""))
        limit = self.default_limit
        delay = self.default_delay
        if portal is not None:
            if portal.concurrency:
                limit = int(portal.concurrency)
            if portal.delay is not None and self.crawler.settings.getbool(
                "PORTAL_ARCHIVE_PORTAL_DELAYS", True
            ):
                delay = float(portal.delay)
        return limit, delay

    async def process_request(self, request: Request, spider: Any = None) -> None:
        key = self.keys.host(server_key(request))
        limit, delay = self.politeness(request)
        token = uuid.uuid4().hex
        timeout = float(request.meta.get("download_timeout") or self.timeout)
        lease_ms = int((timeout + self.margin) * 1000)
        waited = False
        while True:
            wait_ms = int(
                self.acquire(
                    keys=[key, key + ":next"], args=[token, limit, int(delay * 1000), lease_ms]
                )
            )
            if wait_ms == 0:
                break
            waited = True
            pause = MAX_POLL_S if wait_ms < 0 else min(wait_ms / 1000, MAX_POLL_S)
            await asyncio.sleep(max(pause, 0.005))
        if waited:
            self.crawler.stats.inc_value("cluster/host_lease_waits")
        request.meta[LEASE_META] = (key, token)
        return None

    def release(self, request: Request) -> None:
        lease = request.meta.pop(LEASE_META, None)
        if lease is not None:
            key, token = lease
            self.client.zrem(key, token)

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        self.release(request)
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> None:
        self.release(request)
        return None
