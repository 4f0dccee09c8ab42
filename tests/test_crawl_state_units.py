"""Crawl state, run bookkeeping, monitor and politeness on fresh archives (no crawl)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from scrapy.settings import Settings

from archive import crawl_memory
from archive.db import open_archive
from archive.runs import latest_runs, mark_interrupted_runs
from archive.store import ArchiveStore, RunCounts, article_id
from portal_spider.crawl.clock import Clock
from portal_spider.crawl.monitor import MonitorThresholds, check_run
from portal_spider.crawl.politeness import MIN_DOWNLOAD_DELAY, apply_portal_politeness, portal_slots
from portal_spider.registry import Portal

PORTAL = Portal(slug="xa", name="Xã", base_url="https://xa.gov.vn/")


@pytest.fixture
def store(tmp_path):
    store = ArchiveStore(open_archive(tmp_path / "archive.db"))
    store.upsert_portal(PORTAL.to_row())
    return store


def test_a_listing_is_complete_only_after_a_walk_completed_and_none_was_left_open(store):
    db = store.db
    assert crawl_memory.listing_states(db, "xa") == {}
    crawl_memory.begin_walk(db, "xa", "L", "https://xa.gov.vn/tin", "2026-01-01T00:00:00+00:00")
    assert not crawl_memory.listing_states(db, "xa")["L"].complete
    crawl_memory.complete_walk(
        db, "xa", "L", when="2026-01-01T00:01:00+00:00", mode="full", deepest_page=9, pages=9
    )
    assert crawl_memory.listing_states(db, "xa")["L"].complete
    # a later walk killed before its end leaves the listing incomplete again
    crawl_memory.begin_walk(db, "xa", "L", "https://xa.gov.vn/tin", "2026-01-02T00:00:00+00:00")
    assert not crawl_memory.listing_states(db, "xa")["L"].complete


def test_failed_articles_are_pending_until_stored(store):
    url = "https://xa.gov.vn/tin-tuc/a-1.html"
    aid = article_id("xa", None, url)
    for _ in range(2):
        crawl_memory.record_failure(
            store.db, article_id=aid, portal="xa", url=url, error="HTTP 500", when="t"
        )
    assert [r["attempts"] for r in crawl_memory.pending_articles(store.db, "xa", 5)] == [2]
    assert crawl_memory.pending_articles(store.db, "xa", 2) == []  # out of attempts
    store.save_article({"portal": "xa", "url": url, "canonical_url": url, "title": "A"})
    assert store.db["pending_articles"].count == 0


def test_a_run_left_running_is_marked_interrupted(store):
    run_id = store.start_run("xa", "incremental", "2026-01-01T00:00:00+00:00")
    assert mark_interrupted_runs(store.db, "2026-01-01T00:05:00+00:00") == 1
    (row,) = latest_runs(store.db)
    assert (row["id"], row["status"]) == (run_id, "interrupted")


def test_monitor_warnings(store):
    store.save_article(
        {
            "portal": "xa",
            "url": "u",
            "canonical_url": "u",
            "title": "A",
            "published_at": "2025-10-01T08:00:00+07:00",
        }
    )
    run_id = store.start_run("xa", "incremental", "2026-01-01T00:00:00+00:00")
    counts = RunCounts(pages_fetched=10, listing_pages=2, article_pages=8, pages_failed=4)
    counts.fields_missing = {"views": 8, "title": 1}
    store.finish_run(run_id, counts, "partial", finished_at="2026-01-01T00:01:00+00:00")
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    warnings = check_run(store.db, run_id, PORTAL, MonitorThresholds(), now, listing_articles=0)
    kinds = {w.kind: w for w in warnings}
    assert set(kinds) == {"stale", "field_missing", "error_rate", "no_articles"}
    assert "views missing on 100%" in kinds["field_missing"].message
    assert kinds["stale"].value == pytest.approx(92.0, abs=1)
    assert kinds["error_rate"].value == pytest.approx(28.6, abs=0.1)
    quiet = MonitorThresholds(stale_days=365, fields={"title": 50}, error_pct=50)
    assert check_run(store.db, run_id, PORTAL, quiet, now, listing_articles=3) == []


def test_portal_politeness_becomes_download_slots_and_a_zero_delay_is_raised():
    polite = Portal(slug="a", name="A", base_url="https://a.gov.vn/", delay=3, concurrency=1)
    assert portal_slots([polite, PORTAL]) == {"a.gov.vn": {"delay": 3.0, "concurrency": 1}}
    settings = Settings({"DOWNLOAD_DELAY": 0, "DOWNLOAD_DELAY_JITTER": 2})
    apply_portal_politeness(settings, [polite])
    assert settings.getfloat("DOWNLOAD_DELAY") == MIN_DOWNLOAD_DELAY
    assert settings.getfloat("DOWNLOAD_DELAY_JITTER") < 1
    assert settings.getdict("DOWNLOAD_SLOTS")["a.gov.vn"]["concurrency"] == 1
    with pytest.raises(ValueError):
        portal_slots([Portal(slug="b", name="B", base_url="https://b.vn/", concurrency=0)])


def test_the_clock_can_start_at_a_chosen_time():
    clock = Clock("2026-01-18T09:00:00+07:00")
    assert clock.shifted and clock.iso().startswith("2026-01-18T02:00")
    assert not Clock().shifted
    assert json.dumps(Clock(None).iso())
