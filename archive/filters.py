"""Filters shared by search, export and stats: portal, province and a publication date range.

Dates are compared as prefixes of ``articles.published_at`` (ISO 8601, local time), so
``2023``, ``2023-07`` and ``2023-07-14`` are all valid bounds and both bounds are inclusive:
``--until 2023-07`` includes the whole of July. Provinces match without regard to case or
diacritics (``yen bai`` matches ``Yên Bái``).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from archive.search_index import FOLDED_LETTERS

if TYPE_CHECKING:  # sqlite-utils loads only where a command needs it, not for a search
    from sqlite_utils import Database

DATE_BOUND = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

_FOLD_TABLE = str.maketrans(FOLDED_LETTERS)


def fold_letters(text: str) -> str:
    """NFC-normalise ``text`` and fold đ/Đ (and look-alikes) as the search index does."""
    return unicodedata.normalize("NFC", text).translate(_FOLD_TABLE)


def match_key(text: str | None) -> str | None:
    """A comparison key that ignores case, diacritics and đ: ``Yên Bái`` -> ``yen bai``."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFD", fold_letters(text))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def connection(db: Database | sqlite3.Connection) -> sqlite3.Connection:
    """The sqlite3 connection of ``db``: a sqlite-utils Database, or a connection itself."""
    return db if isinstance(db, sqlite3.Connection) else db.conn


def register_functions(db: Database | sqlite3.Connection) -> None:
    """Make ``archive_match_key(text)`` available to SQL on this connection."""
    connection(db).create_function("archive_match_key", 1, match_key, deterministic=True)


def check_date_bound(value: str | None) -> str | None:
    """``value`` if it is YYYY, YYYY-MM or YYYY-MM-DD (or None); ValueError otherwise."""
    if value is None or value == "":
        return None
    formats = {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}
    try:
        if not DATE_BOUND.match(value):
            raise ValueError(value)
        datetime.strptime(value, formats[len(value)])
    except ValueError:
        raise ValueError(f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD") from None
    return value


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles to include. Empty fields filter nothing."""

    portals: Sequence[str] = field(default_factory=tuple)
    province: str | None = None
    since: str | None = None
    until: str | None = None

    def __post_init__(self) -> None:
        check_date_bound(self.since)
        check_date_bound(self.until)

    def where(self, article: str = "a", portal: str = "p") -> tuple[str, dict[str, Any]]:
        """SQL conditions (joined with AND, ``1`` if none) over aliases ``article`` and ``portal``.

        The ``province`` condition calls ``archive_match_key``: call :func:`register_functions`
        on the connection first.
        """
        clauses: list[str] = []
        params: dict[str, Any] = {}
        if self.portals:
            names = []
            for i, slug in enumerate(self.portals):
                params[f"portal_{i}"] = slug.strip().lower()
                names.append(f":portal_{i}")
            clauses.append(f"lower({article}.portal) IN ({', '.join(names)})")
        if self.province:
            clauses.append(f"archive_match_key({portal}.province) = :province")
            params["province"] = match_key(self.province)
        if self.since:
            clauses.append(f"{article}.published_at >= :since")
            params["since"] = self.since
        if self.until:
            clauses.append(f"substr({article}.published_at, 1, {len(self.until)}) <= :until")
            params["until"] = self.until
        return (" AND ".join(clauses) or "1"), params
