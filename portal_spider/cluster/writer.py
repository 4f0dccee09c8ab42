"""``portal-archive ingest``: the one process that writes the archive in the cluster mode.

It holds the archive's lock (as a local crawl does: no ``crawl`` writes to the archive while it
runs) and loops:

1. reads the result stream (consumer group ``writer``) and writes each entry with the store
   pipeline of its run (articles), the crawl-memory steps or the capture steps of
   :mod:`archive.capture_steps` (every other response, linked files and what became of them), in
   the same transactions as a local crawl; the entry's id is recorded in
   ``cluster_ingested`` in that transaction, and only then is the entry acknowledged (XACK) and
   deleted. A writer killed at any point loses nothing: an entry not acknowledged is delivered
   again to the restarted writer, which skips it if it was committed already;
2. turns the portals asked for (``enqueue``) into jobs: repairs half-written articles, records
   the portal and opens its run, reads its crawl plan (:mod:`portal_spider.cluster.snapshot`);
3. takes back the jobs whose worker's lease expired, closes their runs as interrupted and plans
   the portals again (up to ``MAX_ATTEMPTS`` times a portal).
"""

from __future__ import annotations

import json
import logging
import pickle
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import redis
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from sqlite_utils import Database

from archive.capture_steps import write_capture_step
from archive.db import open_archive
from archive.repair import repair_half_written
from archive.store import ArchiveStore, RunCounts
from archive.transactions import write_transaction
from portal_spider.cluster.jobs import Job, JobQueue, new_job_id
from portal_spider.cluster.keys import WRITER_GROUP, Keys, connect
from portal_spider.cluster.messages import (
    CAPTURE,
    FINISH,
    ITEM,
    MEMORY,
    Entry,
    unpack_capture,
    unpack_item,
)
from portal_spider.cluster.snapshot import read_plan
from portal_spider.crawl.clock import Clock
from portal_spider.crawl.lock import ArchiveLock
from portal_spider.crawl.plan import MEMORY_STEPS
from portal_spider.crawl.runner import crawl_settings
from portal_spider.pipelines.store import StorePipeline
from portal_spider.registry import Portal

logger = logging.getLogger(__name__)

CONSUMER = "writer"  # one writer: a restarted one gets the entries its predecessor left pending
BATCH = 100
BLOCK_MS = 500
MAX_ATTEMPTS = 3  # a portal whose worker was lost this many times in a row is left interrupted
ARTICLE_OUTCOMES = ("new", "updated", "unchanged", "gone")
WORKER_LOST = "its worker was lost"  # the reason a run taken back from a lost worker ends with
DRAIN_MAX = 2000  # entries written before the writer looks at the job lists again
# an entry no writer could ever read (an archive error is not among them: it stops the writer)
UNREADABLE = (
    pickle.UnpicklingError,
    zlib.error,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
)


class _NoSignals:
    """The store pipeline connects to spider_closed; the writer calls it itself."""

    def connect(self, *args: Any, **kwargs: Any) -> None:
        return None


class RunCrawler:
    """What the store pipeline needs of a crawler, for one run written from the stream."""

    def __init__(self, settings: Settings, portal: Portal) -> None:
        self.settings = settings
        self.signals = _NoSignals()
        self.spider = SimpleNamespace(portals={portal.slug: portal})
        self.stats = MemoryStatsCollector(self)  # type: ignore[arg-type]


@contextmanager
def entry_transaction(db: Database) -> Iterator[None]:
    """One stream entry's writes and its ``cluster_ingested`` row, committed together."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    if db.conn.in_transaction:
        db.conn.execute("COMMIT")


def ingested(db: Database, entry_id: str) -> bool:
    return bool(list(db.query("select 1 from cluster_ingested where entry_id = ?", [entry_id])))


def mark_ingested(db: Database, entry: Entry, outcome: str | None, when: str) -> None:
    db.execute(
        "insert into cluster_ingested (entry_id, run_id, kind, outcome, ingested_at) "
        "values (?, ?, ?, ?, ?)",
        [entry.entry_id, entry.run_id, entry.kind, outcome, when],
    )


def ingested_counts(db: Database, run_id: int) -> RunCounts:
    """The article counts of a run, from the entries written so far (by any writer process)."""
    counts = RunCounts()
    for row in db.query(
        "select outcome, count(*) n from cluster_ingested where run_id = ? and outcome is not null "
        "group by outcome",
        [run_id],
    ):
        if row["outcome"] in ARTICLE_OUTCOMES:
            setattr(counts, f"articles_{row['outcome']}", int(row["n"]))
    return counts


class RunWriter:
    """The store pipeline of one run, fed from the stream."""

    def __init__(self, db_path: Path, portal: Portal, run_id: int, settings: Settings) -> None:
        self.crawler = RunCrawler(settings, portal)
        self.slug = portal.slug
        self.run_id = run_id
        self.pipeline = StorePipeline.from_crawler(self.crawler)  # type: ignore[arg-type]
        self.pipeline.store = ArchiveStore(open_archive(db_path))
        self.pipeline.runs = {portal.slug: run_id}
        self.pipeline.counts = {portal.slug: ingested_counts(self.db, run_id)}
        self.clock = Clock(settings.get("PORTAL_ARCHIVE_NOW"))

    @property
    def db(self) -> Database:
        assert self.pipeline.store is not None
        return self.pipeline.store.db

    def running(self) -> bool:
        row = self.db["crawl_runs"].get(self.run_id)
        return row["status"] == "running"

    def write(self, entry: Entry) -> None:
        """Write one item, crawl-memory or capture entry, exactly once."""
        db = self.db
        if ingested(db, entry.entry_id):
            logger.info("entry %s was written before the writer restarted: skipped", entry.entry_id)
            return
        when = self.clock.iso()
        with entry_transaction(db):
            if entry.kind == ITEM:
                before = self.article_counts()
                mark_ingested(db, entry, None, when)
                self.pipeline.process_item(unpack_item(entry.data))
                outcome = next(
                    (name for name, n in self.article_counts().items() if n > before[name]), None
                )
                if outcome is not None:
                    db.execute(
                        "update cluster_ingested set outcome = ? where entry_id = ?",
                        [outcome, entry.entry_id],
                    )
                    if not self.running():  # a late item of a run closed already (lease lost)
                        self.recount(db)
            elif entry.kind == MEMORY:
                mark_ingested(db, entry, None, when)
                with write_transaction(db):
                    for step, fields in entry.json():
                        MEMORY_STEPS[step](db, **fields)
            elif entry.kind == CAPTURE:  # the step a local crawl's capture writer runs
                step, capture, fields = unpack_capture(entry)
                mark_ingested(db, entry, None, when)
                write_capture_step(db, step, capture, **fields)
            else:
                raise ValueError(f"unknown entry kind {entry.kind!r}")

    def recount(self, db: Database) -> None:
        """Bring a closed run's article counts up to what has been written for it."""
        counts = ingested_counts(db, self.run_id)
        db.execute(
            "update crawl_runs set articles_new = ?, articles_updated = ?, "
            "articles_unchanged = ?, articles_gone = ? where id = ?",
            [
                counts.articles_new,
                counts.articles_updated,
                counts.articles_unchanged,
                counts.articles_gone,
                self.run_id,
            ],
        )

    def article_counts(self) -> dict[str, int]:
        counts = self.pipeline.counts[self.slug]
        return {name: getattr(counts, f"articles_{name}") for name in ARTICLE_OUTCOMES}

    def finish(self, reason: str, stats: dict[str, Any]) -> None:
        """Close the run with the worker's stats (once: a closed run is left as it is)."""
        if not self.running():
            logger.info("run %d is closed already: its end is not written again", self.run_id)
            self.close()
            return
        for name, value in stats.items():
            self.crawler.stats.set_value(name, value)
        self.pipeline.spider_closed(None, reason)  # closes the run, its warnings; the connection

    def close(self) -> None:
        if self.pipeline.store is not None:
            self.pipeline.store.db.close()
            self.pipeline.store = None


class Writer:
    """The cluster's writer: stream -> archive, wanted portals -> jobs, lost jobs -> again."""

    def __init__(
        self,
        redis_url: str,
        db_path: Path,
        *,
        prefix: str,
        until_idle: bool = False,
        overrides: dict[str, Any] | None = None,
    ) -> None:
        self.client = connect(redis_url)
        self.keys = Keys(prefix)
        self.queue = JobQueue(self.client, self.keys)
        self.db_path = Path(db_path)
        self.until_idle = until_idle
        self.overrides = overrides or {}
        self.runs: dict[int, RunWriter] = {}
        self.portals: dict[int, Portal] = {}
        self.settings_of: dict[int, dict[str, Any]] = {}
        self.written = 0
        self.db: Database | None = None

    def settings(self, job_settings: dict[str, Any]) -> Settings:
        return crawl_settings(self.db_path, {**self.overrides, **job_settings})

    def run(self) -> int:
        """Write until stopped (with ``until_idle``: until nothing is left); the exit status."""
        with ArchiveLock(self.db_path):
            self.db = open_archive(self.db_path)
            self.ensure_group()
            for job in self.queue.live_jobs():  # after a restart: the runs still out
                self.portals[job.run_id] = job.portal
                self.settings_of[job.run_id] = job.settings
            live = self.queue.live_run_ids()  # before the stream is read: see close_orphan_runs
            self.drain(pending=True)
            self.drain(block=False)
            self.close_orphan_runs(live)
            try:
                while True:
                    self.drain()
                    self.dispatch_wanted()
                    self.take_back_lost()
                    if self.until_idle and self.queue.idle() and self.drain(block=False) == 0:
                        break
            finally:
                for run in self.runs.values():
                    run.close()
                self.db.close()
        logger.info("writer: %d entries written to %s", self.written, self.db_path)
        return 0

    def ensure_group(self) -> None:
        try:
            self.client.xgroup_create(self.keys.results, WRITER_GROUP, id="0", mkstream=True)
        except redis.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    # --- the stream ------------------------------------------------------------------------------
    def drain(self, *, pending: bool = False, block: bool = True) -> int:
        """Write the entries waiting on the stream (``pending``: those delivered before and not
        acknowledged, after a restart); returns how many were read."""
        total = 0
        while True:
            answer = self.client.xreadgroup(
                WRITER_GROUP,
                CONSUMER,
                {self.keys.results: "0" if pending else ">"},
                count=BATCH,
                block=None if (pending or not block or total) else BLOCK_MS,
            )
            entries = answer[0][1] if answer else []
            if not entries:
                return total
            for entry_id, fields in entries:
                if not fields:  # deleted while pending
                    self.acknowledge(entry_id)
                    continue
                try:
                    entry = Entry.from_stream(entry_id, fields)
                    self.write(entry)
                except UNREADABLE as error:
                    self.reject(entry_id, fields, error)
                self.acknowledge(entry_id)
                total += 1
            if total >= DRAIN_MAX:  # let queued portals and lost jobs have their turn
                return total

    def reject(self, entry_id: bytes | str, fields: dict[bytes, bytes], error: Exception) -> None:
        """Keep an entry that cannot be read in the ``rejected`` stream, with the reason; the
        writer goes on with the next (an archive error, by contrast, stops the writer)."""
        logger.error(
            "writer: entry %s cannot be written (%s): kept in %s",
            entry_id,
            error,
            self.keys.rejected,
        )
        self.client.xadd(self.keys.rejected, {**fields, b"error": str(error).encode("utf-8")})

    def acknowledge(self, entry_id: bytes | str) -> None:
        with self.client.pipeline(transaction=True) as pipe:
            pipe.xack(self.keys.results, WRITER_GROUP, entry_id)
            pipe.xdel(self.keys.results, entry_id)
            pipe.execute()

    def run_writer(self, run_id: int, slug: str) -> RunWriter:
        writer = self.runs.get(run_id)
        if writer is None:
            portal = self.portals.get(run_id) or self.portal_from_archive(slug)
            settings = self.settings(self.settings_of.get(run_id, {}))
            writer = RunWriter(self.db_path, portal, run_id, settings)
            self.runs[run_id] = writer
        return writer

    def portal_from_archive(self, slug: str) -> Portal:
        """A portal's row as recorded when its run was opened (after a writer restart)."""
        assert self.db is not None
        row = dict(self.db["portals"].get(slug))
        fields = {name: row.get(name) for name in Portal.__dataclass_fields__ if name in row}
        entry_points = fields.get("entry_points")
        if isinstance(entry_points, str):
            fields["entry_points"] = json.loads(entry_points or "[]")
        return Portal(**{k: v for k, v in fields.items() if v is not None})

    def write(self, entry: Entry) -> None:
        writer = self.run_writer(entry.run_id, entry.portal)
        if entry.kind == FINISH:
            data = entry.json()
            writer.finish(str(data.get("reason") or "finished"), data.get("stats") or {})
            self.runs.pop(entry.run_id, None)
            assert self.db is not None
            run = self.db["crawl_runs"].get(entry.run_id)
            logger.info(
                "writer: run %d of %s closed: %s, %s pages, %s new, %s updated, %s unchanged, "
                "%s failed",
                entry.run_id,
                entry.portal,
                run["status"],
                run["pages_fetched"],
                run["articles_new"],
                run["articles_updated"],
                run["articles_unchanged"],
                run["pages_failed"],
            )
        else:
            writer.write(entry)
        self.written += 1

    # --- jobs ------------------------------------------------------------------------------------
    def close_orphan_runs(self, live: set[int]) -> None:
        """Close as interrupted the runs left ``running`` that no job will finish (a killed local
        crawl, a writer killed between opening a run and queueing its job).

        ``live``: the runs of the jobs waiting or claimed, read before the stream was: a job
        dropped since then had sent the end of its run before it was dropped, and that end has
        been written by now."""
        assert self.db is not None
        orphans = [
            row["id"]
            for row in self.db.query("select id from crawl_runs where status = 'running'")
            if row["id"] not in live
        ]
        if not orphans:
            return
        for run_id in orphans:
            self.interrupt(run_id, "the run's job was lost")
        logger.info("writer: %d run(s) left running by a lost process closed", len(orphans))

    def interrupt(self, run_id: int, reason: str) -> None:
        slug = self.db["crawl_runs"].get(run_id)["portal"] if self.db is not None else ""
        self.run_writer(run_id, slug).finish(reason, {})
        self.runs.pop(run_id, None)

    def dispatch_wanted(self) -> None:
        """Make a job of each portal asked for; a portal with a job waiting or out already is not
        given a second one (two runs of one portal at once would walk its listings twice)."""
        busy = {job.portal.slug for job in self.queue.live_jobs()}
        while (wanted := self.queue.next_wanted()) is not None:
            raw, portal, job_settings = wanted
            if portal.slug in busy:
                logger.info(
                    "writer: %s has a run queued or under way: asked again, left out", portal.slug
                )
                self.queue.drop_wanted(raw)
                continue
            self.dispatch(portal, job_settings, raw)
            busy.add(portal.slug)

    def dispatch(
        self,
        portal: Portal,
        job_settings: dict[str, Any],
        wanted_raw: str | None,
        attempt: int = 1,
        *,
        lost_raw: str | None = None,
    ) -> Job:
        """Open a run of ``portal``, read its plan, and queue its job (dropping, in the same
        transaction, the request or the lost job it answers)."""
        assert self.db is not None
        settings = self.settings(job_settings)
        clock = Clock(settings.get("PORTAL_ARCHIVE_NOW"))
        mode = "full" if settings.getbool("PORTAL_ARCHIVE_FULL") else "incremental"
        repair_half_written(self.db, (portal.slug,), clock.iso())
        store = ArchiveStore(self.db)
        with write_transaction(self.db):
            store.upsert_portal(portal.to_row())
            run_id = store.start_run(portal.slug, mode, clock.iso())
        plan = read_plan(self.db_path, portal, settings)
        job = Job(new_job_id(), portal, run_id, plan, job_settings, attempt)
        self.portals[run_id] = portal
        self.settings_of[run_id] = job_settings
        self.queue.dispatch(job, wanted_raw, lost_raw)
        logger.info(
            "writer: job for %s queued (run %d, %d articles known, %d files pending)",
            portal.slug,
            run_id,
            len(plan["known_ids"]),
            len(plan["files"]["pending"]),
        )
        return job

    def take_back_lost(self) -> None:
        """Close the runs of the jobs whose lease expired and queue their portals again."""
        lost = self.queue.lost_jobs()
        if not lost:
            return
        self.drain(block=False)  # whatever the lost worker sent before it went is written first
        for job in lost:
            self.portals.setdefault(job.run_id, job.portal)
            self.settings_of.setdefault(job.run_id, job.settings)
            writer = self.run_writer(job.run_id, job.portal.slug)
            if writer.running():
                logger.warning(
                    "writer: the worker of %s (run %d) stopped renewing its lease",
                    job.portal.slug,
                    job.run_id,
                )
                self.interrupt(job.run_id, WORKER_LOST)
            else:
                writer.close()
                self.runs.pop(job.run_id, None)
                if not self.closed_as_lost(job.run_id):
                    self.queue.forget_lost(job)
                    continue  # its end arrived before the lease expired: nothing is lost
                # closed as lost by a writer killed before it queued the portal again
            if job.attempt >= MAX_ATTEMPTS:
                logger.error(
                    "writer: %s lost its worker %d times; left for the next enqueue",
                    job.portal.slug,
                    job.attempt,
                )
                self.queue.forget_lost(job)
                continue
            self.dispatch(job.portal, job.settings, None, job.attempt + 1, lost_raw=job.raw)

    def closed_as_lost(self, run_id: int) -> bool:
        """Whether the run was closed because its worker was lost (not by its own end)."""
        assert self.db is not None
        error = self.db["crawl_runs"].get(run_id)["error"] or ""
        return error.endswith(f"({WORKER_LOST})")


def wait_for_redis(url: str, seconds: float = 10) -> None:
    """Wait until the Redis server at ``url`` answers (a service started at the same time)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            connect(url).close()
            return
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
