"""``make cluster-demo``: the bundled demo portals crawled by two workers and one writer.

Starts redis-server on 127.0.0.1 in a temporary directory, serves the three bundled demo portals
(a Yên Bái-family district portal, a WordPress commune site, a vendor ward portal) on 127.0.0.1,
starts the writer and two workers as child processes, queues the portals, waits for all of them
to finish, prints what each portal's run archived and the raw captures by kind, and stops
everything.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import click

from archive.db import open_archive
from portal_spider.cluster.local_redis import LocalRedis, RedisNotInstalled
from portal_spider.cluster.local_run import LocalCluster
from portal_spider.demo.server import PortalServer
from portal_spider.demo.vendor_site import VendorSite
from portal_spider.demo.wordpress_site import WordPressSite
from portal_spider.demo.yenbai_site import YenBaiSite
from portal_spider.registry import Portal

logger = logging.getLogger(__name__)

DEMO_SETTINGS = {"DOWNLOAD_DELAY": 0.05, "AUTOTHROTTLE_START_DELAY": 0.05}
WORKER_SETTINGS = {"LOG_LEVEL": "INFO", "PORTAL_ARCHIVE_PROGRESS": "false"}


def demo_sites() -> dict[str, object]:
    """The bundled demo portals by slug."""
    return {
        "tramtau-demo": YenBaiSite(),
        "tanphong-demo": WordPressSite(),
        "hoathuan-demo": VendorSite(),
    }


def portal_row(slug: str, site: object, base_url: str) -> Portal:
    """The registry row of a demo portal served at ``base_url``."""
    if isinstance(site, YenBaiSite):
        return Portal(
            slug=slug,
            name=site.portal["name"],
            level="huyện",
            province=site.portal["province"],
            base_url=base_url + "/",
            platform="yenbai",
            status="frozen",
            entry_points=site.entry_points(),
        )
    return Portal(
        slug=slug,
        name=site.name,  # type: ignore[attr-defined]
        level="xã",
        base_url=base_url + "/",
        platform="auto",
        entry_points=site.entry_points(),  # type: ignore[attr-defined]
    )


def site_article_count(site: object) -> int:
    articles = site.articles  # type: ignore[attr-defined]
    return len(articles)


def run_cluster_demo(db_path: Path, workers: int = 2) -> int:
    """Run the demo; returns the exit status."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    if db_path.exists():
        for path in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
            path.unlink(missing_ok=True)
    sites = demo_sites()
    with ExitStack() as stack:
        try:
            redis_server = stack.enter_context(LocalRedis())
        except RedisNotInstalled as error:
            click.echo(f"portal-archive: {error}", err=True)
            return 2
        click.echo(f"redis-server on {redis_server.url} (temporary directory)")
        servers = {slug: stack.enter_context(PortalServer(site)) for slug, site in sites.items()}
        portals = [portal_row(slug, sites[slug], servers[slug].url) for slug in sites]
        for portal in portals:
            count = site_article_count(sites[portal.slug])
            click.echo(f"  {portal.slug}: {portal.base_url} ({count} articles)")
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cluster-demo-")))
        cluster = LocalCluster(
            redis_server.url, db_path, folder, worker_settings=dict(WORKER_SETTINGS)
        )
        stack.callback(cluster.stop)
        started = time.monotonic()
        cluster.enqueue(portals, DEMO_SETTINGS)
        cluster.start_writer()
        for _ in range(workers):
            cluster.start_worker()
        click.echo(f"writer and {workers} workers started; crawling ...")
        try:
            statuses = cluster.wait(timeout=600)
        except Exception:
            click.echo(cluster.logs(), err=True)
            raise
        seconds = time.monotonic() - started
        if any(statuses):
            click.echo(cluster.logs(), err=True)
            click.echo(f"a process failed (exit statuses {statuses})", err=True)
            return 1
        served = {slug: server.log.count() for slug, server in servers.items()}
        most_in_flight = {slug: server.log.max_in_flight for slug, server in servers.items()}
        worker_jobs = [
            path.read_text(errors="replace").count(" done (")
            for path in sorted(folder.glob("worker-*.log"))
        ]
    return report(db_path, sites, served, most_in_flight, worker_jobs, seconds)


def report(
    db_path: Path,
    sites: dict[str, object],
    served: dict[str, int],
    most_in_flight: dict[str, int],
    worker_jobs: list[int],
    seconds: float,
) -> int:
    db = open_archive(db_path)
    ok = True
    click.echo(f"done in {seconds:.1f}s; jobs per worker: {worker_jobs}")
    for slug, site in sites.items():
        rows = db["articles"].count_where("portal = ?", [slug])
        distinct = next(
            db.query("select count(distinct id) n from articles where portal = ?", [slug])
        )["n"]
        run = next(
            db.query("select * from crawl_runs where portal = ? order by id desc limit 1", [slug]),
            None,
        )
        expected = site_article_count(site)
        ok = ok and rows == expected == distinct and run is not None and run["status"] == "ok"
        click.echo(
            f"  {slug}: {rows} articles archived of {expected} on the site; "
            f"{served[slug]} requests served, at most {most_in_flight[slug]} in flight; run "
            f"{run['id'] if run else '-'} {run['status'] if run else '-'}: "
            f"{run['articles_new'] if run else 0} new, {run['pages_fetched'] if run else 0} pages"
        )
    total = db["articles"].count
    captures = db["captures"].count
    responses = sum(served.values())
    click.echo(
        f"archive {db_path}: {total} articles, {captures} raw captures of the {responses} "
        "responses the portals served"
    )
    ok = ok and captures == responses
    click.echo(
        "  captures by kind (revisits of a payload kept already in brackets): "
        + ", ".join(
            f"{row['kind']} {row['n']} ({row['revisits']})"
            for row in db.query(
                "select kind, count(*) n, count(revisit_of) revisits from captures "
                "group by kind order by kind"
            )
        )
    )
    links = ", ".join(
        f"{row['status']} {row['n']}"
        for row in db.query(
            "select status, count(*) n from article_files group by status order by status"
        )
    )
    click.echo(f"  files: {db['files'].count} distinct payloads; article links: {links or 'none'}")
    click.echo(
        "every article archived once, every response captured once"
        if ok
        else "SOME ARTICLES OR CAPTURES ARE MISSING OR DOUBLED"
    )
    return 0 if ok else 1


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("demo-archive/cluster.db")
    sys.exit(run_cluster_demo(target))


if __name__ == "__main__":
    main()
