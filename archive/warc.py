"""Raw captures as WARC (ISO 28500), for replay in pywb and loading into other web-archive tools.

The SQLite archive is the one place the bytes live; this module writes them out as WARC on demand.
:func:`write_warc` writes one ``warcinfo`` record describing the software and the archive, then
for each capture, in capture id order: a ``response`` record (the HTTP status line, the headers as
received and the body) for a capture holding its bytes, or a ``revisit`` record (identical-payload
profile, referring to the first capture of those bytes) for a fetch whose bytes were kept already;
the ``request`` record of the fetch when the request was recorded; and a ``metadata`` record
(what the capture was: listing, article, attachment …, its portal, run and capture id). Each
record is gzipped on its own (a ``.warc.gz`` file). ``WARC-Payload-Digest`` is the archive's own
SHA-256 of the body (``sha256:`` base 32), so a revisit names its original's digest without
reading it again. Records are WARC/1.0,
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

import base64
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
from urllib.parse import urlsplit

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

_COLUMNS = (
    "c.id, c.portal, c.url, c.fetched_at, c.http_status, c.headers, c.sha256, c.body_gz, c.size, "
    "c.kind, c.revisit_of, c.request_headers, c.run_id, o.url AS refers_url, "
    "o.fetched_at AS refers_date"
)


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


def http_headers(
    status: int, headers: dict[str, Any], body: bytes, length: int | None = None
) -> StatusAndHeaders:
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
    kept.append(("Content-Length", str(len(body) if length is None else length)))
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
        clauses.append(f"lower(c.portal) IN ({', '.join(names)})")
    if since:
        clauses.append("c.fetched_at >= :since")
        params["since"] = since
    if until:
        clauses.append(f"substr(c.fetched_at, 1, {len(until)}) <= :until")
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
    sql = (
        f"SELECT {_COLUMNS} FROM captures AS c LEFT JOIN captures AS o ON o.id = c.revisit_of "
        f"WHERE {where} ORDER BY c.id"
    )
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
        "description": "Pages and files of Vietnamese government portals (articles, listings, "
        "home pages, robots.txt, attachments, images), from the raw captures of "
        "a portal-archive SQLite archive. Bodies are kept decoded: Transfer-Encoding, and "
        "Content-Encoding of a decoded body, were removed; Content-Length is the body's length.",
        "archive": _archive_name(db),
        "portals": ", ".join(portals) if portals else "all",
        "fetched-since": since or "",
        "fetched-until": until or "",
    }


def payload_digest(sha256_hex: str) -> str:
    """A WARC payload digest from a hex SHA-256: ``sha256:`` and the digest in base 32."""
    return "sha256:" + base64.b32encode(bytes.fromhex(sha256_hex)).decode("ascii")


def _headers_of(text: str | None, where: str) -> dict[str, Any]:
    try:
        headers = json.loads(text or "{}")
    except ValueError:
        logger.warning("%s: headers are not JSON; written without them", where)
        return {}
    return headers if isinstance(headers, dict) else {}


def _capture_record(
    writer: WARCWriter, capture: dict[str, Any], warcinfo_id: str
) -> ArcWarcRecord | None:
    """The response (or revisit) record of a capture, or None (logged) when it cannot make one."""
    where = f"capture {capture['id']} ({capture['url']})"
    if capture["http_status"] is None:
        logger.warning("%s: skipped, no HTTP status recorded", where)
        return None
    try:
        date = warc_date(capture["fetched_at"])
    except (TypeError, ValueError):
        logger.warning("%s: skipped, fetched_at %r is not a time", where, capture["fetched_at"])
        return None
    headers = _headers_of(capture["headers"], where)
    warc_headers = {"WARC-Date": date, "WARC-Warcinfo-ID": warcinfo_id}
    if capture.get("revisit_of") is not None:
        if not capture["refers_url"] or not capture["sha256"]:
            logger.warning("%s: skipped, the capture it revisits is missing", where)
            return None
        return writer.create_revisit_record(
            capture["url"],
            payload_digest(capture["sha256"]),
            capture["refers_url"],
            warc_date(capture["refers_date"]),
            http_headers=http_headers(
                int(capture["http_status"]), headers, b"", length=capture["size"] or 0
            ),
            warc_headers_dict=warc_headers,
        )
    try:
        body = gzip.decompress(capture["body_gz"] or b"")
    except (OSError, EOFError, zlib.error) as error:
        logger.warning("%s: skipped, the stored body does not decompress (%s)", where, error)
        return None
    digest = hashlib.sha256(body).hexdigest()
    if capture["sha256"] and digest != capture["sha256"]:
        logger.warning("%s: the body does not match its recorded sha256; written as stored", where)
    warc_headers["WARC-Payload-Digest"] = payload_digest(digest)
    return writer.create_warc_record(
        capture["url"],
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=http_headers(int(capture["http_status"]), headers, body),
        warc_headers_dict=warc_headers,
    )


def _request_record(
    writer: WARCWriter, capture: dict[str, Any], concurrent_to: str, date: str
) -> ArcWarcRecord | None:
    """The request record of a capture whose request was recorded, else None."""
    headers = _headers_of(capture.get("request_headers"), f"capture {capture['id']}")
    if not headers:
        return None
    parts = urlsplit(capture["url"])
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    pairs = [("Host", parts.netloc)]
    pairs += [
        (_clean(name), _clean(value))
        for name, value in headers.items()
        if name.lower() != "host" and value is not None
    ]
    status = StatusAndHeaders(f"GET {target} {HTTP_PROTOCOL}", pairs, is_http_request=True)
    return writer.create_warc_record(
        capture["url"],
        "request",
        payload=BytesIO(b""),
        length=0,
        http_headers=status,
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": concurrent_to},
    )


def _metadata_record(
    writer: WARCWriter, capture: dict[str, Any], refers_to: str, date: str
) -> ArcWarcRecord:
    """What the archive knows of a capture, as WARC fields referring to its record."""
    fields = {
        "portal-archive-capture-id": capture["id"],
        "portal-archive-kind": capture.get("kind") or "article",
        "portal-archive-portal": capture["portal"],
        "portal-archive-run-id": capture.get("run_id"),
        "portal-archive-sha256": capture["sha256"],
        "portal-archive-revisit-of": capture.get("revisit_of"),
    }
    text = "".join(f"{name}: {value}\r\n" for name, value in fields.items() if value is not None)
    body = text.encode("utf-8")
    return writer.create_warc_record(
        capture["url"],
        "metadata",
        payload=BytesIO(body),
        length=len(body),
        warc_content_type="application/warc-fields",
        warc_headers_dict={"WARC-Date": date, "WARC-Refers-To": refers_to},
    )


def _write_records(
    db: Database,
    stream: BinaryIO,
    filename: str,
    portals: Sequence[str],
    since: str | None,
    until: str | None,
) -> int:
    """Write the warcinfo record and the selected captures' records to ``stream``; returns the
    captures written (a response or revisit record each, with its request and metadata)."""
    writer = WARCWriter(stream, gzip=True, warc_version=WARC_VERSION)
    warcinfo = writer.create_warcinfo_record(filename, _warcinfo_fields(db, portals, since, until))
    writer.write_record(warcinfo)
    warcinfo_id = warcinfo.rec_headers.get_header("WARC-Record-ID")
    count = 0
    for capture in iter_captures(db, portals, since, until):
        record = _capture_record(writer, capture, warcinfo_id)
        if record is None:
            continue
        writer.write_record(record)
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        date = record.rec_headers.get_header("WARC-Date")
        request = _request_record(writer, capture, record_id, date)
        if request is not None:
            writer.write_record(request)
        writer.write_record(_metadata_record(writer, capture, record_id, date))
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
    """Write the archive's captures as a gzipped WARC file; returns the captures written.

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
