"""``portal-archive search``: the ranked search from the command line.

In a module of its own that imports only click, the option helpers and :mod:`archive.search`, so
that a search loads no more than it needs (the command group loads it alone, see
``portal_spider.cli``): an archive already at the current schema is read with plain sqlite3.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any, TextIO

import click

from archive.cli_options import check_portals, db_option, filter_options, with_options
from archive.db import open_for_reading
from archive.search import SearchSyntaxError, search


@click.command("search")
@click.argument("query")
@db_option()
@with_options(filter_options(multiple_portals=False))
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=10_000),
    default=20,
    show_default=True,
    help="How many hits.",
)
@click.option("--literal", is_flag=True, help="Search the words as typed, ignoring FTS syntax.")
@click.option(
    "--exact",
    is_flag=True,
    help="The words as one phrase with their diacritics as typed (case ignored).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the hits as a JSON array.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the hits as CSV (with a header).")
def search_command(
    query: str,
    db_path: Path,
    portal: str | None,
    province: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    literal: bool,
    exact: bool,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Search articles' title, body and source; best matches first.

    Words match with or without diacritics: "tuyen giao" finds "tuyên giáo" and "dang uy" finds
    "Đảng ủy". QUERY uses SQLite FTS5 syntax: "a phrase" in double quotes, AND / OR / NOT in
    capitals, word* for a prefix, title: to search one field. Matches are shown in [brackets],
    with the fields they were found in. --exact keeps the diacritics: "tuyên giáo" then does not
    find "giao nhiệm vụ".
    """
    if as_json and as_csv:
        raise click.UsageError("--json and --csv cannot be combined.")
    db = open_for_reading(db_path)
    if portal:
        check_portals(db, [portal])
    try:
        hits = search(
            db, query, portal, province, since, until, limit, literal=literal, exact=exact
        )
    except SearchSyntaxError as error:
        hint = "" if literal else " Or use --literal to search the words as typed."
        # a query that is not valid FTS5 is a usage error, exit 2 like every other one
        raise click.BadParameter(f"{error}{hint}", param_hint="QUERY") from None
    if as_json:
        click.echo(json.dumps([hit.to_dict() for hit in hits], ensure_ascii=False, indent=2))
        return
    if as_csv:
        write_hits_csv(hits, sys.stdout)
        return
    if not hits:
        click.echo(f"No articles match {query!r}.", err=True)
        return
    for rank, hit in enumerate(hits, 1):
        where = hit.portal or "?"
        if hit.province:
            where += f" ({hit.province})"
        date = (hit.published_at or "undated")[:10]
        views = "" if hit.views is None else f" · {hit.views} views"
        matched = f" · matched in {', '.join(hit.matched)}" if hit.matched else ""
        click.echo(f"{rank}. {hit.title_highlighted or hit.title or '(untitled)'}")
        click.echo(f"   {where} · {date}{views} · {hit.id}{matched}")
        if hit.snippet:
            click.echo(f"   {hit.snippet}")
        if hit.url:
            click.echo(f"   {hit.url}")
        click.echo("")


HIT_COLUMNS = (
    "rank", "id", "title", "portal", "portal_name", "province", "published_at", "views",
    "source", "matched", "snippet", "url",
)  # fmt: skip


def write_hits_csv(hits: list[Any], stream: TextIO) -> None:
    """The hits as CSV: one row each, best first; ``matched`` lists fields separated by spaces."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(HIT_COLUMNS)
    for rank, hit in enumerate(hits, 1):
        row = hit.to_dict()
        row["rank"], row["matched"] = rank, " ".join(hit.matched)
        writer.writerow([row[column] for column in HIT_COLUMNS])
