"""Exports: CSV and JSON Lines round-trip every article once, NFC intact, in constant memory."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
import unicodedata
from pathlib import Path

import click
import pytest
from archive_fixtures import PORTALS, SEED_ID, build_archive, bulk_articles
from click.testing import CliRunner
from sqlite_utils import Database

from archive import cli
from archive.db import open_archive
from archive.export import JSON_COLUMNS, columns, export
from archive.filters import ArticleFilter


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    db = build_archive(path)
    db["articles"].insert_all(bulk_articles(56, nfd_every=5))
    return path


def expected_rows(db: Database, include_html: bool = False) -> dict[str, dict]:
    """The archive's articles keyed by id, with the export's columns."""
    select = ", ".join(f"{expr} AS {name}" for name, expr in columns(include_html))
    sql = f"SELECT {select} FROM articles a LEFT JOIN portals p ON p.slug = a.portal"
    return {row["id"]: row for row in db.query(sql)}


def invoke(*args: str) -> object:
    group = click.Group("portal-archive")
    cli.register(group)
    return CliRunner().invoke(group, list(args))


def assert_nfc(record: dict) -> None:
    for value in record.values():
        if isinstance(value, str):
            assert unicodedata.is_normalized("NFC", value)


def test_csv_round_trip(archive_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "articles.csv"
    result = invoke("export", "--db", str(archive_path), "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "Exported 60 article(s)" in result.output
    expected = expected_rows(open_archive(archive_path))
    assert len(expected) == 60
    with open(out, encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [row["id"] for row in rows].count(SEED_ID) == 1
    assert sorted(row["id"] for row in rows) == sorted(expected)
    for row in rows:
        assert_nfc(row)
        want = {k: "" if v is None else str(v) for k, v in expected[row["id"]].items()}
        assert row == want
    seed = next(row for row in rows if row["id"] == SEED_ID)
    assert seed["province"] == "Yên Bái" and seed["portal_name"].endswith("Trạm Tấu")
    assert "Đảng ủy" in seed["body_text"]


def test_jsonl_round_trip(archive_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "articles.jsonl"
    result = invoke(
        "export", "--db", str(archive_path), "--format", "jsonl", "-o", str(out), "--html"
    )
    assert result.exit_code == 0, result.output
    expected = expected_rows(open_archive(archive_path), include_html=True)
    lines = out.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == len({r["id"] for r in records}) == len(expected) == 60
    for record in records:
        assert_nfc(record)
        want = dict(expected[record["id"]])
        for name in JSON_COLUMNS:
            want[name] = json.loads(want[name])
        assert record == want
    assert "Tuyên giáo" in out.read_text(encoding="utf-8")  # not \u-escaped


def test_order_is_deterministic_and_filters_apply(archive_path: Path) -> None:
    db = open_archive(archive_path)
    first, second = io.StringIO(), io.StringIO()
    export(db, first, "jsonl")
    export(db, second, "jsonl")
    assert first.getvalue() == second.getvalue()
    keys = [
        (r["portal"], r["published_at"] or "", r["id"])
        for r in map(json.loads, first.getvalue().splitlines())
    ]
    assert keys == sorted(keys)
    out = io.StringIO()
    filters = ArticleFilter(portals=("tramtau", "dongcuong"), since="2023-07", until="2023-07")
    assert export(db, out, "jsonl", filters) == 1
    assert json.loads(out.getvalue())["id"] == SEED_ID
    assert export(db, io.StringIO(), "csv", ArticleFilter(province="lao cai")) == 19


def test_csv_bom_for_spreadsheets_and_stdout(archive_path: Path) -> None:
    result = invoke("export", "--db", str(archive_path), "--bom", "--portal", "tramtau")
    assert result.exit_code == 0, result.output
    data = result.stdout_bytes
    assert data.startswith(b"\xef\xbb\xbfid,portal,portal_name,province")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert {row["portal"] for row in rows} == {"tramtau"} and len(rows) == 20


def test_bom_is_refused_for_jsonl(archive_path: Path) -> None:
    result = invoke("export", "--db", str(archive_path), "--format", "jsonl", "--bom")
    assert result.exit_code == 2 and "CSV only" in result.output


class CountingSink(io.TextIOBase):
    """A text stream that only counts what is written, so the export's own memory is measured."""

    def __init__(self) -> None:
        self.chars = 0

    def write(self, text: str) -> int:
        self.chars += len(text)
        return len(text)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_streams_in_constant_memory(tmp_path: Path, fmt: str) -> None:
    db = open_archive(tmp_path / "big.db")
    db["portals"].insert_all(PORTALS)
    db["articles"].insert_all(bulk_articles(3000, body_words=800), batch_size=500)
    sink = CountingSink()
    tracemalloc.start()
    try:
        count = export(db, sink, fmt)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 3000
    assert sink.chars > 10_000_000  # the export itself is much larger than the peak below
    assert peak < 1_000_000  # holding the rows would take more than ten times this


def test_csv_made_by_sqlite_is_what_the_csv_module_writes(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "tricky.db")
    db["portals"].insert_all(PORTALS)
    rows = bulk_articles(7)
    tricky = ['a, "quoted" word', "two\nlines", "carriage\rreturn", "", None, "plain", '50% "%w"']
    for row, value in zip(rows, tricky, strict=True):
        row.update(title=value, source=value, views=None if value is None else 12)
    db["articles"].insert_all(rows)
    out = io.StringIO(newline="")
    assert export(db, out, "csv") == 7
    select = ", ".join(f"{expr} AS {name}" for name, expr in columns())
    expected = io.StringIO(newline="")
    writer = csv.writer(expected)
    writer.writerow([name for name, _ in columns()])
    writer.writerows(
        db.execute(
            f"SELECT {select} FROM articles a LEFT JOIN portals p ON p.slug = a.portal "
            "ORDER BY a.portal, a.published_at, a.id"
        ).fetchall()
    )
    assert out.getvalue() == expected.getvalue()
    assert '"a, ""quoted"" word"' in out.getvalue() and '"two\nlines"' in out.getvalue()
