"""A crawl killed with SIGKILL mid-run, then started again, ends with exactly the rows of an
uninterrupted crawl: no article twice, none missing, the SQLite file consistent."""

from __future__ import annotations

import random
import signal
import sqlite3
from datetime import timedelta

import pytest
from crawl_machinery import (
    NOW,
    crawl,
    item_ids,
    kill_when_stored,
    listing_pages,
    make_site,
    start_crawl,
)

from archive.db import open_archive
from portal_spider.demo.generate import make_article
from portal_spider.demo.server import Fault, PortalServer
from portal_spider.demo.yenbai_site import PAGE_SIZE

pytestmark = pytest.mark.crawl

N = 80
ROWS = "select item_id, title, content_hash, version, status from articles order by item_id"


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("resume")
    site = make_site(N)
    killed_db, reference_db = tmp / "killed.db", tmp / "reference.db"
    with PortalServer(site, delay=0.03) as server:
        url = server.url + "/"
        # AutoThrottle off: the server's delay would otherwise make the crawl one request at a time
        fast = ("--delay", "0.01", "--set", "AUTOTHROTTLE_ENABLED=False")
        args = (url, "--db", str(killed_db), *fast)
        process = start_crawl(*args, log=tmp / "killed.log", now=NOW)
        kill_when_stored(process, killed_db, 25, tmp / "killed.log")
        before_restart = {row[0] for row in sqlite3.connect(killed_db).execute(ROWS)}
        server.log.clear()

        restarted = crawl(*args, now=NOW)
        assert restarted.returncode == 0, restarted.stderr[-3000:]
        restart_targets = list(server.log.targets)

        reference = crawl(url, "--db", str(reference_db), *fast, now=NOW)
        assert reference.returncode == 0, reference.stderr[-3000:]
    return {
        "killed": open_archive(killed_db),
        "reference": open_archive(reference_db),
        "before_restart": before_restart,
        "restart_targets": restart_targets,
        "killed_returncode": process.returncode,
    }


def test_the_crawl_was_killed_mid_run(crawls):
    assert crawls["killed_returncode"] == -signal.SIGKILL
    assert 25 <= len(crawls["before_restart"]) < N


def test_restart_ends_with_exactly_the_rows_of_an_uninterrupted_crawl(crawls):
    killed, reference = crawls["killed"], crawls["reference"]
    assert list(killed.query(ROWS)) == list(reference.query(ROWS))
    assert killed["articles"].count == N
    for table in ("article_versions", "article_views", "article_urls"):
        assert killed[table].count == reference[table].count, table
    # the article pages' bytes, once each (listings fetched again after the restart are revisits)
    kept = "kind = 'article' and revisit_of is null"
    assert killed["captures"].count_where(kept) == reference["captures"].count_where(kept) == N


def test_articles_stored_before_the_kill_are_not_fetched_again(crawls):
    refetched = {str(i) for i in item_ids(crawls["restart_targets"])} & crawls["before_restart"]
    assert refetched == set()
    assert len(item_ids(crawls["restart_targets"])) == N - len(crawls["before_restart"])


def test_sqlite_stays_consistent(crawls):
    for db in (crawls["killed"], crawls["reference"]):
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_the_killed_run_is_marked_interrupted_and_the_walks_complete(crawls):
    db = crawls["killed"]
    runs = list(db.query("select status, articles_new from crawl_runs order by id"))
    assert [r["status"] for r in runs] == ["interrupted", "ok"]
    assert runs[1]["articles_new"] == N - len(crawls["before_restart"])
    open_walks = list(db.query("select listing from crawl_state where walk_open = 1"))
    assert open_walks == []


def test_a_killed_incremental_run_leaves_no_gap(tmp_path):
    """After a complete backfill, an incremental run is killed while it fetches twelve new articles
    of one list, the two oldest still in flight. The ten stored fill pages 1 and 2 of the list, so
    a restart that stopped at known pages would never reach page 3: the restart must page through
    the list the killed run left open, and fetch the two missing articles."""
    site = make_site(60)
    db_path = tmp_path / "archive.db"
    rng = random.Random(3)
    with PortalServer(site) as server:
        url = server.url + "/"
        args = (url, "--db", str(db_path), "--delay", "0.01")
        assert crawl(*args, now=NOW).returncode == 0
        for n in range(1, 13):
            site.add_article(make_article(2000 + n, NOW + timedelta(hours=n), rng, "TinTucSuKien"))
        server.faults = [Fault(match=f"ItemID={item}&", delay=60) for item in (2001, 2002)]
        process = start_crawl(
            *args, "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=4", log=tmp_path / "killed.log", now=NOW
        )
        kill_when_stored(process, db_path, 70, tmp_path / "killed.log")
        server.faults = []
        server.log.clear()
        restarted = crawl(*args, now=NOW)
        assert restarted.returncode == 0, restarted.stderr[-3000:]
        targets = list(server.log.targets)
    db = open_archive(db_path)
    assert {r["item_id"] for r in db.query("select item_id from articles")} >= {"2001", "2002"}
    assert db["articles"].count == 72
    assert sorted(item_ids(targets)) == [2001, 2002]
    pages = -(-len(site.live_articles("TinTucSuKien")) // PAGE_SIZE)
    walked = sorted(page for name, page in listing_pages(targets) if name == "TinTucSuKien")
    assert walked == list(range(1, pages + 1))
