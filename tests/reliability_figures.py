"""Figures of the fault and hostile-input tests, summed by ``make reliability``.

A test calls :func:`record` with a figure's name and an amount (faults injected, faults survived,
hostile inputs tried, crashes, rows lost, rows duplicated, integrity checks run/failed...). When
``PORTAL_ARCHIVE_FIGURES`` names a file, each call appends one JSON line to it; otherwise the
call does nothing, so the tests run the same under ``make test``.
"""

from __future__ import annotations

import json
import os


def record(name: str, amount: int = 1, **detail: object) -> None:
    """Add ``amount`` to the figure ``name`` (with optional detail for the log)."""
    path = os.environ.get("PORTAL_ARCHIVE_FIGURES")
    if not path:
        return
    line = json.dumps({"figure": name, "amount": amount, **detail}, ensure_ascii=False)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
