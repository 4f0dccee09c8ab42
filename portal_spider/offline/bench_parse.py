"""Parse time against page size, on the generic path and the Yên Bái path.

Each size gets one generated article page per layout
(:func:`~portal_spider.demo.big_page.big_article_page`), parsed once by the page object of its
path: :class:`~portal_spider.platforms.generic.GenericPlatform` for the generic table layout,
:class:`~portal_spider.platforms.yenbai.YenBaiPlatform` for the Yên Bái layout. A parse that runs
past the time limit is stopped (``SIGALRM``) and shown as ``>limit``; the larger sizes of that path
are then skipped. Seconds per MB that stay flat as the size grows mean parsing is linear.

Times are the process's CPU seconds (``time.process_time``): a parse holds the crawl's only
thread for that long, and the figure does not change with what else the machine runs. The time
limit is wall-clock.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import FrameType

from portal_spider.demo.big_page import BigPage, big_article_page
from portal_spider.platforms.base import Platform
from portal_spider.platforms.generic import GenericPlatform
from portal_spider.platforms.yenbai import YenBaiPlatform

logger = logging.getLogger(__name__)

MB = 1024 * 1024
DEFAULT_SIZES = (0.25, 0.5, 1, 2, 4, 8, 16)
PATHS: dict[str, type[Platform]] = {"generic": GenericPlatform, "yenbai": YenBaiPlatform}


class ParseTimeout(Exception):
    """A parse ran past the benchmark's time limit."""


@dataclass(frozen=True)
class Timing:
    """One parse: CPU seconds (``None`` when stopped at the limit), and whether it was right."""

    seconds: float | None
    correct: bool


@dataclass(frozen=True)
class Row:
    """Parse times of one page size, by path."""

    megabytes: float
    timings: dict[str, Timing | None]  # None: skipped after a slower size hit the limit


def parsed_right(page: BigPage, platform: Platform) -> bool:
    """Parse ``page`` and tell whether the title, the date and both ends of the body came out."""
    item = platform.parse_article(page.url, page.html)
    body = item.body_text or ""
    return (
        item.title == page.title
        and page.date in (item.published_raw or "")
        and body.startswith(page.first_paragraph)
        and body.endswith(page.last_paragraph)
    )


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise ParseTimeout


def time_parse(page: BigPage, platform: Platform, limit: float) -> Timing:
    """Seconds to parse ``page``, stopped after ``limit`` seconds."""
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    start = time.process_time()
    try:
        correct = parsed_right(page, platform)
        return Timing(time.process_time() - start, correct)
    except ParseTimeout:
        logger.warning("%s parse of %d bytes stopped after %.0f s", page.layout, page.size, limit)
        return Timing(None, False)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_parse_bench(sizes: Iterable[float] = DEFAULT_SIZES, limit: float = 60.0) -> Iterator[Row]:
    """One row per size (in MB), as soon as it is measured."""
    stopped: set[str] = set()
    for megabytes in sizes:
        timings: dict[str, Timing | None] = {}
        for path, platform in PATHS.items():
            if path in stopped:
                timings[path] = None
                continue
            page = big_article_page(int(megabytes * MB), layout=path)
            timing = time_parse(page, platform(), limit)
            timings[path] = timing
            if timing.seconds is None:
                stopped.add(path)
        yield Row(megabytes, timings)


def table_header() -> str:
    """The column names of :func:`format_row`."""
    columns = (("size MB", 8), ("generic s", 10), ("yenbai s", 10), ("generic s/MB", 13))
    return " ".join(f"{name:>{width}}" for name, width in (*columns, ("yenbai s/MB", 12)))


def _seconds(timing: Timing | None, limit: float) -> str:
    if timing is None:
        return "skipped"
    if timing.seconds is None:
        return f">{limit:.0f}"
    return f"{timing.seconds:.2f}" + ("" if timing.correct else " WRONG")


def _per_mb(timing: Timing | None, megabytes: float) -> str:
    if timing is None or timing.seconds is None:
        return "-"
    return f"{timing.seconds / megabytes:.3f}"


def format_row(row: Row, limit: float) -> str:
    """One line of the table: size, seconds per path, seconds per MB per path."""
    generic, yenbai = row.timings.get("generic"), row.timings.get("yenbai")
    return (
        f"{row.megabytes:>8g} {_seconds(generic, limit):>10} {_seconds(yenbai, limit):>10} "
        f"{_per_mb(generic, row.megabytes):>13} {_per_mb(yenbai, row.megabytes):>12}"
    )
