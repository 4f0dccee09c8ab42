"""One crawl at a time per archive: an advisory lock on ``<archive>.lock``.

The lock is ``fcntl.flock`` on a file beside the archive, taken without waiting. The kernel
releases it when the holder exits however it exits (even ``kill -9``), so a stale lock file never
blocks the next run; the file only keeps the holder's PID and start time for the message the
second run prints. ``portal-archive crawl`` takes it before Scrapy starts (and exits with status 3
when it is held); :class:`ArchiveLockExtension` takes it for crawls started another way
(``scrapy crawl``, Scrapyd).
"""

from __future__ import annotations

import fcntl
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class ArchiveLocked(RuntimeError):
    """Another process holds the archive's lock."""

    def __init__(self, lock_path: Path, holder: str) -> None:
        self.lock_path = lock_path
        self.holder = holder
        super().__init__(
            f"archive locked: another crawl ({holder}) is writing to it "
            f"(lock {lock_path}); this run did nothing"
        )


def lock_path_for(db_path: str | Path) -> Path:
    """The lock file of an archive: ``<archive>.lock`` beside it."""
    path = Path(db_path)
    return path.with_name(path.name + ".lock")


class ArchiveLock:
    """The exclusive lock of one archive; use as a context manager or acquire/release."""

    def __init__(self, db_path: str | Path) -> None:
        self.path = lock_path_for(db_path)
        self.handle: IO[str] | None = None

    def acquire(self) -> ArchiveLock:
        """Take the lock now or raise :class:`ArchiveLocked` naming the holder."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held until release)
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "PID unknown"
            handle.close()
            raise ArchiveLocked(self.path, holder) from None
        handle.seek(0)
        handle.truncate()
        started = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        handle.write(f"PID {os.getpid()}, started {started}\n")
        handle.flush()
        self.handle = handle
        return self

    def release(self) -> None:
        """Let the lock go (the file stays; it is reused by the next run)."""
        if self.handle is None:
            return
        self.handle.seek(0)
        self.handle.truncate()
        fcntl.flock(self.handle.fileno(), fcntl.LOCK_UN)
        self.handle.close()
        self.handle = None

    @property
    def held(self) -> bool:
        return self.handle is not None

    def __enter__(self) -> ArchiveLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


class ArchiveLockExtension:
    """Take the archive's lock for the crawl unless the process that started it holds it.

    ``PORTAL_ARCHIVE_LOCK_HELD`` is set by :func:`portal_spider.crawl.runner.run_crawl`, which
    takes the
    lock itself before Scrapy starts. When the lock is held elsewhere the crawler is not built and
    the error names the holder.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.lock = ArchiveLock(crawler.settings.get("PORTAL_ARCHIVE_DB"))
        self.lock.acquire()
        crawler.signals.connect(self.release, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveLockExtension:
        if crawler.settings.getbool("PORTAL_ARCHIVE_LOCK_HELD"):
            raise NotConfigured  # the process that started the crawl holds the lock
        return cls(crawler)

    def release(self) -> None:
        self.lock.release()
