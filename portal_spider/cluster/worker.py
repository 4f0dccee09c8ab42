"""``portal-archive worker``: claim jobs from Redis and crawl them, one after another.

One worker process runs one Scrapy reactor and, for each job it claims (``--jobs`` at once), one
crawler of
:class:`~portal_spider.cluster.spider.ClusterPortalSpider` with the project's settings (plus
the job's), the store pipeline replaced by the outbox and the fleet's host leases added. It
renews the job's lease while it crawls; when the crawl ends it sends the end of the run with the
crawl's stats, then drops the job. SIGINT or SIGTERM stop the crawl as ``crawl`` does (the run
ends ``interrupted`` and its walks keep their resume points) and the worker exits.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.reactor import install_reactor
from twisted.internet.defer import Deferred, DeferredList, ensureDeferred
from twisted.internet.task import LoopingCall, deferLater

from portal_spider.cluster.jobs import Job, JobQueue
from portal_spider.cluster.keys import Keys, connect
from portal_spider.cluster.spider import ClusterPortalSpider, Outbox
from portal_spider.crawl.runner import crawl_gc, crawl_settings

logger = logging.getLogger(__name__)

POLL_SECONDS = 1.0
STORE_PIPELINE = "portal_spider.pipelines.store.StorePipeline"
OUTBOX_PIPELINE = "portal_spider.cluster.spider.OutboxPipeline"
LOCK_EXTENSION = "portal_spider.crawl.lock.ArchiveLockExtension"
HOST_LEASE = "portal_spider.cluster.hostlease.FleetHostLeaseMiddleware"
HOST_LEASE_ORDER = 960  # last before the download handler


def worker_name() -> str:
    """This worker's name in leases and logs: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def worker_settings(
    redis_url: str, prefix: str, overrides: dict[str, Any] | None = None
) -> Settings:
    """The project's settings for a worker: no archive, the outbox, the fleet's host leases."""
    settings = crawl_settings("", overrides)
    if "PORTAL_ARCHIVE_PROGRESS" not in (overrides or {}):
        # its counts of articles stored are the writer's; the worker logs each job's end itself
        settings.set("PORTAL_ARCHIVE_PROGRESS", False, priority="cmdline")
    pipelines = dict(settings.getdict("ITEM_PIPELINES"))
    order = pipelines.pop(STORE_PIPELINE, 300)
    pipelines[OUTBOX_PIPELINE] = order
    settings.set("ITEM_PIPELINES", pipelines, priority="cmdline")
    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions[LOCK_EXTENSION] = None  # the writer holds the archive's lock
    settings.set("EXTENSIONS", extensions, priority="cmdline")
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares[HOST_LEASE] = HOST_LEASE_ORDER
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
    settings.set("PORTAL_ARCHIVE_CLUSTER_REDIS", redis_url, priority="cmdline")
    settings.set("PORTAL_ARCHIVE_CLUSTER_PREFIX", prefix, priority="cmdline")
    return settings


class Worker:
    """Claim jobs and crawl them until stopped (or, with ``until_idle``, until none is left)."""

    def __init__(
        self,
        redis_url: str,
        *,
        prefix: str,
        lease_seconds: int = 30,
        until_idle: bool = False,
        jobs_at_once: int = 1,
        overrides: dict[str, Any] | None = None,
    ) -> None:
        self.jobs_at_once = max(1, jobs_at_once)
        self.client = connect(redis_url)
        self.keys = Keys(prefix)
        self.queue = JobQueue(self.client, self.keys)
        self.name = worker_name()
        self.lease_seconds = max(3, lease_seconds)
        self.until_idle = until_idle
        self.settings = worker_settings(redis_url, prefix, overrides)
        self.stopping = False
        self.jobs_done = 0
        self.current: set[Crawler] = set()
        self.process: CrawlerProcess | None = None

    def run(self) -> int:
        """Run the worker in this process (the reactor starts once); returns the exit status."""
        install_reactor(self.settings["TWISTED_REACTOR"], self.settings["ASYNCIO_EVENT_LOOP"])
        from twisted.internet import reactor

        self.process = CrawlerProcess(self.settings)
        outcome: dict[str, int] = {"status": 0}

        def done(result: Any) -> None:
            if isinstance(result, BaseException) or hasattr(result, "getTraceback"):
                logger.error("worker %s stopped on an error: %s", self.name, result)
                outcome["status"] = 1
            if reactor.running:
                reactor.stop()

        def start() -> None:
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, self.on_signal)
            loops = [ensureDeferred(self.loop()) for _ in range(self.jobs_at_once)]
            DeferredList(loops, fireOnOneErrback=True, consumeErrors=True).addBoth(done)

        reactor.callWhenRunning(start)
        with crawl_gc():
            self.process.start(stop_after_crawl=False, install_signal_handlers=False)
        logger.info("worker %s: %d job(s) done", self.name, self.jobs_done)
        return outcome["status"]

    def on_signal(self, signum: int, frame: Any) -> None:
        from twisted.internet import reactor

        if self.stopping:  # a second signal: stop now
            reactor.callFromThread(reactor.stop)
            return
        self.stopping = True
        for crawler in list(self.current):
            reactor.callFromThread(self.stop_crawler, crawler)

    def stop_crawler(self, crawler: Crawler) -> None:
        """Stop a crawl gracefully (its run ends interrupted), once its engine runs: a stop asked
        for while the engine is still opening is lost, and the crawl would never end."""
        from twisted.internet import reactor

        if crawler not in self.current or not crawler.crawling:
            return
        engine = crawler._engine  # Scrapy's way to read the engine before the crawl has started
        if engine is not None and engine.running:
            deferred_from_coro(crawler.stop_async())  # an asyncio task: Scrapy awaits futures
        else:
            reactor.callLater(0.5, self.stop_crawler, crawler)

    async def loop(self) -> None:
        from twisted.internet import reactor

        logger.info("worker %s: waiting for jobs (%s)", self.name, self.keys.prefix)
        while not self.stopping:
            job = self.queue.claim(self.name, self.lease_seconds)
            if job is None:
                if self.until_idle and self.queue.idle():
                    logger.info("worker %s: no job left", self.name)
                    return
                await deferLater(reactor, POLL_SECONDS, lambda: None)
                continue
            await self.crawl(job)
            self.jobs_done += 1

    async def crawl(self, job: Job) -> None:
        """Crawl one job under its lease; send the end of its run; drop it."""
        logger.info("worker %s: portal %s (run %d)", self.name, job.portal.slug, job.run_id)
        outbox = Outbox(self.client, self.keys, job)
        settings = self.settings.copy()
        for name, value in job.settings.items():
            settings.set(name, value, priority="cmdline")
        crawler = Crawler(ClusterPortalSpider, settings, init_reactor=False)
        self.current.add(crawler)
        heartbeat = LoopingCall(self.renew, job, crawler, set())
        heartbeat.start(self.lease_seconds / 3, now=False)
        assert self.process is not None
        reason = "finished"
        try:
            crawl: Deferred[Any] = self.process.crawl(crawler, job=job, outbox=outbox)
            await crawl
            reason = str(crawler.stats.get_value("finish_reason") or "finished")
        except Exception as error:  # a crawl that broke: its run ends, the worker goes on
            logger.exception("worker %s: the crawl of %s failed", self.name, job.portal.slug)
            reason = f"error: {error}"
        finally:
            heartbeat.stop()
            self.current.discard(crawler)
        stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
        outbox.send_finish(reason, stats)
        if not self.queue.release(job):
            logger.warning(
                "worker %s: the job of %s was taken back (its lease expired) before it ended",
                self.name,
                job.portal.slug,
            )
        logger.info(
            "worker %s: portal %s done (%s, %d entries sent)",
            self.name,
            job.portal.slug,
            reason,
            outbox.sent,
        )

    def renew(self, job: Job, crawler: Crawler, lost: set[str]) -> None:
        if job.job_id in lost or self.queue.renew(job, self.name, self.lease_seconds):
            return
        lost.add(job.job_id)
        logger.warning(
            "worker %s: lost the lease of %s (the writer gave the portal to another run); "
            "stopping this crawl",
            self.name,
            job.portal.slug,
        )
        self.stop_crawler(crawler)
