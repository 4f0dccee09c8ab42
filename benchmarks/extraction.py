"""Extraction speed: platform page objects against lxml's own parse, the generic path against
trafilatura on the public benchmark pages, and parse time against page size.

Speeds are pages per CPU second of this process (``time.process_time``): a page object holds one
core for that long whatever else the machine runs, so the figure is "pages/s per core".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lxml.html

from portal_spider.offline.bench_extract import default_extractor, run_benchmark
from portal_spider.offline.bench_parse import run_parse_bench
from portal_spider.platforms import get_platform

logger = logging.getLogger(__name__)

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pages"
PLATFORMS = ("yenbai", "vendor", "wordpress", "dnn", "sharepoint", "liferay", "joomla")


def fixture_pages(root: Path = FIXTURES) -> dict[str, list[tuple[str, str]]]:
    """The saved article pages of each platform: (url, html)."""
    pages: dict[str, list[tuple[str, str]]] = {}
    for platform in PLATFORMS:
        for case in sorted((root / platform).glob("*/page.html")):
            url = (case.parent / "url.txt").read_text(encoding="utf-8").strip()
            html = case.read_text(encoding="utf-8", errors="replace")
            pages.setdefault(platform, []).append((url, html))
    return pages


def cpu_rate(work: Callable[[], Any], items: int, min_seconds: float) -> float:
    """Items per CPU second of ``work`` (which handles ``items`` items), repeated for at least
    ``min_seconds`` of CPU time."""
    rounds, spent = 0, 0.0
    while spent < min_seconds:
        started = time.process_time()
        work()
        spent += time.process_time() - started
        rounds += 1
    return rounds * items / spent


def measure_platforms(min_seconds: float) -> dict[str, Any]:
    """Pages/s per core of each platform's page object and of ``lxml.html.fromstring``."""
    results: dict[str, Any] = {}
    for platform, pages in fixture_pages().items():
        page_object = get_platform(platform)

        def parse_all(page_object: Any = page_object, pages: list = pages) -> None:
            for url, html in pages:
                page_object.parse_article(url, html)

        def lxml_all(pages: list = pages) -> None:
            for _, html in pages:
                lxml.html.fromstring(html)

        results[platform] = {
            "pages": len(pages),
            "pages_per_s": cpu_rate(parse_all, len(pages), min_seconds),
            "lxml_pages_per_s": cpu_rate(lxml_all, len(pages), min_seconds / 4),
        }
    total_pages = sum(r["pages"] for r in results.values())
    # the mean over all pages: total pages over total CPU seconds
    results["all"] = {
        "pages": total_pages,
        "pages_per_s": total_pages / sum(r["pages"] / r["pages_per_s"] for r in results.values()),
        "lxml_pages_per_s": total_pages
        / sum(r["pages"] / r["lxml_pages_per_s"] for r in results.values()),
    }
    return results


def trafilatura_extractor(html: str, url: str | None) -> str | None:
    """trafilatura's main-text extraction, as a benchmark extractor."""
    import trafilatura

    return trafilatura.extract(html, url=url)


class TimedExtractor:
    """An extractor that adds up the CPU time (``time.process_time``) spent in its calls."""

    def __init__(self, extractor: Callable[[str, str | None], str | None]) -> None:
        self.extractor = extractor
        self.cpu_s = 0.0

    def __call__(self, html: str, url: str | None) -> str | None:
        started = time.process_time()
        try:
            return self.extractor(html, url)
        finally:
            self.cpu_s += time.process_time() - started


def measure_generic(dataset: Path, rounds: int = 3) -> dict[str, Any] | None:
    """F1 and pages/s per core of the generic path and of trafilatura on the public benchmark.

    Two speeds are kept for each: the CPU time of the extractor calls alone (``pages_per_s``, what
    the goal compares), and of the whole loop (``loop_pages_per_s``), which also reads and
    unzips every page and scores the extracted text: the same work on both sides, about 1.4 ms a
    page, so it draws the loop's ratio towards 1. The two run in turn ``rounds`` times and the
    fastest run of each counts, so that a burst of load from other processes on a shared machine
    does not fall on one side only.
    """
    if not (dataset / "ground-truth.json").exists():
        logger.warning("benchmark data set not found at %s: generic path not measured", dataset)
        return None
    results: dict[str, Any] = {}
    for _ in range(rounds):
        for name, extractor in (
            ("generic", default_extractor),
            ("trafilatura", trafilatura_extractor),
        ):
            timed = TimedExtractor(extractor)
            started = time.process_time()
            result = run_benchmark(dataset, timed)
            seconds = time.process_time() - started
            if name in results and results[name]["extract_cpu_s"] <= timed.cpu_s:
                continue
            results[name] = {
                "f1": result.f1,
                "precision": result.precision,
                "recall": result.recall,
                "pages": result.pages,
                "extract_cpu_s": timed.cpu_s,
                "pages_per_s": result.pages / timed.cpu_s,
                "cpu_s": seconds,
                "loop_pages_per_s": result.pages / seconds,
            }
    return results


def measure_sizes(sizes: tuple[float, ...], limit: float) -> list[dict[str, Any]]:
    """CPU seconds of the generic and Yên Bái paths on generated pages of ``sizes`` MB."""
    rows = []
    for row in run_parse_bench(sizes, limit):
        figures: dict[str, Any] = {"megabytes": row.megabytes}
        for path, timing in row.timings.items():
            figures[path] = None if timing is None else timing.seconds
            figures[f"{path}_correct"] = None if timing is None else timing.correct
        rows.append(figures)
    return rows
