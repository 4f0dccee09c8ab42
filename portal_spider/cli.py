"""The ``portal-archive`` command line: crawl, parse, sites, demo, and the archive commands."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import replace
from pathlib import Path

import click
from w3lib.encoding import html_to_unicode

from portal_spider.normalize.article import normalize_article
from portal_spider.platforms import all_platforms, detect_platform, get_platform
from portal_spider.registry import Portal, adhoc_portal, find_portal, load_registry

logger = logging.getLogger(__name__)

DB_OPTION = click.option(
    "--db",
    "db_path",
    default="archive.db",
    envvar="PORTAL_ARCHIVE_DB",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The SQLite archive file (env PORTAL_ARCHIVE_DB).",
)


@click.group()
@click.version_option(package_name="portal-archive")
def main() -> None:
    """Crawl Vietnamese government portals and keep their news in an SQLite archive."""


def _setting_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--set")
        overrides[name.strip()] = value
    return overrides


def resolve_targets(targets: tuple[str, ...], crawl_all: bool) -> list[Portal]:
    """The portals to crawl.

    A slug names a registry portal, crawled from its entry points. A URL is crawled from that URL,
    as the registry portal serving it or, when none does, as an ad-hoc portal named after its host;
    several URLs of one portal make one portal with several entry points.
    """
    registry = load_registry()
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
@DB_OPTION
@click.option("--full", is_flag=True, help="Page through whole listings (backfill).")
@click.option("--delay", type=float, default=None, help="Seconds between requests to one host.")
@click.option("--set", "settings", multiple=True, metavar="NAME=VALUE", help="A Scrapy setting.")
def crawl(
    targets: tuple[str, ...],
    crawl_all: bool,
    db_path: str,
    full: bool,
    delay: float | None,
    settings: tuple[str, ...],
) -> None:
    """Crawl portals (registry slugs or URLs) into the archive.

    A URL of a portal that is not in the registry is crawled too: its platform is detected from its
    first page. Exit status: 0 when every page was fetched, 1 when some pages failed, 2 on a usage
    error.
    """
    from portal_spider.runner import run_crawl

    if not targets and not crawl_all:
        raise click.UsageError("name at least one portal slug or URL, or use --all")
    portals = resolve_targets(targets, crawl_all)
    overrides: dict[str, object] = dict(_setting_pairs(settings))
    if delay is not None:
        overrides["DOWNLOAD_DELAY"] = delay
        overrides["AUTOTHROTTLE_START_DELAY"] = delay
    if full:
        overrides["PORTAL_ARCHIVE_FULL"] = True
    result = run_crawl(portals, db_path, overrides)
    failed = sum(result.portal_value(p.slug, "pages_failed") for p in portals)
    for portal in portals:
        click.echo(
            f"{portal.slug}: {result.portal_value(portal.slug, 'article_pages')} article pages, "
            f"{result.portal_value(portal.slug, 'listing_pages')} listing pages, "
            f"{result.portal_value(portal.slug, 'pages_failed')} failed"
        )
    click.echo(
        f"archive {db_path}: {result.stats.get('archive/new', 0)} new, "
        f"{result.stats.get('archive/updated', 0)} updated, "
        f"{result.stats.get('archive/unchanged', 0)} unchanged ({result.finish_reason})"
    )
    if failed:
        sys.exit(1)


def read_page(path: Path) -> str:
    """The text of an HTML file; ClickException with one line when it is missing or not HTML."""
    if not path.exists():
        raise click.ClickException(f"{path}: no such file")
    if not path.is_file():
        raise click.ClickException(f"{path}: not a file")
    raw = path.read_bytes()
    if not raw.strip():
        raise click.ClickException(f"{path}: the file is empty")
    if b"\x00" in raw[:4096]:
        raise click.ClickException(f"{path}: not an HTML page (binary content)")
    _, text = html_to_unicode(None, raw)
    head = text[:4096].lower()
    if not any(tag in head for tag in ("<html", "<!doctype html", "<body", "<div", "<p", "<head")):
        raise click.ClickException(f"{path}: not an HTML page (no HTML markup found)")
    return text


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--url", required=True, help="The URL the page was fetched from.")
@click.option("--platform", "platform_name", default=None, help="Skip detection; use this one.")
@click.option("--day-first/--month-first", default=True, help="Order of numeric dates.")
def parse(file: Path, url: str, platform_name: str | None, day_first: bool) -> None:
    """Parse one saved article page and print its record as JSON (UTF-8).

    The platform is detected from the URL and the HTML unless --platform names one.
    """
    text = read_page(file)
    if platform_name:
        try:
            platform = get_platform(platform_name)
        except KeyError as error:
            raise click.ClickException(str(error.args[0])) from error
    else:
        platform = detect_platform(url, text)
    item = platform.parse_article(url, text)
    item.item_id = item.item_id or platform.item_id(url)
    item.canonical_url = platform.canonical_article_url(url)
    normalize_article(item, day_first=day_first)
    click.echo(json.dumps(item.to_record(), ensure_ascii=False, indent=2))


@main.command()
@click.option("--province", help="Only portals of this province.")
@click.option("--level", type=click.Choice(["tỉnh", "huyện", "xã"]), help="Only this level.")
@click.option("--platform", "platform_name", help="Only portals on this platform.")
@click.option(
    "--status", type=click.Choice(["active", "frozen", "redirected", "offline"]), help="Status."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines instead of a table.")
def sites(
    province: str | None,
    level: str | None,
    platform_name: str | None,
    status: str | None,
    as_json: bool,
) -> None:
    """List the portals of the registry, optionally filtered."""
    portals = [
        p
        for p in load_registry()
        if (province is None or (p.province or "").casefold() == province.casefold())
        and (level is None or p.level == level)
        and (platform_name is None or p.platform == platform_name)
        and (status is None or p.status == status)
    ]
    for p in portals:
        if as_json:
            click.echo(json.dumps(p.to_row(), ensure_ascii=False))
        else:
            click.echo(
                f"{p.slug:<24} {p.level or '-':<5} {p.province or '-':<12} {p.platform:<10} "
                f"{p.status:<10} {p.base_url}  {p.name}"
            )
    if not as_json:
        click.echo(f"{len(portals)} portal(s); platforms known: {', '.join(all_platforms())}")


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


def _register_archive_commands() -> None:
    from archive.cli import register

    register(main)


_register_archive_commands()
