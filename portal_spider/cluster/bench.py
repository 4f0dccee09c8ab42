"""``make bench-cluster``: pages per second with one cluster worker, with two, and one local crawl.

The same local portals (generated Yên Bái-family district portals, each on its own port and
answering every request after ``--latency`` seconds, as a small government server does) are
crawled three times into fresh archives: by one worker, by two workers (each with the writer,
over a private redis-server on 127.0.0.1), and by one local ``crawl`` process for reference.
Each figure is the pages the servers answered divided by the seconds from queueing to the
writer's exit. Prints one line per run and the two-workers / one-worker ratio.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path

import click

from archive.db import open_archive
from portal_spider.cluster.demo import portal_row
from portal_spider.cluster.local_redis import LocalRedis
from portal_spider.cluster.local_run import CLI, LocalCluster
from portal_spider.demo.generate import generate_site_data
from portal_spider.demo.server import PortalServer
from portal_spider.demo.yenbai_site import YenBaiSite
from portal_spider.registry import Portal

logger = logging.getLogger(__name__)

SETTINGS = {"DOWNLOAD_DELAY": 0.05, "AUTOTHROTTLE_START_DELAY": 0.05}
WORKER_SETTINGS = {"PORTAL_ARCHIVE_PROGRESS": "false", "LOG_LEVEL": "WARNING"}


def registry_file(folder: Path, portals: list[Portal]) -> Path:
    """A registry TOML of ``portals`` (for the local crawl)."""
    lines = []
    for portal in portals:
        lines.append("[[portal]]")
        for key, value in asdict(portal).items():
            if value is None:
                continue
            if isinstance(value, bool):
                lines.append(f"{key} = {'true' if value else 'false'}")
            elif isinstance(value, (int, float)):
                lines.append(f"{key} = {value}")
            elif isinstance(value, list):
                items = ", ".join('"' + str(v).replace('"', '\\"') + '"' for v in value)
                lines.append(f"{key} = [{items}]")
            else:
                lines.append(f'{key} = "' + str(value).replace('"', '\\"') + '"')
        lines.append("")
    path = folder / "portals.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def cluster_run(
    redis_url: str, folder: Path, portals: list[Portal], workers: int, name: str
) -> float:
    """Seconds for ``workers`` workers and the writer to crawl ``portals`` into a new archive."""
    run_folder = folder / name
    run_folder.mkdir()
    cluster = LocalCluster(
        redis_url,
        run_folder / "archive.db",
        run_folder,
        prefix=f"bench-{name}",
        worker_settings=dict(WORKER_SETTINGS),
    )
    try:
        started = time.monotonic()
        cluster.enqueue(portals, SETTINGS)
        cluster.start_writer()
        for _ in range(workers):
            cluster.start_worker()
        statuses = cluster.wait(timeout=1800)
        seconds = time.monotonic() - started
    finally:
        cluster.stop()
    if any(statuses):
        raise click.ClickException(f"{name}: a process failed\n{cluster.logs()}")
    check_archive(run_folder / "archive.db", portals, name)
    return seconds


def local_run(folder: Path, portals: list[Portal]) -> float:
    """Seconds for one local ``crawl`` process to crawl ``portals``."""
    run_folder = folder / "local"
    run_folder.mkdir()
    registry = registry_file(run_folder, portals)
    env = {"PORTAL_ARCHIVE_REGISTRY": str(registry)}
    started = time.monotonic()
    result = subprocess.run(
        [*CLI, "crawl", *[p.slug for p in portals], "--db", str(run_folder / "archive.db")]
        + ["--delay", str(SETTINGS["DOWNLOAD_DELAY"]), "--set", "PORTAL_ARCHIVE_PROGRESS=false"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )
    seconds = time.monotonic() - started
    if result.returncode != 0:
        raise click.ClickException(f"local crawl failed\n{result.stderr[-3000:]}")
    check_archive(run_folder / "archive.db", portals, "local")
    return seconds


def check_archive(db_path: Path, portals: list[Portal], name: str) -> None:
    db = open_archive(db_path)
    for portal in portals:
        if not db["articles"].count_where("portal = ?", [portal.slug]):
            raise click.ClickException(f"{name}: nothing archived of {portal.slug}")


@click.command()
@click.option("--portals", "portal_count", default=6, show_default=True, help="Local portals.")
@click.option("--articles", default=40, show_default=True, help="Articles per portal.")
@click.option(
    "--latency", default=0.05, show_default=True, help="Seconds each server takes to answer."
)
def main(portal_count: int, articles: int, latency: float) -> None:
    """Time one worker against two (and one local crawl) on the same local portals."""
    logging.basicConfig(level=logging.WARNING)
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-cluster-")))
        redis_url = stack.enter_context(LocalRedis()).url
        servers = []
        portals = []
        for number in range(portal_count):
            site = YenBaiSite(generate_site_data(articles, seed=10 + number))
            server = stack.enter_context(PortalServer(site, delay=latency))
            servers.append(server)
            portals.append(portal_row(f"bench-{number + 1}", site, server.url))
        click.echo(
            f"{portal_count} local portals of {articles} articles, each answering in "
            f"{latency * 1000:.0f} ms; delay {SETTINGS['DOWNLOAD_DELAY']} s; 2 CPU cores shared"
        )
        figures = {}
        for name, run in (
            ("1 worker", lambda: cluster_run(redis_url, folder, portals, 1, "one")),
            ("2 workers", lambda: cluster_run(redis_url, folder, portals, 2, "two")),
            ("local crawl", lambda: local_run(folder, portals)),
        ):
            before = sum(server.log.count() for server in servers)
            seconds = run()
            pages = sum(server.log.count() for server in servers) - before
            figures[name] = pages / seconds
            click.echo(
                f"{name:>12}: {pages} pages in {seconds:.1f} s = {pages / seconds:.1f} pages/s"
            )
        ratio = figures["2 workers"] / figures["1 worker"]
        click.echo(f"two workers / one worker: {ratio:.2f}x")
    sys.exit(0)


if __name__ == "__main__":
    main()
