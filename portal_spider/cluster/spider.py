"""The portal spider as a worker runs it: one job; its items, captures and crawl memory sent on.

:class:`ClusterPortalSpider` is :class:`~portal_spider.spiders.portal.PortalSpider` with the crawl
state of :mod:`portal_spider.cluster.remote_state`; :class:`OutboxPipeline` takes the store
pipeline's place and puts each item on the result stream; :class:`JobCaptureSink` takes the
archive's place for the captures of :mod:`portal_spider.crawl.capture` (listings, robots.txt,
sitemaps, feeds, the home page, linked files and what became of them). Normalising, deduplicating
and deciding what to capture run in the worker as in a local crawl, so the writer receives exactly
what a local store would.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from scrapy.crawler import Crawler

from archive.blobs import Capture
from portal_spider.cluster.jobs import Job
from portal_spider.cluster.keys import Keys
from portal_spider.cluster.messages import (
    CAPTURE,
    FINISH,
    ITEM,
    MEMORY,
    Entry,
    pack_capture,
    pack_item,
    pack_json,
)
from portal_spider.cluster.remote_state import RemoteCrawlState
from portal_spider.crawl.plan import CrawlState
from portal_spider.crawl.revisits import parse_steps
from portal_spider.spiders.portal import PortalSpider

logger = logging.getLogger(__name__)


class Outbox:
    """The result stream, for one job: items, crawl memory, the end of the run."""

    def __init__(self, client: redis.Redis, keys: Keys, job: Job) -> None:
        self.client = client
        self.keys = keys
        self.job = job
        self.sent = 0

    def _send(self, kind: str, data: bytes, body: bytes = b"") -> None:
        entry = Entry("*", kind, self.job.run_id, self.job.portal.slug, data, body)
        self.client.xadd(self.keys.results, entry.fields())
        self.sent += 1

    def send_item(self, item: Any) -> None:
        self._send(ITEM, pack_item(item))

    def send_memory(self, steps: list[list[Any]]) -> None:
        self._send(MEMORY, pack_json(steps))

    def send_capture(self, step: str, capture: Capture | None, fields: dict[str, Any]) -> None:
        self._send(CAPTURE, *pack_capture(step, capture, fields))

    def send_finish(self, reason: str, stats: dict[str, Any]) -> None:
        self._send(FINISH, pack_json({"reason": reason, "stats": stats}))


class ClusterPortalSpider(PortalSpider):
    """The portal spider crawling the portal of one job."""

    name = "portal-cluster"

    def __init__(self, job: Job, outbox: Outbox, **kwargs: Any) -> None:
        super().__init__(portals=[job.portal], **kwargs)
        self.job = job
        self.outbox = outbox

    def capture_sink(self) -> JobCaptureSink:
        return JobCaptureSink(self.outbox, self.job.plan)

    def crawl_state(self, settings: Any) -> CrawlState:
        return RemoteCrawlState(
            self.outbox,
            self.job.plan,
            self.clock,
            full=settings.getbool("PORTAL_ARCHIVE_FULL"),
            max_attempts=settings.getint("PORTAL_ARCHIVE_MAX_ATTEMPTS", 5),
            default_steps=parse_steps(settings.get("PORTAL_ARCHIVE_REVISIT_DAYS")),
        )


class JobCaptureSink:
    """A worker's captures: each step sent to the writer; the files done before read from the
    job's plan (the writer read them from the archive when it made the job)."""

    errors: tuple[type[Exception], ...] = (redis.RedisError,)

    def __init__(self, outbox: Outbox, plan: dict[str, Any]) -> None:
        self.outbox = outbox
        files = plan.get("files") or {}
        self.known = set(files.get("known") or [])
        self.pending = [(str(url), str(kind)) for url, kind in files.get("pending") or []]

    def write(self, step: str, capture: Capture | None = None, **fields: Any) -> None:
        self.outbox.send_capture(step, capture, fields)

    def known_file(self, url: str) -> bool:
        return url in self.known

    def pending_files(self, portal: str, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
        return [(url, kind) for url, kind in self.pending if kind in kinds]

    def close(self) -> None:
        return None


class OutboxPipeline:
    """Pipeline step 3 of a worker: send each item to the writer (instead of storing it)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutboxPipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        self.crawler.spider.outbox.send_item(item)
        self.crawler.stats.inc_value("cluster/items_sent")
        return item
