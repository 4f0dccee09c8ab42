"""The ``portal-archive`` command line: crawl, parse, sites, demo, and the archive commands."""

from __future__ import annotations

import importlib
import json
import math
import sqlite3
import sys
from collections.abc import Callable, MutableMapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from archive.cli_options import db_option

if TYPE_CHECKING:  # the page and platform modules load only for the commands that parse
    from portal_spider.normalize.charset import DecodedPage
    from portal_spider.registry import Portal

# Commands that load on their own when they are the one run, name -> "module:attribute": a search
# imports the search and nothing of the crawler (no Scrapy, Twisted, trafilatura, numpy).
LIGHT_COMMANDS = {"search": "archive.search_command:search_command"}


class CommandGroup(click.Group):
    """The command group; an archive SQLite cannot open or read (``--db /dev/null``, a file that
    is no database, a damaged one) is a one-line usage error, not a traceback.

    Commands of other modules are registered late (``register_later``): running one of
    ``LIGHT_COMMANDS`` imports its module alone; anything else that looks a command up, lists
    them (``--help``) or reads ``commands`` registers them all first.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        self._later: list[Callable[[click.Group], None]] = []
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def commands(self) -> MutableMapping[str, click.Command]:  # type: ignore[override]
        while self._later:
            self._later.pop(0)(self)
        return self._commands

    @commands.setter
    def commands(self, value: MutableMapping[str, click.Command]) -> None:
        self._commands = value

    def register_later(self, register: Callable[[click.Group], None]) -> None:
        """Call ``register(self)`` the first time every command is needed."""
        self._later.append(register)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        name = name or cmd.name
        if name is None:
            raise TypeError("Command has no name.")
        self._commands[name] = cmd  # not self.commands: adding one must not load the others

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self._commands and cmd_name in LIGHT_COMMANDS:
            module, _, attribute = LIGHT_COMMANDS[cmd_name].partition(":")
            self._commands[cmd_name] = getattr(importlib.import_module(module), attribute)
        return self._commands.get(cmd_name) or self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except sqlite3.DatabaseError as error:
            raise click.UsageError(f"the archive cannot be opened or read: {error}") from None


@click.group(cls=CommandGroup)
@click.version_option(package_name="portal-archive")
def main() -> None:
    """Crawl Vietnamese government portals and keep their news in an SQLite archive."""


BOOLEAN_WORDS = {"0", "1", "true", "false"}


def _setting_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    """``--set NAME=VALUE`` pairs; a value of the wrong type for the setting is a usage error
    here rather than a traceback in the middle of the crawl."""
    from scrapy.settings import Settings

    defaults = Settings()
    defaults.setmodule("portal_spider.settings", priority="project")
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--set")
        default = defaults.get(name)
        expected = _setting_type_error(default, value)
        if expected:
            raise click.BadParameter(f"{name} takes {expected}, got {value!r}", param_hint="--set")
        overrides[name] = value
    return overrides


def _setting_type_error(default: object, value: str) -> str | None:
    """What a setting with ``default`` takes when ``value`` is not that, else None."""
    text = value.strip()
    if isinstance(default, bool):
        return None if text.lower() in BOOLEAN_WORDS else "true or false"
    if isinstance(default, (int, float)):
        # numbers only: Scrapy reads some integer defaults as floats (delays, timeouts)
        try:
            number = float(text)
        except ValueError:
            return "a number"
        return None if math.isfinite(number) else "a finite number"
    return None


def resolve_targets(targets: tuple[str, ...], crawl_all: bool) -> list[Portal]:
    """The portals to crawl.

    A slug names a registry portal, crawled from its entry points. A URL is crawled from that URL,
    as the registry portal serving it or, when none does, as an ad-hoc portal named after its host;
    several URLs of one portal make one portal with several entry points.
    """
    from portal_spider.registry import adhoc_portal, find_portal
    from portal_spider.registry.commands import registry_or_fail

    registry = registry_or_fail()
    if crawl_all:
        return [p for p in registry if p.status == "active"]
    portals: dict[str, Portal] = {}
    from_urls: set[str] = set()
    for target in targets:
        portal = find_portal(target, registry)
        if "://" in target:
            base = portal or adhoc_portal(target)
            if base.slug not in from_urls:
                portals[base.slug] = replace(base, entry_points=[])
                from_urls.add(base.slug)
            portals[base.slug].entry_points.append(target)
        elif portal is not None:
            portals.setdefault(portal.slug, portal)
        else:
            raise click.ClickException(
                f"no portal {target!r} in the registry (see `portal-archive sites`), "
                "and it is not a URL"
            )
    return list(portals.values())


@main.command()
@click.argument("targets", nargs=-1)
@click.option("--all", "crawl_all", is_flag=True, help="Crawl every active portal of the registry.")
@db_option(must_exist=False)
@click.option(
    "--full", is_flag=True, help="Walk every listing to its end (backfill), not only new pages."
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0, max=3600),
    default=None,
    help="Seconds between requests to one host.",
)
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Set a Scrapy setting for this run (repeatable).",
)
def crawl(
    targets: tuple[str, ...],
    crawl_all: bool,
    db_path: Path,
    full: bool,
    delay: float | None,
    settings: tuple[str, ...],
) -> None:
    """Crawl portals (registry slugs or URLs) into the archive.

    A URL of a portal that is not in the registry is crawled too: its platform is detected from its
    first page. By default a run is incremental: listings are walked until pages of articles
    already archived, articles due for a revisit are fetched again, failed pages are retried. A
    killed run is continued by the next one. Only one crawl at a time writes to an archive.

    Exit status: 0 every page fetched; 1 some pages failed (retried by the next runs); 2 usage or
    configuration error; 3 the archive is locked by another crawl (nothing done); 4 the crawl
    stopped before its end; 5 a portal could not be reached at all (DNS failure, connection
    refused or timeout on every request); 6 robots.txt forbade every request of a portal. See
    docs/OPERATIONS.md.
    """
    from portal_spider.crawl.lock import ArchiveLocked
    from portal_spider.crawl.report import EXIT_LOCKED, EXIT_USAGE, exit_status, print_report
    from portal_spider.crawl.runner import run_crawl

    if not targets and not crawl_all:
        raise click.UsageError("name at least one portal slug or URL, or use --all")
    overrides: dict[str, object] = dict(_setting_pairs(settings))
    if delay is not None and not math.isfinite(delay):
        raise click.BadParameter(f"{delay} is not a number of seconds", param_hint="--delay")
    try:
        portals = resolve_targets(targets, crawl_all)
    except click.ClickException as error:
        raise click.UsageError(error.message) from error
    except ValueError as error:  # an invalid registry
        click.echo(f"portal-archive: {error}", err=True)
        sys.exit(EXIT_USAGE)
    if not portals:
        click.echo("portal-archive: no active portal in the registry", err=True)
        sys.exit(EXIT_USAGE)
    if delay is not None:
        overrides["DOWNLOAD_DELAY"] = delay
        overrides["AUTOTHROTTLE_START_DELAY"] = delay
    if full:
        overrides["PORTAL_ARCHIVE_FULL"] = True
    try:
        result = run_crawl(portals, db_path, overrides)
    except ArchiveLocked as error:
        click.echo(f"portal-archive: {error}", err=True)
        sys.exit(EXIT_LOCKED)
    print_report(result, db_path)
    sys.exit(exit_status(result))


def read_page(path: Path) -> DecodedPage:
    """The decoded text of an HTML file; ClickException with one line when it is missing or not
    HTML. UTF-16 and UTF-32 pages (NUL bytes beside their text) are HTML too."""
    from portal_spider.normalize.charset import decode_page

    try:
        if not path.exists():
            raise click.ClickException(f"{path}: no such file")
        if not path.is_file():
            raise click.ClickException(f"{path}: not a file")
        raw = path.read_bytes()
    except OSError as error:  # a name too long, no permission, a file that cannot be read
        raise click.ClickException(f"{path}: cannot be read ({error.strerror or error})") from None
    if not raw.strip():
        raise click.ClickException(f"{path}: the file is empty")
    page = decode_page(raw)
    if b"\x00" in raw[:4096] and not page.encoding.startswith(("utf-16", "utf-32")):
        raise click.ClickException(f"{path}: not an HTML page (binary content)")
    head = page.text[:4096].lower()
    if not any(tag in head for tag in ("<html", "<!doctype html", "<body", "<div", "<p", "<head")):
        raise click.ClickException(f"{path}: not an HTML page (no HTML markup found)")
    return page


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--url", required=True, help="The URL the page was fetched from.")
@click.option("--platform", "platform_name", default=None, help="Skip detection; use this one.")
@click.option(
    "--day-first/--month-first",
    default=None,
    help="Order of numeric dates (default: the portal's setting, else day first).",
)
def parse(file: Path, url: str, platform_name: str | None, day_first: bool | None) -> None:
    """Parse one saved article page and print its record as JSON (UTF-8).

    The platform is --platform when given, else the registry's platform of the portal serving
    URL, else the one detected from the URL and the HTML. The record's "extraction" says how
    each field was found ("platform:<name> <selector>" or "generic:<rule>").
    """
    from portal_spider.offline.parse import parse_page

    page = read_page(file)
    try:
        item = parse_page(page, url, platform_name=platform_name, day_first=day_first)
    except KeyError as error:
        raise click.ClickException(str(error.args[0])) from error
    click.echo(json.dumps(item.to_record(), ensure_ascii=False, indent=2))


@main.command()
@db_option(must_exist=False)
@click.option("--portal", "portals", multiple=True, help="Only this portal (slug); repeatable.")
@click.option("--dry-run", is_flag=True, help="Count what would change; write nothing.")
def reparse(db_path: Path, portals: tuple[str, ...], dry_run: bool) -> None:
    """Derive the archived articles again from their raw captures, with today's parsers.

    Nothing is fetched. Fields the crawl observed (seen, fetched, gone) are kept; an article
    whose content changes gets a new version whose cause is "reparse". Run it with --dry-run
    first to see how many articles and which fields would change.
    """
    from archive.db import open_archive
    from portal_spider.offline.reparse import reparse_archive

    if not Path(db_path).exists():
        raise click.ClickException(f"{db_path}: no such archive")
    report = reparse_archive(open_archive(db_path), portals, dry_run=dry_run)
    verb = "would change" if dry_run else "changed"
    fields = ", ".join(f"{name} {n}" for name, n in report.field_changes.most_common()) or "none"
    click.echo(
        f"{report.checked} articles read from their captures, {report.changed} {verb}; "
        f"fields differing: {fields}"
        + (f"; {report.without_capture} without a capture" if report.without_capture else "")
    )


@main.command()
@click.option(
    "--db",
    "db_path",
    default="demo-archive/archive.db",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Where to write the demo archive.",
)
def demo(db_path: str) -> None:
    """Serve the bundled offline district portal on 127.0.0.1, archive it, and show the result."""
    from portal_spider.demo.run import run_demo

    sys.exit(run_demo(Path(db_path)))


@main.command("bench-extract")
@click.option(
    "--dataset",
    required=True,
    type=click.Path(path_type=Path),
    help="The article-extraction-benchmark directory (ground-truth.json and html/).",
)
@click.option("--min-f1", type=float, default=None, help="Exit 1 when the F1 is below this.")
def bench_extract(dataset: Path, min_f1: float | None) -> None:
    """Score the main-content (body) extractor on the public article-extraction benchmark.

    Prints shingle-based precision, recall and F1 of the extracted body against the benchmark's
    ground truth (articleBody), as computed by portal_spider.offline.bench_extract.
    """
    from portal_spider.offline.bench_extract import format_result, run_benchmark

    if not (dataset / "ground-truth.json").is_file() or not (dataset / "html").is_dir():
        raise click.ClickException(
            f"{dataset}: not a benchmark directory (needs ground-truth.json and html/)"
        )
    result = run_benchmark(dataset)
    click.echo(format_result(result))
    if min_f1 is not None and result.f1 < min_f1:
        click.echo(f"F1 {result.f1:.4f} is below the floor {min_f1:.4f}", err=True)
        sys.exit(1)


@main.command("bench-parse")
@click.option(
    "--sizes",
    default="0.25,0.5,1,2,4,8,16",
    show_default=True,
    help="Page sizes in MB, comma-separated.",
)
@click.option(
    "--limit",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    help="Seconds after which one parse is stopped (the larger sizes of its path are skipped).",
)
def bench_parse(sizes: str, limit: float) -> None:
    """Time the article parsers on generated pages of growing size.

    Each size gets a generated article page (long body, huge table, thousands of related links,
    a giant menu) in a generic table layout and in the Yên Bái layout, parsed by the generic and
    the Yên Bái page objects. Prints size, CPU seconds per path and seconds per MB; flat seconds
    per MB mean linear parsing. WRONG after a time means the title, date or body came out wrong.
    """
    from portal_spider.offline.bench_parse import format_row, run_parse_bench, table_header

    try:
        values = [float(part) for part in sizes.split(",") if part.strip()]
    except ValueError as error:
        raise click.BadParameter(
            f"not a list of numbers: {sizes!r}", param_hint="--sizes"
        ) from error
    if not values or any(value <= 0 for value in values):
        raise click.BadParameter("sizes must be positive numbers", param_hint="--sizes")
    click.echo(table_header())
    for row in run_parse_bench(values, limit):
        click.echo(format_row(row, limit))


@main.group()
def fixtures() -> None:
    """The fixture pages of the parser tests (tests/fixtures/pages/<platform>/<case>/)."""


@fixtures.command("regenerate")
@click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    default="tests/fixtures/pages",
    show_default=True,
    help="Where the cases are.",
)
@click.option(
    "--case",
    "case_paths",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Only this case directory (repeatable).",
)
@click.option("--write", is_flag=True, help="Write the regenerated expected.json files.")
def fixtures_regenerate(root: Path, case_paths: tuple[Path, ...], write: bool) -> None:
    """Recompute expected.json from the current parsers and print a unified diff.

    Nothing is written without --write. Look at the diff first: a regenerated value is only
    right if a human checked it against the page. Hand-written entries (body_excludes, note)
    are kept.
    """
    from portal_spider.offline.fixtures import diff, dump, find_cases, load_case, regenerated

    for path in case_paths:
        if not (path / "page.html").is_file() or not (path / "url.txt").is_file():
            raise click.ClickException(f"{path}: not a fixture case (needs page.html and url.txt)")
    cases = [load_case(p) for p in case_paths] if case_paths else find_cases(root)
    if not cases:
        raise click.ClickException(f"{root}: no fixture cases found")
    changed = 0
    for case in cases:
        values = regenerated(case)
        text = diff(case, values)
        if not text:
            continue
        changed += 1
        click.echo(text, nl=False)
        if write:
            case.expected_file.write_text(dump(values), encoding="utf-8")
    if not changed:
        click.echo(f"{len(cases)} case(s) checked; every expected.json is up to date")
    elif write:
        click.echo(f"{len(cases)} case(s) checked; {changed} expected.json written")
    else:
        click.echo(
            f"{len(cases)} case(s) checked; {changed} would change "
            "(read the diff, then run again with --write)"
        )


def _register_other_modules(group: click.Group) -> None:
    """The commands defined in other modules: the archive's, discovery's, the registry's and the
    cluster's (see CommandGroup: registered when first needed)."""
    from archive.cli import register as register_archive
    from portal_spider.cluster.cli import register as register_cluster
    from portal_spider.discovery.explore_command import explore_command
    from portal_spider.offline.bench_storage import bench_storage_command
    from portal_spider.registry import commands as registry_commands

    register_archive(group)
    group.add_command(bench_storage_command)
    group.add_command(explore_command)
    registry_commands.register(group)  # sites, registry build-units, discover, check-sites
    register_cluster(group)


main.register_later(_register_other_modules)
