"""The cluster commands: ``worker``, ``enqueue``, ``ingest`` (registered by the main CLI)."""

from __future__ import annotations

import logging
import math
import sys
from pathlib import Path
from typing import Any

import click
import redis

from archive.cli import db_option
from portal_spider.cluster.keys import DEFAULT_PREFIX

logger = logging.getLogger(__name__)

REDIS_ENV = "PORTAL_ARCHIVE_REDIS"


def redis_option(function: Any) -> Any:
    function = click.option(
        "--prefix",
        default=DEFAULT_PREFIX,
        show_default=True,
        help="The prefix of the cluster's Redis keys (several clusters may share a server).",
    )(function)
    return click.option(
        "--redis",
        "redis_url",
        required=True,
        envvar=REDIS_ENV,
        metavar="URL",
        help=f"The Redis server, e.g. redis://10.0.0.5:6379/0 (or set {REDIS_ENV}).",
    )(function)


def settings_option(function: Any) -> Any:
    return click.option(
        "--set",
        "settings",
        multiple=True,
        metavar="NAME=VALUE",
        help="Set a Scrapy setting (repeatable).",
    )(function)


def _overrides(pairs: tuple[str, ...]) -> dict[str, Any]:
    from portal_spider.cli import _setting_pairs

    return dict(_setting_pairs(pairs))


def _unreachable(url: str, error: Exception) -> click.ClickException:
    return click.ClickException(f"the Redis server at {url} cannot be reached: {error}")


def _logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s: %(message)s"
    )


@click.command()
@redis_option
@click.option(
    "--lease",
    "lease_seconds",
    type=click.IntRange(min=3),
    default=30,
    show_default=True,
    help="Seconds a claimed job stays this worker's without a renewal (renewed every third).",
)
@click.option(
    "--jobs",
    "jobs_at_once",
    type=click.IntRange(min=1, max=64),
    default=1,
    show_default=True,
    help="Jobs (portals) this worker crawls at once.",
)
@click.option("--until-idle", is_flag=True, help="Exit when no job is waiting or claimed.")
@settings_option
def worker(
    redis_url: str,
    prefix: str,
    lease_seconds: int,
    jobs_at_once: int,
    until_idle: bool,
    settings: tuple[str, ...],
) -> None:
    """Crawl the jobs of a cluster, a portal per job (start one or more per machine).

    The worker claims the oldest job from Redis, crawls its portal with the plan the writer read
    from the archive, and sends the articles, the raw capture of every response (listings,
    robots.txt, sitemaps, feeds, linked images and documents) and crawl memory back on a Redis
    stream for `portal-archive ingest` to write. It needs no archive file. Requests to one host
    hold a lease from Redis, so the host's concurrency and delay hold for all workers together.
    A worker killed mid-job stops renewing the job's lease; the writer then plans the portal
    again and another worker continues it. SIGINT/SIGTERM end the current run as interrupted.
    See docs/OPERATIONS.md.
    """
    from portal_spider.cluster.worker import Worker

    try:
        process = Worker(
            redis_url,
            prefix=prefix,
            lease_seconds=lease_seconds,
            until_idle=until_idle,
            jobs_at_once=jobs_at_once,
            overrides=_overrides(settings),
        )
    except redis.RedisError as error:
        raise _unreachable(redis_url, error) from None
    sys.exit(process.run())


@click.command()
@click.argument("targets", nargs=-1)
@click.option("--all", "crawl_all", is_flag=True, help="Every active portal of the registry.")
@redis_option
@click.option("--full", is_flag=True, help="Walk every listing to its end (backfill).")
@click.option(
    "--delay",
    type=click.FloatRange(min=0, max=3600),
    default=None,
    help="Seconds between requests to one host.",
)
@settings_option
def enqueue(
    targets: tuple[str, ...],
    crawl_all: bool,
    redis_url: str,
    prefix: str,
    full: bool,
    delay: float | None,
    settings: tuple[str, ...],
) -> None:
    """Ask the cluster to crawl portals (registry slugs or URLs, or --all).

    Each portal becomes one job when `portal-archive ingest` next reads the queue; one of the
    workers crawls it. Takes the same targets and options as `crawl`.
    """
    from portal_spider.cli import resolve_targets
    from portal_spider.cluster.jobs import JobQueue
    from portal_spider.cluster.keys import Keys, connect

    if not targets and not crawl_all:
        raise click.UsageError("name at least one portal slug or URL, or use --all")
    overrides = _overrides(settings)
    if delay is not None:
        if not math.isfinite(delay):
            raise click.BadParameter(f"{delay} is not a number of seconds", param_hint="--delay")
        overrides["DOWNLOAD_DELAY"] = delay
        overrides["AUTOTHROTTLE_START_DELAY"] = delay
    if full:
        overrides["PORTAL_ARCHIVE_FULL"] = True
    try:
        portals = resolve_targets(targets, crawl_all)
    except click.ClickException as error:
        raise click.UsageError(error.message) from error
    if not portals:
        raise click.UsageError("no active portal in the registry")
    try:
        queue = JobQueue(connect(redis_url), Keys(prefix))
        for portal in portals:
            queue.ask(portal, overrides)
    except redis.RedisError as error:
        raise _unreachable(redis_url, error) from None
    click.echo(f"{len(portals)} portal(s) queued: {', '.join(p.slug for p in portals)}")


@click.command()
@redis_option
@db_option(must_exist=False)
@click.option(
    "--until-idle", is_flag=True, help="Exit when nothing is queued, claimed or left to write."
)
@settings_option
def ingest(
    redis_url: str, prefix: str, db_path: Path, until_idle: bool, settings: tuple[str, ...]
) -> None:
    """Write what the cluster's workers crawl into the archive (the one writer; run one).

    Holds the archive's lock like a crawl. Turns queued portals into jobs (opening their runs
    in crawl_runs and reading their crawl plans from the archive), writes the stream of articles,
    raw captures and crawl memory in the same transactions as a local crawl, acknowledging each
    entry only after its commit, and plans again the portals whose worker was lost. A killed
    writer loses nothing: started again, it writes what was not committed. Exit status 3: the
    archive is locked by another crawl or writer.
    """
    from portal_spider.cluster.writer import Writer
    from portal_spider.crawl.lock import ArchiveLocked
    from portal_spider.crawl.report import EXIT_LOCKED

    _logging()
    try:
        writer = Writer(
            redis_url,
            db_path,
            prefix=prefix,
            until_idle=until_idle,
            overrides=_overrides(settings),
        )
        status = writer.run()
    except ArchiveLocked as error:
        click.echo(f"portal-archive: {error}", err=True)
        sys.exit(EXIT_LOCKED)
    except redis.RedisError as error:
        raise _unreachable(redis_url, error) from None
    sys.exit(status)


COMMANDS = (worker, enqueue, ingest)


def register(group: click.Group) -> None:
    """Add the cluster commands to ``group``."""
    for command in COMMANDS:
        group.add_command(command)
