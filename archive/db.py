"""Opening an archive: one SQLite file in WAL mode, brought up to the current schema."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from archive.search_index import LATEST_MIGRATION

if TYPE_CHECKING:  # sqlite-utils (and the migrations) load when an archive is opened with them
    from sqlite_utils import Database

logger = logging.getLogger(__name__)

DEFAULT_ARCHIVE = "archive.db"


def open_archive(path: str | Path, *, migrate: bool = True) -> Database:
    """Open (or create) the archive at ``path`` in WAL mode and apply pending migrations."""
    from sqlite_utils import Database

    from archive.migrations import migrations

    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL syncs at checkpoints, not at every commit: a committed transaction
    # survives a killed process (the guarantee the crawl's per-article transactions rely on); only
    # an operating-system crash or power cut may undo the last commits, never leave half of one.
    # A commit per article then costs no fsync.
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=10000")
    db.execute("PRAGMA foreign_keys=ON")
    if migrate:
        pending = migrations.pending(db)
        if pending:
            logger.info("applying %d migration(s) to %s", len(pending), path)
            migrations.apply(db)
    return db


def open_for_reading(path: str | Path) -> sqlite3.Connection:
    """A plain sqlite3 connection to the archive at ``path``, for a command that only reads.

    An archive that has the newest migration applied is opened as it is, without loading
    sqlite-utils (a tenth of a second of a short command); any other goes through
    :func:`open_archive` first, which brings it up to date.
    """
    conn = sqlite3.connect(path)
    try:
        current = conn.execute(
            "SELECT 1 FROM _sqlite_migrations WHERE name = ?", [LATEST_MIGRATION]
        ).fetchone()
    except sqlite3.OperationalError:  # no migrations table: a new or very old archive
        current = None
    if current is None:
        conn.close()
        return open_archive(path).conn
    conn.execute("PRAGMA busy_timeout=10000")
    return conn
