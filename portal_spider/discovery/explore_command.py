"""The ``explore`` command: print the site model of a portal from a small, polite sample."""

from __future__ import annotations

import math

import click


@click.command("explore")
@click.argument("url")
@click.option(
    "--pages", default=30, show_default=True, help="Requests at most (robots.txt included)."
)
@click.option(
    "--delay", default=1.0, show_default=True, help="Seconds between two requests to the portal."
)
def explore_command(url: str, pages: int, delay: float) -> None:
    """Fetch a bounded sample of the portal at URL and print its site model.

    The platform detected, the listings found (menus, "Xem tiếp" links, sitemaps, feeds) with
    their page counts, the article URL template, the fields read on a few sampled articles with
    the rule that found each, and what could not be found: a minute's check of a new portal
    before a full crawl. One request at a time, DELAY seconds apart, obeying robots.txt.
    """
    from portal_spider.discovery.explore import describe, explore, http_fetcher

    if "://" not in url:
        raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="URL")
    if pages < 2:
        raise click.BadParameter("at least 2 (robots.txt and the home page)", param_hint="--pages")
    if not math.isfinite(delay) or delay < 0:
        raise click.BadParameter(f"{delay} is not a number of seconds", param_hint="--delay")
    report = explore(url, http_fetcher(delay), max_pages=pages)
    click.echo(describe(report))
