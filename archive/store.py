"""Writing to the archive: portals, raw captures, articles with versions and view counts, runs.

One article is one row, whatever URL reached it: its id is derived from the portal and the
portal's own item id (or the canonical URL when the portal shows none). A new version row is written
only when the content hash (title, date, body, source, author — not views) changes; the view count
is recorded as a series in ``article_views`` whenever it changes.

Every public write method is one transaction (:func:`archive.transactions.write_transaction`): an
article is stored with its capture, version, URL and views rows, or not at all, whenever the
process is killed. Reads that decide a write (is the article new, did its content change) happen
inside the same transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlite_utils import Database

from archive.blobs import Capture, insert_capture, link_files
from archive.transactions import insert_row, write_transaction
from archive.versions import keep_replaced_text

CONTENT_FIELDS = ("title", "published_at", "body_text", "source", "author")


def utc_now() -> str:
    """The current time, ISO 8601 UTC with seconds."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def article_id(portal: str, item_id: str | None, canonical_url: str | None) -> str:
    """The stable identity of an article: portal plus the portal's id, or its canonical URL."""
    if item_id:
        key = f"{portal}\x1fitem\x1f{item_id}"
    elif canonical_url:
        key = f"{portal}\x1furl\x1f{canonical_url}"
    else:
        raise ValueError("an article needs an item id or a canonical URL")
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def content_hash(record: dict[str, Any]) -> str:
    """What the article says (not how often it was read)."""
    payload = json.dumps([record.get(f) for f in CONTENT_FIELDS], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


EXTRACTED_TEXT = (
    "platform", "category", "title", "published_at", "published_raw", "views", "views_raw",
    "body_text", "body_html", "source", "author",
)  # fmt: skip
EXTRACTED_JSON = {"images": [], "attachments": [], "extraction": {}, "problems": []}


def extracted_fields(record: dict[str, Any]) -> dict[str, Any]:
    """The ``articles`` columns a page object and the normaliser derive from a page."""
    row: dict[str, Any] = {name: record.get(name) for name in EXTRACTED_TEXT}
    for name, empty in EXTRACTED_JSON.items():
        row[name] = json.dumps(record.get(name) or empty, ensure_ascii=False)
    row["content_hash"] = content_hash(record)
    return row


__all__ = ["ArchiveStore", "Capture", "RunCounts", "article_id", "content_hash"]


@dataclass
class RunCounts:
    """What a crawl run did to one portal."""

    pages_fetched: int = 0
    listing_pages: int = 0
    article_pages: int = 0
    revisits: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    articles_gone: int = 0
    pages_failed: int = 0
    fields_missing: dict[str, int] = field(default_factory=dict)


class ArchiveStore:
    """The write side of an archive opened with :func:`archive.db.open_archive`."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _insert(self, table: str, row: dict[str, Any], verb: str = "INSERT") -> int:
        """Insert ``row`` into ``table`` (:func:`archive.transactions.insert_row`)."""
        return insert_row(self.db, table, row, verb)

    def _update_article(self, aid: str, row: dict[str, Any]) -> None:
        """Set the columns of ``row`` on the article ``aid``."""
        assignments = ", ".join(f'"{name}" = ?' for name in row)
        self.db.conn.execute(
            f"UPDATE articles SET {assignments} WHERE id = ?", [*row.values(), aid]
        )

    # --- portals and runs ---------------------------------------------------------------------
    def upsert_portal(self, row: dict[str, Any]) -> None:
        """Insert or update a portal row (lists are stored as JSON)."""
        columns = set(self.db["portals"].columns_dict)
        # registry fields the table does not keep (crawl politeness, schedules) are left out
        row = {key: value for key, value in row.items() if key in columns}
        if isinstance(row.get("entry_points"), list):
            row["entry_points"] = json.dumps(row["entry_points"], ensure_ascii=False)
        row["updated_at"] = utc_now()
        with write_transaction(self.db):
            if self.db["portals"].count_where("slug = ?", [row["slug"]]):
                row.pop("detected_platform", None)
                self.db["portals"].update(row["slug"], row)
            else:
                self.db["portals"].insert(row)

    def record_detected_platform(self, slug: str, platform: str) -> None:
        """Remember the platform detected at a portal's first crawl."""
        with write_transaction(self.db):
            self.db["portals"].update(slug, {"detected_platform": platform})

    def start_run(self, portal: str, mode: str, started_at: str | None = None) -> int:
        """Open a crawl run for a portal; returns its id."""
        with write_transaction(self.db):
            table = self.db["crawl_runs"].insert(
                {
                    "portal": portal,
                    "started_at": started_at or utc_now(),
                    "status": "running",
                    "mode": mode,
                }
            )
        return int(table.last_pk)

    def finish_run(
        self,
        run_id: int,
        counts: RunCounts,
        status: str,
        error: str | None = None,
        finished_at: str | None = None,
    ) -> None:
        """Close a crawl run with its counts and exit status."""
        started = self.db["crawl_runs"].get(run_id)["started_at"]
        finished = finished_at or utc_now()
        duration = (
            datetime.fromisoformat(finished) - datetime.fromisoformat(started)
        ).total_seconds()
        row = {
            "finished_at": finished,
            "status": status,
            "pages_fetched": counts.pages_fetched,
            "listing_pages": counts.listing_pages,
            "article_pages": counts.article_pages,
            "revisits": counts.revisits,
            "articles_new": counts.articles_new,
            "articles_updated": counts.articles_updated,
            "articles_unchanged": counts.articles_unchanged,
            "articles_gone": counts.articles_gone,
            "pages_failed": counts.pages_failed,
            "fields_missing": json.dumps(counts.fields_missing, ensure_ascii=False),
            "duration_s": max(duration, 0.0),
            "error": error,
        }
        with write_transaction(self.db):
            self.db["crawl_runs"].update(run_id, row)

    # --- captures and articles ----------------------------------------------------------------
    def save_capture(self, **fields: Any) -> int:
        """Keep a page as fetched (the fields of :class:`Capture`); returns the capture id."""
        with write_transaction(self.db):
            return self._capture(Capture(**fields))

    def save_article(self, record: dict[str, Any], capture_id: int | None = None) -> str:
        """Insert or update an article; returns ``new``, ``updated`` or ``unchanged``."""
        with write_transaction(self.db):
            return self._article(record, capture_id)

    def save_fetched(self, record: dict[str, Any], capture: Capture | None) -> str:
        """Keep the raw capture and the article in one transaction; returns the article outcome.

        The capture, the article row, its new version, its URL and its views are one transaction:
        a process killed at any point leaves all of them or none, so a restarted crawl finds
        the article either archived whole or not archived (and fetches it again).
        """
        with write_transaction(self.db):
            capture_id = self._capture(capture) if capture is not None else None
            return self._article(record, capture_id)

    def _capture(self, capture: Capture) -> int:
        """Insert a capture (a revisit row when its bytes are kept already); returns the id of
        the capture holding the bytes, which the article points at."""
        return insert_capture(self.db, capture)[1]

    def _article(self, record: dict[str, Any], capture_id: int | None) -> str:
        portal = record["portal"]
        aid = article_id(portal, record.get("item_id"), record.get("canonical_url"))
        now = record.get("fetched_at") or utc_now()
        row = {
            "portal": portal,
            "item_id": record.get("item_id"),
            "canonical_url": record.get("canonical_url"),
            **extracted_fields(record),
            "status": "incomplete" if record.get("problems") else "ok",
            "last_seen_at": now,
            "fetched_at": now,
            "gone_at": None,
            "capture_id": capture_id,
        }
        existing = self.db.conn.execute(
            "select content_hash, version from articles where id = ?", [aid]
        ).fetchone()
        if existing is None:
            outcome = "new"
            row.update(id=aid, url=record["url"], version=1, first_seen_at=now)
            self._insert("articles", row)
            self._version(aid, 1, row, now, capture_id)
        elif existing[0] != row["content_hash"]:
            outcome = "updated"
            row["version"] = (existing[1] or 1) + 1
            keep_replaced_text(self.db, aid)
            self._update_article(aid, row)
            self._version(aid, row["version"], row, now, capture_id)
        else:
            outcome = "unchanged"
            self._update_article(aid, row)
        self._views(aid, record.get("views"), now)
        link_files(self.db, aid, record, now)
        self._insert(
            "article_urls",
            {"url": record["url"], "article_id": aid, "first_seen_at": now},
            "INSERT OR IGNORE",
        )
        # an article that failed before and is now stored is no longer pending
        self.db.execute("delete from pending_articles where article_id = ?", [aid])
        return outcome

    def _version(
        self,
        aid: str,
        version: int,
        row: dict[str, Any],
        now: str,
        capture_id: int | None,
        cause: str = "crawl",
    ) -> None:
        self._insert(
            "article_versions",
            {
                "cause": cause,
                "article_id": aid,
                "version": version,
                "content_hash": row["content_hash"],
                "title": row["title"],
                "published_at": row["published_at"],
                # the current version's text is the article's (archive.versions)
                "body_text": None,
                "body_html": None,
                "source": row["source"],
                "author": row["author"],
                "observed_at": now,
                "capture_id": capture_id,
            },
        )

    def _views(self, aid: str, views: int | None, now: str) -> None:
        if views is None:
            return
        last = self.db.conn.execute(
            "select views from article_views where article_id = ? "
            "order by observed_at desc limit 1",
            [aid],
        ).fetchone()
        if last is None or last[0] != views:
            self._insert(
                "article_views",
                {"article_id": aid, "observed_at": now, "views": views},
                "INSERT OR REPLACE",
            )

    def rederive_article(self, aid: str, record: dict[str, Any], when: str) -> bool:
        """Replace an article's extracted fields with ``record``, derived again from its capture.

        What the crawl observed (when it was seen, fetched or found gone, its URL and identity)
        is kept. A content change writes a version with cause ``reparse``. Returns whether the
        stored record changed. The version and the article row are one transaction.
        """
        with write_transaction(self.db):
            existing = self.db["articles"].get(aid)
            derived = extracted_fields(record)
            if existing["status"] != "gone":
                derived["status"] = "incomplete" if record.get("problems") else "ok"
            if all(existing[key] == value for key, value in derived.items()):
                return False
            if derived["content_hash"] != existing["content_hash"]:
                keep_replaced_text(self.db, aid)
                derived["version"] = (existing["version"] or 1) + 1
                self._version(
                    aid, derived["version"], derived, when, existing["capture_id"], "reparse"
                )
            self._update_article(aid, derived)
        return True

    def mark_gone(self, aid: str, when: str | None = None) -> bool:
        """Mark an article as no longer served (never deleted); True if it was not gone yet.

        A gone article is no longer pending: retrying it would find it gone again every run.
        """
        when = when or utc_now()
        with write_transaction(self.db):
            cursor = self.db.execute(
                "update articles set status = 'gone', gone_at = ? where id = ? and gone_at is null",
                [when, aid],
            )
            self.db.execute("delete from pending_articles where article_id = ?", [aid])
        return cursor.rowcount > 0
