"""Crawling the demo portals in software the project has no page object for, and scoring the result.

Each portal is a registry row with ``platform = "auto"`` and no entry point, crawled from its home
page only by ``portal-archive crawl --all``, then once more a day later with nothing changed;
:func:`score` compares the archive with the articles the portal serves, field by field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from crawl_helpers import write_registry
from crawl_machinery import NOW, crawl

from archive.db import open_archive
from portal_spider.demo.server import PortalServer
from portal_spider.demo.unnamed_portal import UnnamedPortal

FIELDS = ("title", "published_at", "views", "body", "source")
ID_PARAM = re.compile(r"[?&]id=(\d+)")


@dataclass
class TwoRuns:
    """The requests of both runs, the archive, and the portal."""

    site: UnnamedPortal
    db_path: Path
    first: list[str]
    second: list[str]
    rows: list[dict] = field(default_factory=list)


def crawl_twice(site: UnnamedPortal, db_path: Path) -> TwoRuns:
    """Crawl ``site`` from its home page, then again a day later (unchanged)."""
    with PortalServer(site) as server:
        site.base = server.url
        row = {"slug": "unnamed", "name": site.name, "base_url": server.url + "/"}
        registry = write_registry(db_path.with_name("portals.toml"), [row])
        args = ("--all", "--db", str(db_path), "--delay", "0.005")
        first = crawl(*args, now=NOW, registry=registry)
        assert first.returncode == 0, first.stderr[-3000:]
        first_targets = list(server.log.targets)
        server.log.clear()
        second = crawl(*args, now=NOW + timedelta(days=1), registry=registry)
        assert second.returncode == 0, second.stderr[-3000:]
        second_targets = list(server.log.targets)
    db = open_archive(db_path)
    rows = [dict(row) for row in db.query("select * from articles")]
    db.close()
    return TwoRuns(site, db_path, first_targets, second_targets, rows)


def article_number(site: UnnamedPortal, url: str) -> str | None:
    """The number of the portal's article at ``url`` (None: not one of its articles)."""
    found = ID_PARAM.search(url)
    if found:
        return found.group(1) if int(found.group(1)) in site.by_number else None
    path = url.split("?", 1)[0]
    for article in site.articles:
        if path.endswith(site.article_path(article)):
            return str(article.number)
    return None


@dataclass
class Score:
    """How faithfully an archive holds a portal's articles."""

    expected: int
    archived: set[str] = field(default_factory=set)
    not_articles: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    right: dict[str, int] = field(default_factory=dict)
    wrong: list[tuple] = field(default_factory=list)

    def share(self, name: str) -> float:
        return self.right.get(name, 0) / max(1, len(self.archived))


def field_values(row: dict, expected: dict) -> dict[str, bool]:
    body = row.get("body_text") or ""
    return {
        "title": row["title"] == expected["title"],
        "published_at": (row["published_at"] or "")[:16] == expected["published_at"][:16],
        "views": row["views"] == expected["views"],
        "body": expected["body_start"] in body and expected["body_end"] in body,
        "source": row["source"] == expected["source"],
    }


def score(runs: TwoRuns) -> Score:
    """Compare the archive's rows with what the portal serves."""
    expected = runs.site.expected()
    result = Score(len(expected), right={name: 0 for name in FIELDS})
    for row in runs.rows:
        number = article_number(runs.site, row["url"])
        if number is None:
            result.not_articles.append(row["url"])
            continue
        if number in result.archived:
            result.duplicates.append(row["url"])
            continue
        result.archived.add(number)
        for name, ok in field_values(row, expected[number]).items():
            result.right[name] += ok
            if not ok:
                result.wrong.append((name, row["url"], row.get(name)))
    return result
