"""Limits of a run, measured at the server: listing traps stop, real articles are all archived, and
a walk stopped by a limit or a SIGKILL continues next run from the page it reached.

The sites (tests/trap_sites.py) serve an endless pagination (every page with five new invented
articles) and a calendar of 3,000 date links on every listing page, each date page linking 3,000
more. Without limits both were walked until the crawl was killed, and the calendar's listing
requests starved the article requests.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from datetime import timedelta

import pytest
from crawl_helpers import write_registry, yenbai_registry_row
from crawl_machinery import NOW, crawl, item_ids, listing_pages, make_site, start_crawl
from reliability_figures import record
from trap_sites import CALENDAR_LIST, ENDLESS_LIST, CalendarSite, EndlessSite, is_bogus

from archive.db import open_archive
from portal_spider.demo.generate import generate_site_data
from portal_spider.demo.server import PortalServer
from portal_spider.demo.yenbai_site import PAGE_SIZE

pytestmark = pytest.mark.crawl

FAST = ("--delay", "0.01", "--set", "AUTOTHROTTLE_ENABLED=False")
REAL = 24  # real articles of the endless site
MAX_PAGES = 6


def real_site_data(n: int) -> dict:
    return generate_site_data(n, newest=NOW - timedelta(hours=49))


def archived_ids(db) -> list[int]:
    return [int(row["item_id"]) for row in db.query("select item_id from articles")]


def walk_rows(db, list_name: str) -> list[dict]:
    return list(
        db.query(
            "select listing, walk_open, resume_page, resume_url, stopped_by from crawl_state "
            "where listing like ?",
            [f"%l={list_name}&%"],
        )
    )


def pages_of(targets: list[str], list_name: str) -> list[int]:
    return [page for name, page in listing_pages(targets) if name == list_name]


def warnings_of(db, kind: str) -> list[str]:
    return [
        r["message"] for r in db.query("select message from run_warnings where kind = ?", [kind])
    ]


def record_rows(db, real: set[int]) -> tuple[int, int]:
    """Record the real articles missing and the rows stored twice; return both."""
    ids = archived_ids(db)
    lost = len(real - set(ids))
    duplicated = len(ids) - len(set(ids))
    record("rows_lost", lost)
    record("rows_duplicated", duplicated)
    return lost, duplicated


@pytest.fixture(scope="module")
def endless(tmp_path_factory):
    """Two runs of a portal with an endless list, with a limit of MAX_PAGES listing pages."""
    site = EndlessSite(real_site_data(REAL))
    db_path = tmp_path_factory.mktemp("endless") / "archive.db"
    limit = ("--set", f"PORTAL_ARCHIVE_MAX_LISTING_PAGES={MAX_PAGES}")
    with PortalServer(site) as server:
        args = (server.url + "/", "--db", str(db_path), *FAST, *limit)
        first = crawl(*args, now=NOW, timeout=120)
        first_targets = list(server.log.targets)
        first_rows = walk_rows(open_archive(db_path), ENDLESS_LIST)
        server.log.clear()
        second = crawl(*args, now=NOW + timedelta(hours=1), timeout=120)
        second_targets = list(server.log.targets)
    return {
        "site": site,
        "db": open_archive(db_path),
        "first": first,
        "second": second,
        "first_targets": first_targets,
        "second_targets": second_targets,
        "first_rows": first_rows,
    }


@pytest.mark.reliability
def test_an_endless_pagination_stops_at_the_limit_and_every_real_article_is_archived(endless):
    record("faults_injected")
    first = endless["first"]
    assert first.returncode == 0, first.stderr[-3000:]
    targets = endless["first_targets"]
    assert pages_of(targets, ENDLESS_LIST) == list(range(1, MAX_PAGES + 1))
    bogus_fetched = [i for i in item_ids(targets) if is_bogus(i)]
    assert len(bogus_fetched) == MAX_PAGES * PAGE_SIZE
    real = set(endless["site"].articles)
    assert len(real) == REAL
    assert real <= {i for i in item_ids(targets) if not is_bogus(i)}
    lost, duplicated = record_rows(endless["db"], real)
    assert (lost, duplicated) == (0, 0)
    (row,) = endless["first_rows"]
    assert (row["walk_open"], row["resume_page"], row["stopped_by"]) == (
        1,
        MAX_PAGES,
        "max_listing_pages",
    )
    assert row["resume_url"].endswith(f"l={ENDLESS_LIST}&lv=0&page={MAX_PAGES}")
    (message, *_) = warnings_of(endless["db"], "limit")
    assert "listing page limit" in message and f"({MAX_PAGES} pages" in message
    assert "listing page limit" in first.stdout
    record("faults_survived")


@pytest.mark.reliability
def test_a_walk_stopped_by_the_limit_resumes_at_the_page_it_reached(endless):
    """The next run checks pages 1 and 2 for new articles (both known: the incremental stop),
    then jumps to page 6, where the last walk stopped, and walks on to the next limit."""
    record("faults_injected")
    second = endless["second"]
    assert second.returncode == 0, second.stderr[-3000:]
    targets = endless["second_targets"]
    walked = pages_of(targets, ENDLESS_LIST)
    assert walked == [1, 2, *range(MAX_PAGES, MAX_PAGES + MAX_PAGES - 2)]
    # the real lists were walked completely last time: pages 1 and 2 of each, nothing more
    for name in ("TinTucSuKien", "ChinhTri", "KinhTe"):
        assert pages_of(targets, name) in ([1], [1, 2]), name
    fetched = item_ids(targets)
    assert not [i for i in fetched if not is_bogus(i)]  # no real article fetched again
    assert sorted(fetched) == list(range(900_000 + 30, 900_000 + 30 + 3 * PAGE_SIZE))
    (row,) = walk_rows(endless["db"], ENDLESS_LIST)
    assert (row["resume_page"], row["stopped_by"]) == (
        MAX_PAGES + MAX_PAGES - 3,
        "max_listing_pages",
    )
    record("faults_survived")


@pytest.mark.reliability
def test_a_calendar_trap_is_cut_off_while_every_real_article_is_archived(tmp_path):
    """64 real articles; the first list's pages each link 3,000 date pages, each of which links
    3,000 more. The calendar family is cut off after TRAP pages without a new article, and the
    real articles are fetched while the calendar is still being walked."""
    trap = 5
    record("faults_injected")
    site = CalendarSite(real_site_data(64))
    db_path = tmp_path / "archive.db"
    with PortalServer(site) as server:
        result = crawl(
            server.url + "/",
            "--db",
            str(db_path),
            *FAST,
            "--set",
            f"PORTAL_ARCHIVE_TRAP_PAGES={trap}",
            now=NOW,
            timeout=180,
        )
        targets = list(server.log.targets)
    assert result.returncode == 0, result.stderr[-3000:]
    days = [n for n, target in enumerate(targets) if "ngay=" in target]
    articles = [n for n, target in enumerate(targets) if "ItemID=" in target]
    # cut at the trap-th barren page; pages already out when it was cut still come back
    in_flight = 2
    assert trap <= len(days) <= trap + in_flight
    # the articles were not starved: they were fetched while the calendar was walked
    assert [n for n in articles if days[0] < n < days[-1]]
    db = open_archive(db_path)
    lost, duplicated = record_rows(db, set(site.articles))
    assert (lost, duplicated) == (0, 0)
    assert db["articles"].count == 64
    (message,) = warnings_of(db, "trap")
    assert "ngay={date}" in message
    assert f"l={CALENDAR_LIST}" in message
    assert "listing trap" in result.stdout
    record("faults_survived")


def resume_points(db_path) -> dict[str, int | None]:
    """The resume page of each list's walk, read without disturbing the writer."""
    if not db_path.exists():
        return {}
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
    try:
        rows = connection.execute("select listing, resume_page from crawl_state").fetchall()
    except sqlite3.OperationalError:  # the schema is not there yet
        return {}
    finally:
        connection.close()
    return {listing.split("l=")[1].split("&")[0]: page for listing, page in rows if "l=" in listing}


@pytest.mark.reliability
def test_a_killed_walk_resumes_at_the_page_it_reached(tmp_path):
    """A first crawl is killed with SIGKILL once a list's walk has a resume point at page 4 or
    deeper. The restart walks pages 1 and 2 of that list (known: the incremental stop), then
    goes on from the resume point to the end; no article stored before the kill is fetched
    again, and the archive ends with every article once."""
    record("faults_injected")
    site = make_site(150)
    db_path = tmp_path / "archive.db"
    with PortalServer(site, delay=0.02) as server:
        args = (server.url + "/", "--db", str(db_path), *FAST)
        process = start_crawl(*args, log=tmp_path / "killed.log", now=NOW)
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if max((p or 0 for p in resume_points(db_path).values()), default=0) >= 4:
                break
            time.sleep(0.02)
        assert process.poll() is None, (tmp_path / "killed.log").read_text()[-3000:]
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        points = resume_points(db_path)
        stored = set(archived_ids(open_archive(db_path)))
        server.log.clear()
        restarted = crawl(*args, now=NOW, timeout=120)
        targets = list(server.log.targets)
    assert restarted.returncode == 0, restarted.stderr[-3000:]
    assert max(p or 0 for p in points.values()) >= 4
    for name in site.categories:
        last = -(-len(site.live_articles(name)) // PAGE_SIZE)
        resume = points.get(name) or 1
        expected = [1, 2, *range(resume, last + 1)] if resume > 2 else list(range(1, last + 1))
        assert pages_of(targets, name) == expected, (name, resume)
    assert not set(item_ids(targets)) & stored
    db = open_archive(db_path)
    lost, duplicated = record_rows(db, set(site.articles))
    assert (lost, duplicated) == (0, 0)
    record("integrity_checks")
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    record("integrity_failures", int(integrity != "ok"))
    assert integrity == "ok"
    assert list(db.query("select listing from crawl_state where resume_page is not null")) == []
    record("faults_survived")


@pytest.mark.reliability
def test_a_portal_row_sets_its_own_limits(tmp_path):
    """Two endless portals in one crawl with the default limits: one row lowers the listing
    page limit to 3, the other the request limit to 25; each takes effect on its portal only."""
    record("faults_injected")
    paged, budgeted = EndlessSite(real_site_data(12)), EndlessSite(real_site_data(12))
    with PortalServer(paged) as paged_server, PortalServer(budgeted) as budget_server:
        rows = [
            {**yenbai_registry_row("paged", paged, paged_server.url), "max_listing_pages": 3},
            {**yenbai_registry_row("budgeted", budgeted, budget_server.url), "max_requests": 25},
        ]
        registry = write_registry(tmp_path / "portals.toml", rows)
        result = crawl(
            "--all", "--db", str(tmp_path / "a.db"), *FAST, registry=registry, now=NOW, timeout=120
        )
        paged_targets = list(paged_server.log.targets)
        budget_targets = list(budget_server.log.targets)
    assert result.returncode == 0, result.stderr[-3000:]
    assert pages_of(paged_targets, ENDLESS_LIST) == [1, 2, 3]
    assert len([t for t in budget_targets if t != "/robots.txt"]) == 25
    db = open_archive(tmp_path / "a.db")
    messages = {
        r["portal"]: r["message"]
        for r in db.query("select portal, message from run_warnings where kind = 'limit'")
    }
    assert "listing page limit (3 pages" in messages["paged"]
    assert "request limit reached (25 requests" in messages["budgeted"]
    stopped = {
        r["stopped_by"]
        for r in db.query("select stopped_by from crawl_state where resume_page is not null")
    }
    assert stopped == {"max_listing_pages", "max_requests"}
    record("faults_survived")
