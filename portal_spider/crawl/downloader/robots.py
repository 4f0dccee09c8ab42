"""robots.txt, obeyed for every request, including those queued while robots.txt is being fetched.

Scrapy's ``RobotsTxtMiddleware`` (2.13 and later) keeps, per host, one Deferred while robots.txt
is downloading, and every request that arrives meanwhile awaits that same Deferred. Awaiting a
Deferred turns it into a Future through a callback that returns ``None``: the first waiter gets the
parser, every later one gets ``None``, which the middleware reads as "no robots.txt, allow". With
``Disallow: /`` and five entry pages, three were fetched. :class:`PortalRobotsTxtMiddleware`
gives each waiter a Deferred of its own, fed by a callback that passes the parser on, so every
queued request is checked against the parser. A robots.txt that cannot be downloaded (DNS,
refused connection, timeout) is logged as one warning line, not Scrapy's traceback. It replaces
Scrapy's middleware in ``DOWNLOADER_MIDDLEWARES``; ``ROBOTSTXT_OBEY`` and the per-request
``dont_obey_robotstxt`` meta (a portal's ``obey_robots = false``) work as before.

A portal whose requests robots.txt forbade, none fetched and none failed, is "blocked"
(:func:`run_blocked`): its run gets the status ``blocked``, the monitor warns, and
``portal-archive crawl`` exits with its own status.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

FORBIDDEN_MESSAGE = "Forbidden by robots.txt"  # the IgnoreRequest message of a refusal
FETCHED_KINDS = ("listing_pages", "article_pages", "gone_seen")  # stats of pages fetched


def branch(source: Deferred) -> Deferred:
    """A new Deferred fired with ``source``'s result; ``source`` keeps its result for others."""
    waiter: Deferred = Deferred()

    def relay(result: Any) -> Any:
        waiter.callback(result)
        return result

    source.addCallback(relay)
    return waiter


class PortalRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with every request waiting for robots.txt answered."""

    async def robot_parser(self, request: Request) -> RobotParser | None:
        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            await self.fetch_robots(f"{url.scheme}://{netloc}/robots.txt", netloc, request)
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            # robots.txt of this host is being fetched: wait on a Deferred of our own
            return await maybe_deferred_to_future(branch(parser))
        return parser

    async def fetch_robots(self, robots_url: str, netloc: str, request: Request) -> None:
        """Download and parse a host's robots.txt; a host whose robots.txt cannot be fetched is
        crawled as if it allowed everything (Scrapy's rule), with one warning line."""
        robots_request = Request(
            robots_url,
            priority=self.DOWNLOAD_PRIORITY,
            meta={"dont_obey_robotstxt": True},
            callback=NO_CALLBACK,
        )
        try:
            response = await self.crawler.engine.download_async(robots_request)
            await self._parse_robots(response, netloc, request)
        except IgnoreRequest as error:  # refused (the portal's boundary): no robots.txt
            logger.info("robots.txt of %s not fetched: %s", netloc, error)
            self._robots_error(error, netloc)
        except Exception as error:  # noqa: BLE001 - any download failure, as Scrapy's own
            logger.warning(
                "robots.txt of %s could not be fetched (%s: %s): its pages are not filtered",
                netloc,
                type(error).__name__,
                error,
            )
            self._robots_error(error, netloc)
        self._stats.inc_value("robotstxt/request_count")


def forbidden_by_robots(error_message: str) -> bool:
    """Whether a request's failure message is robots.txt's refusal."""
    return FORBIDDEN_MESSAGE.lower() in error_message.lower()


def blocked_by_robots(stats: Mapping[str, Any], slug: str) -> bool:
    """Whether robots.txt forbade every request of the portal ``slug`` in a run's ``stats``."""

    def value(key: str) -> int:
        return int(stats.get(f"portal/{slug}/{key}") or 0)

    fetched = sum(value(kind) for kind in FETCHED_KINDS)
    return run_blocked(value("forbidden_by_robots"), fetched, value("pages_failed"))


def run_blocked(forbidden: int, fetched: int, failed: int) -> bool:
    """Whether a run was blocked: robots.txt forbade requests, and none was fetched or failed."""
    return forbidden > 0 and fetched == 0 and failed == 0
