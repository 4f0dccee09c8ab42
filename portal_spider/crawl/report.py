"""What ``portal-archive crawl`` prints when a crawl ends, and the exit status it returns.

Exit status (for cron and systemd, which report a non-zero status):

* 0 — every portal was crawled and every page fetched;
* 1 — the crawl finished but some pages failed (they are retried by the next runs);
* 2 — usage or configuration error (unknown portal, bad option, invalid registry);
* 3 — the archive is locked: another crawl is writing to it; this run did nothing;
* 4 — the crawl stopped before its end (a signal, a Scrapy close condition, or an error);
* 5 — a portal could not be reached at all: every request to its host failed to connect (DNS
  failure, connection refused, timeout). Its pages are retried by the next runs;
* 6 — robots.txt forbade every request of a portal: nothing of it was fetched (its run is
  ``blocked`` and warns ``robots_blocked``).
"""

from __future__ import annotations

from pathlib import Path

import click

from archive.db import open_archive
from archive.runs import format_run, run_warnings, runs_by_id
from portal_spider.crawl.downloader.circuit import unreachable_portals
from portal_spider.crawl.downloader.robots import blocked_by_robots
from portal_spider.crawl.runner import CrawlResult

EXIT_OK = 0
EXIT_PAGES_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 3
EXIT_INTERRUPTED = 4
EXIT_UNREACHABLE = 5
EXIT_ROBOTS_BLOCKED = 6


def exit_status(result: CrawlResult) -> int:
    """The exit status of a finished crawl (see the module docstring)."""
    if result.finish_reason != "finished":
        return EXIT_INTERRUPTED
    if any(blocked_by_robots(result.stats, slug) for slug in result.run_ids):
        return EXIT_ROBOTS_BLOCKED
    if unreachable_portals(result.stats):
        return EXIT_UNREACHABLE
    failed = sum(
        int(value or 0)
        for key, value in result.stats.items()
        if key.startswith("portal/") and key.endswith("/pages_failed")
    )
    return EXIT_PAGES_FAILED if failed else EXIT_OK


def print_report(result: CrawlResult, db_path: str | Path) -> None:
    """One line per portal (from its ``crawl_runs`` row), its warnings, and a total."""
    run_ids = list(result.run_ids.values())
    if not run_ids:
        click.echo(f"no run was recorded in {db_path} ({result.finish_reason})")
        return
    db = open_archive(db_path)
    try:
        rows = runs_by_id(db, run_ids)
        unreachable = set(unreachable_portals(result.stats))
        warnings = 0
        for row in rows:
            click.echo(format_run(row))
            if row["portal"] in unreachable:
                click.echo("  unreachable: no request to its host got an answer")
            for warning in run_warnings(db, row["id"]):
                warnings += 1
                click.echo(f"  warning: {warning.message}")
        click.echo(
            f"archive {db_path}: {sum(r['articles_new'] or 0 for r in rows)} new, "
            f"{sum(r['articles_updated'] or 0 for r in rows)} updated, "
            f"{sum(r['articles_unchanged'] or 0 for r in rows)} unchanged, "
            f"{sum(r['articles_gone'] or 0 for r in rows)} gone, "
            f"{sum(r['pages_failed'] or 0 for r in rows)} failed pages, {warnings} warning(s) "
            f"({result.finish_reason})"
        )
    finally:
        db.close()
