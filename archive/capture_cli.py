"""The commands over raw captures: export-wacz (a replay package) and show (a record or bytes)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from archive.cli_options import capture_selection, db_option
from archive.db import open_archive


@click.command("export-wacz")
@db_option()
@capture_selection("The WACZ file to write, e.g. tramtau.wacz.")
@click.option("--validate/--no-validate", default=True, show_default=True,
              help="Check the package with the wacz validator once written.")  # fmt: skip
def export_wacz_command(
    db_path: Path,
    portal: tuple[str, ...],
    since: str | None,
    until: str | None,
    output: Path,
    validate: bool,
) -> None:
    """Export captures as a WACZ replay package, for ReplayWeb.page and pywb.

    The package holds the captures as WARC (request, response, revisit and metadata records),
    a CDXJ index, pages.jsonl (every article and home page) and datapackage.json with the
    SHA-256 of each file. Without --portal it holds the whole archive. Open it in ReplayWeb.page
    (load the file) or add it to a pywb collection (wb-manager add COLLECTION FILE).
    """
    from archive.wacz import WaczError, validate_wacz, write_wacz

    db = open_archive(db_path)
    try:
        captures, pages = write_wacz(db, output, portal=portal, since=since, until=until)
        if validate:
            validate_wacz(output)
    except (OSError, WaczError) as error:
        raise click.ClickException(f"{output}: {error}") from None
    checked = " (valid)" if validate else ""
    click.echo(f"Wrote {captures} capture(s), {pages} page(s) to {output}{checked}.", err=True)


@click.command("show")
@click.argument("what")
@db_option()
@click.option("--raw", is_flag=True, help="Write the captured bytes instead of the record.")
def show_command(what: str, db_path: Path, raw: bool) -> None:
    """Show what the archive holds for a URL, an article id or a capture id, without network.

    Prints the stored record as JSON: an article with its files and capture, or a capture with
    its headers. With --raw, writes the bytes the server sent (an article's page, a PDF, an
    image) to standard output; a revisit is read through the capture that holds its bytes.
    """
    from archive.show import find, raw_bytes, record

    db = open_archive(db_path)
    found = find(db, what)
    if found is None:
        raise click.ClickException(f"nothing archived for {what!r}")
    if raw:
        body = raw_bytes(db, found)
        if body is None:
            raise click.ClickException(f"{what!r}: no capture kept")
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
        return
    click.echo(json.dumps(record(db, found), ensure_ascii=False, indent=2, default=str))


COMMANDS = (export_wacz_command, show_command)
