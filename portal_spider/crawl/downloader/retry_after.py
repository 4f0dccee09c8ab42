"""Retry-After on 429 and 503: the host's requests wait as long as the server asked, up to a cap.

Scrapy retries 429 and 503 (``RETRY_HTTP_CODES``) after the host's usual delay and ignores the
server's ``Retry-After``. This extension reads it when the response arrives (the
``response_downloaded`` signal, sent before the downloader picks the host's next request) and
pushes the host's download slot forward, so no request to that host, the retry included, starts
before the time asked. Both forms are understood: a number of seconds (``Retry-After: 120``) and
an HTTP date (``Retry-After: Fri, 04 Dec 2026 21:30:00 GMT``). The wait is capped at
``PORTAL_ARCHIVE_RETRY_AFTER_MAX`` seconds (0: the header is ignored), so a server asking for a
day cannot stall a run. Stats: ``retry_after/honoured``, ``retry_after/capped``,
``retry_after/seconds`` (the waits added up).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

logger = logging.getLogger(__name__)

RETRY_AFTER_STATUSES = frozenset({429, 503})


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """The wait a ``Retry-After`` value asks for, in seconds (0 for a date past), or None."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


class RetryAfterExtension:
    """Hold a host's download slot for the time its 429/503 ``Retry-After`` asks (capped)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.cap = max(0.0, crawler.settings.getfloat("PORTAL_ARCHIVE_RETRY_AFTER_MAX", 120.0))
        crawler.signals.connect(self.response_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterExtension:
        return cls(crawler)

    def response_downloaded(self, response: Response, request: Request, spider: Any = None) -> None:
        if response.status not in RETRY_AFTER_STATUSES or not self.cap:
            return
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        if asked is None:
            return
        wait = min(asked, self.cap)
        engine = self.crawler.engine
        key = request.meta.get("download_slot")
        slot = engine.downloader.slots.get(key) if engine is not None and key else None
        if slot is None:
            return
        slot.lastseen = max(slot.lastseen, time.monotonic() + wait)
        stats = self.crawler.stats
        stats.inc_value("retry_after/honoured")
        stats.inc_value("retry_after/seconds", round(wait, 3))
        if wait < asked:
            stats.inc_value("retry_after/capped")
        logger.info(
            "host %s answered %d with Retry-After %s: its requests wait %.1f s%s",
            key,
            response.status,
            response.headers.get(b"Retry-After", b"").decode("latin-1"),
            wait,
            f" (capped at {self.cap:g} s)" if wait < asked else "",
        )
