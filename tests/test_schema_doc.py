"""docs/SCHEMA.md against the real schema: its SQL runs, and it documents every table and column.

The example queries are run on a fresh archive (``open_archive``, every migration applied) holding
the rows of ``archive_fixtures.build_archive`` plus a row in each crawl-state table, written by the
functions the crawler uses. Every table and view of that archive (SQLite's and FTS5's internal
tables and ``_sqlite_migrations`` aside) must have a section of SCHEMA.md naming each of its
columns in backticks.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from pathlib import Path

import pytest
from archive_fixtures import SEED_ID, build_archive
from sqlite_utils import Database

from archive.crawl_memory import begin_walk, complete_walk, record_failure
from archive.runs import RunWarning, save_warnings
from archive.store import ArchiveStore

logger = logging.getLogger(__name__)

DOCS = Path(__file__).resolve().parent.parent / "docs"
SCHEMA_DOC = DOCS / "SCHEMA.md"
# documents whose ```sql blocks are run on the archive
SQL_DOCS = (SCHEMA_DOC, DOCS / "OPERATIONS.md")
# values for the named parameters (:name) the example queries use
PARAMETERS = {"article_id": SEED_ID, "q": "dang uy", "portal": "tramtau"}
FTS5_SHADOW_SUFFIXES = ("data", "idx", "content", "docsize", "config")
PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
FENCE = re.compile(r"^```(\w*)\s*$")
HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def code_blocks(text: str, language: str) -> list[str]:
    """The bodies of the fenced code blocks of ``language`` in a Markdown text."""
    blocks: list[str] = []
    current: list[str] | None = None
    current_language = ""
    for line in text.splitlines():
        fence = FENCE.match(line)
        if current is None and fence:
            current, current_language = [], fence.group(1)
        elif current is not None and line.strip() == "```":
            if current_language == language:
                blocks.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def statements(block: str) -> list[str]:
    """The SQL statements of a block, split where SQLite says a statement is complete."""
    found: list[str] = []
    buffer = ""
    for line in block.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            found.append(buffer.strip())
            buffer = ""
    assert not buffer.strip() or all(
        row.strip().startswith("--") for row in buffer.strip().splitlines()
    ), f"unterminated SQL statement:\n{buffer}"
    return found


def sections(text: str) -> list[tuple[str, str]]:
    """(heading, body) of each section of a Markdown text, headings inside code blocks ignored."""
    result: list[tuple[str, list[str]]] = [("", [])]
    in_code = False
    for line in text.splitlines():
        if FENCE.match(line) or (in_code and line.strip() == "```"):
            in_code = not in_code
        heading = HEADING.match(line) if not in_code else None
        if heading:
            result.append((heading.group(2), []))
        else:
            result[-1][1].append(line)
    return [(heading, "\n".join(body)) for heading, body in result]


def sql_examples() -> list[tuple[str, str]]:
    """(id, statement) of every SQL statement in the documents."""
    examples = []
    for doc in SQL_DOCS:
        for b, block in enumerate(code_blocks(doc.read_text(encoding="utf-8"), "sql"), 1):
            for s, statement in enumerate(statements(block), 1):
                examples.append((f"{doc.name}-block{b}-{s}", statement))
    return examples


EXAMPLES = sql_examples()


def populated_archive(path: Path) -> Database:
    """The fixture archive, with a capture, a listing walk, a pending article and a warning."""
    db = build_archive(path)
    store = ArchiveStore(db)
    store.save_capture(
        portal="tramtau",
        run_id=1,
        url="https://tramtau.yenbai.gov.vn/tin/1",
        body=b"<html><body><p>tin</p></body></html>",
        http_status=200,
        headers={"Content-Type": "text/html; charset=utf-8"},
        fetched_at="2025-06-20T02:10:00+00:00",
    )
    listing = "https://tramtau.yenbai.gov.vn/tin-tuc"
    begin_walk(db, "tramtau", listing, listing + "?Page=1", "2025-06-20T02:00:00+00:00")
    complete_walk(
        db,
        "tramtau",
        listing,
        when="2025-06-20T02:20:00+00:00",
        mode="full",
        deepest_page=12,
        pages=12,
    )
    record_failure(
        db,
        article_id="mucangchai-9",
        portal="mucangchai",
        url="https://mucangchai.yenbai.gov.vn/tin/9",
        error="HTTP 503",
        when="2025-06-21T02:05:00+00:00",
    )
    save_warnings(
        db,
        2,
        [RunWarning("mucangchai", "error_rate", "1 of 12 requests failed", 8.3, 10.0)],
        "2025-06-21T02:10:00+00:00",
    )
    return db


def test_the_documents_hold_sql_examples():
    assert len(EXAMPLES) >= 10
    assert any("articles_fts" in statement for _, statement in EXAMPLES)


@pytest.mark.parametrize("statement", [s for _, s in EXAMPLES], ids=[i for i, _ in EXAMPLES])
def test_example_sql_runs_on_a_fresh_archive(tmp_path, statement):
    db = populated_archive(tmp_path / "archive.db")
    names = set(PARAMETER.findall(statement))
    missing = names - set(PARAMETERS)
    assert not missing, f"give the test a value for the parameters {sorted(missing)}"
    params = {name: PARAMETERS[name] for name in names}
    db.conn.execute(statement, params).fetchall()


def documented_objects(db: Database) -> dict[str, list[str]]:
    """Every user table and view of the archive, with its columns."""
    virtual = [
        row[0]
        for row in db.execute(
            "select name from sqlite_master where type = 'table' and sql like 'CREATE VIRTUAL%'"
        ).fetchall()
    ]
    # FTS5's shadow tables (an external-content index has no _content table: its content is
    # articles itself, documented with its folded columns)
    internal = {f"{name}_{suffix}" for name in virtual for suffix in FTS5_SHADOW_SUFFIXES}
    tables = [
        name
        for name in db.table_names()
        if not name.startswith("sqlite_") and name != "_sqlite_migrations" and name not in internal
    ]
    names = tables + db.view_names()
    return {name: [column.name for column in db[name].columns] for name in names}


def test_schema_doc_names_every_table_and_column(tmp_path):
    objects = documented_objects(populated_archive(tmp_path / "archive.db"))
    assert {"articles", "crawl_state", "pending_articles", "run_warnings"} <= set(objects)
    doc_sections = sections(SCHEMA_DOC.read_text(encoding="utf-8"))
    problems = []
    for name, columns in sorted(objects.items()):
        bodies = [body for heading, body in doc_sections if f"`{name}`" in heading]
        if not bodies:
            problems.append(f"no section of SCHEMA.md is headed `{name}`")
            continue
        text = "\n".join(bodies)
        undocumented = [column for column in columns if f"`{column}`" not in text]
        if undocumented:
            problems.append(f"`{name}`: columns not documented: {', '.join(undocumented)}")
    assert not problems, "\n".join(problems)
