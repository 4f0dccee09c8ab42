"""A demo crawl killed with SIGKILL again and again ends with the rows of an uninterrupted crawl.

The crawl of a local portal (real HTTP on 127.0.0.1, each run a child process) is killed at five
points, once it has stored 1, 5, 15, 30 and 50 articles, and started again each time; a last run
then goes to its end. Its archive must hold exactly what an uninterrupted crawl of the same site
stores in another archive: the same article ids, content hashes, versions, URLs, views and
captures, no row twice, no article missing, and a sound SQLite file.

The second test builds an archive half-written the way an older version of the crawler left it
when killed between two inserts, and shows that the next crawl finds those articles, says so, and
ends with the rows of a crawl that was never interrupted.
"""

from __future__ import annotations

import re
import signal
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from crawl_machinery import NOW, crawl, item_ids, kill_when_stored, make_site, start_crawl
from reliability_figures import record

from archive.db import open_archive
from portal_spider.demo.server import PortalServer
from portal_spider.platforms import get_platform

pytestmark = [pytest.mark.crawl, pytest.mark.reliability]

N = 60
KILL_POINTS = (1, 5, 15, 30, 50)
# AutoThrottle off: the server's delay would otherwise make the crawl one request at a time
FAST = ("--delay", "0.01", "--set", "AUTOTHROTTLE_ENABLED=False")

# A URL is compared in its canonical form (the first column of each query): which of the links
# to an article (``?ItemID=7&l=A``, ``?l=A&ItemID=7``) a crawl follows first depends on the order
# responses arrive in, in an uninterrupted crawl too. Times are left out: the crawl's clock,
# started at NOW, runs on.
COMPARED = {
    "articles": "select canonical_url, id, item_id, title, published_at, views, content_hash, "
    "version, status, category, gone_at from articles",
    "article_versions": "select a.canonical_url, v.article_id, v.version, v.content_hash, "
    "v.title, v.body_text, v.source, v.author, v.cause "
    "from article_versions v join articles a on a.id = v.article_id",
    "article_urls": "select url, article_id from article_urls",
    "article_views": "select a.canonical_url, w.article_id, w.views "
    "from article_views w join articles a on a.id = w.article_id",
    # the article pages' bytes (listings and revisit rows depend on where the kill fell)
    "captures": "select url, sha256, size, http_status from captures "
    "where kind = 'article' and revisit_of is null",
}
YENBAI = get_platform("yenbai")


def rows(path: Path) -> dict[str, list[tuple]]:
    """The compared rows of every table of the archive at ``path``, sorted."""
    connection = sqlite3.connect(path)
    try:
        return {
            table: sorted(canonical(row) for row in connection.execute(sql))
            for table, sql in COMPARED.items()
        }
    finally:
        connection.close()


def canonical(row: tuple) -> tuple:
    """The row with its first column, a URL, in canonical form."""
    base = "{0.scheme}://{0.netloc}/".format(urlsplit(row[0]))
    return (YENBAI.canonical_article_url(row[0], base_url=base), *row[1:])


def soundness(path: Path) -> list[str]:
    """What SQLite says is wrong with the file, its foreign keys and its search index."""
    connection = sqlite3.connect(path)
    try:
        found = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        found = [] if found == ["ok"] else found
        found += [repr(row) for row in connection.execute("PRAGMA foreign_key_check")]
        try:
            connection.execute("insert into articles_fts(articles_fts) values ('integrity-check')")
        except sqlite3.DatabaseError as error:
            found.append(f"articles_fts: {error}")
        return found
    finally:
        connection.close()


def copy_archive(source: Path, target: Path) -> None:
    """A copy of a whole archive (its WAL included), made by SQLite's backup."""
    with sqlite3.connect(source) as original, sqlite3.connect(target) as copy:
        original.backup(copy)
    original.close()
    copy.close()


def record_comparison(killed: dict[str, list[tuple]], reference: dict[str, list[tuple]]) -> None:
    """Rows the reference has and the killed archive lacks, or holds more than once."""
    lost = sum(len(set(reference[t]) - set(killed[t])) for t in COMPARED)
    duplicated = sum(len(killed[t]) - len(set(killed[t])) for t in COMPARED)
    record("rows_lost", lost)
    record("rows_duplicated", duplicated)


@pytest.fixture(scope="module")
def killed_five_times(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kill-points")
    site = make_site(N)
    killed_db, reference_db = tmp / "killed.db", tmp / "reference.db"
    with PortalServer(site, delay=0.02) as server:
        url = server.url + "/"
        reference_log = tmp / "reference.log"
        reference = start_crawl(url, "--db", str(reference_db), *FAST, log=reference_log, now=NOW)
        args = (url, "--db", str(killed_db), *FAST)
        stored_at_kill, return_codes = [], []
        for point in KILL_POINTS:
            log = tmp / f"killed-{point}.log"
            process = start_crawl(*args, log=log, now=NOW)
            stored_at_kill.append(kill_when_stored(process, killed_db, point, log))
            return_codes.append(process.returncode)
            record("faults_injected")
        assert reference.wait(timeout=120) == 0, reference_log.read_text()[-3000:]
        server.log.clear()
        last = crawl(*args, now=NOW)
        assert last.returncode == 0, last.stderr[-3000:]
        last_targets = list(server.log.targets)
    return {
        "killed": killed_db,
        "reference": reference_db,
        "stored_at_kill": stored_at_kill,
        "return_codes": return_codes,
        "last_targets": last_targets,
        "site_items": sorted(a["item_id"] for a in site.live_articles()),
    }


def test_the_crawl_was_killed_at_five_points(killed_five_times):
    assert killed_five_times["return_codes"] == [-signal.SIGKILL] * len(KILL_POINTS)
    stored = killed_five_times["stored_at_kill"]
    assert all(point <= count < N for point, count in zip(KILL_POINTS, stored, strict=True))
    assert stored == sorted(stored)


def test_the_rows_equal_those_of_an_uninterrupted_crawl(killed_five_times):
    killed, reference = rows(killed_five_times["killed"]), rows(killed_five_times["reference"])
    record_comparison(killed, reference)
    for table in COMPARED:
        assert killed[table] == reference[table], table
    assert len(reference["articles"]) == N and len(reference["captures"]) == N
    if killed == reference:
        record("faults_survived", len(KILL_POINTS))


def test_no_article_twice_and_none_missing(killed_five_times):
    db = open_archive(killed_five_times["killed"])
    items = [int(r["item_id"]) for r in db.query("select item_id from articles")]
    assert sorted(items) == killed_five_times["site_items"]
    assert (
        db.execute("select count(distinct url) from captures where kind = 'article'").fetchone()[0]
        == N
    )
    versions = db.execute("select count(*) from article_versions where version = 1").fetchone()
    assert versions[0] == N
    # the last run fetched only what the killed runs had not stored
    fetched_last = item_ids(killed_five_times["last_targets"])
    missing = N - killed_five_times["stored_at_kill"][-1]
    assert len(fetched_last) == len(set(fetched_last)) == missing


def test_the_killed_runs_are_recorded_and_nothing_is_left_open(killed_five_times):
    db = open_archive(killed_five_times["killed"])
    statuses = [r["status"] for r in db.query("select status from crawl_runs order by id")]
    assert statuses == ["interrupted"] * len(KILL_POINTS) + ["ok"]
    assert db["pending_articles"].count == 0
    assert list(db.query("select listing from crawl_state where walk_open = 1")) == []


def test_both_archives_are_sound(killed_five_times):
    for name in ("killed", "reference"):
        record("integrity_checks")
        problems = soundness(killed_five_times[name])
        record("integrity_failures", int(bool(problems)))
        assert problems == [], name


HALF_WRITTEN = {
    # the n-th article (oldest first) -> what an older version's write had not done when killed
    3: ("delete from article_versions where article_id = :id",),
    7: (
        "delete from article_versions where article_id = :id",
        "delete from article_views where article_id = :id",
        "delete from article_urls where article_id = :id",
    ),
    11: ("delete from article_urls where article_id = :id",),
    15: ("delete from article_views where article_id = :id",),
}


def test_articles_an_older_version_left_half_written_are_repaired(tmp_path):
    site = make_site(20)
    damaged_db, reference_db = tmp_path / "damaged.db", tmp_path / "reference.db"
    with PortalServer(site) as server:
        url = server.url + "/"
        assert crawl(url, "--db", str(reference_db), *FAST, now=NOW).returncode == 0
        copy_archive(reference_db, damaged_db)
        db = open_archive(damaged_db)
        articles = list(db.query("select id, item_id from articles order by cast(item_id as int)"))
        damaged_items = sorted(int(articles[n]["item_id"]) for n in HALF_WRITTEN)
        for n, statements in HALF_WRITTEN.items():
            for statement in statements:
                db.execute(statement, {"id": articles[n]["id"]})
        db.close()
        record("faults_injected", len(HALF_WRITTEN))
        server.log.clear()
        repaired = crawl(url, "--db", str(damaged_db), *FAST, now=NOW)
        assert repaired.returncode == 0, repaired.stderr[-3000:]
        targets = list(server.log.targets)
    log = repaired.stderr + repaired.stdout
    assert re.search(r"4 article\(s\) left half-written by an earlier crawl", log), log[-3000:]
    stats = re.search(r"'archive/half_written': (\d+)", log)
    assert stats is not None and int(stats.group(1)) == len(HALF_WRITTEN), log[-3000:]
    # each was fetched again, and nothing else was
    assert sorted(item_ids(targets)) == damaged_items
    damaged, reference = rows(damaged_db), rows(reference_db)
    record_comparison(damaged, reference)
    for table in COMPARED:
        assert damaged[table] == reference[table], table
    db = open_archive(damaged_db)
    assert db["pending_articles"].count == 0
    statuses = [r["status"] for r in db.query("select status from crawl_runs order by id")]
    assert statuses == ["ok", "ok"]
    record("integrity_checks")
    assert soundness(damaged_db) == []
    record("faults_survived", len(HALF_WRITTEN))
