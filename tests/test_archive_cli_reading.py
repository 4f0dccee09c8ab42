"""The researcher's command line: search as CSV, exact search, the field that matched, unknown
portals as usage errors (exit 2), breakdowns by month/year/category/portal, levels without
accents."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from archive_fixtures import SEED_ID, build_archive, insert_article
from archive_fixtures import article as article_row
from click.testing import CliRunner

from archive.cli import main as archive_main
from portal_spider.cli import main


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "archive.db"
    db = build_archive(path)
    insert_article(
        db,
        article_row(
            "mucangchai-1003",
            "mucangchai",
            "Giao nhiệm vụ cho các xã",
            "2023-10-02T08:00:00+07:00",
            10,
            body_text="Huyện giao nhiệm vụ tuyên truyền cho các xã trong tháng mười.",
        ),
    )
    db.close()
    return path


def run(path: Path, *args: str) -> object:
    return CliRunner().invoke(archive_main, [*args, "--db", str(path)], catch_exceptions=False)


def test_search_csv_has_a_row_per_hit_with_the_matched_fields(archive_path: Path) -> None:
    result = run(archive_path, "search", "tuyen giao", "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["id"] == SEED_ID and rows[0]["rank"] == "1"
    assert rows[0]["matched"] == "title body_text source"
    assert "[Tuyên] [giáo]" in rows[0]["snippet"]
    assert {row["id"] for row in rows} == {SEED_ID, "mucangchai-1003"}


def test_exact_search_keeps_the_diacritics(archive_path: Path) -> None:
    loose = run(archive_path, "search", "tuyên giáo", "--csv").stdout
    exact = run(archive_path, "search", "tuyên giáo", "--exact", "--csv").stdout
    assert "mucangchai-1003" in loose  # "tuyên ... giao" matches without the accents
    assert [row["id"] for row in csv.DictReader(io.StringIO(exact))] == [SEED_ID]
    none = run(archive_path, "search", "tuyen giao", "--exact", "--csv").stdout
    assert [row["id"] for row in csv.DictReader(io.StringIO(none))] == []


def test_text_output_says_which_field_matched(archive_path: Path) -> None:
    result = run(archive_path, "search", "Phòng Văn hóa")
    assert "matched in source" in result.stdout
    assert "matched in title" not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("search", "tuyen", "--portal", "tramtao"),
        ("export", "--portal", "tramtau", "--portal", "tramtao"),
        ("stats", "--by", "month", "--portal", "tramtao"),
    ],
)
def test_unknown_portal_is_a_usage_error(archive_path: Path, args: tuple[str, ...]) -> None:
    result = run(archive_path, *args)
    assert result.exit_code == 2
    assert "no portal 'tramtao' in the archive" in result.output
    assert "dongcuong, mucangchai, tramtau" in result.output


def test_stats_by_month_in_date_order(archive_path: Path) -> None:
    result = run(archive_path, "stats", "--by", "month")
    assert result.exit_code == 0, result.output
    months = [line.split()[0] for line in result.stdout.splitlines()[1:]]
    assert months == ["2023-07", "2023-08", "2023-10", "2024-03"]
    assert result.stdout.splitlines()[1].split()[:3] == ["2023-07", "2", "6029"]


def test_stats_by_year_category_portal(archive_path: Path) -> None:
    years = run(archive_path, "stats", "--by", "year", "--json").stdout
    assert '"key": "2023"' in years and '"articles": 4' in years
    categories = json.loads(
        run(archive_path, "stats", "--by", "category", "--portal", "mucangchai", "--json").stdout
    )
    assert sorted((row["key"], row["articles"]) for row in categories) == [
        ("Kinh tế", 1),
        ("Tin hoạt động", 1),
        ("Tin tức - Sự kiện", 1),
    ]
    portals = run(archive_path, "stats", "--by", "portal").stdout.splitlines()[1:]
    assert [line.split()[0] for line in portals] == ["mucangchai", "dongcuong", "tramtau"]


@pytest.mark.parametrize("typed", ["huyen", "huyện", "HUYEN"])
def test_sites_level_without_accents(typed: str) -> None:
    result = CliRunner().invoke(main, ["sites", "--level", typed, "--db", "/nonexistent/a.db"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    rows = lines[: next(i for i, line in enumerate(lines) if line.startswith("coverage ("))]
    levels = {line.split()[1] for line in rows}
    assert levels == {"huyện"} and len(rows) == 696


def test_sites_unknown_level_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["sites", "--level", "quan"])
    assert result.exit_code == 2 and "accents optional" in result.output
