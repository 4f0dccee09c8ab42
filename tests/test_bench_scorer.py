"""Tests for the shingle-based benchmark scorer (no real benchmark data needed)."""

from __future__ import annotations

import gzip
import json
import logging
import re
from pathlib import Path

import pytest

from portal_spider.offline.bench_extract import (
    BenchResult,
    decode_html,
    format_result,
    run_benchmark,
    score_text,
    shingles,
    tokenize,
)

logger = logging.getLogger(__name__)

TRUTH = "one two three four five six seven eight"  # 8 tokens -> 5 shingles


def test_tokenize_keeps_case_and_splits_on_punctuation() -> None:
    assert tokenize("Hà Nội, ngày 12/3-2024!  (UBND)") == [
        "Hà",
        "Nội",
        "ngày",
        "12",
        "3",
        "2024",
        "UBND",
    ]


def test_tokenize_normalises_to_nfc() -> None:
    assert tokenize("Ho\u0323\u0302i") == tokenize("Hội") == ["Hội"]


def test_shingles_are_four_token_windows() -> None:
    assert shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}


def test_short_text_is_one_shingle() -> None:
    assert shingles("a b") == {("a", "b"): 1}


def test_identical_text_scores_one() -> None:
    score = score_text(TRUTH, TRUTH)
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)


def test_punctuation_does_not_matter_but_case_does() -> None:
    assert score_text("one, two; three four. five six seven eight!", TRUTH).f1 == 1.0
    assert score_text("ONE two three four five six seven eight", TRUTH).f1 < 1.0


def test_disjoint_text_scores_zero() -> None:
    score = score_text("alpha beta gamma delta epsilon", TRUTH)
    assert (score.precision, score.recall, score.f1) == (0.0, 0.0, 0.0)


def test_prediction_with_first_half_of_truth() -> None:
    # prediction shingles: (1 2 3 4), (2 3 4 5) -> both in truth; truth has 5 shingles
    score = score_text("one two three four five", TRUTH)
    assert score.precision == 1.0
    assert score.recall == pytest.approx(2 / 5)
    assert score.f1 == pytest.approx(2 * 1.0 * 0.4 / 1.4)


def test_half_overlapping_prediction() -> None:
    # shared shingles: (1 2 3 4), (2 3 4 5); prediction has 5, truth has 5
    score = score_text("one two three four five x y z", TRUTH)
    assert score.precision == pytest.approx(0.4)
    assert score.recall == pytest.approx(0.4)
    assert score.f1 == pytest.approx(0.4)


def test_repeated_prediction_counts_shingles_as_multiset() -> None:
    # prediction shingles: abcd, bcda, cdab, dabc, abcd; truth: abcd once
    score = score_text("a b c d a b c d", "a b c d")
    assert score.precision == pytest.approx(1 / 5)
    assert score.recall == 1.0


def test_both_empty_is_perfect() -> None:
    assert score_text("", "  ...  ").f1 == 1.0


def test_empty_prediction_has_zero_recall_and_no_precision() -> None:
    score = score_text(None, TRUTH)
    assert (score.precision, score.recall, score.f1) == (None, 0.0, 0.0)


def test_prediction_for_empty_truth_has_zero_precision_and_no_recall() -> None:
    score = score_text(TRUTH, "")
    assert (score.precision, score.recall, score.f1) == (0.0, None, 0.0)


def test_pages_without_a_prediction_do_not_count_towards_precision(tmp_path: Path) -> None:
    def nothing_on_bad_page(html: str, url: str | None) -> str | None:
        return None if "unrelated" in html else _strip_tags(html, url)

    result = run_benchmark(_write_dataset(tmp_path / "bench"), nothing_on_bad_page)
    assert result.precision == 1.0
    assert result.recall == pytest.approx(0.5)


def test_decode_utf8() -> None:
    assert decode_html("<p>Hội nghị</p>".encode()) == "<p>Hội nghị</p>"


def test_decode_declared_charset() -> None:
    raw = '<meta charset="windows-1258"><p>Ha\u0300 N</p>'.encode("cp1258")
    assert "Ha\u0300 N" in decode_html(raw)


def test_decode_falls_back_to_cp1252() -> None:
    assert decode_html("<p>café “quoted”</p>".encode("cp1252")) == "<p>café “quoted”</p>"


def _write_dataset(root: Path) -> Path:
    """A two-page data set in the benchmark layout."""
    pages = {
        "page-good": (
            "<html><head><meta charset='utf-8'></head><body><p>"
            "Xã Minh Xuân tổ chức ra quân tổng vệ sinh môi trường cuối năm</p></body></html>",
            "Xã Minh Xuân tổ chức ra quân tổng vệ sinh môi trường cuối năm",
        ),
        "page-bad": (
            "<html><body><p>Completely unrelated words appear on this page</p></body></html>",
            "Huyện Lục Yên tiếp nhận năm trăm suất quà cho hộ nghèo",
        ),
    }
    (root / "html").mkdir(parents=True)
    truth = {}
    for page_id, (html, body) in pages.items():
        (root / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(html.encode("utf-8")))
        truth[page_id] = {"articleBody": body, "url": f"https://example.gov.vn/{page_id}"}
    (root / "ground-truth.json").write_text(json.dumps(truth, ensure_ascii=False), "utf-8")
    return root


def _strip_tags(html: str, url: str | None) -> str:
    """Trivial extractor: the text without tags."""
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def result(tmp_path: Path) -> BenchResult:
    """Benchmark result of the tag-stripping extractor on the tiny data set."""
    return run_benchmark(_write_dataset(tmp_path / "bench"), _strip_tags)


def test_run_benchmark_counts_pages(result: BenchResult) -> None:
    assert result.pages == 2


def test_run_benchmark_means(result: BenchResult) -> None:
    assert result.precision == pytest.approx(0.5)
    assert result.recall == pytest.approx(0.5)
    assert result.f1 == pytest.approx(0.5)
    assert result.mean_page_f1 == pytest.approx(0.5)


def test_run_benchmark_lists_failures(result: BenchResult) -> None:
    assert result.failures == ["page-bad"]


def test_run_benchmark_measures_time(result: BenchResult) -> None:
    assert result.elapsed >= 0.0


def test_failing_extractor_counts_as_empty(tmp_path: Path) -> None:
    def broken(html: str, url: str | None) -> str:
        raise ValueError("boom")

    outcome = run_benchmark(_write_dataset(tmp_path / "bench"), broken)
    assert outcome.f1 == 0.0
    assert sorted(outcome.failures) == ["page-bad", "page-good"]


def test_default_extractor_runs(tmp_path: Path) -> None:
    outcome = run_benchmark(_write_dataset(tmp_path / "bench"))
    assert outcome.pages == 2
    assert "page-bad" in outcome.failures


def test_format_result_lists_figures(result: BenchResult) -> None:
    text = format_result(result)
    assert "precision:       0.5000" in text
    assert "pages:           2" in text
    assert "failed: page-bad" in text
