"""The cluster writer's exactly-once rule and what it accepts from the stream, without a crawl.

An entry delivered again (the writer was killed after committing it, before acknowledging it) is
skipped: the article keeps one version, one views row, one capture, and the run's counts do not
move. A crawl-memory entry delivered again does not count a failure twice. An item entry that
would unpickle anything but an item class is refused; an entry that cannot be read at all is kept
in the ``rejected`` stream and the writer goes on.
"""

from __future__ import annotations

import logging
import pickle
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from cluster_helpers import needs_redis
from scrapy.settings import Settings

from archive.blobs import Capture, payload
from archive.db import open_archive
from archive.store import ArchiveStore
from portal_spider.cluster.jobs import JobQueue
from portal_spider.cluster.keys import Keys, connect
from portal_spider.cluster.local_redis import LocalRedis
from portal_spider.cluster.messages import (
    CAPTURE,
    ITEM,
    MEMORY,
    Entry,
    encode_payload,
    pack_capture,
    pack_item,
    pack_json,
    unpack_capture,
    unpack_item,
)
from portal_spider.cluster.writer import RunWriter, Writer, ingested_counts
from portal_spider.items import ArticleItem, Image
from portal_spider.registry import Portal

logger = logging.getLogger(__name__)

PORTAL = Portal(slug="xa-thu", name="Xã Thử", base_url="http://127.0.0.1:9/")


def article() -> ArticleItem:
    return ArticleItem(
        url="http://127.0.0.1:9/tin/1",
        portal=PORTAL.slug,
        canonical_url="http://127.0.0.1:9/tin/1",
        item_id="1",
        title="Hội nghị tổng kết",
        published_at="2024-05-20T08:00:00+07:00",
        views=120,
        body_text="Nội dung bài viết.",
        images=[Image("http://127.0.0.1:9/a.jpg", "Ảnh")],
        fetched_at="2026-01-10T02:00:00+00:00",
        http_status=200,
        raw_body=b"<html><body>Noi dung</body></html>",
        raw_headers={"Content-Type": "text/html"},
    )


@pytest.fixture
def run_writer(tmp_path):
    db_path = tmp_path / "archive.db"
    store = ArchiveStore(open_archive(db_path))
    store.upsert_portal(PORTAL.to_row())
    run_id = store.start_run(PORTAL.slug, "incremental")
    settings = Settings()
    settings.setmodule("portal_spider.settings", priority="project")
    settings.set("PORTAL_ARCHIVE_DB", str(db_path))
    writer = RunWriter(db_path, PORTAL, run_id, settings)
    yield writer, db_path, run_id
    writer.close()


def test_an_item_delivered_twice_is_written_once(run_writer):
    writer, db_path, run_id = run_writer
    entry = Entry("1700000000000-0", ITEM, run_id, PORTAL.slug, pack_item(article()))
    writer.write(entry)
    writer.write(entry)  # delivered again after a restart
    db = open_archive(db_path)
    assert db["articles"].count == 1
    assert db["article_versions"].count == 1
    assert db["article_views"].count == 1
    assert db["captures"].count == 1
    assert [row["outcome"] for row in db["cluster_ingested"].rows] == ["new"]
    assert ingested_counts(db, run_id).articles_new == 1


def test_a_second_copy_under_a_new_entry_counts_as_unchanged(run_writer):
    writer, db_path, run_id = run_writer
    writer.write(Entry("1700000000000-0", ITEM, run_id, PORTAL.slug, pack_item(article())))
    writer.write(Entry("1700000000001-0", ITEM, run_id, PORTAL.slug, pack_item(article())))
    db = open_archive(db_path)
    assert db["article_versions"].count == 1
    counts = ingested_counts(db, run_id)
    assert (counts.articles_new, counts.articles_unchanged) == (1, 1)


def test_a_memory_entry_delivered_twice_counts_one_failure(run_writer):
    writer, db_path, run_id = run_writer
    steps = [
        [
            "record_failure",
            {
                "article_id": "abc",
                "portal": PORTAL.slug,
                "url": "http://127.0.0.1:9/tin/2",
                "error": "HTTP 500",
                "when": "2026-01-10T02:00:00+00:00",
            },
        ]
    ]
    entry = Entry("1700000000002-0", MEMORY, run_id, PORTAL.slug, pack_json(steps))
    writer.write(entry)
    writer.write(entry)
    rows = list(open_archive(db_path)["pending_articles"].rows)
    assert [(row["article_id"], row["attempts"]) for row in rows] == [("abc", 1)]


def test_a_restarted_writer_counts_on_from_what_was_committed(run_writer):
    writer, db_path, run_id = run_writer
    writer.write(Entry("1700000000000-0", ITEM, run_id, PORTAL.slug, pack_item(article())))
    settings = writer.crawler.settings
    again = RunWriter(db_path, PORTAL, run_id, settings)  # as after a restart
    again.finish("finished", {})
    row = open_archive(db_path)["crawl_runs"].get(run_id)
    assert (row["status"], row["articles_new"]) == ("ok", 1)


LISTING = b"<html><body>" + "<p>Tin tức sự kiện</p>".encode() * 200 + b"</body></html>"


def capture_entry(entry_id: str, run_id: int, step: str, capture: Capture | None, **fields):
    data, body = pack_capture(step, capture, fields)
    return Entry(entry_id, CAPTURE, run_id, PORTAL.slug, data, body)


def listing_capture(url: str = "http://127.0.0.1:9/tin-tuc?page=1") -> Capture:
    return Capture(
        portal=PORTAL.slug,
        run_id=None,
        url=url,
        body=LISTING,
        http_status=200,
        headers={"Content-Type": "text/html; charset=utf-8"},
        fetched_at="2026-01-10T02:00:01+00:00",
        kind="listing",
    )


def test_a_capture_delivered_twice_is_written_once_and_a_copy_is_a_revisit(run_writer):
    writer, db_path, run_id = run_writer
    entry = capture_entry("1700000000003-0", run_id, "capture", listing_capture())
    writer.write(entry)
    writer.write(entry)  # delivered again after a restart
    again = listing_capture("http://127.0.0.1:9/tin-tuc?page=1&lang=vi")
    writer.write(capture_entry("1700000000004-0", run_id, "capture", again))
    db = open_archive(db_path)
    rows = list(db.query("select id, run_id, url, revisit_of from captures order by id"))
    assert [(row["run_id"], row["revisit_of"]) for row in rows] == [
        (run_id, None),
        (run_id, rows[0]["id"]),
    ]
    assert payload(db, rows[1]["id"]) == LISTING


def test_a_file_and_a_file_not_kept_update_the_article_links(run_writer):
    writer, db_path, run_id = run_writer
    item = article()
    item.images = [Image("http://127.0.0.1:9/a.jpg", "Ảnh"), Image("http://127.0.0.1:9/b.jpg")]
    writer.write(Entry("1700000000005-0", ITEM, run_id, PORTAL.slug, pack_item(item)))
    jpeg = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8
    image = Capture(
        PORTAL.slug, None, "http://127.0.0.1:9/a.jpg", jpeg, 200, {}, "2026-01-10", "image"
    )
    when = "2026-01-10T02:00:02+00:00"
    writer.write(capture_entry("1700000000006-0", run_id, "file", image, when=when))
    writer.write(
        capture_entry(
            "1700000000007-0",
            run_id,
            "file_not_kept",
            None,
            url="http://127.0.0.1:9/b.jpg",
            status="skipped",
            size=9_000_000,
            note="too large: 9000000 bytes announced (limit 5242880)",
            when=when,
        )
    )
    db = open_archive(db_path)
    links = {row["url"]: row for row in db["article_files"].rows}
    assert links["http://127.0.0.1:9/a.jpg"]["status"] == "stored"
    assert (
        links["http://127.0.0.1:9/b.jpg"]["status"],
        links["http://127.0.0.1:9/b.jpg"]["size"],
    ) == (
        "skipped",
        9_000_000,
    )
    assert [(row["mime"], row["size"]) for row in db["files"].rows] == [("image/jpeg", len(jpeg))]


def test_payloads_travel_compressed_only_when_it_pays():
    assert encode_payload(LISTING)[0] == "zlib"
    jpeg = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8
    assert encode_payload(jpeg) == ("identity", jpeg)
    data, body = pack_capture("capture", listing_capture(), {})
    assert len(body) < len(LISTING) / 5
    step, capture, fields = unpack_capture(Entry("1-0", CAPTURE, 7, PORTAL.slug, data, body))
    assert (step, fields) == ("capture", {})
    assert capture == replace(listing_capture(), run_id=7)


class Smuggled:
    """Not an item class."""


def test_an_entry_that_is_not_an_item_is_refused():
    with pytest.raises(pickle.UnpicklingError, match="not an item class"):
        unpack_item(pickle.dumps(Smuggled()))
    with pytest.raises(pickle.UnpicklingError):
        unpack_item(pickle.dumps(print))
    assert unpack_item(pack_item(article())) == article()


@pytest.mark.crawl  # starts a redis-server
@needs_redis
def test_an_unreadable_entry_is_kept_aside_and_the_writer_goes_on(tmp_path):
    db_path = tmp_path / "archive.db"
    store = ArchiveStore(open_archive(db_path))
    store.upsert_portal(PORTAL.to_row())
    run_id = store.start_run(PORTAL.slug, "incremental")
    with LocalRedis() as server:
        client = connect(server.url)
        keys = Keys("test-rejected")
        client.xadd(keys.results, Entry("*", ITEM, run_id, PORTAL.slug, b"not a pickle").fields())
        good = Entry("*", ITEM, run_id, PORTAL.slug, pack_item(article()))
        client.xadd(keys.results, good.fields())
        writer = Writer(server.url, db_path, prefix=keys.prefix, until_idle=True)
        assert writer.run() == 0
        rejected = client.xrange(keys.rejected)
        assert len(rejected) == 1
        assert rejected[0][1][b"data"] == b"not a pickle"
        assert rejected[0][1][b"error"]
        assert client.xlen(keys.results) == 0
    db = open_archive(db_path)
    assert db["articles"].count == 1  # the entry after the bad one was written
    assert db["crawl_runs"].get(run_id)["status"] == "interrupted"  # no job will finish it


def open_writer(url: str, db_path: Path, keys: Keys) -> Writer:
    """A writer ready for its steps to be called one by one (not run)."""
    writer = Writer(url, db_path, prefix=keys.prefix)
    writer.db = open_archive(db_path)
    writer.ensure_group()
    return writer


def lose_worker(queue: JobQueue, keys: Keys) -> None:
    """A worker claims the oldest waiting job and dies: its lease is gone."""
    job = queue.claim("worker-thu:1", 10)
    assert job is not None
    assert queue.client.delete(keys.lease(job.job_id)) == 1


def job_lost(writer: Writer, queue: JobQueue, keys: Keys) -> None:
    """The portal is asked for, its job queued, and the worker that claims it dies."""
    queue.ask(PORTAL, {})
    writer.dispatch_wanted()
    lose_worker(queue, keys)


@pytest.mark.crawl  # starts a redis-server
@needs_redis
def test_a_portal_asked_for_twice_gets_one_job(tmp_path):
    with LocalRedis() as server:
        keys = Keys("test-twice")
        queue = JobQueue(connect(server.url), keys)
        other = Portal(slug="xa-khac", name="Xã Khác", base_url="http://127.0.0.1:8/")
        for portal in (PORTAL, other, PORTAL):
            queue.ask(portal, {})
        writer = open_writer(server.url, tmp_path / "archive.db", keys)
        writer.dispatch_wanted()
        queue.ask(PORTAL, {})  # while its job waits
        writer.dispatch_wanted()
        assert sorted(job.portal.slug for job in queue.live_jobs()) == ["xa-khac", "xa-thu"]
        assert queue.client.llen(keys.wanted) == 0
    runs = list(open_archive(tmp_path / "archive.db")["crawl_runs"].rows)
    assert sorted(run["portal"] for run in runs) == ["xa-khac", "xa-thu"]


@dataclass
class QueueAndWriter:
    """A private redis-server's job queue and a writer whose steps a test calls one by one."""

    url: str
    keys: Keys
    queue: JobQueue
    writer: Writer


@pytest.fixture
def queue_and_writer(tmp_path):
    with LocalRedis() as server:
        keys = Keys("test-steps")
        yield QueueAndWriter(
            server.url,
            keys,
            JobQueue(connect(server.url), keys),
            open_writer(server.url, tmp_path / "archive.db", keys),
        )


@pytest.mark.crawl  # starts a redis-server
@needs_redis
def test_a_lost_job_keeps_the_cluster_busy_until_its_portal_is_queued_again(
    tmp_path, queue_and_writer
):
    """Between taking a lost job back and queueing the portal's next one the writer reads the
    archive; a worker that stops once the cluster is idle must not stop in that gap."""
    keys, queue, writer = queue_and_writer.keys, queue_and_writer.queue, queue_and_writer.writer
    job_lost(writer, queue, keys)
    [lost] = queue.lost_jobs()  # the writer's first step: the job out of the active list
    assert queue.client.llen(keys.active) == 0
    assert not queue.idle()
    assert [job.run_id for job in queue.live_jobs()] == [lost.run_id]
    writer.take_back_lost()
    [again] = queue.live_jobs()
    assert (again.portal.slug, again.attempt) == (PORTAL.slug, 2)
    assert again.run_id != lost.run_id
    assert queue.client.llen(keys.lost) == 0 and queue.client.llen(keys.jobs) == 1
    runs = {row["id"]: row for row in open_archive(tmp_path / "archive.db")["crawl_runs"].rows}
    assert runs[lost.run_id]["status"] == "interrupted"
    assert runs[lost.run_id]["error"] == "the crawl stopped early (its worker was lost)"
    assert runs[again.run_id]["status"] == "running"


@pytest.mark.crawl  # starts a redis-server
@needs_redis
def test_a_writer_killed_after_closing_a_lost_run_queues_the_portal_on_restart(
    tmp_path, queue_and_writer
):
    keys, queue, first = queue_and_writer.keys, queue_and_writer.queue, queue_and_writer.writer
    job_lost(first, queue, keys)
    [lost] = queue.lost_jobs()
    first.interrupt(lost.run_id, "its worker was lost")  # ... and the writer is killed here
    restarted = open_writer(queue_and_writer.url, tmp_path / "archive.db", keys)
    restarted.take_back_lost()
    [again] = queue.live_jobs()
    assert (again.attempt, queue.client.llen(keys.lost)) == (2, 0)
    runs = list(open_archive(tmp_path / "archive.db")["crawl_runs"].rows)
    assert [(run["id"], run["status"]) for run in runs] == [
        (lost.run_id, "interrupted"),
        (again.run_id, "running"),
    ]


@pytest.mark.crawl  # starts a redis-server
@needs_redis
def test_a_lost_job_whose_run_ended_or_used_its_attempts_is_dropped(tmp_path, queue_and_writer):
    keys, queue, writer = queue_and_writer.keys, queue_and_writer.queue, queue_and_writer.writer
    # the worker sent the end of its run, then died before it dropped the job
    job_lost(writer, queue, keys)
    [ended] = queue.live_jobs()
    writer.run_writer(ended.run_id, PORTAL.slug).finish("finished", {})
    writer.runs.pop(ended.run_id)
    writer.take_back_lost()
    assert queue.live_jobs() == [] and queue.idle()
    # a portal whose worker was lost MAX_ATTEMPTS times is left for the next enqueue
    job = writer.dispatch(PORTAL, {}, None, attempt=3)
    lose_worker(queue, keys)
    writer.take_back_lost()
    assert queue.live_jobs() == [] and queue.idle()
    runs = {row["id"]: row for row in open_archive(tmp_path / "archive.db")["crawl_runs"].rows}
    assert runs[ended.run_id]["status"] != "running" and runs[ended.run_id]["error"] is None
    assert runs[job.run_id]["error"] == "the crawl stopped early (its worker was lost)"
    assert len(runs) == 2
