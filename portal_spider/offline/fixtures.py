"""Fixture pages: saved article pages beside the values a parser must find on them.

A case is a directory ``<root>/<platform>/<case>/`` holding ``page.html`` (the page as served),
``url.txt`` (the URL it was served at) and ``expected.json`` (one value per checked field, plus
``body_excludes``: strings of widgets and sidebars that must not end up in the body). The tests
check one field per test; ``portal-archive fixtures regenerate`` recomputes ``expected.json`` from
the current parsers and shows the difference, to be read by a human before ``--write``.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal_spider.offline.parse import parse_page

DEFAULT_ROOT = Path("tests/fixtures/pages")
FIELDS = (
    "platform",
    "title",
    "published_at",
    "views",
    "source",
    "author",
    "category",
    "body_start",
    "body_end",
    "images",
    "attachments",
)
# hand-written entries that regeneration keeps as they are
KEPT = ("body_excludes", "note")


@dataclass
class FixtureCase:
    """One saved page and what a parser must find on it."""

    path: Path
    url: str
    html: str
    expected: dict[str, Any]

    @property
    def name(self) -> str:
        """``<platform>/<case>``."""
        return f"{self.path.parent.name}/{self.path.name}"

    @property
    def expected_file(self) -> Path:
        return self.path / "expected.json"


def load_case(path: Path) -> FixtureCase:
    """Read one case directory."""
    expected_file = path / "expected.json"
    expected = json.loads(expected_file.read_text("utf-8")) if expected_file.exists() else {}
    return FixtureCase(
        path=path,
        url=(path / "url.txt").read_text("utf-8").strip(),
        html=(path / "page.html").read_text("utf-8"),
        expected=expected,
    )


def find_cases(root: Path = DEFAULT_ROOT) -> list[FixtureCase]:
    """Every case under ``root``, sorted by name."""
    return [load_case(page.parent) for page in sorted(root.glob("*/*/page.html"))]


def parse_case(case: FixtureCase, platform_name: str | None = None) -> dict[str, Any]:
    """The record ``portal-archive parse`` prints for the case's page."""
    item = parse_page(case.html, case.url, platform_name=platform_name, use_registry=False)
    return item.to_record()


def paragraphs(body: str | None) -> list[str]:
    """The paragraphs of a body text."""
    return [p for p in (body or "").split("\n\n") if p.strip()]


def observed(record: dict[str, Any]) -> dict[str, Any]:
    """The checked fields' values in a record."""
    parts = paragraphs(record.get("body_text"))
    return {
        "platform": record.get("platform"),
        "title": record.get("title"),
        "published_at": record.get("published_at"),
        "views": record.get("views"),
        "source": record.get("source"),
        "author": record.get("author"),
        "category": record.get("category"),
        "body_start": parts[0] if parts else None,
        "body_end": parts[-1] if parts else None,
        "images": len(record.get("images") or []),
        "attachments": len(record.get("attachments") or []),
    }


def field_problem(record: dict[str, Any], expected: dict[str, Any], field: str) -> str | None:
    """Why ``record`` does not have the expected value of ``field`` (None when it does)."""
    body = record.get("body_text") or ""
    want = expected.get(field)
    if field == "body_start":
        ok = bool(want) and body.startswith(want)
        return None if ok else f"body starts {body[:120]!r}, expected {str(want)[:120]!r}"
    if field == "body_end":
        ok = bool(want) and body.endswith(want)
        return None if ok else f"body ends {body[-120:]!r}, expected {str(want)[-120:]!r}"
    if field == "body_excludes":
        found = [s for s in want or [] if s in body]
        return f"body contains {found}" if found else None
    got = observed(record).get(field)
    return None if got == want else f"{field} is {got!r}, expected {want!r}"


def regenerated(case: FixtureCase) -> dict[str, Any]:
    """The case's expected values as the current parsers see them (hand-written entries kept)."""
    values = observed(parse_case(case))
    for name in KEPT:
        if name in case.expected:
            values[name] = case.expected[name]
    return values


def dump(values: dict[str, Any]) -> str:
    """The JSON text of an expected.json file."""
    return json.dumps(values, ensure_ascii=False, indent=2) + "\n"


def diff(case: FixtureCase, values: dict[str, Any]) -> str:
    """A unified diff from the case's expected.json to ``values`` ('' when equal)."""
    old = dump(case.expected).splitlines(keepends=True) if case.expected else []
    new = dump(values).splitlines(keepends=True)
    name = str(case.expected_file)
    return "".join(difflib.unified_diff(old, new, fromfile=name, tofile=name + " (regenerated)"))
