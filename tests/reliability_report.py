"""Print the figures of a ``make reliability`` run, and fail when one of them shows a loss.

Usage: ``python tests/reliability_report.py FIGURES.jsonl`` — the file the fault and hostile-input
tests appended to through :func:`reliability_figures.record`. Exit status 1 when any crash, hang,
lost or duplicated row or failed integrity check was recorded, or when nothing was recorded at all.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

# the order of the table; any other figure follows, by name
KNOWN = [
    ("faults_injected", "faults injected at the server or in the writer"),
    ("faults_survived", "faults survived (nothing lost, nothing let in)"),
    ("hostile_inputs", "hostile inputs tried"),
    ("crashes", "crashes (tracebacks)"),
    ("hangs", "hangs over the per-input deadline"),
    ("rows_lost", "rows lost"),
    ("rows_duplicated", "rows duplicated"),
    ("integrity_checks", "PRAGMA integrity_check runs"),
    ("integrity_failures", "integrity checks not ok"),
]
MUST_BE_ZERO = ("crashes", "hangs", "rows_lost", "rows_duplicated", "integrity_failures")


def read_figures(path: Path) -> Counter[str]:
    """Sum the amounts recorded per figure."""
    totals: Counter[str] = Counter()
    if not path.exists():
        return totals
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            totals[str(entry["figure"])] += int(entry.get("amount", 1))
    return totals


def report(totals: Counter[str]) -> list[str]:
    """The lines of the table, known figures first."""
    lines = []
    width = max(len(label) for _, label in KNOWN)
    for name, label in KNOWN:
        lines.append(f"{label:<{width}}  {totals.get(name, 0):>8,}")
    for name in sorted(set(totals) - {name for name, _ in KNOWN}):
        lines.append(f"{name.replace('_', ' '):<{width}}  {totals[name]:>8,}")
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    totals = read_figures(Path(argv[0]))
    print("reliability figures")
    print("\n".join(report(totals)))
    if not totals:
        print("no figures were recorded: did the reliability tests run?", file=sys.stderr)
        return 1
    losses = [name for name in MUST_BE_ZERO if totals.get(name, 0)]
    if losses:
        print(f"FAILED: {', '.join(losses)} above 0", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
