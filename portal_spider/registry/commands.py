"""The registry commands: ``sites``, ``registry build-units``, ``discover`` and ``check-sites``."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import click

from archive.cli import db_option
from portal_spider.registry import Portal, load_registry
from portal_spider.registry.units import UNITS_FILE, fold_key, load_units

if TYPE_CHECKING:  # the probing modules load with the commands that probe, not at every start
    from portal_spider.liveness.discover import Candidate
    from portal_spider.liveness.probe import Prober, Resolver

LEVELS = ("tỉnh", "huyện", "xã")  # portal_spider.registry.LEVELS, from the top down
CHECK_STATUSES = ("active", "frozen", "redirected", "offline", "gone")


def registry_or_fail() -> list[Portal]:
    """The registry, or a one-line error naming the file and what is wrong with it."""
    try:
        return load_registry()
    except (OSError, ValueError) as error:
        raise click.ClickException(f"registry: {error}") from error


def _level(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Click callback: a level typed with or without accents ("huyen" = "huyện")."""
    if value is None:
        return None
    for level in LEVELS:
        if fold_key(level) == fold_key(value):
            return level
    raise click.BadParameter(f"{value!r} is not one of {', '.join(LEVELS)} (accents optional)")


def _latest_checks(db_path: Path | None) -> dict[str, dict]:
    """The latest check of each portal in the archive, when the archive exists."""
    if db_path is None or not Path(db_path).is_file():
        return {}
    from archive.db import open_archive
    from archive.portal_checks import latest_statuses

    db = open_archive(db_path)
    try:
        return latest_statuses(db)
    finally:
        db.close()


def _resolver(specs: tuple[str, ...]) -> Resolver:
    from portal_spider.liveness.probe import Resolver

    try:
        return Resolver.from_specs(specs)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--resolve") from None


def _prober(specs: tuple[str, ...], timeout: float, delay: float) -> Prober:
    from portal_spider.liveness.probe import Prober
    from portal_spider.settings import USER_AGENT

    return Prober(_resolver(specs), user_agent=USER_AGENT, timeout=timeout, delay=delay)


def _probe_options(function: Callable[..., None]) -> Callable[..., None]:
    """--timeout, --delay and --resolve, shared by discover and check-sites."""
    for option in reversed(
        [
            click.option(
                "--timeout",
                type=click.FloatRange(min=0.1, max=120),
                default=10.0,
                show_default=True,
                help="Seconds one request may take.",
            ),
            click.option(
                "--delay",
                type=click.FloatRange(min=0, max=60),
                default=1.0,
                show_default=True,
                help="Seconds between two requests (one request at a time).",
            ),
            click.option(
                "--resolve",
                "resolve",
                multiple=True,
                metavar="HOST:PORT:ADDR:PORT",
                help="Connect to ADDR:PORT for HOST:PORT (repeatable); with any given, "
                "no other name is resolved.",
            ),
        ]
    ):
        function = option(function)
    return function


@click.command()
@click.option("--province", help="Only units of this province (accents optional).")
@click.option(
    "--level",
    callback=_level,
    help="Only this level: tỉnh, huyện or xã (accents optional; default: tỉnh and huyện).",
)
@click.option("--platform", "platform_name", help="Only units with a portal on this platform.")
@click.option(
    "--status",
    type=click.Choice([*CHECK_STATUSES, "none"]),
    help="Only units whose portal has this status (the latest check's, else the registry's); "
    "none: units without a known portal.",
)
@click.option(
    "--coverage",
    type=click.Choice(["with", "without"]),
    help="Only units with (or without) a known portal.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines instead of a table.")
@db_option(must_exist=False)
def sites(
    province: str | None,
    level: str | None,
    platform_name: str | None,
    status: str | None,
    coverage: str | None,
    as_json: bool,
    db_path: Path,
) -> None:
    """List the administrative units and the portals known for them, optionally filtered.

    One row per unit before the 2025 reform (provinces and district-level units by default;
    --level xã for communes) with its official code, province, the 2025 units that succeeded it
    and its known portals; a registry portal tied to no unit gets a row too. The status is the
    latest check's (check-sites, crawl) in the archive given by --db when it exists, else the
    registry's. The table ends with the coverage per province: units with a known portal.
    """
    from portal_spider.registry.sites import SiteFilter, site_rows
    from portal_spider.registry.sites import coverage as coverage_of

    units = load_units()
    levels = [level] if level else ["tỉnh", "huyện"]
    rows = site_rows(units, registry_or_fail(), levels, _latest_checks(db_path))
    shown = [row for row in rows if SiteFilter(province, level).keeps(row)]
    keep = SiteFilter(province, level, platform_name, status, coverage)
    rows = [row for row in rows if keep.keeps(row)]
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    for row in rows:
        portal = row["portals"][0] if row["portals"] else None
        where = ""
        if portal:
            alive = portal["last_seen_alive"]
            where = f"{portal['slug']} {portal['base_url']}" + (
                f" (last seen alive {alive[:10]})" if alive else ""
            )
            if not portal["checked"]:
                where += " (not checked)"
            if portal["target"]:
                where += f" -> {portal['target']}"
            if len(row["portals"]) > 1:
                others = ", ".join(p["slug"] for p in row["portals"][1:])
                where += f" (also: {others})"
        name = f"{row['type'] or ''} {row['name']}".strip()
        click.echo(
            f"{row['code'] or '-':<6} {row['level'] or '-':<5} {name:<28} "
            f"{row['province'] or '-':<14} {row['status']:<10} {where}".rstrip()
        )
    click.echo("coverage (units with a known portal, of the province and level asked for):")
    for province_name, lvl, covered, total in coverage_of(shown):
        click.echo(f"  {province_name:<16} {lvl:<5} {covered}/{total}")
    covered = sum(bool(row["portals"]) for row in rows)
    # the platforms (and their parsers) load here, not when the command line starts
    from portal_spider.platforms import all_platforms

    click.echo(
        f"{len(rows)} unit(s), {covered} with a known portal; "
        f"platforms known: {', '.join(all_platforms())}"
    )


@click.group()
def registry() -> None:
    """Maintain the registry's data files."""


@registry.command("build-units")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=UNITS_FILE,
    show_default=True,
    help="Where to write the units file.",
)
@click.option(
    "--communes/--no-communes",
    default=True,
    show_default=True,
    help="Include the communes (about 10,000 units; 1.4 MB instead of 0.3 MB).",
)
def build_units_command(output: Path, communes: bool) -> None:
    """Regenerate units.json from the vietnamadminunits library.

    Needs the library (pip install 'portal-archive[units]'); the same library version writes the
    same bytes. Nothing else needs it: the project ships the file.
    """
    from portal_spider.registry.build_units import LibraryMissing, write_units

    try:
        size = write_units(output, communes=communes)
    except LibraryMissing as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{output}: {size} bytes")


@click.command()
@click.option("--province", help="Only units of this province (accents optional).")
@click.option(
    "--level",
    callback=_level,
    default="huyện",
    show_default=True,
    help="Level of the units to find portals for.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("discovered-portals.toml"),
    show_default=True,
    help="Registry file the confirmed portals are appended to.",
)
@_probe_options
def discover(
    province: str | None,
    level: str,
    output: Path,
    timeout: float,
    delay: float,
    resolve: tuple[str, ...],
) -> None:
    """Find portals of units that have none in the registry, and write the confirmed ones.

    Candidate hosts follow the naming patterns of the province's known portals of the level
    (e.g. <unit>.<province>.gov.vn, <commune>.<district>.<province>.gov.vn; names folded to
    ASCII). Each is probed politely: robots.txt, one
    request at a time, HTTPS then HTTP. A candidate is accepted only when its page names the unit
    in its title, a heading, header or footer; accepted portals are appended to --output as
    [[portal]] tables with their evidence. Nothing unconfirmed is written.
    """
    from portal_spider.liveness.discover import append_registry, discover, registry_rows

    portals = registry_or_fail()
    try:
        extra = load_registry(output) if output.is_file() else []
    except (OSError, ValueError) as error:
        raise click.ClickException(f"--output: {error}") from None
    units = load_units()
    if province and units.province_named(province) is None:
        raise click.BadParameter(f"no province {province!r} in the units", param_hint="--province")
    prober = _prober(resolve, timeout, delay)

    def report(candidate: Candidate) -> None:
        verdict = "confirmed" if candidate.accepted else "rejected"
        detail = (
            f"{candidate.where}: {candidate.evidence!r}" if candidate.accepted else candidate.reason
        )
        click.echo(f"{candidate.unit.code} {candidate.unit.full_name}: {candidate.host} {verdict}")
        click.echo(f"    {detail}")

    found = discover(
        prober, units, portals + extra, level=level, province=province, on_candidate=report
    )
    accepted = [c for c in found if c.accepted]
    taken = {p.slug for p in portals + extra}
    append_registry(output, registry_rows(accepted, taken, datetime.now(timezone.utc)))
    click.echo(
        f"{len(found)} candidate(s) probed in {prober.requests} request(s); "
        f"{len(accepted)} confirmed" + (f", written to {output}" if accepted else "")
    )


@click.command("check-sites")
@click.argument("slugs", nargs=-1)
@click.option(
    "--all",
    "check_all",
    is_flag=True,
    help="Every portal of the registry (default: those with registry status active).",
)
@db_option(must_exist=False)
@click.option(
    "--frozen-days",
    type=click.FloatRange(min=1),
    default=90.0,
    show_default=True,
    help="A portal whose newest article is older than this is frozen.",
)
@_probe_options
def check_sites(
    slugs: tuple[str, ...],
    check_all: bool,
    db_path: Path,
    frozen_days: float,
    timeout: float,
    delay: float,
    resolve: tuple[str, ...],
) -> None:
    """Check whether portals are up, and keep the result in the archive's portal_checks.

    One polite look at each home page (robots.txt first, one request at a time, redirects
    followed): its status code, final URL, a redirect to another portal, TLS, DNS and connection
    errors, and the newest article date seen give a status: active, frozen, redirected, offline
    or gone. Every run adds rows, so the history shows when a portal changed. Exits 1 when a
    portal went offline or gone since its previous check.
    """
    from archive.db import open_archive
    from archive.runs import save_warnings
    from portal_spider.crawl.clock import Clock
    from portal_spider.liveness.check import check_portals

    portals = registry_or_fail()
    if slugs:
        known = {p.slug: p for p in portals}
        unknown = [s for s in slugs if s not in known]
        if unknown:
            raise click.UsageError(f"not in the registry: {', '.join(unknown)}")
        chosen = [known[s] for s in slugs]
    else:
        chosen = [p for p in portals if check_all or p.status == "active"]

    clock = Clock(os.environ.get("PORTAL_ARCHIVE_NOW"))
    db = open_archive(db_path)
    try:
        outcomes = check_portals(
            db,
            _prober(resolve, timeout, delay),
            chosen,
            portals,
            clock=clock.now,
            frozen_days=frozen_days,
        )
        warnings = [o.warning for o in outcomes if o.warning]
        for outcome in outcomes:
            c = outcome.check
            detail = c.target or c.error or (f"HTTP {c.status_code}" if c.status_code else "")
            newest = f" newest {c.newest_article[:10]}" if c.newest_article else ""
            click.echo(f"{c.portal:<22} {c.status:<10} {detail}{newest}")
        for warning in warnings:
            click.echo(f"warning: {warning.portal}: {warning.message}", err=True)
        if warnings:
            save_warnings(db, None, warnings, clock.now().isoformat(timespec="seconds"))
    finally:
        db.close()
    sys.exit(1 if warnings else 0)


def register(group: click.Group) -> None:
    """Add the registry commands to ``group``."""
    for command in (sites, registry, discover, check_sites):
        group.add_command(command)
