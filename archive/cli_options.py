"""Options shared by the archive's commands (``--db``, date bounds, filters), in their own module
so that command modules registered by :mod:`archive.cli` can use them without importing it (and
what it imports: ``portal-archive search`` loads only this, the search and click)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from archive.db import DEFAULT_ARCHIVE
from archive.filters import check_date_bound, connection

ARCHIVE_ENV = "PORTAL_ARCHIVE_DB"


def db_option(must_exist: bool = True) -> Callable[[Any], Any]:
    """The ``--db`` option of every command that names an archive, in both command lines.

    A command that reads an archive refuses a file that is not there (``must_exist``); a command
    that writes one (``crawl``, ``export-warc``'s own check) takes the path as given.
    """
    return click.option(
        "--db",
        "db_path",
        type=click.Path(exists=must_exist, dir_okay=False, path_type=Path),
        default=DEFAULT_ARCHIVE,
        envvar=ARCHIVE_ENV,
        show_default=True,
        help=f"The archive file (or set {ARCHIVE_ENV}).",
    )


def _date_bound(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Click callback: check a YYYY[-MM[-DD]] date bound."""
    try:
        return check_date_bound(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def with_options(options: list[Callable[[Any], Any]]) -> Callable[[Any], Any]:
    """Apply a list of click options to a command function, first option first in --help."""

    def decorate(fn: Any) -> Any:
        for option in reversed(options):
            fn = option(fn)
        return fn

    return decorate


def capture_selection(output_help: str) -> Callable[[Any], Any]:
    """--portal, --since, --until (on the fetch time) and -o, of the capture exports."""
    options = [
        click.option(
            "--portal", multiple=True, help="Only this portal (its slug); repeat for several."
        ),
        click.option(
            "--since", callback=_date_bound, help="Fetched on or after YYYY[-MM[-DD]] (UTC date)."
        ),
        click.option(
            "--until",
            callback=_date_bound,
            help="Fetched on or before YYYY[-MM[-DD]] (UTC date), inclusive.",
        ),
        click.option(
            "-o",
            "--output",
            required=True,
            type=click.Path(dir_okay=False, path_type=Path),
            help=output_help,
        ),
    ]
    return with_options(options)


def filter_options(multiple_portals: bool) -> list[Callable[[Any], Any]]:
    """--portal, --province, --since, --until, shared by search and export."""
    portal_help = "Only this portal (its slug, e.g. tramtau)"
    return [
        click.option(
            "--portal",
            multiple=multiple_portals,
            help=portal_help + ("; repeat for several." if multiple_portals else "."),
        ),
        click.option(
            "--province", help="Only portals of this province (case and accents ignored)."
        ),
        click.option("--since", callback=_date_bound, help="Published on or after YYYY[-MM[-DD]]."),
        click.option(
            "--until",
            callback=_date_bound,
            help="Published on or before YYYY[-MM[-DD]], inclusive.",
        ),
    ]


def check_portals(db: Any, portals: tuple[str, ...] | list[str]) -> None:
    """A usage error (exit 2) naming the portals the archive does not hold, with the known ones."""
    known = {slug.lower(): slug for (slug,) in connection(db).execute("select slug from portals")}
    unknown = [slug for slug in portals if slug and slug.strip().lower() not in known]
    if unknown:
        listed = ", ".join(sorted(known.values())) or "none yet"
        raise click.BadParameter(
            f"no portal {', '.join(repr(u) for u in unknown)} in the archive (portals: {listed})",
            param_hint="--portal",
        )
