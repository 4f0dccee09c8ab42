"""What the archive holds at an address or an id, read from the archive alone (no network).

:func:`find` resolves what ``portal-archive show`` is given: a capture id (a number), an article
id, or a URL (an article reached through it, else the latest capture of that address).
:func:`record` is the row to print, :func:`raw_bytes` the bytes as the server sent them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from archive.blobs import payload

ARTICLE_JSON = ("images", "attachments", "extraction", "problems")


@dataclass(frozen=True)
class Found:
    """An article (``article_id``) or a capture (``capture_id``); an article has both."""

    capture_id: int | None
    article_id: str | None = None


def find(db: Database, what: str) -> Found | None:
    """The article or capture ``what`` names, or None."""
    what = what.strip()
    if what.isdigit():
        row = db.execute("select id from captures where id = ?", [int(what)]).fetchone()
        return Found(int(row[0])) if row else None
    row = db.execute(
        "select id, capture_id from articles where id = ? union all "
        "select a.id, a.capture_id from article_urls as u "
        "join articles as a on a.id = u.article_id where u.url = ? union all "
        "select id, capture_id from articles where url = ? or canonical_url = ? limit 1",
        [what, what, what, what],
    ).fetchone()
    if row:
        return Found(row[1], row[0])
    row = db.execute(
        "select id from captures where url = ? order by id desc limit 1", [what]
    ).fetchone()
    return Found(int(row[0])) if row else None


def _capture(db: Database, capture_id: int) -> dict[str, Any]:
    row = dict(
        db.execute(
            "select id, portal, run_id, url, fetched_at, http_status, content_type, kind, mime, "
            "sha256, size, revisit_of, headers, request_headers from captures where id = ?",
            [capture_id],
        ).fetchone()
        or {}
    )
    for name in ("headers", "request_headers"):
        row[name] = json.loads(row[name]) if row.get(name) else {}
    return row


def record(db: Database, found: Found) -> dict[str, Any]:
    """The stored record: the article (with its files and capture), or the capture."""
    db.conn.row_factory = _dict_row
    try:
        if found.article_id is None:
            assert found.capture_id is not None
            out = {"capture": _capture(db, found.capture_id)}
            out["file"] = db.execute(
                "select * from files where sha256 = ?", [out["capture"].get("sha256")]
            ).fetchone()
            return out
        article = db.execute("select * from articles where id = ?", [found.article_id]).fetchone()
        for name in ARTICLE_JSON:
            article[name] = json.loads(article[name]) if article.get(name) else None
        article.pop("body_html", None)
        files = db.execute(
            "select l.url, l.kind, l.title, l.status, l.sha256, l.size, l.note, f.mime, "
            "f.filename, f.capture_id from article_files as l "
            "left join files as f on f.sha256 = l.sha256 where l.article_id = ? order by l.url",
            [found.article_id],
        ).fetchall()
        capture = _capture(db, found.capture_id) if found.capture_id else None
        return {"article": article, "files": files, "capture": capture}
    finally:
        db.conn.row_factory = None


def raw_bytes(db: Database, found: Found) -> bytes | None:
    """The captured bytes, as the server sent them (after transfer decoding)."""
    return payload(db, found.capture_id) if found.capture_id is not None else None


def _dict_row(cursor: Any, row: tuple) -> dict[str, Any]:
    return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}
