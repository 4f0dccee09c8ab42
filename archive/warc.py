"""Raw captures as WARC (ISO 28500), for replay in pywb and loading into other web-archive tools.

:func:`write_warc` writes one ``warcinfo`` record describing the software and the archive, then
one ``response`` record per capture, in capture id order: the HTTP status line, the headers as
received and the body, each record gzipped on its own (a ``.warc.gz`` file). Records are WARC/1.0,
warcio's default and the version the widest range of tools reads (pywb reads 1.0 and 1.1); the
archive keeps fetch times to the second, so WARC/1.1's sub-second dates would add nothing.

The archive keeps bodies decoded (no gzip, no chunked framing), so the headers are made to agree
with the body: ``Transfer-Encoding`` is dropped, ``Content-Encoding`` is dropped unless the body is
visibly still encoded (gzip or zstd magic number), and ``Content-Length`` is the stored body's
length. Digests (``WARC-Block-Digest``, ``WARC-Payload-Digest``) are computed by warcio.

Captures are read from one SQLite cursor and written one at a time: memory use does not grow with
the archive.
"""

from __future__ import annotations

import gzip
import hashlib
import http
import json
import logging
import os
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import metadata
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from sqlite_utils import Database
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.filters import check_date_bound

logger = logging.getLogger(__name__)

WARC_VERSION = "1.0"
HTTP_PROTOCOL = "HTTP/1.1"  # the archive does not keep the protocol version of the response
CONFORMS_TO = "http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf"
# what an encoded body starts with, for the encodings whose data can be recognised
ENCODING_MAGIC = {"gzip": b"\x1f\x8b", "x-gzip": b"\x1f\x8b", "zstd": b"\x28\xb5\x2f\xfd"}

_COLUMNS = "id, portal, url, fetched_at, http_status, headers, sha256, body_gz"


def _version(package: str) -> str:
    """The installed version of ``package``, or ``unknown``."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def warc_date(fetched_at: str) -> str:
    """An ISO 8601 time (UTC assumed when it has no offset) as a WARC-Date: ``...T02:10:00Z``."""
    moment = datetime.fromisoformat(fetched_at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _clean(text: str) -> str:
    """A header name or value on one line: CR and LF would end the header block early."""
    return " ".join(str(text).replace("\r", " ").replace("\n", " ").split())


def _still_encoded(encoding: str, body: bytes) -> bool:
    """Whether ``body`` still carries the data of ``encoding`` (a Content-Encoding value)."""
    codings = [coding.strip().lower() for coding in encoding.split(",") if coding.strip()]
    if not codings or codings == ["identity"]:
        return False
    magic = ENCODING_MAGIC.get(codings[-1])  # the last coding applied is the outermost
    return magic is not None and body.startswith(magic)


def http_headers(status: int, headers: dict[str, Any], body: bytes) -> StatusAndHeaders:
    """The status line and headers of a response record, consistent with the stored ``body``.

    Headers keep the order they were stored in; a list value becomes one header per item.
    """
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    pairs: list[tuple[str, str]] = []
    for name, value in headers.items():
        values = value if isinstance(value, list) else [value]
        pairs.extend((_clean(name), _clean(item)) for item in values if item is not None)
    kept: list[tuple[str, str]] = []
    for name, value in pairs:
        lower = name.lower()
        if lower in ("transfer-encoding", "content-length"):
            continue
        if lower == "content-encoding" and not _still_encoded(value, body):
            continue
        if name:
            kept.append((name, value))
    kept.append(("Content-Length", str(len(body))))
    return StatusAndHeaders(f"{status} {reason}", kept, protocol=HTTP_PROTOCOL)


def _fetched_where(
    portals: Sequence[str], since: str | None, until: str | None
) -> tuple[str, dict[str, Any]]:
    """SQL conditions over ``captures`` for portals and a range of fetch dates (UTC)."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if portals:
        names = []
        for i, slug in enumerate(portals):
            params[f"portal_{i}"] = slug.strip().lower()
            names.append(f":portal_{i}")
        clauses.append(f"lower(portal) IN ({', '.join(names)})")
    if since:
        clauses.append("fetched_at >= :since")
        params["since"] = since
    if until:
        clauses.append(f"substr(fetched_at, 1, {len(until)}) <= :until")
        params["until"] = until
    return (" AND ".join(clauses) or "1"), params


def iter_captures(
    db: Database,
    portals: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield the selected captures as dicts, in id order, from one cursor."""
    where, params = _fetched_where(portals, since, until)
    sql = f"SELECT {_COLUMNS} FROM captures WHERE {where} ORDER BY id"
    cursor = db.conn.execute(sql, params)
    names = [column[0] for column in cursor.description]
    try:
        for row in cursor:
            yield dict(zip(names, row, strict=True))
    finally:
        cursor.close()


def _archive_name(db: Database) -> str:
    """The file name of the main database of ``db`` (``memory`` for an in-memory database)."""
    for row in db.execute("PRAGMA database_list").fetchall():
        if row[1] == "main":
            return Path(row[2]).name if row[2] else "memory"
    return "unknown"


def _warcinfo_fields(
    db: Database, portals: Sequence[str], since: str | None, until: str | None
) -> dict[str, str]:
    """The warcinfo record's fields: software, format, which archive and what was selected."""
    return {
        "software": f"portal-archive/{_version('portal-archive')} (warcio/{_version('warcio')})",
        "format": f"WARC File Format {WARC_VERSION}",
        "conformsTo": CONFORMS_TO,
        "description": "Article pages of Vietnamese government portals, from the raw captures of "
        "a portal-archive SQLite archive. Bodies are kept decoded: Transfer-Encoding, and "
        "Content-Encoding of a decoded body, were removed; Content-Length is the body's length.",
        "archive": _archive_name(db),
        "portals": ", ".join(portals) if portals else "all",
        "fetched-since": since or "",
        "fetched-until": until or "",
    }


def _response_record(
    writer: WARCWriter, capture: dict[str, Any], warcinfo_id: str
) -> ArcWarcRecord | None:
    """The response record of a capture, or None (logged) when the capture cannot make one."""
    where = f"capture {capture['id']} ({capture['url']})"
    if capture["http_status"] is None:
        logger.warning("%s: skipped, no HTTP status recorded", where)
        return None
    try:
        date = warc_date(capture["fetched_at"])
    except (TypeError, ValueError):
        logger.warning("%s: skipped, fetched_at %r is not a time", where, capture["fetched_at"])
        return None
    try:
        body = gzip.decompress(capture["body_gz"] or b"")
    except (OSError, EOFError, zlib.error) as error:
        logger.warning("%s: skipped, the stored body does not decompress (%s)", where, error)
        return None
    if capture["sha256"] and hashlib.sha256(body).hexdigest() != capture["sha256"]:
        logger.warning("%s: the body does not match its recorded sha256; written as stored", where)
    try:
        headers = json.loads(capture["headers"] or "{}")
    except ValueError:
        logger.warning("%s: headers are not JSON; written without them", where)
        headers = {}
    if not isinstance(headers, dict):
        headers = {}
    return writer.create_warc_record(
        capture["url"],
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=http_headers(int(capture["http_status"]), headers, body),
        warc_headers_dict={"WARC-Date": date, "WARC-Warcinfo-ID": warcinfo_id},
    )


def _write_records(
    db: Database,
    stream: BinaryIO,
    filename: str,
    portals: Sequence[str],
    since: str | None,
    until: str | None,
) -> int:
    """Write the warcinfo record and the selected captures to ``stream``; returns responses."""
    writer = WARCWriter(stream, gzip=True, warc_version=WARC_VERSION)
    warcinfo = writer.create_warcinfo_record(filename, _warcinfo_fields(db, portals, since, until))
    writer.write_record(warcinfo)
    warcinfo_id = warcinfo.rec_headers.get_header("WARC-Record-ID")
    count = 0
    for capture in iter_captures(db, portals, since, until):
        record = _response_record(writer, capture, warcinfo_id)
        if record is not None:
            writer.write_record(record)
            count += 1
    return count


@contextmanager
def _atomic_binary(path: Path) -> Iterator[BinaryIO]:
    """A binary file written under a temporary name, renamed to ``path`` when complete."""
    partial = path.with_name(path.name + ".partial")
    try:
        with open(partial, "wb") as stream:
            yield stream
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def write_warc(
    db: Database,
    output: str | Path | BinaryIO,
    portal: str | Sequence[str] | None = None,
    since: str | None = None,
    until: str | None = None,
) -> int:
    """Write the archive's captures as a gzipped WARC file; returns the response records written.

    ``output`` is a path (written under a temporary name and renamed when complete) or a binary
    stream. ``portal`` is one slug or several (case ignored); ``since`` and ``until`` are
    YYYY[-MM[-DD]] bounds on ``fetched_at`` (UTC), both inclusive. Captures that cannot make a
    record (no status, unreadable body or time) are logged and left out. The file starts with a
    ``warcinfo`` record, not counted in the result.
    """
    portals = [portal] if isinstance(portal, str) else list(portal or ())
    check_date_bound(since)
    check_date_bound(until)
    if isinstance(output, (str, Path)):
        path = Path(output)
        with _atomic_binary(path) as stream:
            count = _write_records(db, stream, path.name, portals, since, until)
    else:
        name = getattr(output, "name", None)
        filename = Path(name).name if isinstance(name, str) else ""
        count = _write_records(db, output, filename, portals, since, until)
    logger.info("wrote %d capture(s) as WARC records", count)
    return count
