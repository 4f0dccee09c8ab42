"""The researcher commands: search, export, export-warc, serve, stats.

``register(group)`` adds them to the main ``portal-archive`` command group;
``python -m archive.cli`` runs them on their own (the crawler need not be installed).
"""

from __future__ import annotations

import io
import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import click

from archive.breakdown import BREAKDOWNS, breakdown, format_breakdown
from archive.cli_options import ARCHIVE_ENV as ARCHIVE_ENV  # the --db variable, for callers
from archive.cli_options import (
    capture_selection,
    check_portals,
    db_option,
    filter_options,
    with_options,
)
from archive.db import open_archive
from archive.export import FORMATS, export
from archive.filters import ArticleFilter
from archive.runs import format_run, latest_runs
from archive.search_command import search_command
from archive.stats import archive_stats, format_stats


@contextmanager
def _output(path: Path | None, encoding: str, newline: str) -> Iterator[TextIO]:
    """A text stream to ``path`` (written to a temporary name, renamed when complete) or stdout."""
    if path is None:
        sys.stdout.flush()
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding=encoding, newline=newline)
        try:
            yield stream
        finally:
            stream.flush()
            stream.detach()
        return
    partial = path.with_name(path.name + ".partial")
    try:
        with open(partial, "w", encoding=encoding, newline=newline) as stream:
            yield stream
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


@click.command("export")
@db_option()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="csv",
    show_default=True,
    help="Output format.",
)
@with_options(filter_options(multiple_portals=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File (default: stdout).",
)
@click.option("--bom", is_flag=True, help="Start the CSV with a UTF-8 BOM (for Excel).")
@click.option("--html", "include_html", is_flag=True, help="Add the body_html column.")
def export_command(
    db_path: Path,
    fmt: str,
    portal: tuple[str, ...],
    province: str | None,
    since: str | None,
    until: str | None,
    output: Path | None,
    bom: bool,
    include_html: bool,
) -> None:
    """Export articles, with their portal's name, province and level, as CSV or JSON Lines.

    Rows are ordered by portal, publication date and id, so repeated exports are identical. Text
    is UTF-8 as stored (NFC). JSON Lines decodes the JSON columns (images, attachments, problems,
    extraction) into lists and objects; CSV keeps them as text. The export streams: memory use
    does not grow with the archive.
    """
    if bom and fmt != "csv":
        raise click.UsageError("--bom is for CSV only.")
    filters = ArticleFilter(portals=portal, province=province, since=since, until=until)
    db = open_archive(db_path)
    check_portals(db, portal)
    encoding = "utf-8-sig" if bom else "utf-8"
    with _output(output, encoding, "" if fmt == "csv" else "\n") as stream:
        count = export(db, stream, fmt, filters, include_html)
    click.echo(f"Exported {count} article(s){f' to {output}' if output else ''}.", err=True)


@click.command("export-warc")
@db_option(must_exist=False)
@capture_selection("The WARC file to write, e.g. captures.warc.gz.")
def export_warc_command(
    db_path: Path,
    portal: tuple[str, ...],
    since: str | None,
    until: str | None,
    output: Path,
) -> None:
    """Export the raw captures as a WARC file, for pywb and other archive tools.

    The file is WARC/1.0, gzipped per record: a warcinfo record, then for each capture in
    capture order a response record (status line, headers and body as fetched), or a revisit
    record when its bytes were kept already, its request record and a metadata record. The
    dates filter on the fetch time. Bodies are kept decoded, so Transfer-Encoding and a stale
    Content-Encoding are dropped and Content-Length is the body's length. The export streams.
    """
    from archive.warc import write_warc  # imports warcio: only when exporting WARC

    if not db_path.is_file():
        raise click.ClickException(f"{db_path}: no such archive")
    db = open_archive(db_path)
    try:
        count = write_warc(db, output, portal=portal, since=since, until=until)
    except OSError as error:
        raise click.ClickException(f"{output}: {error.strerror or error}") from None
    click.echo(f"Wrote {count} capture(s) to {output}.", err=True)


@click.command("serve")
@db_option()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8001,
    show_default=True,
    help="Port to listen on.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the archive in a web browser.")
def serve_command(db_path: Path, host: str, port: int, open_browser: bool) -> None:
    """Browse and search the archive in datasette, with the archive's metadata, facets and
    stored queries. Listens on 127.0.0.1 unless told otherwise; stop with Ctrl+C."""
    from archive.serve import serve  # imports datasette: only when serving

    open_archive(db_path).close()  # brings the schema (and search index) up to date first
    click.echo(f"Serving {db_path} at http://{host}:{port}/", err=True)
    serve(db_path, host=host, port=port, open_browser=open_browser)


@click.command("stats")
@db_option()
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@click.option(
    "--by",
    type=click.Choice(BREAKDOWNS),
    help="Articles, views and dates per month, year, category or portal instead.",
)
@click.option("--portal", multiple=True, help="With --by: only this portal; repeat for several.")
def stats_command(db_path: Path, as_json: bool, by: str | None, portal: tuple[str, ...]) -> None:
    """Show what the archive holds: articles, dates and views per portal, and the last crawl;
    with --by, a breakdown by month, year, category or portal (months and years in date order)."""
    db = open_archive(db_path)
    check_portals(db, portal)
    if portal and not by:
        raise click.UsageError("--portal needs --by.")
    if by:
        rows = breakdown(db, by, ArticleFilter(portals=portal))
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            click.echo(format_breakdown(rows, by))
        return
    stats = archive_stats(db)
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False, indent=2))
    else:
        click.echo(format_stats(stats))


@click.command("bench-reading")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default="bench-reading.db",
    show_default=True,
    help="The benchmark archive: built there if the file does not exist, reused if it does.",
)
@click.option(
    "--articles",
    type=click.IntRange(min=100),
    default=500_000,
    show_default=True,
    help="How many articles to build the archive with.",
)
@click.option("--samples", type=click.IntRange(min=5), default=40, show_default=True,
              help="Requests per page.")  # fmt: skip
@click.option("--cli-samples", type=click.IntRange(min=1), default=10, show_default=True,
              help="Runs of the search command.")  # fmt: skip
@click.option(
    "--cold",
    is_flag=True,
    help="Time the archive as the disk serves it: skip reading the file into the page cache first.",
)
def bench_reading_command(
    db_path: Path, articles: int, samples: int, cli_samples: int, cold: bool
) -> None:
    """Time the reading room at scale: every page, the search, and the search command.

    Builds an archive of --articles articles (text sampled from the demo portal's articles) if
    --db does not exist, then prints p50/p95 latencies; exits 1 if any p95 is 0.5 s or more.
    The archive's file is read once before timing, as a server that has been serving it holds it
    in the page cache; --cold leaves that out and the figures include the disk's reads.
    """
    from archive.bench_reading import build_archive_at_scale, measure, report

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if not db_path.exists():
        build_archive_at_scale(db_path, articles).close()
    figures = measure(db_path, samples, cli_samples, cold=cold)
    if not report(figures, click.echo):
        sys.exit(1)


@click.command("runs")
@db_option()
@click.option("--portal", help="Only the runs of this portal (its slug).")
@click.option(
    "--limit",
    default=20,
    show_default=True,
    type=click.IntRange(min=1),
    help="How many runs to show, newest first.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines instead of text.")
def runs_command(db_path: Path, portal: str | None, limit: int, as_json: bool) -> None:
    """Show the latest crawl runs: status, pages, articles new/updated/gone, failures, warnings."""
    rows = latest_runs(open_archive(db_path), portal, limit)
    if not rows:
        click.echo("no crawl run recorded" + (f" for {portal}" if portal else ""))
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
            continue
        click.echo(f"#{row['id']} {row['started_at']}  {format_run(row)}")
        if row["fields_missing"]:
            missing = ", ".join(f"{k} {v}" for k, v in sorted(row["fields_missing"].items()))
            click.echo(f"    fields not found: {missing}")
        for message in row["warnings"]:
            click.echo(f"    warning: {message}")


COMMANDS = (
    search_command,
    export_command,
    export_warc_command,
    serve_command,
    stats_command,
    bench_reading_command,
    runs_command,
)


def register(group: click.Group) -> None:
    """Add the researcher commands to ``group``."""
    from archive import capture_cli  # imports this module: registered here, not at its top

    for command in COMMANDS + capture_cli.COMMANDS:
        group.add_command(command)


@click.group("portal-archive")
def main() -> None:
    """Search, export, serve and summarise a portal-archive database."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)


register(main)

if __name__ == "__main__":
    main()
