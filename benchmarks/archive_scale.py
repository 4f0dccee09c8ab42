"""The archive at scale: search latency, export speed and memory, reparse speed.

The large archive is built once by :func:`archive.bench_reading.build_archive_at_scale` (text
sampled from the demo portal's Vietnamese articles) and kept in the benchmark's work folder for
the next run. Commands run as child processes so their whole cost (process start included) and
their own peak memory (``wait4``'s resource usage) are measured.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from archive.bench_reading import SEARCH_QUERIES, build_archive_at_scale, percentiles
from archive.db import open_archive

logger = logging.getLogger(__name__)


def large_archive(workdir: Path, articles: int) -> Path:
    """The archive of ``articles`` articles in ``workdir``, built if it is not there yet."""
    path = workdir / f"archive-{articles}.db"
    if not path.exists():
        building = workdir / f"archive-{articles}.building.db"
        for stale in workdir.glob(f"{building.name}*"):
            stale.unlink()
        logger.info("building an archive of %d articles (kept for later runs)", articles)
        build_archive_at_scale(building, articles).close()
        building.rename(path)
    return path


def run_measured(command: list[str]) -> dict[str, float]:
    """Run ``command``; its wall seconds and peak resident memory in MB."""
    started = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as child:
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        error = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if child.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed: {error[-2000:]}")
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024}


def measure_search(path: Path, command: Path, samples: int, cli_samples: int) -> dict[str, Any]:
    """p50/p95 of ``archive.search.search`` in this process, and of ``portal-archive search``."""
    from archive.search import search

    db = open_archive(path)
    for query in SEARCH_QUERIES:  # one warm-up round: the index pages in the OS cache
        search(db, query)
    times = []
    for i in range(samples):
        started = time.perf_counter()
        search(db, SEARCH_QUERIES[i % len(SEARCH_QUERIES)], limit=20)
        times.append(time.perf_counter() - started)
    filtered = []
    for i in range(max(5, samples // 4)):
        started = time.perf_counter()
        search(db, SEARCH_QUERIES[i % len(SEARCH_QUERIES)], portal=f"portal{i % 20:02d}")
        filtered.append(time.perf_counter() - started)
    db.close()
    cli = [
        run_measured(
            [str(command), "search", "--db", str(path), SEARCH_QUERIES[i % len(SEARCH_QUERIES)]]
        )["seconds"]
        for i in range(cli_samples)
    ]
    return {
        "in_process": percentiles(times),
        "in_process_portal_filter": percentiles(filtered),
        "cli": percentiles(cli),
    }


def measure_export(path: Path) -> dict[str, Any]:
    """Rows/s and peak memory of an export in each format to /dev/null, in a child process (the
    process start is left out of the time: at 500,000 rows it is noise, at 20,000 it is not)."""
    results = {}
    for fmt in ("jsonl", "csv"):
        command = [sys.executable, "-m", "benchmarks.export_child", str(path), fmt]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        results[fmt] = {
            **figures,
            "rows_per_s": figures["rows"] / figures["seconds"],
            "rows_per_cpu_s": figures["rows"] / figures["cpu_s"],
        }
    return results


def measure_reparse(crawled: Path, workdir: Path) -> dict[str, Any]:
    """Records/s of ``reparse`` over a copy of a crawled archive (every article has a capture)."""
    from portal_spider.offline.reparse import reparse_archive

    copy = workdir / "reparse.db"
    for stale in workdir.glob("reparse.db*"):
        stale.unlink()
    shutil.copyfile(crawled, copy)
    db = open_archive(copy)
    started = time.perf_counter()
    cpu = time.process_time()
    report = reparse_archive(db)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    db.close()
    copy.unlink()
    return {
        "records": report.checked,
        "changed": report.changed,
        "seconds": seconds,
        "records_per_s": report.checked / seconds,
        "records_per_cpu_s": report.checked / cpu,
    }
