"""Scrapy's per-response log lines, built only when a log handler will show them.

Scrapy logs every response ("Crawled (200) …") and every item ("Scraped from …") at DEBUG: the
message's arguments and a log record are made for each, and the handler then drops them at the
usual INFO or WARNING level, 6,000 times a 2,000-article crawl. :class:`QuietLogFormatter` gives
Scrapy no line to log when no handler takes DEBUG records; with ``LOG_LEVEL = "DEBUG"`` (or any
handler at DEBUG) the lines are logged as before.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.http import Request, Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure

# the loggers Scrapy logs these lines with
_ENGINE = logging.getLogger("scrapy.core.engine")
_SCRAPER = logging.getLogger("scrapy.core.scraper")


def shown(logger: logging.Logger, level: int) -> bool:
    """Whether a record of ``level`` from ``logger`` would reach a handler that takes it (as
    :meth:`logging.Logger.callHandlers` walks the loggers; handlers' filters are not asked)."""
    if not logger.isEnabledFor(level):
        return False
    node: logging.Logger | None = logger
    any_handler = False
    while node is not None:
        for handler in node.handlers:
            any_handler = True
            if level >= handler.level:
                return True
        if not node.propagate:
            break
        node = node.parent
    last_resort = logging.lastResort
    return not any_handler and last_resort is not None and level >= last_resort.level


class QuietLogFormatter(LogFormatter):
    """Scrapy's log formatter, without the DEBUG lines no handler shows."""

    def crawled(
        self, request: Request, response: Response, spider: Spider
    ) -> LogFormatterResult | None:
        if not shown(_ENGINE, logging.DEBUG):
            return None
        return super().crawled(request, response, spider)

    def scraped(
        self, item: Any, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult | None:
        if not shown(_SCRAPER, logging.DEBUG):
            return None
        return super().scraped(item, response, spider)
