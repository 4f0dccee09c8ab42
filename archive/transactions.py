"""One write transaction for a group of archive statements: all of them are kept, or none.

sqlite-utils commits every ``Table.insert`` or ``update`` in its own ``db.atomic()`` unless a
transaction is already open, and ``with db.conn:`` opens none (it only commits at its end). A
group of writes that must survive a killed process together (an article with its capture, version,
URL and views; a reparsed record; a crawl-state step) runs inside :func:`write_transaction`: the
inserts of sqlite-utils then become savepoints of this one transaction.

The transaction begins ``IMMEDIATE``: it takes the write lock before its first read, so a group
that reads a row and then writes from it never fails halfway because another connection to the
same archive (the crawl keeps two) wrote in between; it waits for the lock instead, up to the
connection's ``busy_timeout``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlite_utils import Database


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """Run the block as one transaction (a savepoint when one is open already)."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    try:
        db.conn.execute("COMMIT")
    except BaseException:
        # a failed COMMIT (disk full, I/O error) leaves the transaction open: undo it
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise


def insert_row(db: Database, table: str, row: dict[str, Any], verb: str = "INSERT") -> int:
    """Insert ``row`` into ``table`` (``verb`` may be ``INSERT OR IGNORE``); the new rowid.

    Inside a write transaction it is one plain statement (sqlite3 keeps it prepared):
    sqlite-utils' ``insert`` looks the table up on every call, and a crawl writes several rows a
    page. Outside one, sqlite-utils' ``insert`` commits the row by itself as usual.
    """
    if not db.conn.in_transaction:
        ignore = verb.upper() == "INSERT OR IGNORE"
        return int(db[table].insert(row, ignore=ignore).last_rowid or 0)
    names = ", ".join(f'"{name}"' for name in row)
    marks = ", ".join("?" * len(row))
    sql = f'{verb} INTO "{table}" ({names}) VALUES ({marks})'
    return int(db.conn.execute(sql, list(row.values())).lastrowid or 0)
