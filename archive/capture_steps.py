"""The captures a crawl writes besides its articles, as named steps of one transaction each.

A response that is not an article page (a listing, the home page, robots.txt, a sitemap, a feed),
a linked file's response, and a file not fetched (over its size cap, or failed) are each one
step. A local crawl runs the step on its archive as it fetches; a cluster worker sends the step's
name and data to the writer, which runs the same step inside the transaction that also records the
stream entry. Either way the same functions decide what is kept and how (payloads once by SHA-256,
revisits pointing at them, ``files`` and ``article_files`` updated).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from archive.blobs import Capture, file_skipped, insert_capture, keep_file_response
from archive.transactions import write_transaction


def _keep_capture(db: Database, capture: Capture | None) -> None:
    assert capture is not None
    insert_capture(db, capture)


def _keep_file(db: Database, capture: Capture | None, *, when: str) -> None:
    assert capture is not None
    keep_file_response(db, capture, when)


def _file_not_kept(
    db: Database,
    capture: Capture | None,
    *,
    url: str,
    status: str,
    size: int | None,
    note: str,
    when: str,
) -> None:
    file_skipped(db, url, status, size, note, when)


# step name -> its writes; a step that takes a capture needs one, the others take none
CAPTURE_STEPS: dict[str, Callable[..., None]] = {
    "capture": _keep_capture,
    "file": _keep_file,
    "file_not_kept": _file_not_kept,
}
STEPS_WITH_CAPTURE = frozenset({"capture", "file"})


def write_capture_step(
    db: Database, step: str, capture: Capture | None = None, **fields: Any
) -> None:
    """Run one capture step in its own transaction (a savepoint inside an open one)."""
    if step not in CAPTURE_STEPS:
        raise KeyError(f"no capture step {step!r}")
    if (capture is None) == (step in STEPS_WITH_CAPTURE):
        raise ValueError(f"capture step {step!r} given the wrong data")
    with write_transaction(db):
        CAPTURE_STEPS[step](db, capture, **fields)
