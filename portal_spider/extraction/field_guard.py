"""One field's extractor failing loses that field only, not the whole record.

Page objects fill a record field by field; each step runs inside :func:`field_guard`, which turns
any exception of the step into a problem naming the field (``"views: extraction failed
(IndexError: ...)"``), so the title and body found by the other steps are kept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from portal_spider.items import ArticleItem

logger = logging.getLogger(__name__)


def failure_text(error: BaseException) -> str:
    """An exception in one line: its type and the start of its message."""
    message = " ".join(str(error).split())
    if len(message) > 200:
        message = message[:199] + "…"
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


@contextmanager
def field_guard(item: ArticleItem, field_name: str) -> Iterator[None]:
    """Run one extraction step; an exception becomes a problem of ``field_name``."""
    try:
        yield
    except Exception as error:  # any failure of one step; the other fields stay
        logger.warning("%s: the %s extractor failed: %s", item.url, field_name, failure_text(error))
        item.problem(f"{field_name}: extraction failed ({failure_text(error)})")
