"""Opening an archive: one SQLite file in WAL mode, brought up to the current schema."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlite_utils import Database

from archive.migrations import migrations

logger = logging.getLogger(__name__)

DEFAULT_ARCHIVE = "archive.db"


def open_archive(path: str | Path, *, migrate: bool = True) -> Database:
    """Open (or create) the archive at ``path`` in WAL mode and apply pending migrations."""
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
