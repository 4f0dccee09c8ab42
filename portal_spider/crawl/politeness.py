"""Politeness: the delay floor, and each portal's own delay, concurrency, robots.txt and User-Agent.

Why a floor on ``DOWNLOAD_DELAY``: with Scrapy's default asyncio reactor and a delay of exactly 0,
the downloader starts every queued request of a host at once: it checks the host's free slots
before the requests it just scheduled have started (they start on the next loop turn), so
``CONCURRENT_REQUESTS_PER_DOMAIN = 2`` let 7 requests run together against one host. With any
delay above 0 it hands out one request per delay and the limit holds. So a delay below
``MIN_DOWNLOAD_DELAY`` is raised to it, with a warning, rather than switching every crawl to
another reactor; the jitter is kept below 1 so a randomised delay never reaches 0 either.

A portal's registry row may set ``delay``, ``concurrency``, ``obey_robots`` and ``user_agent``.
Delay and concurrency become the portal host's ``DOWNLOAD_SLOTS`` entry; a portal with its own
delay keeps exactly that delay (AutoThrottle does not adjust it). ``--delay`` on the command line
wins over the registry. ``obey_robots = false`` sets ``dont_obey_robotstxt`` on the portal's
requests; ``user_agent`` is sent by :class:`PortalUserAgentMiddleware` on every request to the
portal's host, robots.txt included.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.settings import SETTINGS_PRIORITIES, Settings
from scrapy.utils.httpobj import urlparse_cached

from portal_spider.registry import Portal

logger = logging.getLogger(__name__)

MIN_DOWNLOAD_DELAY = 0.001
MAX_JITTER = 0.9


def enforce_delay_floor(settings: Settings) -> None:
    """Raise a delay (global or per slot) below the floor, and cap the jitter, with a warning."""
    delay = settings.getfloat("DOWNLOAD_DELAY")
    if delay < MIN_DOWNLOAD_DELAY:
        logger.warning(
            "DOWNLOAD_DELAY %s is below %s: raised to %s (a delay of 0 lets Scrapy exceed the "
            "per-host concurrency limit)",
            delay,
            MIN_DOWNLOAD_DELAY,
            MIN_DOWNLOAD_DELAY,
        )
        settings.set("DOWNLOAD_DELAY", MIN_DOWNLOAD_DELAY, priority="cmdline")
    jitter = settings.getfloat("DOWNLOAD_DELAY_JITTER")
    if jitter > MAX_JITTER:
        logger.warning("DOWNLOAD_DELAY_JITTER %s capped at %s", jitter, MAX_JITTER)
        settings.set("DOWNLOAD_DELAY_JITTER", MAX_JITTER, priority="cmdline")
    slots = settings.getdict("DOWNLOAD_SLOTS")
    changed = False
    for host, slot in slots.items():
        if "delay" in slot and float(slot["delay"]) < MIN_DOWNLOAD_DELAY:
            logger.warning("DOWNLOAD_SLOTS[%s] delay raised to %s", host, MIN_DOWNLOAD_DELAY)
            slot["delay"] = MIN_DOWNLOAD_DELAY
            changed = True
    if changed:
        settings.set("DOWNLOAD_SLOTS", slots, priority="cmdline")


def portal_host(portal: Portal) -> str:
    """The host name Scrapy uses as the download slot of a portal's requests."""
    return _hostname(portal.base_url)


@lru_cache(maxsize=1024)  # asked on every request of the portal
def _hostname(url: str) -> str:
    return urlsplit(url).hostname or ""


def portal_slots(portals: list[Portal], *, use_delay: bool = True) -> dict[str, dict[str, Any]]:
    """``DOWNLOAD_SLOTS`` entries for the portals that set their own delay or concurrency."""
    slots: dict[str, dict[str, Any]] = {}
    for portal in portals:
        slot: dict[str, Any] = {}
        if portal.delay is not None and use_delay:
            if portal.delay < 0:
                raise ValueError(f"{portal.slug}: delay must not be negative")
            slot["delay"] = max(float(portal.delay), MIN_DOWNLOAD_DELAY)
        if portal.concurrency is not None:
            if portal.concurrency < 1:
                raise ValueError(f"{portal.slug}: concurrency must be at least 1")
            slot["concurrency"] = int(portal.concurrency)
        if slot:
            slots.setdefault(portal_host(portal), {}).update(slot)
    return slots


def apply_portal_politeness(settings: Settings, portals: list[Portal]) -> None:
    """Merge the portals' own delays and concurrency into ``DOWNLOAD_SLOTS``, then the floor."""
    cmdline = SETTINGS_PRIORITIES["cmdline"]
    use_delay = (settings.getpriority("DOWNLOAD_DELAY") or 0) < cmdline
    settings.set("PORTAL_ARCHIVE_PORTAL_DELAYS", use_delay, priority="cmdline")
    slots = settings.getdict("DOWNLOAD_SLOTS")
    for host, slot in portal_slots(portals, use_delay=use_delay).items():
        slots.setdefault(host, {}).update(slot)
    if slots:
        settings.set("DOWNLOAD_SLOTS", slots, priority="cmdline")
    enforce_delay_floor(settings)


def request_meta(portal: Portal, *, use_delay: bool = True) -> dict[str, Any]:
    """Request meta a portal's overrides need (robots.txt, a fixed delay)."""
    meta: dict[str, Any] = {}
    if portal.obey_robots is False:
        meta["dont_obey_robotstxt"] = True
    if portal.delay is not None and use_delay:
        meta["autothrottle_dont_adjust_delay"] = True
    return meta


class PortalUserAgentMiddleware:
    """Send a portal's own User-Agent (registry ``user_agent``) on every request to its host.

    Runs before Scrapy's UserAgentMiddleware (which only fills the header when it is missing), so
    robots.txt, listings and articles of that portal all name the same agent.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.agents: dict[str, str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PortalUserAgentMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        if self.agents is None:
            portals = getattr(self.crawler.spider, "portals", {}) or {}
            self.agents = {portal_host(p): p.user_agent for p in portals.values() if p.user_agent}
        agent = self.agents.get(urlparse_cached(request).hostname or "")
        if agent:
            request.headers[b"User-Agent"] = agent
        return None
