"""Facts about the search indexes shared by the migrations that build them and the search that
reads them, in a module that imports nothing heavy (the ``search`` command loads only this much).

Letters that unicode61's remove_diacritics does not fold are mapped to their plain Latin form:
đ/Đ are Vietnamese letters of their own; ð/Ð (Icelandic eth) stand in for them in text that went
through old Vietnamese font encodings. The index built by m002 bakes this table in: changing it
needs a new migration that rebuilds it.

``articles_recent_fts`` (migration m013) indexes only the most recently archived articles, so
that bm25 there costs time in proportion to those few: FTS5's bm25 counts, for every query word,
the rows of the whole index that hold it, which over hundreds of thousands of articles costs more
than ranking itself. The search ranks there only queries that match a great many articles
(archive.search, docs/READING_ROOM.md "The ranked window").
"""

from __future__ import annotations

FOLDED_LETTERS = {"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"}
FTS_COLUMNS = ("title", "body_text", "source")
# The ranking index holds the RECENT_ARTICLES most recently archived articles and up to
# RECENT_STEP more: once it holds RECENT_ARTICLES + RECENT_STEP, the oldest RECENT_STEP leave
# it in one batch (a trigger on ``articles``), so a crawl pays for it once every RECENT_STEP
# articles and not on each one.
RECENT_ARTICLES = 10_000
RECENT_STEP = 1_000
# The newest migration: an archive that has it applied needs none, and a command that only reads
# (``search``) opens it with plain sqlite3 instead of loading sqlite-utils to check.
LATEST_MIGRATION = "m014_files_by_url"
