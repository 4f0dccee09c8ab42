"""make bench's verdicts: the table says a goal is met exactly when the figures meet it."""

from __future__ import annotations

from benchmarks.run import Row, archive_rows, crawl_rows, extraction_rows, format_table, size_rows


def _sizes(seconds_by_mb: dict[float, float]) -> list[dict]:
    return [
        {
            "megabytes": mb,
            "generic": s,
            "generic_correct": True,
            "yenbai": s,
            "yenbai_correct": True,
        }
        for mb, s in seconds_by_mb.items()
    ]


def test_linear_parse_time_meets_the_goal_and_quadratic_does_not():
    linear = size_rows(_sizes({0.5: 0.2, 1: 0.4, 2: 0.8, 4: 1.6}))
    verdicts = [row.met for row in linear if row.met is not None]
    assert verdicts == [True, True]
    quadratic = size_rows(_sizes({0.5: 0.1, 1: 0.4, 2: 1.6, 4: 6.4}))
    assert [row.met for row in quadratic if row.met is not None] == [False, False]
    slow_but_linear = size_rows(_sizes({0.5: 0.5, 1: 1.0, 2: 2.0, 4: 4.0}))  # 4 MB over 2 s
    assert [row.met for row in slow_but_linear if row.met is not None] == [False, False]


def test_generic_goal_is_judged_on_the_extractor_calls_and_the_loop_is_shown_beside():
    def side(extract_rate: float, loop_rate: float) -> dict:
        return {
            "f1": 0.9757,
            "pages": 181,
            "pages_per_s": extract_rate,
            "loop_pages_per_s": loop_rate,
        }

    generic = {"generic": side(105.0, 70.0), "trafilatura": side(50.0, 46.0)}
    rows = extraction_rows({}, generic)
    assert rows[0].ratio == "2.10" and rows[0].met is True
    assert rows[1].ratio == "1.52" and rows[1].met is None and "scored" in rows[1].measure
    assert rows[2].met is True  # F1
    slower = {"generic": side(95.0, 70.0), "trafilatura": side(50.0, 46.0)}
    assert extraction_rows({}, slower)[0].met is False


def test_crawl_goals_are_judged_on_the_pages_both_crawls_fetch():
    # 3,877 responses of which 1,473 are linked files the title-only spider never fetches:
    # counting them as pages would pass a crawl whose listing and article pace fails
    run = {
        "pages_per_s": 120.0,
        "pages_per_cpu_s": 150.0,
        "html_pages_per_s": 70.0,
        "html_pages_per_cpu_s": 90.0,
        "requests": 3877,
        "files": 1473,
        "peak_rss_mb": 110,
    }
    reference = {"pages_per_s": 100.0, "pages_per_cpu_s": 150.0}
    crawl = {
        "articles": 2000,
        "archive": run,
        "titles": reference,
        "incremental": {"requests": 9},
        "ratio": 1.2,
        "cpu_ratio": 1.0,
        "html_ratio": 0.70,
        "html_cpu_ratio": 90 / 150,
        "incremental_pct": 100 * 9 / 3877,
    }
    rows = crawl_rows(crawl)
    assert [row.met for row in rows[:3]] == [True, False, True]
    assert rows[0].ratio == "0.70" and rows[1].ratio == "0.60"
    every_response = [row for row in rows if "every response" in row.measure]
    assert every_response[0].ratio == "1.20" and every_response[0].met is None
    assert "1,473 linked files" in every_response[0].measure


def test_search_and_export_goals():
    search = {
        "in_process": {"p50": 0.01, "p95": 0.049},
        "cli": {"p50": 0.3, "p95": 0.5},
        "in_process_portal_filter": {"p50": 0.02, "p95": 0.03},
    }
    export = {
        "jsonl": {"rows_per_s": 30_000, "rows_per_cpu_s": 40_000, "peak_rss_mb": 30},
        "csv": {"rows_per_s": 20_000, "rows_per_cpu_s": 29_999, "peak_rss_mb": 30},
    }
    rows = archive_rows(500_000, search, export, None)
    met = {row.measure: row.met for row in rows if row.met is not None}
    assert list(met.values()) == [True, False, True, True, False, False]
    table = format_table([Row("m", "1", met=True), Row("n", "2", met=False), Row("o", "3")])
    assert table.splitlines()[2:] == ["| m | 1 |  |  |  | yes |", "| n | 2 |  |  |  | NO |",
                                      "| o | 3 |  |  |  |  |"]  # fmt: skip
