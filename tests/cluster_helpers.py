"""Helpers for the cluster tests: a private redis-server, local portals, archive rows to compare.

Every test cluster runs under its own key prefix on one redis-server of the test module (started
on 127.0.0.1 in a temporary directory); the writer and the workers are child processes
(``python -m portal_spider ingest|worker``), the portals threads of the test process.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
import uuid
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from crawl_helpers import write_registry

from archive import runs as archive_runs
from archive.db import open_archive
from portal_spider.cluster.local_run import LocalCluster
from portal_spider.registry import Portal

needs_redis = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server (Debian package) not installed"
)

# columns that record when, not what: they differ between any two crawls
TIME_COLUMNS = {"first_seen_at", "last_seen_at", "fetched_at", "observed_at", "capture_id"}
FAST = {"DOWNLOAD_DELAY": 0.05, "AUTOTHROTTLE_START_DELAY": 0.05}
QUIET_WORKER = {"PORTAL_ARCHIVE_PROGRESS": "false", "LOG_LEVEL": "INFO"}
# what a crawl run did; when it ran, how long, and its id differ between any two crawls
RUN_FIELDS = tuple(
    name
    for name in archive_runs.RUN_COLUMNS
    if name not in {"id", "started_at", "finished_at", "duration_s", "error"}
)


def registry_rows(portals: list[Portal]) -> list[dict[str, Any]]:
    """Registry rows (TOML-writable: no empty values) of ``portals``."""
    return [{k: v for k, v in asdict(p).items() if v is not None} for p in portals]


def local_registry(folder: Path, portals: list[Portal]) -> Path:
    return write_registry(folder / "portals.toml", registry_rows(portals))


def new_cluster(redis_url: str, folder: Path, *, lease_seconds: int = 30) -> LocalCluster:
    """A cluster of its own (a fresh key prefix) writing ``folder/archive.db``."""
    folder.mkdir(parents=True, exist_ok=True)
    return LocalCluster(
        redis_url,
        folder / "archive.db",
        folder,
        prefix=f"test-{uuid.uuid4().hex[:8]}",
        lease_seconds=lease_seconds,
        worker_settings=dict(QUIET_WORKER),
    )


def run_cluster(
    cluster: LocalCluster,
    portals: list[Portal],
    *,
    workers: int = 2,
    settings: dict[str, Any] | None = None,
    timeout: float = 240,
) -> None:
    """Queue ``portals``, run the writer and ``workers`` workers until all is done."""
    cluster.enqueue(portals, settings if settings is not None else FAST)
    cluster.start_writer()
    for _ in range(workers):
        cluster.start_worker()
    try:
        statuses = [exit_status(cluster, p, timeout) for p in [cluster.writer, *cluster.workers]]
    finally:
        cluster.stop()
    assert statuses == [0] * (workers + 1), cluster.logs()


def exit_status(cluster: LocalCluster, process: subprocess.Popen | None, seconds: float) -> int:
    """The exit status of one of the cluster's processes; a process still running after
    ``seconds`` fails the test with every process's log."""
    assert process is not None
    try:
        return process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        raise AssertionError(
            f"{process.args[3]} still running after {seconds}s\n{cluster.logs()}"
        ) from None


def article_rows(db_path: Path) -> dict[str, dict[str, Any]]:
    """Every article row by id, without the columns that only record when."""
    db = open_archive(db_path)
    return {
        row["id"]: {k: v for k, v in row.items() if k not in TIME_COLUMNS}
        for row in db["articles"].rows
    }


def version_rows(db_path: Path) -> dict[tuple[str, int], dict[str, Any]]:
    db = open_archive(db_path)
    return {
        (row["article_id"], row["version"]): {k: v for k, v in row.items() if k not in TIME_COLUMNS}
        for row in db["article_versions"].rows
    }


def runs(db_path: Path) -> list[dict[str, Any]]:
    return list(open_archive(db_path).query("select * from crawl_runs order by id"))


def count_rows(db_path: Path, sql: str, params: list[Any] | None = None) -> int:
    """A count read without disturbing a running writer (0 before the schema exists)."""
    if not db_path.exists():
        return 0
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
    try:
        return connection.execute(sql, params or []).fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        connection.close()


def wait_until(predicate: Any, seconds: float, what: str, logs: Any = None) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds}s\n{logs() if logs else ''}")
        time.sleep(0.05)


def run_rounds(db) -> dict[int, int]:
    """Each run's round: its rank among its portal's runs (1: the portal's first run)."""
    return {
        row["id"]: row["n"]
        for row in db.query(
            "select id, row_number() over (partition by portal order by id) as n from crawl_runs"
        )
    }


def capture_rows(db_path: Path) -> Counter:
    """Every capture as (round, portal, url, kind, status, sha256, size, mime), counted; its id,
    time, headers and which capture holds a payload shared by several are left out."""
    db = open_archive(db_path)
    rounds = run_rounds(db)
    return Counter(
        (
            rounds.get(row["run_id"]),
            row["portal"],
            row["url"],
            row["kind"],
            row["http_status"],
            row["sha256"],
            row["size"],
            row["mime"],
        )
        for row in db.query("select * from captures")
    )


def payload_holders(db_path: Path) -> Counter:
    """(round, sha256, holds the bytes): how many captures of a round hold a payload, and how
    many are revisits of it. Checks on the way that each payload is held once, and that every
    revisit points at the holder of its own payload."""
    db = open_archive(db_path)
    rounds = run_rounds(db)
    rows = list(
        db.query("select id, run_id, sha256, revisit_of, body_gz is null as bare from captures")
    )
    holders = Counter(row["sha256"] for row in rows if row["revisit_of"] is None)
    assert set(holders.values()) == {1}, "a payload held twice"
    holder_of = {row["id"]: row["sha256"] for row in rows if row["revisit_of"] is None}
    for row in rows:
        assert bool(row["bare"]) == (row["revisit_of"] is not None), row["id"]
        if row["revisit_of"] is not None:
            assert holder_of[row["revisit_of"]] == row["sha256"], row["id"]
    return Counter(
        (rounds.get(row["run_id"]), row["sha256"], row["revisit_of"] is None) for row in rows
    )


def file_rows(db_path: Path) -> tuple[set[tuple], set[tuple]]:
    """``files`` as (sha256, mime, size) and ``article_files`` without the time of each row."""
    db = open_archive(db_path)
    files = {(r["sha256"], r["mime"], r["size"]) for r in db["files"].rows}
    links = {
        (
            r["article_id"],
            r["url"],
            r["kind"],
            r["title"],
            r["status"],
            r["sha256"],
            r["size"],
            r["note"],
        )
        for r in db["article_files"].rows
    }
    return files, links
