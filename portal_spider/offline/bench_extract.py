"""Scorer for the public "article-extraction-benchmark" data set.

The data set is a directory holding ``html/<id>.html.gz`` (one gzip-compressed raw HTML page per
id) and ``ground-truth.json`` (``{"<id>": {"articleBody": "...", "url": "..."}, ...}``).

The metric is the benchmark's own shingle matching:

* **Tokens** -- every maximal run of Unicode word characters (``\\w+``) of the NFC text; case is
  kept. Whitespace and punctuation only separate tokens.
* **Shingles** -- the multiset of consecutive 4-token tuples; a text of 1 to 3 tokens is one shorter
  shingle, a text without tokens has none.
* **Per page** -- true positives are the shingles both texts share (multiset intersection), false
  positives the predicted ones the truth lacks, false negatives the reverse. Precision is
  ``tp / (tp + fp)`` and is defined only when something was predicted; recall is ``tp / (tp + fn)``
  and is defined only when the truth has text. A failed extraction (``None`` or an exception) is an
  empty prediction: its recall is 0 and it has no precision.
* **Reported figures** -- precision is the mean over the pages where it is defined, recall likewise,
  and F1 is computed from those two means. The mean of the per-page F1 values is shown beside it.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

SHINGLE_SIZE = 4
FAILURE_THRESHOLD = 0.5

Extractor = Callable[[str, str | None], str | None]

_TOKEN_RE = re.compile(r"\w+")
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING_RE = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)


@dataclass(frozen=True)
class PageScore:
    """Shingle precision / recall / F1 of one page."""

    precision: float | None
    recall: float | None
    f1: float


@dataclass
class BenchResult:
    """Aggregate result of a benchmark run."""

    precision: float
    recall: float
    f1: float
    mean_page_f1: float
    pages: int
    failures: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    page_scores: dict[str, PageScore] = field(default_factory=dict)


def tokenize(text: str) -> list[str]:
    """Split *text* into word tokens (see the module docstring)."""
    normalized = unicodedata.normalize("NFC", text or "")
    return _TOKEN_RE.findall(normalized)


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Return the multiset of *size*-token shingles of *text*."""
    tokens = tokenize(text)
    if not tokens:
        return Counter()
    if len(tokens) < size:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def _harmonic_mean(precision: float, recall: float) -> float:
    """F1 of a precision/recall pair (0.0 when both are zero)."""
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def score_text(predicted: str | None, truth: str | None) -> PageScore:
    """Score one predicted article body against the ground truth."""
    pred_sh = shingles(predicted or "")
    truth_sh = shingles(truth or "")
    tp = sum((pred_sh & truth_sh).values())
    fp = sum(pred_sh.values()) - tp
    fn = sum(truth_sh.values()) - tp
    if fp == fn == 0:
        return PageScore(1.0, 1.0, 1.0)
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return PageScore(precision, recall, _harmonic_mean(precision or 0.0, recall or 0.0))


def decode_html(raw: bytes) -> str:
    """Decode raw HTML bytes: UTF-8, else the declared charset, else cp1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    head = raw[:4096]
    match = _META_CHARSET_RE.search(head) or _XML_ENCODING_RE.search(head)
    if match:
        declared = match.group(1).decode("ascii", "replace")
        try:
            return raw.decode(declared)
        except (LookupError, UnicodeDecodeError):
            logger.debug("declared charset %r failed", declared)
    return raw.decode("cp1252", errors="replace")


def default_extractor(html: str, url: str | None) -> str | None:
    """Extract the article body text with :func:`extract_main_content`."""
    from portal_spider.extraction.main_content.extractor import extract_main_content

    content = extract_main_content(html, url)
    return content.text if content else None


def load_ground_truth(dataset: Path) -> dict[str, dict[str, str]]:
    """Read ``ground-truth.json`` of the data set."""
    with (dataset / "ground-truth.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def load_page(dataset: Path, page_id: str) -> str:
    """Read and decode ``html/<page_id>.html.gz``."""
    raw = gzip.decompress((dataset / "html" / f"{page_id}.html.gz").read_bytes())
    return decode_html(raw)


def _run_extractor(extractor: Extractor, html: str, url: str | None, page_id: str) -> str:
    """Call *extractor*, treating exceptions and ``None`` as an empty prediction."""
    try:
        return extractor(html, url) or ""
    except Exception:  # noqa: BLE001 - one broken page must not abort the run
        logger.exception("extractor failed on %s", page_id)
        return ""


def _mean(values: list[float]) -> float:
    """Arithmetic mean (0.0 for an empty list)."""
    return sum(values) / len(values) if values else 0.0


def run_benchmark(dataset: Path, extractor: Extractor | None = None) -> BenchResult:
    """Run *extractor* (default: :func:`default_extractor`) on every page and score it."""
    extractor = extractor or default_extractor
    truth = load_ground_truth(dataset)
    scores: dict[str, PageScore] = {}
    start = time.perf_counter()
    for page_id in sorted(truth):
        entry = truth[page_id]
        html = load_page(dataset, page_id)
        predicted = _run_extractor(extractor, html, entry.get("url"), page_id)
        scores[page_id] = score_text(predicted, entry.get("articleBody", ""))
    elapsed = time.perf_counter() - start
    precision = _mean([s.precision for s in scores.values() if s.precision is not None])
    recall = _mean([s.recall for s in scores.values() if s.recall is not None])
    return BenchResult(
        precision=precision,
        recall=recall,
        f1=_harmonic_mean(precision, recall),
        mean_page_f1=_mean([s.f1 for s in scores.values()]),
        pages=len(scores),
        failures=[pid for pid, s in scores.items() if s.f1 < FAILURE_THRESHOLD],
        elapsed=elapsed,
        page_scores=scores,
    )


def format_result(result: BenchResult) -> str:
    """Human-readable multi-line summary of a :class:`BenchResult`."""
    per_page_ms = 1000 * result.elapsed / result.pages if result.pages else 0.0
    lines = [
        f"pages:           {result.pages}",
        f"precision:       {result.precision:.4f}",
        f"recall:          {result.recall:.4f}",
        f"F1 (mean P, R):  {result.f1:.4f}",
        f"mean page F1:    {result.mean_page_f1:.4f}",
        f"failures (<{FAILURE_THRESHOLD}): {len(result.failures)}",
        f"elapsed:         {result.elapsed:.2f} s ({per_page_ms:.1f} ms/page)",
    ]
    lines.extend(f"  failed: {page_id}" for page_id in result.failures)
    return "\n".join(lines)
