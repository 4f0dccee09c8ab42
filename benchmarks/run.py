"""``make bench``: every speed figure of the project, side by side with its reference, in one run.

Generates what it measures (a local portal served on 127.0.0.1, a large archive built once and
kept in the work folder), prints a table of measures with their reference, ratio and goal, writes
the figures as JSON, and ends with one machine-readable line: ``BENCH-RESULT {json}``.

    python -m benchmarks.run [--scale full|small] [--dataset PATH] [--workdir DIR] [--out FILE]

``--scale small`` measures the same things on a smaller portal and archive, in a few minutes.
Exits 0 whatever the figures; the table's last column says which goals are met.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.archive_scale import (
    large_archive,
    measure_export,
    measure_reparse,
    measure_search,
)
from benchmarks.crawl import measure_crawls
from benchmarks.extraction import measure_generic, measure_platforms, measure_sizes

logger = logging.getLogger("benchmarks")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATASET = ROOT.parent / "shared" / "benchmarks" / "article-extraction-benchmark"


@dataclass(frozen=True)
class Scale:
    """How big the generated portal and archive are, and how many samples are taken."""

    crawl_articles: int
    archive_articles: int
    search_samples: int
    cli_samples: int
    sizes: tuple[float, ...]
    parse_limit: float
    platform_seconds: float


SCALES = {
    "full": Scale(2000, 500_000, 40, 10, (0.5, 1, 2, 4), 60.0, 2.0),
    "small": Scale(300, 20_000, 20, 5, (0.25, 0.5, 1), 30.0, 0.5),
}
F1_FLOOR = 0.9747


@dataclass
class Row:
    """One line of the table."""

    measure: str
    value: str
    reference: str = ""
    ratio: str = ""
    goal: str = ""
    met: bool | None = None


def _num(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def crawl_rows(crawl: dict[str, Any]) -> list[Row]:
    n = crawl["articles"]
    archive, titles = crawl["archive"], crawl["titles"]
    files = archive.get("files", 0)
    rows = [
        Row(
            f"crawl of a local {n:,}-article portal (listing and article pages/s)",
            _num(archive["html_pages_per_s"], 1),
            f"title-only spider {_num(titles['pages_per_s'], 1)}",
            f"{crawl['html_ratio']:.2f}",
            ">= 0.70",
            crawl["html_ratio"] >= 0.70,
        ),
        Row(
            "the same crawls in listing and article pages per CPU second of their process",
            _num(archive["html_pages_per_cpu_s"], 1),
            f"title-only spider {_num(titles['pages_per_cpu_s'], 1)}",
            f"{crawl['html_cpu_ratio']:.2f}",
            ">= 0.70",
            crawl["html_cpu_ratio"] >= 0.70,
        ),
        Row(
            "incremental run over the unchanged portal (% of requests)",
            f"{crawl['incremental_pct']:.2f}%",
            f"{crawl['incremental']['requests']} of {archive['requests']} requests",
            "",
            "<= 1%",
            crawl["incremental_pct"] <= 1.0,
        ),
        Row(
            f"the same crawls counting every response, the archive's {files:,} linked files "
            "too (responses/s)",
            _num(archive["pages_per_s"], 1),
            f"title-only spider {_num(titles['pages_per_s'], 1)}",
            f"{crawl['ratio']:.2f}",
        ),
        Row(
            "the same, responses per CPU second",
            _num(archive["pages_per_cpu_s"], 1),
            f"title-only spider {_num(titles['pages_per_cpu_s'], 1)}",
            f"{crawl['cpu_ratio']:.2f}",
        ),
        Row("crawl into an empty archive: peak RSS (MB)", _num(archive["peak_rss_mb"], 0)),
    ]
    if "archive_big" in crawl:
        big = crawl["archive_big"]
        rows.append(
            Row(
                "crawl into the large archive: peak RSS (MB)",
                _num(big["peak_rss_mb"], 0),
                f"empty archive {_num(archive['peak_rss_mb'], 0)}",
                f"{big['peak_rss_mb'] / archive['peak_rss_mb']:.2f}",
            )
        )
        rows.append(
            Row(
                "crawl into the large archive (pages/s)",
                _num(big["pages_per_s"], 1),
                f"empty archive {_num(archive['pages_per_s'], 1)}",
                f"{big['pages_per_s'] / archive['pages_per_s']:.2f}",
            )
        )
    return rows


def extraction_rows(platforms: dict[str, Any], generic: dict[str, Any] | None) -> list[Row]:
    rows = []
    for name, figures in platforms.items():
        label = "all platforms" if name == "all" else name
        rows.append(
            Row(
                f"page objects, {label} ({figures['pages']} pages; pages/s per core)",
                _num(figures["pages_per_s"], 0),
                f"lxml.html.fromstring {_num(figures['lxml_pages_per_s'], 0)}",
                f"{figures['pages_per_s'] / figures['lxml_pages_per_s']:.3f}",
                ">= 400 pages/s" if name == "all" else "",
                figures["pages_per_s"] >= 400 if name == "all" else None,
            )
        )
    if generic is None:
        rows.append(Row("generic path on the public benchmark", "skipped: data set not found"))
        return rows
    ours, theirs = generic["generic"], generic["trafilatura"]
    ratio = ours["pages_per_s"] / theirs["pages_per_s"]
    rows.append(
        Row(
            f"generic path, {ours['pages']} benchmark pages (pages/s per core, extractor calls)",
            _num(ours["pages_per_s"], 1),
            f"trafilatura.extract {_num(theirs['pages_per_s'], 1)}",
            f"{ratio:.2f}",
            ">= 2.00",
            ratio >= 2.0,
        )
    )
    if "loop_pages_per_s" in ours:
        rows.append(
            Row(
                "same, the loop's pace: each page also read, unzipped and scored (both sides)",
                _num(ours["loop_pages_per_s"], 1),
                f"trafilatura.extract {_num(theirs['loop_pages_per_s'], 1)}",
                f"{ours['loop_pages_per_s'] / theirs['loop_pages_per_s']:.2f}",
                "(not judged)",
                None,
            )
        )
    rows.append(
        Row(
            "generic path, benchmark F1",
            f"{ours['f1']:.4f}",
            f"trafilatura {theirs['f1']:.4f}",
            "",
            f">= {F1_FLOOR}",
            ours["f1"] >= F1_FLOOR,
        )
    )
    return rows


def size_rows(sizes: list[dict[str, Any]]) -> list[Row]:
    rows = []
    for path in ("generic", "yenbai"):
        measured = [(s["megabytes"], s[path]) for s in sizes if s.get(path) is not None]
        wrong = [s["megabytes"] for s in sizes if s.get(f"{path}_correct") is False]
        for megabytes, seconds in measured:
            rows.append(Row(f"parse, {path} path, {megabytes:g} MB page (CPU s)", f"{seconds:.2f}"))
        if len(measured) < 2:
            rows.append(Row(f"parse time vs size, {path}", "not measured", met=False))
            continue
        per_mb = [seconds / megabytes for megabytes, seconds in measured]
        growth = per_mb[-1] / per_mb[0]
        largest, seconds = measured[-1]
        linear = growth <= 1.5 and not wrong and len(measured) == len(sizes)
        rows.append(
            Row(
                f"parse time vs size, {path} (s/MB at {largest:g} MB over s/MB at "
                f"{measured[0][0]:g} MB)",
                f"{growth:.2f}",
                "linear: 1.00",
                f"{growth:.2f}",
                "<= 1.5" + (", 4 MB < 2 s" if largest == 4 else ""),
                linear and (largest != 4 or seconds < 2.0),
            )
        )
    return rows


def archive_rows(articles: int, search: dict, export: dict, reparse: dict | None) -> list[Row]:
    rows = []
    for key, label, goal in (("in_process", "in-process", 0.05), ("cli", "CLI", 0.5)):
        f = search[key]
        rows.append(
            Row(
                f"search at {articles:,} articles, {label} (p50 / p95 s)",
                f"{f['p50']:.3f} / {f['p95']:.3f}",
                "",
                "",
                f"p95 < {goal}",
                f["p95"] < goal,
            )
        )
    f = search["in_process_portal_filter"]
    rows.append(
        Row(
            "search with a portal filter, in-process (p50 / p95 s)",
            f"{f['p50']:.3f} / {f['p95']:.3f}",
        )
    )
    for fmt, figures in export.items():
        for key, per in (("rows_per_s", "rows/s"), ("rows_per_cpu_s", "rows per CPU s")):
            rows.append(
                Row(
                    f"export {fmt} at {articles:,} articles ({per})",
                    _num(figures[key], 0),
                    "",
                    "",
                    ">= 30,000",
                    figures[key] >= 30_000,
                )
            )
        rows.append(
            Row(f"export {fmt}: peak RSS of the process (MB)", _num(figures["peak_rss_mb"]))
        )
    if reparse is not None:
        rows.append(
            Row(
                f"reparse of {reparse['records']:,} crawled articles (records/s)",
                _num(reparse["records_per_s"], 1),
                f"per CPU s {_num(reparse['records_per_cpu_s'], 1)}",
            )
        )
    return rows


def format_table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| measure | value | reference (same run) | ratio | goal | met |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        met = "" if row.met is None else ("yes" if row.met else "NO")
        lines.append(
            f"| {row.measure} | {row.value} | {row.reference} | {row.ratio} | {row.goal} | {met} |"
        )
    return "\n".join(lines)


def run(scale_name: str, dataset: Path, workdir: Path, command: Path) -> dict[str, Any]:
    """Measure everything; the figures and the table rows."""
    scale = SCALES[scale_name]
    workdir.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {"scale": scale_name, "python": sys.version.split()[0]}
    figures["machine"] = {"platform": platform.platform(), "cpus": _cpus()}
    started = time.perf_counter()
    big = large_archive(workdir, scale.archive_articles)
    figures["archive_build_s"] = time.perf_counter() - started
    logger.info("crawls")
    figures["crawl"] = measure_crawls(workdir, scale.crawl_articles, big)
    logger.info("reparse")
    figures["reparse"] = measure_reparse(Path(figures["crawl"]["empty_archive"]), workdir)
    logger.info("search")
    figures["search"] = measure_search(big, command, scale.search_samples, scale.cli_samples)
    logger.info("export")
    figures["export"] = measure_export(big)
    logger.info("page objects")
    figures["platforms"] = measure_platforms(scale.platform_seconds)
    logger.info("generic path")
    figures["generic"] = measure_generic(dataset)
    logger.info("page sizes")
    figures["sizes"] = measure_sizes(scale.sizes, scale.parse_limit)
    figures["seconds"] = time.perf_counter() - started
    rows = [
        *crawl_rows(figures["crawl"]),
        *extraction_rows(figures["platforms"], figures["generic"]),
        *size_rows(figures["sizes"]),
        *archive_rows(
            scale.archive_articles, figures["search"], figures["export"], figures["reparse"]
        ),
    ]
    figures["table"] = [row.__dict__ for row in rows]
    figures["goals_met"] = sum(1 for row in rows if row.met)
    figures["goals"] = sum(1 for row in rows if row.met is not None)
    return figures


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument(
        "--dataset",
        type=Path,
        default=DEFAULT_DATASET,
        help="the article-extraction-benchmark folder (skipped if absent)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=ROOT / ".bench",
        help="where generated archives are built and kept",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results.json")
    parser.add_argument(
        "--command",
        type=Path,
        default=Path(sys.executable).parent / "portal-archive",
        help="the portal-archive command to time",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    figures = run(args.scale, args.dataset, args.workdir, args.command)
    rows = [Row(**row) for row in figures["table"]]
    print(format_table(rows))
    print(
        f"\n{figures['goals_met']} of {figures['goals']} goals met ({args.scale} scale, "
        f"{figures['seconds']:.0f} s); figures in {args.out}"
    )
    args.out.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    summary = {
        "scale": args.scale,
        "goals_met": figures["goals_met"],
        "goals": figures["goals"],
        "crawl_ratio": round(figures["crawl"]["ratio"], 3),
        "crawl_cpu_ratio": round(figures["crawl"]["cpu_ratio"], 3),
        "crawl_html_ratio": round(figures["crawl"]["html_ratio"], 3),
        "crawl_html_cpu_ratio": round(figures["crawl"]["html_cpu_ratio"], 3),
        "incremental_pct": round(figures["crawl"]["incremental_pct"], 3),
        "search_p95_s": round(figures["search"]["in_process"]["p95"], 4),
        "search_cli_p95_s": round(figures["search"]["cli"]["p95"], 3),
        "export_jsonl_rows_s": round(figures["export"]["jsonl"]["rows_per_s"]),
        "export_csv_rows_s": round(figures["export"]["csv"]["rows_per_s"]),
        "export_jsonl_rows_cpu_s": round(figures["export"]["jsonl"]["rows_per_cpu_s"]),
        "export_csv_rows_cpu_s": round(figures["export"]["csv"]["rows_per_cpu_s"]),
        "export_peak_rss_mb": round(max(f["peak_rss_mb"] for f in figures["export"].values())),
        "page_objects_pages_s": round(figures["platforms"]["all"]["pages_per_s"]),
        "reparse_records_s": round(figures["reparse"]["records_per_s"], 1),
    }
    print("BENCH-RESULT " + json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
