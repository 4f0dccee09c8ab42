"""Pages over the download size cap: telling them from other failures, and saying how large.

``DOWNLOAD_MAXSIZE`` (settings) caps what one page may cost. Scrapy enforces it in three places
and fails the request differently in each:

* the announced ``Content-Length`` is over the cap: the download is cancelled before the body
  (``DownloadCancelledError`` "Expected to receive N bytes which is larger than download max
  size ...");
* the body, without a length or longer than announced, grows past the cap while it streams in:
  the download is cancelled at that point (``DownloadCancelledError`` with no message);
* a compressed body (a gzip bomb) grows past the cap while it is decompressed by
  HttpCompressionMiddleware: ``IgnoreRequest`` "... (N B decompressed so far) exceeded
  DOWNLOAD_MAXSIZE ...".

:func:`too_large_reason` turns any of them into one reason, ``too large: ...``, which the spider
records with the article (never retried: the page will not shrink by itself).
"""

from __future__ import annotations

import re

from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

TOO_LARGE = "too large:"
_ANNOUNCED = re.compile(r"Expected to receive (\d+) bytes which is larger than download max size")
_DECOMPRESSED = re.compile(r"(\d+) B decompressed so far\) exceeded DOWNLOAD_MAXSIZE")


def max_size(request: Request, settings: BaseSettings) -> int:
    """The size cap of ``request`` in bytes (its meta, else ``DOWNLOAD_MAXSIZE``)."""
    return int(request.meta.get("download_maxsize", settings.getint("DOWNLOAD_MAXSIZE")))


def too_large_reason(failure: Failure, limit: int) -> str | None:
    """``too large: ...`` when ``failure`` is a page over the size cap ``limit``, else None."""
    message = failure.getErrorMessage() if failure.value is not None else ""
    if failure.check(DownloadCancelledError):
        announced = _ANNOUNCED.search(message)
        if announced:
            return f"{TOO_LARGE} {announced.group(1)} bytes announced (limit {limit})"
        if not message.strip() and limit:
            return f"{TOO_LARGE} more than {limit} bytes received (limit {limit})"
        return None
    if failure.check(IgnoreRequest):
        decompressed = _DECOMPRESSED.search(message)
        if decompressed:
            return (
                f"{TOO_LARGE} more than {decompressed.group(1)} bytes once decompressed "
                f"(limit {limit})"
            )
    return None
