"""Fixture pages of every platform family: one test per field per page, and the generic floor.

The pages under ``tests/fixtures/pages/<platform>/<case>/`` are full pages with their traps (site
counters, sidebars with their own dated headlines, modification times in meta tags). Each field
is checked through the code behind ``portal-archive parse``; one test per case runs the command
itself. The generic page object alone must still get title, date and body right on at least
90% of the pages. ``heldout/<case>/`` holds pages in layouts the parsers were not written
against; their ``platform`` is the family detection should choose (or ``generic``).
"""

from __future__ import annotations

import json
import logging
import shutil
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal_spider.cli import main
from portal_spider.offline.fixtures import (
    FIELDS,
    FixtureCase,
    field_problem,
    find_cases,
    parse_case,
)
from portal_spider.platforms import all_platforms

logger = logging.getLogger(__name__)

ROOT = Path(__file__).parent / "fixtures" / "pages"
CASES = find_cases(ROOT)
CHECKED = (*FIELDS, "body_excludes")
GENERIC_FIELDS = ("title", "published_at", "body_start", "body_end", "body_excludes")
GENERIC_FLOOR = 0.9
FAMILIES = tuple(name for name in all_platforms() if name != "generic")
HELDOUT = "heldout"


@cache
def record(name: str, platform: str | None = None) -> dict:
    case = next(c for c in CASES if c.name == name)
    return parse_case(case, platform)


def test_every_family_has_at_least_two_cases():
    families = [c.path.parent.name for c in CASES]
    for family in (*FAMILIES, "generic"):
        assert families.count(family) >= 2, family
    assert families.count(HELDOUT) >= 10


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case_is_complete(case: FixtureCase):
    assert set(CHECKED) <= set(case.expected), f"{case.name}: regenerate its expected.json"
    folder = case.path.parent.name
    if folder == HELDOUT:
        assert case.expected["platform"] in (*FAMILIES, "generic")
    else:
        assert case.expected["platform"] == folder


@pytest.mark.parametrize(
    ("case", "field"),
    [(case, field) for case in CASES for field in CHECKED],
    ids=lambda value: value.name if isinstance(value, FixtureCase) else value,
)
def test_field(case: FixtureCase, field: str):
    problem = field_problem(record(case.name), case.expected, field)
    assert problem is None, f"{case.name}: {problem}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_parse_command(case: FixtureCase, tmp_path: Path):
    page = tmp_path / "page.html"
    shutil.copy(case.path / "page.html", page)
    result = CliRunner().invoke(main, ["parse", str(page), "--url", case.url])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    problems = [field_problem(printed, case.expected, f) for f in CHECKED]
    assert [p for p in problems if p] == []
    assert set(printed["extraction"]) >= {"title", "published_at", "body_text"}
    assert all(how.startswith(("platform:", "generic:")) for how in printed["extraction"].values())


def test_generic_fallback_alone_gets_title_date_and_body_right():
    right, wrong = 0, []
    for case in CASES:
        problems = [
            field_problem(record(case.name, "generic"), case.expected, field)
            for field in GENERIC_FIELDS
        ]
        problems = [p for p in problems if p]
        if problems:
            wrong.append(f"{case.name}: {'; '.join(problems)}")
        else:
            right += 1
    print(f"generic fallback alone: {right}/{len(CASES)} pages right")
    for line in wrong:
        print("  " + line)
    assert right >= GENERIC_FLOOR * len(CASES), "\n".join(wrong)


def test_regenerate_shows_a_diff_and_writes_only_with_write(tmp_path: Path):
    case_dir = tmp_path / "wordpress" / "copy"
    shutil.copytree(ROOT / "wordpress" / "commune-classic-theme", case_dir)
    expected_file = case_dir / "expected.json"
    expected = json.loads(expected_file.read_text("utf-8"))
    expected["views"] = 1
    expected_file.write_text(json.dumps(expected, ensure_ascii=False), "utf-8")
    before = expected_file.read_text("utf-8")

    shown = CliRunner().invoke(main, ["fixtures", "regenerate", "--case", str(case_dir)])
    assert shown.exit_code == 0, shown.output
    assert '-  "views": 1,' in shown.output and '+  "views": 345,' in shown.output
    assert expected_file.read_text("utf-8") == before

    written = CliRunner().invoke(
        main, ["fixtures", "regenerate", "--case", str(case_dir), "--write"]
    )
    assert written.exit_code == 0, written.output
    regenerated = json.loads(expected_file.read_text("utf-8"))
    assert regenerated["views"] == 345
    assert regenerated["body_excludes"] == expected["body_excludes"]


def test_regenerate_of_the_committed_cases_changes_nothing():
    result = CliRunner().invoke(main, ["fixtures", "regenerate", "--root", str(ROOT)])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_regenerate_rejects_a_directory_that_is_not_a_case(tmp_path: Path):
    result = CliRunner().invoke(main, ["fixtures", "regenerate", "--case", str(tmp_path)])
    assert result.exit_code != 0
    assert "not a fixture case" in result.output
