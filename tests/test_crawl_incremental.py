"""Incremental crawling of a local portal that changes between two runs eight days apart.

Between the runs the portal publishes three articles, edits one, increments view counters, takes
one article down (404) and redirects another to its home page. The second run must fetch the new
listing pages, the new articles and the revisits due (articles 7 and 30 days old), and nothing
else; record the view series; write one new version for the edit; mark both removed articles
gone; and leave every other row as it was.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
from click.testing import CliRunner
from crawl_machinery import NOW, crawl, item_ids, listing_pages, make_site

from archive.db import open_archive
from portal_spider.cli import main
from portal_spider.demo.generate import make_article
from portal_spider.demo.server import PortalServer
from portal_spider.demo.yenbai_site import FILE_PATH, IMAGE_PATH, PAGE_SIZE

pytestmark = pytest.mark.crawl

N = 60
# generated articles are published 49 h + 30 h * i before NOW (i = 0 … 59); eight days later the
# 7-day step has passed for i = 0..3 and the 30-day step for i = 16..22, after the first run
DUE = [1000 + i for i in (*range(4), *range(16, 23))]
EDITED, REMOVED, REDIRECTED = 1000, 1001, 1002
VIEWED_DUE, VIEWED_NOT_DUE = (1003, 1016), 1030
NEW = {2001: "TinTucSuKien", 2002: "TinTucSuKien", 2003: "KinhTe"}
LATER = NOW + timedelta(days=8)


def snapshot(db) -> dict[str, dict]:
    return {
        row["item_id"]: row
        for row in db.query(
            "select item_id, title, content_hash, version, views, status, gone_at, last_seen_at, "
            "fetched_at, (select count(*) from article_views v where v.article_id = a.id) "
            "as observations from articles a"
        )
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two crawls of a changing portal; what the server saw and the archive held each time."""
    site = make_site(N)
    db_path = tmp_path_factory.mktemp("incremental") / "archive.db"
    with PortalServer(site) as server:
        url = server.url + "/"
        first = crawl(url, "--db", str(db_path), "--delay", "0.01", now=NOW)
        assert first.returncode == 0, first.stderr[-3000:]
        first_targets = list(server.log.targets)
        before = snapshot(open_archive(db_path))

        rng = random.Random(7)
        for offset, (item_id, list_name) in enumerate(NEW.items(), start=1):
            site.add_article(make_article(item_id, NOW + timedelta(days=offset), rng, list_name))
        site.edit_article(EDITED, title=site.articles[EDITED]["title"] + " (đã cập nhật)")
        for item_id in (*VIEWED_DUE, VIEWED_NOT_DUE):
            site.edit_article(item_id, views=site.articles[item_id]["views"] + 250)
        site.remove_article(REMOVED)
        site.redirect_home(REDIRECTED)
        server.log.clear()

        second = crawl(url, "--db", str(db_path), "--delay", "0.01", now=LATER)
        assert second.returncode == 0, second.stderr[-3000:]
        second_targets = list(server.log.targets)
    db = open_archive(db_path)
    return {
        "site": site,
        "db": db,
        "before": before,
        "after": snapshot(db),
        "first_targets": first_targets,
        "second_targets": second_targets,
        "second": second,
    }


def expected_listing_pages(site) -> list[tuple[str, int]]:
    """Per list: the pages holding new articles, the first all-known page and one more (overlap)."""
    pages = []
    for list_name in site.categories:
        total = max(1, -(-len(site.live_articles(list_name)) // PAGE_SIZE))
        fresh = sum(1 for a in site.live_articles(list_name) if a["item_id"] in NEW)
        walked = min(total, -(-fresh // PAGE_SIZE) + 2)
        pages.extend((list_name, page) for page in range(1, walked + 1))
    return sorted(pages)


def new_files(site) -> list[str]:
    """The attachments and images of the articles the second run finds new."""
    files = []
    for item_id in NEW:
        article = site.articles[item_id]
        files += [FILE_PATH + a["file"] for a in article.get("attachments") or []]
        files += [IMAGE_PATH + i["file"] for i in article.get("images") or []]
    return sorted(files)


def test_first_run_archives_every_article(runs):
    assert len(runs["before"]) == N
    assert sorted(item_ids(runs["first_targets"])) == list(range(1000, 1000 + N))


def test_second_run_fetches_only_new_listing_pages_new_articles_and_due_revisits(runs):
    targets = runs["second_targets"]
    assert sorted(listing_pages(targets)) == expected_listing_pages(runs["site"])
    assert sorted(item_ids(targets)) == sorted([*NEW, *DUE])
    # the new articles' attachments and images (the revisited ones' were kept by the first run)
    files = sorted(t for t in targets if t.endswith((".pdf", ".jpg")))
    assert files == new_files(runs["site"])
    # robots.txt, the home page, and the home page again at the end of the redirect
    others = [t for t in targets if "ItemID" not in t and "l=" not in t and t not in files]
    assert sorted(others) == ["/", "/", "/robots.txt"]
    total = 3 + len(expected_listing_pages(runs["site"])) + len(NEW) + len(DUE) + len(files)
    assert len(targets) == total
    assert len(targets) < len(runs["first_targets"]) / 2


def test_new_articles_are_archived(runs):
    after = runs["after"]
    assert len(after) == N + len(NEW)
    assert all(after[str(i)]["version"] == 1 for i in NEW)


def test_an_edit_adds_one_version_and_keeps_the_old_one(runs):
    db = runs["db"]
    versions = list(
        db.query(
            "select v.version, v.title from article_versions v join articles a "
            "on a.id = v.article_id where a.item_id = ? order by v.version",
            [str(EDITED)],
        )
    )
    old_title = runs["before"][str(EDITED)]["title"]
    assert versions == [
        {"version": 1, "title": old_title},
        {"version": 2, "title": old_title + " (đã cập nhật)"},
    ]
    assert db["article_versions"].count == N + len(NEW) + 1


def test_view_counts_become_a_series(runs):
    db = runs["db"]
    for item_id in VIEWED_DUE:
        series = [
            r["views"]
            for r in db.query(
                "select v.views from article_views v join articles a on a.id = v.article_id "
                "where a.item_id = ? order by v.observed_at",
                [str(item_id)],
            )
        ]
        first = runs["before"][str(item_id)]["views"]
        assert series == [first, first + 250]
    # an article not due keeps its single observation (it was not fetched)
    assert runs["after"][str(VIEWED_NOT_DUE)]["observations"] == 1
    assert db["article_views"].count == N + len(NEW) + len(VIEWED_DUE)


def test_removed_and_redirected_articles_are_marked_gone_not_deleted(runs):
    after, before = runs["after"], runs["before"]
    for item_id in (REMOVED, REDIRECTED):
        row = after[str(item_id)]
        assert row["status"] == "gone"
        assert row["gone_at"].startswith("2026-01-18")
        assert row["last_seen_at"] == before[str(item_id)]["last_seen_at"]
        assert row["title"] == before[str(item_id)]["title"]


def test_nothing_else_changes(runs):
    after, before = runs["after"], runs["before"]
    touched = {str(i) for i in (*DUE, *NEW)}
    for item_id, row in before.items():
        if item_id not in touched:
            assert after[item_id] == row, item_id
    for item_id in {str(i) for i in DUE} - {str(EDITED), str(REMOVED), str(REDIRECTED)}:
        assert after[item_id]["content_hash"] == before[item_id]["content_hash"]
        assert after[item_id]["version"] == 1


def test_the_run_is_recorded_with_its_counts(runs):
    rows = list(runs["db"].query("select * from crawl_runs order by id"))
    assert [r["status"] for r in rows] == ["ok", "ok"]
    second = rows[-1]
    assert (
        second["articles_new"],
        second["articles_updated"],
        second["articles_unchanged"],
        second["articles_gone"],
        second["pages_failed"],
        second["revisits"],
    ) == (len(NEW), 1, len(DUE) - 3, 2, 0, len(DUE))
    assert second["listing_pages"] == len(expected_listing_pages(runs["site"])) + 1  # + home
    assert second["started_at"].startswith("2026-01-18")
    assert "gone" in runs["second"].stdout and "2 gone" in runs["second"].stdout


def test_a_non_interactive_run_logs_one_summary_line_per_portal(runs):
    lines = [
        line
        for line in runs["second"].stderr.splitlines()
        if "[portal_spider.crawl.progress]" in line
    ]
    assert len(lines) == 1
    assert "11 revisits due" in lines[0] and "3 new" in lines[0] and "2 gone" in lines[0]


def test_runs_command_shows_the_latest_runs(runs):
    db_path = runs["db"].execute("PRAGMA database_list").fetchone()[2]
    result = CliRunner().invoke(main, ["runs", "--db", db_path, "--limit", "1"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("#2 2026-01-18")
    assert "ok (incremental)" in lines[0] and "2 gone" in lines[0]
    as_json = CliRunner().invoke(main, ["runs", "--db", db_path, "--json"])
    assert [json.loads(line)["id"] for line in as_json.output.splitlines()] == [2, 1]
