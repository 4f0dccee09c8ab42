"""A replay package of the archive: WACZ (the WARC, a CDXJ index, pages.jsonl, datapackage.json).

:func:`write_wacz` writes the selected captures as WARC (:mod:`archive.warc`), lists the pages a
reader starts from (every article, each portal's home page) in ``pages.jsonl``, and has the
``wacz`` package build the package: it indexes the WARC (a compressed CDXJ index, one line a
record, sorted by SURT key) and writes ``datapackage.json`` with the SHA-256 of every file. The
result opens in ReplayWeb.page (drop the file in) and in pywb (``wb-manager add``).
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import logging
import os
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from archive.filters import check_date_bound
from archive.warc import _fetched_where, warc_date, write_warc

logger = logging.getLogger(__name__)

WARC_NAME = "portal-archive.warc.gz"
INDEX_NAME = "indexes/index.cdx.gz"


class WaczError(RuntimeError):
    """The WACZ package could not be built."""


def iter_pages(
    db: Database, portals: Sequence[str], since: str | None, until: str | None
) -> Iterator[dict[str, Any]]:
    """The pages of ``pages.jsonl``: home pages, then every article's last kept capture."""
    where, params = _fetched_where(portals, since, until)
    sql = (
        "SELECT c.url, c.fetched_at, coalesce(a.title, p.name, c.url) AS title "
        "FROM captures AS c LEFT JOIN articles AS a ON a.capture_id = c.id "
        "LEFT JOIN portals AS p ON p.slug = c.portal "
        f"WHERE {where} AND c.http_status BETWEEN 200 AND 299 "
        "AND (c.kind = 'home' OR (c.kind = 'article' AND a.id IS NOT NULL)) "
        "ORDER BY c.kind = 'article', c.id"
    )
    seen: set[str] = set()
    for row in db.query(sql, params):
        if row["url"] in seen:
            continue
        seen.add(row["url"])
        moment = warc_date(row["fetched_at"])
        yield {"url": row["url"], "ts": moment, "title": row["title"]}


def _write_pages(path: Path, pages: Iterator[dict[str, Any]]) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as stream:
        header = {"format": "json-pages-1.0", "id": "pages", "title": "Portal archive pages"}
        stream.write(json.dumps(header, ensure_ascii=False) + "\n")
        for page in pages:
            stream.write(json.dumps(page, ensure_ascii=False) + "\n")
            count += 1
    return count


def _run_wacz(arguments: list[str]) -> None:
    """Run the ``wacz`` package's command line in this process, its chatter sent to the log."""
    from wacz.main import main as wacz_main  # imports frictionless: only when packaging

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = wacz_main(arguments)
    logger.info("wacz %s: %s", arguments[0], out.getvalue().strip())
    if status:
        raise WaczError(f"wacz {arguments[0]} failed: {out.getvalue().strip()[-500:]}")


def write_wacz(
    db: Database,
    output: str | Path,
    portal: str | Sequence[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    title: str = "portal-archive",
) -> tuple[int, int]:
    """Write a WACZ of the selected captures to ``output``; returns (captures, pages).

    The package is built under a temporary name and renamed when complete.
    """
    portals = [portal] if isinstance(portal, str) else list(portal or ())
    check_date_bound(since)
    check_date_bound(until)
    output = Path(output)
    partial = output.with_name(output.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="portal-archive-wacz-") as tmp:
        folder = Path(tmp)
        warc = folder / WARC_NAME
        captures = write_warc(db, warc, portal=portals, since=since, until=until)
        pages_file = folder / "pages.jsonl"
        pages = _write_pages(pages_file, iter_pages(db, portals, since, until))
        description = f"Captures of {', '.join(portals) if portals else 'every portal'}"
        try:
            _run_wacz(
                ["create", "-o", str(partial), str(warc), "-p", str(pages_file),
                 "--title", title, "--desc", description]
            )  # fmt: skip
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)
    return captures, pages


def validate_wacz(path: str | Path) -> None:
    """Validate a WACZ with the ``wacz`` package's validator; raises WaczError when invalid."""
    _run_wacz(["validate", "-f", str(path)])


def cdxj_lookup(path: str | Path, url: str) -> list[dict[str, Any]]:
    """The CDXJ index lines of a WACZ for ``url`` (its JSON part, with the SURT key and time)."""
    from surt import surt  # the URL key the index is sorted by (a dependency of wacz's indexer)

    key = surt(url)
    found = []
    with zipfile.ZipFile(path) as package:
        lines = gzip.decompress(package.read(INDEX_NAME)).decode("utf-8").splitlines()
    for line in lines:
        surt_key, timestamp, data = line.split(" ", 2)
        if surt_key == key:
            found.append({"urlkey": surt_key, "timestamp": timestamp, **json.loads(data)})
    return found


def read_record(path: str | Path, entry: dict[str, Any]) -> Any:
    """The WARC record an index entry points at (``filename``, ``offset``, ``length``)."""
    from warcio.archiveiterator import ArchiveIterator

    with zipfile.ZipFile(path) as package, package.open(f"archive/{entry['filename']}") as stream:
        data = stream.read()
    start = int(entry["offset"])
    chunk = data[start : start + int(entry["length"])]
    for record in ArchiveIterator(io.BytesIO(chunk)):
        return record, record.content_stream().read()
    raise WaczError(f"no record at offset {start}")
