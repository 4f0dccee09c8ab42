"""Ranked full-text search over the archive's articles, with or without Vietnamese diacritics.

The index (``articles_fts``, built by migration m002) holds each article's title, body text and
source twice: as stored, and with đ/Đ folded to d/D. The query is folded the same way here, and the
unicode61 tokenizer ignores the other diacritics, so ``tuyen giao`` finds ``tuyên giáo`` and
``dang uy`` finds ``Đảng ủy``. Queries use SQLite FTS5 syntax: ``"phrase queries"``, ``AND``/``OR``/
``NOT``, ``prefix*``. Highlights are taken from the folded columns (where every match of a folded
query lies) and mapped back onto the stored text, which has the same length.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import unicodedata
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from archive.filters import ArticleFilter, connection, fold_letters, register_functions

if TYPE_CHECKING:  # the search takes a sqlite-utils Database or a plain connection
    from sqlite_utils import Database

logger = logging.getLogger(__name__)

# Column weights for bm25, in index order: title, body_text, source, then their folded copies.
WEIGHTS = (4.0, 1.0, 1.0, 4.0, 1.0, 1.0)
TITLE_FOLDED, BODY_FOLDED, SOURCE_FOLDED = 3, 4, 5
# Internal highlight markers: control characters that do not occur in stored text.
_OPEN, _CLOSE = "\x02", "\x03"
_MARKER = re.compile("([\x02\x03])")
SNIPPET_CHARS = 220
# Where matches are ranked (docs/READING_ROOM.md, "The ranked window"): over the whole archive
# (MAIN_INDEX) for a query matching at most RANKED_MATCHES articles. A query matching more is
# ranked among its matches in the most recently archived articles, in the small index
# RECENT_INDEX (archive.search_index.RECENT_ARTICLES of them; its bm25 word counts are then a
# sample of the archive's), when at least RECENT_POOL of them match; else among its
# RANKED_MATCHES most recent matches (by rowid) in MAIN_INDEX. bm25 costs time for every match
# and, in MAIN_INDEX, for counting every article that holds a query word; a word found in most of
# a large archive is no guide to relevance.
RANKED_MATCHES = 20_000
MAIN_INDEX, RECENT_INDEX = "articles_fts", "articles_recent_fts"
# The recent index answers a query matching more than RANKED_MATCHES articles when at least this
# many of its articles match (and pass the filters), and as many as the rows asked for: fewer are
# too few to choose the best from.
RECENT_POOL = 100


class SearchSyntaxError(ValueError):
    """The query is not valid FTS5 syntax; the message says why, in words a researcher can use."""


@dataclass(frozen=True)
class Hit:
    """One search result; ``title_highlighted`` and ``snippet`` mark matches with the markers."""

    id: str
    title: str | None
    title_highlighted: str | None
    snippet: str
    portal: str | None
    portal_name: str | None
    province: str | None
    published_at: str | None
    views: int | None
    source: str | None
    url: str | None
    score: float
    matched: tuple[str, ...] = ()  # the fields the query matched in: title, body_text, source

    def to_dict(self) -> dict:
        """The hit as a JSON-ready dict."""
        return asdict(self)


def fold_query(query: str) -> str:
    """The query as the index sees it: NFC, đ/Đ folded, surrounding space removed."""
    return fold_letters(query).strip()


def literal_query(text: str) -> str:
    """Quote every word of ``text``: FTS5 operators and punctuation become plain words."""
    words = [word.replace('"', "") for word in text.split()]
    return " ".join(f'"{word}"' for word in words if word)


def _syntax_error(query: str, error: sqlite3.OperationalError) -> SearchSyntaxError | None:
    """Translate SQLite's complaint about a MATCH expression, or None if it is another error."""
    message = str(error)
    if message.startswith("fts5: syntax error near"):
        near = message.removeprefix("fts5: syntax error near").strip()
        where = "at the end of the query" if near == '""' else f"near {near}"
        detail = f"the search syntax is not valid {where}"
    elif message == "unterminated string":
        detail = "a double quote is opened but never closed"
    elif message.startswith("no such column:"):
        column = message.removeprefix("no such column:").strip()
        detail = (
            f"{column!r} was read as a field name, but the fields are title, body_text and source"
            ' (quote words that contain "-" or ":", e.g. "Covid-19")'
        )
    elif message.startswith("fts5:") or message.startswith("unknown special query"):
        detail = message.removeprefix("fts5:").strip()
    else:
        return None
    return SearchSyntaxError(
        f"Cannot search for {query!r}: {detail}. Put a phrase in double quotes "
        '("tuyên giáo"); write AND, OR, NOT in capitals; end a word with * to match a prefix.'
    )


def restore_letters(highlighted: str | None, original: str | None) -> str | None:
    """Put the stored letters back into ``highlighted``, a highlight of the folded text.

    Folding maps one character to one character, so outside the markers the two texts align:
    each stretch between markers is replaced by the stored stretch of the same length.
    """
    if highlighted is None or original is None:
        return original
    out: list[str] = []
    position = 0
    for piece in _MARKER.split(highlighted):
        if piece in (_OPEN, _CLOSE):
            out.append(piece)
            continue
        out.append(original[position : position + len(piece)])
        position += len(piece)
    if position != len(original):
        logger.warning("highlight and stored text differ in length; showing the folded text")
        return highlighted
    return "".join(out)


def make_snippet(highlighted: str | None, width: int = SNIPPET_CHARS) -> str:
    """A window of about ``width`` characters around the first highlighted match, whitespace
    collapsed, with ``…`` where text was cut. Markers stay internal (_OPEN/_CLOSE)."""
    if not highlighted:
        return ""
    text = " ".join(highlighted.split())
    first = text.find(_OPEN)
    start = 0 if first < width // 3 else text.rfind(" ", 0, first - width // 3) + 1
    end = start + width
    if end >= len(text):
        end = len(text)
    else:
        space = text.find(" ", end)
        end = len(text) if space == -1 else space
        if text.count(_OPEN, 0, end) > text.count(_CLOSE, 0, end):
            close = text.find(_CLOSE, end)
            end = len(text) if close == -1 else close + 1
    return ("…" if start > 0 else "") + text[start:end] + ("…" if end < len(text) else "")


def show_markers(text: str | None, start: str, end: str) -> str | None:
    """Replace the internal markers with the ones to display."""
    if text is None:
        return None
    return text.replace(_OPEN, start).replace(_CLOSE, end)


# Ranked in two steps. First FTS5 itself orders its matches by ``rank`` (bm25 with the weights
# above) and stops at the rows to show: no join and no sort outside the index. Filters, when
# given, are checked on the ranked rowids in batches, best first, until enough rows passed. Then
# the highlights and the article rows are read for the shown rows only.
_RANK_SQL = """
SELECT rowid, rank FROM {index}
WHERE {index} MATCH :query AND rank MATCH :ranking AND rowid >= :floor
ORDER BY rank{limit}
"""
_FILTER_SQL = """
SELECT a.rowid FROM articles AS a LEFT JOIN portals AS p ON p.slug = a.portal
WHERE a.rowid IN ({rowids}) AND {where}
"""
_SHOWN_SQL = """
SELECT
    a.rowid AS rid, a.id, a.title, a.portal, p.name AS portal_name, p.province, a.published_at,
    a.views, a.source, a.url, a.body_text,
    highlight(articles_fts, {title}, char(2), char(3)) AS title_hl,
    highlight(articles_fts, {body}, char(2), char(3)) AS body_hl,
    highlight(articles_fts, {source}, char(2), char(3)) AS source_hl
FROM articles_fts
JOIN articles AS a ON a.rowid = articles_fts.rowid
LEFT JOIN portals AS p ON p.slug = a.portal
WHERE articles_fts MATCH :query AND articles_fts.rowid IN ({rowids})
"""
RANKING = f"bm25({', '.join(str(w) for w in WEIGHTS)})"
FILTER_BATCH = 500  # ranked rowids whose filters are checked in one statement
_EXACT_SQL = (
    "(archive_contains_exact(a.title, :phrase) OR archive_contains_exact(a.body_text, :phrase)"
    " OR archive_contains_exact(a.source, :phrase))"
)


def search(
    db: Database | sqlite3.Connection,
    query: str,
    portal: str | None = None,
    province: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 20,
    *,
    literal: bool = False,
    exact: bool = False,
    markers: tuple[str, str] = ("[", "]"),
) -> list[Hit]:
    """Search the archive; best matches first.

    ``query`` is FTS5 syntax unless ``literal`` (then every word is searched as typed). ``portal``
    is a portal slug, ``province`` matches without regard to case or diacritics, ``since`` and
    ``until`` are inclusive YYYY[-MM[-DD]] bounds on the publication date. With ``exact`` the
    words are searched as one phrase, as typed: diacritics count (``tuyên giáo`` does not find
    ``tuyên giao``), case does not.

    Raises SearchSyntaxError for a query FTS5 cannot parse, ValueError for a bad date or limit.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    phrase = exact_phrase(query) if exact else None
    if exact:
        folded = fold_query(f'"{phrase}"') if phrase else ""
    else:
        folded = fold_query(literal_query(query) if literal else query)
    if not folded or folded == '""':
        raise SearchSyntaxError("The search query is empty: give at least one word.")
    filters = ArticleFilter(
        portals=(portal,) if portal else (), province=province, since=since, until=until
    )
    where, params = filters.where()
    conn = connection(db)
    if exact:
        conn.create_function("archive_contains_exact", 2, contains_exact, deterministic=True)
        where = f"{where} AND {_EXACT_SQL}"
        params = {**params, "phrase": phrase or ""}
    if where != "1":
        register_functions(conn)
    try:
        floor = ranking_floor(conn, folded, RANKED_MATCHES)  # 0: at most that many match
        ranked = None
        if floor > 0:
            pool = max(limit, RECENT_POOL)
            ranked = ranked_matches(conn, RECENT_INDEX, folded, 0, limit, where, params, pool)
        if ranked is None:
            ranked = ranked_matches(conn, MAIN_INDEX, folded, floor, limit, where, params) or []
        rows = shown_rows(conn, folded, break_ties(conn, ranked, limit))
    except sqlite3.OperationalError as error:
        translated = _syntax_error(query, error)
        if translated is None:
            raise
        raise translated from None
    start, end = markers
    hits = [
        Hit(
            id=row["id"],
            title=row["title"],
            title_highlighted=show_markers(
                restore_letters(row["title_hl"], row["title"]), start, end
            ),
            snippet=show_markers(
                make_snippet(restore_letters(row["body_hl"], row["body_text"])), start, end
            )
            or "",
            portal=row["portal"],
            portal_name=row["portal_name"],
            province=row["province"],
            published_at=row["published_at"],
            views=row["views"],
            source=row["source"],
            url=row["url"],
            score=row["score"],
            matched=matched_fields(row),
        )
        for row in rows
    ]
    logger.debug("search %r: %d hit(s)", folded, len(hits))
    return hits


def ranked_matches(
    conn: sqlite3.Connection,
    index: str,
    folded: str,
    floor: int,
    limit: int,
    where: str,
    params: dict,
    pool: int = 0,
) -> list[tuple[int, float]] | None:
    """The best (rowid, score) of ``index`` at or above rowid ``floor`` passing the filters;
    None when fewer than ``pool`` rows match (and pass): too few to choose the best from."""
    if where == "1":
        return best_matches(conn, index, folded, floor, limit, pool)
    return best_filtered_matches(conn, index, folded, floor, limit, where, params, pool)


def _ranked(
    conn: sqlite3.Connection, index: str, folded: str, floor: int, limit: int | None
) -> sqlite3.Cursor:
    """The matches at or above ``floor`` as (rowid, score), best first, at most ``limit``."""
    sql = _RANK_SQL.format(index=index, limit="" if limit is None else " LIMIT :limit")
    params = {"query": folded, "ranking": RANKING, "floor": floor, "limit": limit}
    return conn.execute(sql, params)


def best_matches(
    conn: sqlite3.Connection, index: str, folded: str, floor: int, limit: int, pool: int = 0
) -> list[tuple[int, float]] | None:
    """The ``limit`` best (rowid, score) by rank, LIMIT in the FTS query itself; None when
    fewer than ``pool`` rows match.

    One row more than shown is read: if it ties with the last shown one, the rows of that score
    are all read so the tie is broken as the display order says (date, then id).
    """
    ranked = _ranked(conn, index, folded, floor, max(limit, pool) + 1).fetchall()
    if len(ranked) < pool:
        return None
    if len(ranked) <= limit or ranked[limit][1] != ranked[limit - 1][1]:
        return ranked[:limit]
    boundary = ranked[limit - 1][1]
    tied = []
    for rowid, score in _ranked(conn, index, folded, floor, None):
        if score > boundary:
            break
        tied.append((rowid, score))
    return tied


def best_filtered_matches(
    conn: sqlite3.Connection,
    index: str,
    folded: str,
    floor: int,
    limit: int,
    where: str,
    params: dict,
    pool: int = 0,
) -> list[tuple[int, float]] | None:
    """The best (rowid, score) that pass the filters: ranked rowids checked in batches, best
    first, until ``limit`` (and ``pool``) passed and the score of the last one is passed (ties
    kept whole). None when fewer than ``pool`` rows pass."""
    kept: list[tuple[int, float]] = []
    cursor = _ranked(conn, index, folded, floor, None)
    while True:
        batch = cursor.fetchmany(FILTER_BATCH)
        if not batch:
            break
        rowids = ",".join(str(int(rowid)) for rowid, _ in batch)
        passed = {
            row[0] for row in conn.execute(_FILTER_SQL.format(rowids=rowids, where=where), params)
        }
        kept.extend(pair for pair in batch if pair[0] in passed)
        if len(kept) > max(limit, pool) and kept[-1][1] != kept[limit - 1][1]:
            break
    cursor.close()
    if len(kept) < pool:
        return None
    if len(kept) > limit:
        boundary = kept[limit - 1][1]
        kept = [pair for pair in kept if pair[1] <= boundary]
    return kept


def _display_order(rows: list[dict]) -> list[dict]:
    """Best score first; among equal scores the newest, then by id."""
    rows.sort(key=lambda row: row["id"])
    rows.sort(key=lambda row: row["published_at"] or "", reverse=True)
    rows.sort(key=lambda row: row["score"])
    return rows


def break_ties(
    conn: sqlite3.Connection, ranked: list[tuple[int, float]], limit: int
) -> list[tuple[int, float]]:
    """``ranked`` cut to ``limit`` rows in display order, when a tie runs past the last one."""
    if len(ranked) <= limit:
        return ranked
    scores = dict(ranked)
    rowids = ",".join(str(int(rowid)) for rowid in scores)
    rows = [
        {"rid": rid, "id": aid, "published_at": published, "score": scores[rid]}
        for rid, aid, published in conn.execute(
            f"SELECT rowid, id, published_at FROM articles WHERE rowid IN ({rowids})"
        )
    ]
    return [(row["rid"], row["score"]) for row in _display_order(rows)[:limit]]


def shown_rows(
    conn: sqlite3.Connection, folded: str, ranked: list[tuple[int, float]]
) -> list[dict]:
    """The article rows and highlights of the ``ranked`` rows, in display order."""
    if not ranked:
        return []
    scores = dict(ranked)
    sql = _SHOWN_SQL.format(
        title=TITLE_FOLDED,
        body=BODY_FOLDED,
        source=SOURCE_FOLDED,
        rowids=",".join(str(int(rowid)) for rowid in scores),
    )
    cursor = conn.execute(sql, {"query": folded})
    names = [column[0] for column in cursor.description]
    rows = [{**dict(zip(names, row, strict=True)), "score": scores[row[0]]} for row in cursor]
    return _display_order(rows)


def ranking_floor(conn: sqlite3.Connection, folded: str, ranked: int = RANKED_MATCHES) -> int:
    """The lowest rowid to rank: 0 when the query matches at most ``ranked`` articles, else the
    rowid of the ``ranked``-th most recent match (walking the index without scoring is cheap)."""
    found = conn.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC "
        "LIMIT 1 OFFSET ?",
        [folded, ranked - 1],
    ).fetchone()
    return int(found[0]) if found else 0


def matched_fields(row: dict) -> tuple[str, ...]:
    """The fields whose highlight holds a match: title, body_text, source (in that order)."""
    fields = (("title", "title_hl"), ("body_text", "body_hl"), ("source", "source_hl"))
    return tuple(name for name, column in fields if _OPEN in (row.get(column) or ""))


def exact_phrase(query: str) -> str:
    """The words of ``query`` (quotes dropped) as one phrase, NFC, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", query).replace('"', " ").split())


def contains_exact(text: str | None, phrase: str | None) -> bool:
    """Whether ``phrase`` occurs in ``text`` as whole words with the same letters and diacritics
    (case ignored): ``tuyên giáo`` is in ``Ban Tuyên giáo`` but not in ``tuyên giao``."""
    if not text or not phrase:
        return False
    needle = unicodedata.normalize("NFC", phrase).casefold()
    haystack = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    pattern = r"(?<!\w)" + re.escape(needle) + r"(?!\w)"
    return re.search(pattern, haystack) is not None


def sql_snippet(highlighted: str | None, original: str | None) -> str:
    """``archive_snippet(highlight(...folded column...), stored_text)`` for SQL (datasette plugin):
    the snippet with the stored letters restored and matches in [brackets]."""
    return show_markers(make_snippet(restore_letters(highlighted, original)), "[", "]") or ""
