"""Speed of the reading room at scale: build a large archive, time every page and the search.

``build_archive_at_scale`` writes ``articles`` rows (with the search index kept by the archive's
own triggers), portals, view readings, versions, crawl runs and captures straight into a fresh
``open_archive`` database, in the layout archive.store writes, with text sampled from the demo
portal's real Vietnamese articles so that word frequencies are those of real news. ``measure``
then requests each page through datasette's in-process client and runs ``archive.search``; the
figures are latencies in seconds (p50/p95 over the samples).
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import logging
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from archive.db import open_archive

logger = logging.getLogger(__name__)

DEMO_ARTICLES = Path(__file__).resolve().parent.parent / "portal_spider" / "demo" / "articles.json"
PROVINCES = ("Yên Bái", "Lào Cai", "Hà Giang", "Sơn La")
CATEGORIES = ("Tin tức - Sự kiện", "Chính trị", "Kinh tế", "Văn hóa - Xã hội", "Quốc phòng")
# Words a researcher searches for: common, middling and rare in the demo's articles.
SEARCH_QUERIES = (
    "tuyen giao",
    "huyện",
    "nông thôn mới",
    '"chuyển đổi số"',
    "đảng ủy",
    "du lich",
    "giáo dục",
    "an ninh",
    "bảo hiểm",
    "thanh niên",
)
BATCH = 5000


def demo_words(path: Path = DEMO_ARTICLES) -> list[str]:
    """The words of the demo portal's articles, in reading order."""
    data = json.loads(path.read_text(encoding="utf-8"))
    text = " ".join(
        " ".join(str(a.get(k) or "") for k in ("title", "body", "body_text"))
        for a in data["articles"]
    )
    return re.findall(r"\w+", text)


def _window(rng: random.Random, words: list[str], length: int) -> str:
    start = rng.randrange(0, len(words) - length)
    return " ".join(words[start : start + length])


def portal_rows(portals: int) -> list[dict[str, Any]]:
    return [
        {
            "slug": f"portal{n:02d}",
            "name": f"Cổng thông tin điện tử số {n}",
            "level": "huyện" if n % 3 else "xã",
            "province": PROVINCES[n % len(PROVINCES)],
            "base_url": f"https://portal{n:02d}.example.gov.vn",
            "platform": "yenbai-sharepoint",
            "status": "frozen",
        }
        for n in range(portals)
    ]


def article_rows(count: int, portals: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """``count`` articles spread over ``portals`` portals and 2015-2025."""
    rng = random.Random(seed)
    words = demo_words()
    for n in range(count):
        portal = f"portal{n % portals:02d}"
        year = 2015 + (n * 7919 % 11)
        month, day = 1 + n % 12, 1 + n * 31 % 28
        published = f"{year}-{month:02d}-{day:02d}T{8 + n % 9:02d}:00:00+07:00"
        paragraphs = [_window(rng, words, rng.randint(25, 60)) for _ in range(4)]
        url = f"https://{portal}.example.gov.vn/tin/{n}"
        yield {
            "id": f"{portal}-{n}",
            "portal": portal,
            "item_id": str(n),
            "canonical_url": url,
            "url": url,
            "platform": "yenbai-sharepoint",
            "category": CATEGORIES[n % len(CATEGORIES)],
            "title": _window(rng, words, rng.randint(8, 16)).capitalize(),
            "published_at": published,
            "published_raw": published[:10],
            "views": rng.randint(0, 20000),
            "views_raw": None,
            "body_text": "\n\n".join(paragraphs),
            "body_html": "".join(f"<p>{p}</p>" for p in paragraphs),
            "source": "Ban Tuyên giáo" if n % 4 == 0 else None,
            "author": None,
            "images": "[]",
            "attachments": "[]",
            "extraction": "{}",
            "problems": "[]",
            "status": "ok",
            "content_hash": hashlib.sha256(str(n).encode()).hexdigest(),
            "version": 1,
            "first_seen_at": "2025-06-01T10:00:00+07:00",
            "last_seen_at": "2025-06-20T10:00:00+07:00",
            "fetched_at": "2025-06-20T10:00:00+07:00",
            "gone_at": None,
            "capture_id": None,
        }


def build_archive_at_scale(
    path: Path, articles: int, portals: int = 20, captures: int = 2000
) -> Database:
    """A fresh archive at ``path`` with ``articles`` articles (see the module docstring)."""
    db = open_archive(path)
    db["portals"].insert_all(portal_rows(portals))
    batch: list[dict[str, Any]] = []
    started = time.monotonic()
    with db.conn:
        for n, row in enumerate(article_rows(articles, portals), 1):
            batch.append(row)
            if len(batch) == BATCH:
                db["articles"].insert_all(batch, batch_size=BATCH)
                batch = []
                if n % 50_000 == 0:
                    logger.info("%d articles in %.0f s", n, time.monotonic() - started)
        if batch:
            db["articles"].insert_all(batch, batch_size=BATCH)
    page = (Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "seed").glob("*.html")
    body = next(iter(page)).read_bytes()
    with db.conn:
        for n in range(captures):
            k = n * (articles // captures or 1)
            article = f"portal{k % portals:02d}-{k}"
            capture_id = (
                db["captures"]
                .insert(
                    {
                        "portal": article.split("-")[0],
                        "run_id": 1,
                        "url": f"https://{article.split('-')[0]}.example.gov.vn/tin/{article}",
                        "fetched_at": "2025-06-20T10:00:00+07:00",
                        "http_status": 200,
                        "content_type": "text/html; charset=utf-8",
                        "headers": "{}",
                        "sha256": hashlib.sha256(body + str(n).encode()).hexdigest(),
                        "size": len(body),
                        "body_gz": gzip.compress(body, mtime=0),
                    }
                )
                .last_pk
            )
            db["articles"].update(article, {"capture_id": capture_id})
            stored = db["articles"].get(article)
            db["article_versions"].insert_all(
                {
                    "article_id": article,
                    "version": version,
                    "content_hash": hashlib.sha256(f"{article}/{version}".encode()).hexdigest(),
                    "title": stored["title"],
                    "published_at": stored["published_at"],
                    # the first version lacks the last paragraph: the reader shows a diff
                    "body_text": stored["body_text"].rsplit("\n\n", version % 2)[0],
                    "body_html": stored["body_html"],
                    "source": stored["source"],
                    "observed_at": f"2025-06-{9 + version:02d}T10:00:00+07:00",
                    "capture_id": capture_id,
                    "cause": "crawl",
                }
                for version in (1, 2)
            )
            db["article_views"].insert_all(
                {"article_id": article, "observed_at": f"2025-06-{d:02d}T10:00:00+07:00",
                 "views": 100 * d}
                for d in range(1, 11)
            )  # fmt: skip
        db["crawl_runs"].insert_all(
            {
                "portal": f"portal{n:02d}",
                "started_at": "2025-06-20T09:00:00+07:00",
                "finished_at": "2025-06-20T09:30:00+07:00",
                "status": "ok",
                "mode": "full",
                "pages_fetched": articles // portals,
            }
            for n in range(portals)
        )
    db.execute("ANALYZE")
    logger.info("built %s: %d articles in %.0f s", path, articles, time.monotonic() - started)
    return db


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50 and p95 (nearest rank) and the largest, in seconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
    return {"p50": statistics.median(ordered), "p95": p95, "max": ordered[-1], "n": len(ordered)}


def page_paths(db: Database, samples: int, seed: int = 11) -> dict[str, list[str]]:
    """For each page, the addresses to request."""
    rng = random.Random(seed)
    total = db["articles"].count
    slugs = [row["slug"] for row in db.query("select slug from portals")]
    captures = [row["id"] for row in db.query("select id from captures")]
    rowids = ",".join(str(rng.randint(1, total)) for _ in range(samples))
    ids = [row["id"] for row in db.query(f"select id from articles where rowid in ({rowids})")]
    viewed = [row["article_id"] for row in db.query(
        "select distinct article_id from article_views order by article_id limit ?", [samples]
    )]  # fmt: skip
    viewed = [viewed[i % len(viewed)] for i in range(samples)] if viewed else ids
    name = Path(db.conn.execute("pragma database_list").fetchone()[2]).stem
    queries = [SEARCH_QUERIES[i % len(SEARCH_QUERIES)] for i in range(samples)]
    months = [f"{2015 + i % 11}-{1 + i % 12:02d}" for i in range(samples)]
    return {
        "start page /": ["/"] * samples,
        "reader /-/article/<id>": [f"/-/article/{i}" for i in ids],
        "archived copy /-/capture/<id>": [f"/-/capture/{rng.choice(captures)}" for _ in ids],
        "portal /-/portal/<slug>": [f"/-/portal/{slugs[i % len(slugs)]}" for i in range(samples)],
        "search /-/search?q=": [f"/-/search?q={q}" for q in queries],
        "article_list table": [f"/{name}/article_list"] * samples,
        "article_list month filter": [f"/{name}/article_list?month={m}" for m in months],
        "articles table": [f"/{name}/articles"] * samples,
        "articles search box": [f"/{name}/articles?_search={q}" for q in queries],
        "article_list search box": [f"/{name}/article_list?_search={q}" for q in queries],
        "stored query search": [f"/{name}/search?q={q}" for q in queries],
        "stored query most_viewed": [
            f"/{name}/most_viewed?portal={slugs[i % len(slugs)] if i % 2 else ''}"
            for i in range(samples)
        ],
        "stored query articles_per_portal_per_month": [f"/{name}/articles_per_portal_per_month"]
        * samples,
        "stored query article_view_counts": [
            f"/{name}/article_view_counts?article_id={i}" for i in viewed
        ],
        "stored query versions_of_article": [
            f"/{name}/versions_of_article?article_id={i}" for i in viewed
        ],
    }


def time_pages(path: Path, paths: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    """Latency of each page through datasette's in-process client (one warm-up request each)."""
    from archive.serve import build_datasette  # imports datasette only when measuring pages

    ds = build_datasette(path)
    figures: dict[str, dict[str, float]] = {}

    async def run() -> None:
        await ds.invoke_startup()
        for page, urls in paths.items():
            await ds.client.get(urls[0])
            samples = []
            for url in urls:
                started = time.perf_counter()
                response = await ds.client.get(url)
                samples.append(time.perf_counter() - started)
                if response.status_code != 200:
                    failures.append(f"{url} answered {response.status_code}")
            figures[page] = percentiles(samples)

    failures: list[str] = []
    asyncio.run(run())
    if failures:  # the time of an error page says nothing of the page
        raise RuntimeError("pages failed: " + "; ".join(failures[:5]))
    return figures


def time_search(db: Database, samples: int) -> dict[str, float]:
    """Latency of ``archive.search.search`` (what ``portal-archive search`` runs)."""
    from archive.search import search

    times = []
    for i in range(samples):
        started = time.perf_counter()
        search(db, SEARCH_QUERIES[i % len(SEARCH_QUERIES)], limit=20)
        times.append(time.perf_counter() - started)
    return percentiles(times)


def time_cli_search(path: Path, samples: int) -> dict[str, float]:
    """Latency of ``python -m archive.cli search`` as a command, process start included."""
    times = []
    for i in range(samples):
        command = [sys.executable, "-m", "archive.cli", "search", "--db", str(path)]
        command.append(SEARCH_QUERIES[i % len(SEARCH_QUERIES)])
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return percentiles(times)


def read_into_page_cache(path: Path, chunk: int = 8 << 20) -> int:
    """Read the archive's file once, so the timings are the server's and not the disk's.

    A reading room that has served for a while has its archive in the operating system's page
    cache (a 500,000-article archive is about 2.6 GB); a file fresh from disk adds the time of
    scattered disk reads to the first request that touches each part of it. Returns the bytes read.
    """
    read = 0
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            read += len(block)
    return read


def measure(
    path: Path, samples: int, cli_samples: int, cold: bool = False
) -> dict[str, dict[str, float]]:
    """Every figure of the benchmark, by name (the file read into the page cache unless cold)."""
    if not cold:
        logger.info("read %s bytes of the archive into the page cache", read_into_page_cache(path))
    db = open_archive(path)
    figures = time_pages(path, page_paths(db, samples))
    figures["search (in-process)"] = time_search(db, samples)
    figures["search (CLI command)"] = time_cli_search(path, cli_samples)
    return figures


def report(figures: dict[str, dict[str, float]], echo: Callable[[str], None]) -> bool:
    """Print the figures as a table; True if every p95 is under half a second."""
    echo(f"{'page':<44} {'p50 s':>7} {'p95 s':>7} {'max s':>7} {'n':>4}")
    for name, f in figures.items():
        mark = "" if f["p95"] < 0.5 else "  (p95 >= 0.5 s)"
        echo(f"{name:<44} {f['p50']:7.3f} {f['p95']:7.3f} {f['max']:7.3f} {f['n']:4d}{mark}")
    return all(f["p95"] < 0.5 for f in figures.values())
