"""Failures to reach a host (DNS, refused or lost connections, timeouts), and one log line each.

:data:`CONNECTION_FAILURES` are the download errors that say the host did not answer at all, as
opposed to an HTTP error status or a page that could not be parsed. The circuit breaker counts
them (:mod:`portal_spider.crawl.downloader.circuit`); the exit status tells an unreachable portal
by them.

Scrapy logs some of them with a full Python traceback (robots.txt that could not be fetched is
logged at ERROR with ``exc_info``). A traceback says nothing more than its last line for a DNS
failure or a refused connection, so :class:`OneLineConnectionErrors` drops the traceback of such
records, keeping their message.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
)
from twisted.internet import error as twisted_errors
from twisted.web.client import ResponseNeverReceived

CONNECTION_FAILURES: tuple[type[BaseException], ...] = (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    DownloadFailedError,  # the connection closed before any response
    ResponseNeverReceived,
    twisted_errors.ConnectError,  # DNS lookup, refused, TCP timeout, no route
    twisted_errors.TimeoutError,
    twisted_errors.ConnectionLost,
    twisted_errors.ConnectionDone,
    TimeoutError,
    ConnectionError,
)


def is_connection_failure(exception: BaseException | None) -> bool:
    """Whether ``exception`` (or an exception it was raised from) says the host did not answer."""
    seen = 0
    while exception is not None and seen < 5:
        if isinstance(exception, CONNECTION_FAILURES):
            return True
        exception = exception.__cause__
        seen += 1
    return False


class OneLineConnectionErrors(logging.Filter):
    """Keep the message of a log record about a connection failure, drop its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and is_connection_failure(record.exc_info[1]):
            record.exc_info = None
            record.exc_text = None
        return True


class OneLineConnectionErrorsExtension:
    """Install :class:`OneLineConnectionErrors` on the crawl's log handlers and Scrapy's loggers.

    Scrapy replaces its root log handler once the spider's settings are known, so the filter is
    put on the handlers when the engine starts (and on the loggers that log download errors with
    a traceback, whichever handler they reach).
    """

    LOGGERS = (
        "scrapy.downloadermiddlewares.robotstxt",
        "scrapy.core.scraper",
        "scrapy.core.engine",
    )

    def __init__(self) -> None:
        self.filter = OneLineConnectionErrors()
        for name in self.LOGGERS:
            self._add(logging.getLogger(name))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OneLineConnectionErrorsExtension:
        extension = cls()
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        return extension

    def engine_started(self) -> None:
        for handler in logging.getLogger().handlers:
            self._add(handler)

    def _add(self, target: logging.Logger | logging.Handler) -> None:
        if not any(isinstance(f, OneLineConnectionErrors) for f in target.filters):
            target.addFilter(self.filter)


def describe(exception: Any) -> str:
    """A one-line description of a connection failure, e.g. ``DownloadTimeoutError: ...``."""
    text = str(exception).strip()
    return f"{type(exception).__name__}: {text}" if text else type(exception).__name__
