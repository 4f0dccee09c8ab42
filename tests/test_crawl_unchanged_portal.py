"""An unchanged 500-article portal: an incremental run costs at most 5% of the full run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from crawl_machinery import NOW, crawl, item_ids, make_site

from archive.db import open_archive
from portal_spider.demo.server import PortalServer

pytestmark = pytest.mark.crawl

N = 500


@pytest.fixture(scope="module")
def counts(tmp_path_factory):
    # published long enough ago that no revisit is due: only the listings are looked at
    site = make_site(N, newest=NOW - timedelta(days=100), spacing_hours=12)
    db_path = tmp_path_factory.mktemp("unchanged") / "archive.db"
    with PortalServer(site) as server:
        url = server.url + "/"
        full = crawl(url, "--full", "--db", str(db_path), "--delay", "0.005", now=NOW)
        assert full.returncode == 0, full.stderr[-3000:]
        full_targets = list(server.log.targets)
        server.log.clear()
        incremental = crawl(
            url, "--db", str(db_path), "--delay", "0.005", now=NOW + timedelta(days=1)
        )
        assert incremental.returncode == 0, incremental.stderr[-3000:]
        incremental_targets = list(server.log.targets)
    return {"db": open_archive(db_path), "full": full_targets, "incremental": incremental_targets}


def test_the_full_run_archives_every_article_once(counts):
    assert counts["db"]["articles"].count == N
    assert sorted(item_ids(counts["full"])) == list(range(1000, 1000 + N))


def test_incremental_run_makes_at_most_5_percent_of_the_requests(counts):
    full, incremental = len(counts["full"]), len(counts["incremental"])
    print(f"full run: {full} requests; incremental run: {incremental} requests")
    assert incremental <= 0.05 * full
    assert item_ids(counts["incremental"]) == []


def test_the_incremental_run_changes_no_row(counts):
    db = counts["db"]
    runs = list(db.query("select mode, status, articles_new, articles_unchanged from crawl_runs"))
    assert runs == [
        {"mode": "full", "status": "ok", "articles_new": N, "articles_unchanged": 0},
        {"mode": "incremental", "status": "ok", "articles_new": 0, "articles_unchanged": 0},
    ]
    assert db["article_versions"].count == N
