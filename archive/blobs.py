"""Payloads kept once: a capture holds the bytes of a response, a revisit points at them.

Every response a crawl fetches becomes a ``captures`` row. The first time a payload (the body,
by SHA-256) is seen anywhere in the archive its bytes are kept, gzipped, in that row's
``body_gz``; a later fetch of the same bytes, from the same address or another, is a *revisit*:
a row with its own time, status and headers, ``revisit_of`` the capture holding the bytes, and
no body. :func:`payload` reads a capture's bytes through that pointer.

Files linked from articles (attachments, images) are also rows of ``files``, one per distinct
payload, with the MIME type sniffed from their first bytes, their size and original file name.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlite_utils import Database

from archive.transactions import insert_row

# what an attachment linked from an article may be, by the extension of its address
ATTACHMENT_EXTENSIONS = frozenset(
    [
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "pps",
        "ppsx",
        "zip",
        "rar",
        "7z",
        "odt",
        "ods",
        "odp",
        "rtf",
    ]
)
# magic numbers, longest first where they share a prefix
_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),  # doc, xls, ppt
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"{\\rtf", "application/rtf"),
    (b"\x1f\x8b", "application/gzip"),
]
# an OLE file or a zip is told apart by its extension (the container says little by itself)
_OLE_TYPES = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "pps": "application/vnd.ms-powerpoint",
}
_ZIP_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "ppsx": "application/vnd.openxmlformats-officedocument.presentationml.slideshow",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
_FILENAME = re.compile(r"""filename\*?=(?:UTF-8''|"?)([^";]+)"?""", re.IGNORECASE)


def extension(url: str) -> str:
    """The lower-case extension of the last path segment of ``url`` (no dot), or ``""``."""
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def is_attachment_url(url: str) -> bool:
    """Whether ``url`` names a document or archive file (pdf, doc/docx, xls/xlsx, zip …)."""
    return extension(url) in ATTACHMENT_EXTENSIONS


def sniff_mime(body: bytes, url: str = "", declared: str | None = None) -> str:
    """The payload's type from its first bytes; the extension tells zip and OLE formats apart.

    Bytes that match no known signature keep the declared ``Content-Type`` (without parameters),
    or ``application/octet-stream``.
    """
    head = body[:16]
    ext = extension(url)
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return _OLE_TYPES.get(ext, mime) if mime == "application/x-ole-storage" else mime
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _ZIP_TYPES.get(ext, "application/zip")
    if head[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return "image/webp"
    stripped = body[:512].lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    if stripped.startswith(b"<svg") or (stripped.startswith(b"<?xml") and b"<svg" in stripped):
        return "image/svg+xml"
    if declared:
        return declared.split(";", 1)[0].strip().lower() or "application/octet-stream"
    return "application/octet-stream"


def original_filename(url: str, headers: dict[str, str]) -> str:
    """The file name the server gave (Content-Disposition), else the URL's last segment."""
    for name, value in headers.items():
        if name.lower() == "content-disposition":
            found = _FILENAME.search(value or "")
            if found:
                return unquote(found.group(1)).strip()
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


@dataclass(frozen=True)
class Capture:
    """A response exactly as it was fetched, and the request that fetched it."""

    portal: str
    run_id: int | None
    url: str
    body: bytes
    http_status: int | None
    headers: dict[str, str]
    fetched_at: str
    kind: str = "article"
    request_headers: dict[str, str] = field(default_factory=dict)


def payload_owner(db: Database, digest: str) -> int | None:
    """The capture holding the bytes whose SHA-256 is ``digest``, if any."""
    row = db.execute(
        "select id from captures where sha256 = ? and revisit_of is null "
        "and body_gz is not null order by id limit 1",
        [digest],
    ).fetchone()
    return int(row[0]) if row else None


def insert_capture(db: Database, capture: Capture) -> tuple[int, int]:
    """Insert ``capture`` (a revisit when its payload is kept already).

    Returns the new row's id and the id of the capture holding the bytes (the same id when
    this one holds them). Call it inside the caller's write transaction.
    """
    digest = hashlib.sha256(capture.body).hexdigest()
    owner = payload_owner(db, digest)
    row: dict[str, Any] = {
        "portal": capture.portal,
        "run_id": capture.run_id,
        "url": capture.url,
        "fetched_at": capture.fetched_at,
        "http_status": capture.http_status,
        "content_type": _header(capture.headers, "content-type"),
        "headers": json.dumps(capture.headers, ensure_ascii=False),
        "request_headers": json.dumps(capture.request_headers, ensure_ascii=False),
        "sha256": digest,
        "size": len(capture.body),
        "kind": capture.kind,
        "mime": sniff_mime(capture.body, capture.url, _header(capture.headers, "content-type")),
        "revisit_of": owner,
        "body_gz": None if owner is not None else gzip.compress(capture.body, mtime=0),
    }
    new_id = insert_row(db, "captures", row)
    return new_id, owner if owner is not None else new_id


def _header(headers: dict[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def payload(db: Database, capture_id: int) -> bytes | None:
    """The bytes a capture received (read through ``revisit_of``), or None if no such capture."""
    row = db.execute(
        "select coalesce(c.body_gz, o.body_gz) from captures as c "
        "left join captures as o on o.id = c.revisit_of where c.id = ?",
        [capture_id],
    ).fetchone()
    if row is None:
        return None
    return gzip.decompress(row[0]) if row[0] else b""


def keep_file(db: Database, capture: Capture, when: str) -> tuple[int, str]:
    """Store a fetched attachment or image once by SHA-256 and link every article linking it.

    Returns the capture id and the digest. One transaction is the caller's.
    """
    capture_id, owner = insert_capture(db, capture)
    digest = hashlib.sha256(capture.body).hexdigest()
    insert_row(
        db,
        "files",
        {
            "sha256": digest,
            "capture_id": owner,
            "mime": sniff_mime(capture.body, capture.url, _header(capture.headers, "content-type")),
            "size": len(capture.body),
            "filename": original_filename(capture.url, capture.headers),
            "url": capture.url,
            "first_seen_at": when,
        },
        "INSERT OR IGNORE",
    )
    db.execute(
        "update article_files set status = 'stored', sha256 = ?, size = ?, note = null, "
        "updated_at = ? where url = ?",
        [digest, len(capture.body), when, capture.url],
    )
    return capture_id, digest


def file_skipped(
    db: Database, url: str, status: str, size: int | None, note: str, when: str
) -> None:
    """Record on every link to ``url`` that its file was not kept (``skipped`` or ``failed``)."""
    db.execute(
        "update article_files set status = ?, size = ?, note = ?, updated_at = ? "
        "where url = ? and status != 'stored'",
        [status, size, note, when, url],
    )


def link_files(db: Database, article_id: str, record: dict[str, Any], when: str) -> None:
    """Link the article to the attachments and images its record lists (inside its write).

    A file fetched already (by address) is linked to its stored copy at once; others wait as
    ``pending`` until the crawl fetches them.
    """
    wanted: list[tuple[str, str, str | None]] = []
    for item in record.get("attachments") or []:
        url = _url_of(item)
        if url and is_attachment_url(url):
            wanted.append((url, "attachment", _title_of(item, "title")))
    for item in record.get("images") or []:
        url = _url_of(item)
        if url:
            wanted.append((url, "image", _title_of(item, "caption")))
    for url, kind, title in wanted:
        known = db.execute(
            "select sha256, size from files where url = ? union all "
            "select sha256, size from captures where url = ? and kind in ('attachment', 'image') "
            "and http_status between 200 and 299 limit 1",
            [url, url],
        ).fetchone()
        insert_row(
            db,
            "article_files",
            {
                "article_id": article_id,
                "url": url,
                "kind": kind,
                "title": title,
                "status": "stored" if known else "pending",
                "sha256": known[0] if known else None,
                "size": known[1] if known else None,
                "updated_at": when,
            },
            "INSERT OR IGNORE",
        )


def _url_of(item: Any) -> str | None:
    if isinstance(item, dict):
        return item.get("url")
    return getattr(item, "url", None)


def _title_of(item: Any, name: str) -> str | None:
    if isinstance(item, dict):
        return item.get(name)
    return getattr(item, name, None)


def keep_file_response(db: Database, capture: Capture, when: str) -> None:
    """A linked file's response: a 2xx is kept once and linked (:func:`keep_file`); any other
    status is kept as a capture and recorded ``failed`` on every link to it."""
    if capture.http_status is not None and 200 <= capture.http_status < 300:
        keep_file(db, capture, when)
        return
    insert_capture(db, capture)
    file_skipped(db, capture.url, "failed", None, f"HTTP {capture.http_status}", when)


def file_known(db: Database, url: str) -> bool:
    """Whether the file at ``url`` was kept, or skipped as too large, by an earlier run."""
    row = db.execute(
        "select 1 from captures where url = ? and kind in ('attachment', 'image') "
        "and http_status between 200 and 299 union all "
        "select 1 from article_files where url = ? and status = 'skipped' limit 1",
        [url, url],
    ).fetchone()
    return row is not None


def known_file_urls(db: Database, portal: str) -> list[str]:
    """The addresses of files linked from ``portal``'s articles that :func:`file_known` says are
    done: stored (by any run: :func:`keep_file` and :func:`link_files` mark every link to a kept
    file) or skipped. For a crawl without the archive at hand; read through the portal's
    articles, never a scan of every capture."""
    rows = db.execute(
        "select distinct l.url from article_files as l join articles as a on a.id = l.article_id "
        "where a.portal = ? and l.status in ('stored', 'skipped') order by 1",
        [portal],
    ).fetchall()
    return [row[0] for row in rows]


def pending_files(db: Database, portal: str, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    """(url, kind) of the portal's files still pending: their article was stored by a run that
    ended (killed, a limit) before fetching them, or images were off then."""
    marks = ", ".join("?" * len(kinds))
    rows = db.execute(
        "select distinct l.url, l.kind from article_files as l "
        "join articles as a on a.id = l.article_id "
        f"where a.portal = ? and l.status = 'pending' and l.kind in ({marks}) order by 1, 2",
        [portal, *kinds],
    ).fetchall()
    return [(row[0], row[1]) for row in rows]
