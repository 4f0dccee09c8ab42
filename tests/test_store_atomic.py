"""A writer killed between any two SQL statements leaves the archive as before or as after.

Each write runs in a forked child process whose SQLite trace callback counts the statements and
ends the process (``os._exit``, no cleanup, like a SIGKILL) just before statement k+1 starts, for
every k from 1 to N, where N is counted on an uninterrupted run of the same write. After each kill
the archive must equal, table by table, either the archive before the write or the archive after
the uninterrupted write, and SQLite's and the search index's integrity checks must pass. The
writes: a new article (with its capture, pending row, version, URL and views), a rewrite (a new
version of an archived article), a reparse record, the completion of listing walks, and the
repair of an article left half-written.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest
from reliability_figures import record
from sqlite_utils import Database

from archive.crawl_memory import begin_walk, record_failure
from archive.db import open_archive
from archive.repair import find_half_written, repair_half_written
from archive.store import ArchiveStore, Capture, article_id
from portal_spider.crawl.clock import Clock
from portal_spider.crawl.plan import CrawlState
from portal_spider.demo.yenbai_site import ARTICLE_PATH, YenBaiSite
from portal_spider.offline.reparse import reparse_archive

pytestmark = pytest.mark.reliability

KILLED = 87  # exit status of a child ended by its trace callback
BASE = "https://tramtau.yenbai.gov.vn"
URL = f"{BASE}{ARTICLE_PATH}?ItemID=4001&l=TinTuc"
CANONICAL = f"{BASE}{ARTICLE_PATH}?ItemID=4001"
AID = article_id("tramtau", "4001", CANONICAL)
SEEN = "2026-01-01T00:00:00+00:00"
LATER = "2026-01-09T00:00:00+00:00"
TABLES = (
    "portals",
    "captures",
    "articles",
    "article_versions",
    "article_urls",
    "article_views",
    "pending_articles",
    "crawl_state",
    "crawl_runs",
)

WRITES = {"INSERT", "UPDATE", "DELETE", "REPLACE"}
Trace = Callable[[str], None]
Write = Callable[[Path, Trace], object]  # opens the archive, traces its writing connection


def article_record(**changes: object) -> dict:
    row = {
        "url": URL,
        "portal": "tramtau",
        "item_id": "4001",
        "canonical_url": CANONICAL,
        "title": "Hội nghị sơ kết công tác tuyên giáo",
        "published_at": "2023-07-14T08:00:02+07:00",
        "views": 4829,
        "body_text": "Chiều ngày 12/7",
        "source": None,
        "fetched_at": SEEN,
    }
    row.update(changes)
    return row


def capture(body: bytes, fetched_at: str = SEEN) -> Capture:
    return Capture("tramtau", None, URL, body, 200, {"Content-Type": "text/html"}, fetched_at)


PAGE = YenBaiSite().handle(f"{ARTICLE_PATH}?ItemID=4001&l=TinTuc").body


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every row of the archive's tables, in a stable order."""
    connection = sqlite3.connect(path)
    try:
        return {
            table: sorted(connection.execute(f"select * from {table}").fetchall(), key=repr)
            for table in TABLES
        }
    finally:
        connection.close()


def integrity_problems(path: Path) -> list[str]:
    """What SQLite, the foreign keys and the search index say is wrong (nothing when sound)."""
    connection = sqlite3.connect(path)
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        problems = [] if problems == ["ok"] else problems
        problems += [repr(row) for row in connection.execute("PRAGMA foreign_key_check")]
        try:
            connection.execute("insert into articles_fts(articles_fts) values ('integrity-check')")
        except sqlite3.DatabaseError as error:
            problems.append(f"articles_fts: {error}")
        return problems
    finally:
        connection.close()


def traced_store(path: Path, trace: Trace) -> ArchiveStore:
    """The archive at ``path`` opened for writing, its statements traced from now on."""
    db = open_archive(path, migrate=False)
    db.conn.set_trace_callback(trace)
    return ArchiveStore(db)


def run_in_child(path: Path, write: Write, kill_after: int | None, trace_file: Path) -> int:
    """Run ``write`` on the archive at ``path`` in a forked child; returns its exit status.

    With ``kill_after`` = k the child ends just before its (k+1)-th statement starts, or right
    after the write returns if it has only k. Without it the child runs the write whole and
    writes the statements it traced, one a line, to ``trace_file``.
    """
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        status = 1
        try:
            statements: list[str] = []

            def trace(sql: str) -> None:
                if kill_after is not None and len(statements) >= kill_after:
                    os._exit(KILLED)
                statements.append(" ".join(sql.split()))

            write(path, trace)
            if kill_after is not None:
                os._exit(KILLED)
            trace_file.write_text("\n".join(statements), encoding="utf-8")
            status = 0
        except BaseException:  # shown in pytest's captured output of the failing test
            traceback.print_exc()
        finally:
            os._exit(status)
    _, wait_status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(wait_status)


def kill_at_every_statement(tmp_path: Path, base: Path, write: Write) -> dict:
    """Kill ``write`` after each of its statements in turn; what every kill left behind."""
    before = snapshot(base)
    whole = tmp_path / "whole.db"
    shutil.copy(base, whole)
    trace_file = tmp_path / "statements.txt"
    assert run_in_child(whole, write, None, trace_file) == 0
    statements = trace_file.read_text(encoding="utf-8").splitlines()
    after = snapshot(whole)
    assert after != before, "the write changed nothing: the test would prove nothing"
    states = []
    for k in range(1, len(statements) + 1):
        killed = tmp_path / f"killed-{k}.db"
        shutil.copy(base, killed)
        record("faults_injected")
        assert run_in_child(killed, write, k, trace_file) == KILLED, f"not killed at {k}"
        problems = integrity_problems(killed)
        record("integrity_checks")
        record("integrity_failures", int(bool(problems)))
        state = snapshot(killed)
        outcome = "before" if state == before else "after" if state == after else "partial"
        lost = sum(len(set(rows) - set(state[table])) for table, rows in after.items())
        record("rows_lost", 0 if outcome != "partial" else lost)
        if outcome != "partial" and not problems:
            record("faults_survived")
        states.append((k, statements[k - 1], outcome, problems))
        killed.unlink()
        for suffix in ("-wal", "-shm"):
            Path(f"{killed}{suffix}").unlink(missing_ok=True)
    return {"statements": statements, "states": states}


def assert_all_or_nothing(result: dict) -> None:
    """Every kill left the archive whole, as before up to the COMMIT and as after from it on."""
    states = result["states"]
    assert len(states) >= 5, result["statements"]
    assert [(k, problems) for k, _, _, problems in states if problems] == []
    assert [(k, sql) for k, sql, outcome, _ in states if outcome == "partial"] == []
    outcomes = [outcome for _, _, outcome, _ in states]
    switch = outcomes.index("after")
    assert outcomes == ["before"] * switch + ["after"] * (len(outcomes) - switch)
    assert states[switch][1] == "COMMIT", states[switch]
    # one transaction: one BEGIN, before the first write, and no other COMMIT
    statements = result["statements"]
    assert statements.count("BEGIN IMMEDIATE") == 1 and statements.count("COMMIT") == 1
    writes = [i for i, sql in enumerate(statements) if sql.split()[0].upper() in WRITES]
    assert statements.index("BEGIN IMMEDIATE") < writes[0], statements


def new_archive(path: Path) -> ArchiveStore:
    store = ArchiveStore(open_archive(path))
    store.upsert_portal({"slug": "tramtau", "name": "Trạm Tấu", "platform": "yenbai"})
    return store


def closed(store: ArchiveStore) -> None:
    """Close the archive, so its file holds everything (the WAL checkpointed)."""
    store.db.close()


@pytest.mark.slow
def test_a_new_article_is_stored_whole_or_not_at_all(tmp_path):
    base = tmp_path / "base.db"
    store = new_archive(base)
    record_failure(store.db, article_id=AID, portal="tramtau", url=URL, error="HTTP 503", when=SEEN)
    closed(store)

    def write(path: Path, trace: Trace) -> object:
        return traced_store(path, trace).save_fetched(article_record(), capture(PAGE))

    result = kill_at_every_statement(tmp_path, base, write)
    assert_all_or_nothing(result)
    joined = "\n".join(result["statements"])
    for table in ("captures", "articles", "article_versions", "article_views", "article_urls"):
        assert f'INTO "{table}"' in joined, table
    assert "delete from pending_articles" in joined


@pytest.mark.slow
def test_a_new_version_of_an_archived_article_is_written_whole_or_not_at_all(tmp_path):
    base = tmp_path / "base.db"
    store = new_archive(base)
    store.save_fetched(article_record(), capture(PAGE))
    closed(store)
    edited = PAGE.replace("Chiều ngày 12/7".encode(), "Sáng ngày 12/7".encode())
    assert edited != PAGE

    def write(path: Path, trace: Trace) -> object:
        rewritten = article_record(body_text="Sáng ngày 12/7", views=5012, fetched_at=LATER)
        return traced_store(path, trace).save_fetched(rewritten, capture(edited, LATER))

    result = kill_at_every_statement(tmp_path, base, write)
    assert_all_or_nothing(result)
    whole = open_archive(tmp_path / "whole.db")
    assert [r["version"] for r in whole.query("select version from article_versions")] == [1, 2]
    assert whole["article_views"].count == 2


@pytest.mark.slow
def test_a_reparse_record_is_written_whole_or_not_at_all(tmp_path):
    base = tmp_path / "base.db"
    store = new_archive(base)
    store.save_fetched(article_record(), capture(PAGE))  # as an older, worse parser stored it
    closed(store)

    def write(path: Path, trace: Trace) -> object:
        return reparse_archive(traced_store(path, trace).db, when=LATER)

    result = kill_at_every_statement(tmp_path, base, write)
    assert_all_or_nothing(result)
    whole = open_archive(tmp_path / "whole.db")
    causes = [r["cause"] for r in whole.query("select cause from article_versions order by 1")]
    assert causes == ["crawl", "reparse"]


def test_completing_the_walks_of_a_run_is_one_step(tmp_path):
    base = tmp_path / "base.db"
    store = new_archive(base)
    for listing in ("TinTucSuKien", "ChinhTri", "KinhTe"):
        begin_walk(store.db, "tramtau", listing, f"{BASE}/?l={listing}", LATER)
    closed(store)

    def write(path: Path, trace: Trace) -> object:
        state = CrawlState(path, Clock(LATER), full=True, max_attempts=5, default_steps=())
        for listing in ("TinTucSuKien", "ChinhTri", "KinhTe"):
            walk = state.walk("tramtau", listing, f"{BASE}/?l={listing}")
            walk.ended, walk.pages, walk.deepest_page = True, 3, 3
        state.db.conn.set_trace_callback(trace)  # the run's end: every walk it completed
        return state.finish(True)

    result = kill_at_every_statement(tmp_path, base, write)
    assert_all_or_nothing(result)
    whole = open_archive(tmp_path / "whole.db")
    assert [r["walk_open"] for r in whole.query("select walk_open from crawl_state")] == [0, 0, 0]


def test_repairing_a_half_written_article_is_one_step(tmp_path):
    """An article left without version, URL and views rows by a write killed after its
    article row: the repair restores the rows the write would have written and schedules a
    refetch, and a kill at any point of the repair leaves it undone or done."""
    base = tmp_path / "base.db"
    store = new_archive(base)
    store.save_fetched(article_record(), capture(PAGE))
    complete = snapshot_of(store.db, ("article_versions", "article_urls", "article_views"))
    for table in ("article_versions", "article_urls", "article_views"):
        store.db.execute(f"delete from {table}")
    assert [a.traces for a in find_half_written(store.db)] == [("version", "url", "views")]
    closed(store)

    def write(path: Path, trace: Trace) -> object:
        return repair_half_written(traced_store(path, trace).db, ("tramtau",), LATER)

    result = kill_at_every_statement(tmp_path, base, write)
    assert_all_or_nothing(result)
    whole = open_archive(tmp_path / "whole.db")
    assert snapshot_of(whole, ("article_versions", "article_urls", "article_views")) == complete
    assert find_half_written(whole) == []
    pending = list(whole.query("select article_id, attempts from pending_articles"))
    assert pending == [{"article_id": AID, "attempts": 0}]


def snapshot_of(db: Database, tables: tuple[str, ...]) -> dict[str, list[dict]]:
    return {table: list(db.query(f"select * from {table} order by 1, 2")) for table in tables}


def test_every_trace_of_a_half_written_article_is_found_and_repaired(tmp_path):
    """Four articles, each as a write of an older version left it when killed at a different
    point: the check names each trace, restores exactly the rows of the whole archive, schedules
    one refetch each, and then finds nothing more."""
    store = new_archive(tmp_path / "archive.db")
    ids = {}
    for item in ("4001", "4002", "4003", "4004"):
        url = URL.replace("4001", item)
        canonical = CANONICAL.replace("4001", item)
        store.save_fetched(
            article_record(url=url, item_id=item, canonical_url=canonical, views=int(item)),
            capture(PAGE.replace(b"4001", item.encode())),
        )
        ids[item] = article_id("tramtau", item, canonical)
    store.save_fetched(
        article_record(
            url=URL.replace("4001", "4004"),
            item_id="4004",
            canonical_url=CANONICAL.replace("4001", "4004"),
            views=4005,
            fetched_at=LATER,
        ),
        None,
    )
    whole = snapshot_of(store.db, ("article_versions", "article_urls", "article_views"))
    db = store.db
    db.execute("delete from article_versions where article_id = ?", [ids["4001"]])
    db.execute("delete from article_urls where article_id = ?", [ids["4002"]])
    db.execute(  # the views of the later fetch were not written
        "delete from article_views where article_id = ? and observed_at = ?", [ids["4004"], LATER]
    )
    db.execute(  # a reparse wrote version 2 and was killed before the article row
        "insert into article_versions (article_id, version, content_hash, title, observed_at, "
        "cause) values (?, 2, 'x', 'reparsed', ?, 'reparse')",
        [ids["4003"], LATER],
    )
    found = {a.article_id: a.traces for a in find_half_written(db, ("tramtau",))}
    assert found == {
        ids["4001"]: ("version",),
        ids["4002"]: ("url",),
        ids["4003"]: ("stray_version",),
        ids["4004"]: ("views",),
    }
    assert find_half_written(db, ("mucangchai",)) == []
    record("faults_injected", len(found))

    report = repair_half_written(db, ("tramtau",), LATER)
    assert len(report.articles) == 4 and report.refetches == 4
    assert report.by_portal() == {"tramtau": 4}
    assert snapshot_of(db, ("article_versions", "article_urls", "article_views")) == whole
    pending = {r["article_id"]: r for r in db.query("select * from pending_articles")}
    assert set(pending) == set(ids.values())
    assert all(r["attempts"] == 0 and "half-written" in r["last_error"] for r in pending.values())
    assert find_half_written(db) == []
    again = repair_half_written(db, ("tramtau",), LATER)
    assert again.articles == [] and again.refetches == 0
    record("integrity_checks")
    assert integrity_problems(tmp_path / "archive.db") == []
    record("faults_survived", len(found))
