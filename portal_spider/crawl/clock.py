"""The crawl's clock: real time, or real time shifted to a chosen "now" for tests and replays.

``PORTAL_ARCHIVE_NOW`` (an ISO 8601 time, e.g. ``2026-01-09T08:00:00+07:00``) makes a run behave
as if it started then: revisit schedules, fetch times, run times and the monitor's "days without
a new article" all read this clock, so a test can run a crawl "eight days later" without waiting.
"""

from __future__ import annotations

from datetime import datetime, timezone


def parse_time(value: str) -> datetime:
    """An aware datetime from ISO 8601; a time without an offset is taken as UTC."""
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Clock:
    """Current time in UTC, optionally shifted so that the clock starts at ``start``."""

    def __init__(self, start: str | datetime | None = None) -> None:
        real = datetime.now(timezone.utc)
        if isinstance(start, str) and start.strip():
            start = parse_time(start)
        self.offset = (start - real) if isinstance(start, datetime) else None

    @property
    def shifted(self) -> bool:
        """Whether this clock is not the real time."""
        return self.offset is not None

    def now(self) -> datetime:
        """The current time (UTC, aware)."""
        real = datetime.now(timezone.utc)
        return real + self.offset if self.offset is not None else real

    def iso(self) -> str:
        """The current time as ISO 8601 UTC with seconds, the archive's format."""
        return self.now().replace(microsecond=0).isoformat()
