"""``portal-archive demo``: serve the bundled district portal locally, archive it, report.

The portal is served on 127.0.0.1 on a free port for the length of the crawl and then stopped;
nothing leaves this machine.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import click

from archive.db import open_archive
from portal_spider.crawl.runner import run_crawl
from portal_spider.demo.server import PortalServer
from portal_spider.demo.yenbai_site import YenBaiSite
from portal_spider.registry import Portal

DEMO_SLUG = "tramtau-demo"
KIND_LABELS = {
    "article": "article pages", "listing": "listing pages", "home": "home page",
    "robots": "robots.txt", "attachment": "attachments", "image": "images",
}  # fmt: skip
# the demo server is local and small: a short delay keeps the run under a minute
DEMO_SETTINGS = {"DOWNLOAD_DELAY": 0.05, "AUTOTHROTTLE_START_DELAY": 0.05, "LOG_LEVEL": "WARNING"}


def demo_portal(site: YenBaiSite, base_url: str) -> Portal:
    """The registry row of the local demo portal."""
    return Portal(
        slug=DEMO_SLUG,
        name=f"{site.portal['name']} (bản demo ngoại tuyến)",
        level="huyện",
        province=site.portal["province"],
        base_url=base_url + "/",
        platform="yenbai",
        entry_points=site.entry_points(),
        # the district stopped publishing when it was dissolved: no "stale" warning for it
        status="frozen",
        notes="Offline demo portal bundled with portal-archive, served on 127.0.0.1.",
    )


def verify_against_site(db, site: YenBaiSite) -> list[str]:
    """Differences between the archived rows and the demo portal's own data (empty when none)."""
    rows = {r["item_id"]: r for r in db["articles"].rows_where("portal = ?", [DEMO_SLUG])}
    differences = []
    for item_id, article in site.articles.items():
        row = rows.get(str(item_id))
        if row is None:
            differences.append(f"ItemID {item_id}: not archived")
            continue
        expected = {
            "title": article["title"],
            "published_at": article["published_at"],
            "views": article["views"],
            "source": article["source"],
            "author": article["author"],
        }
        for name, value in expected.items():
            if row[name] != value:
                differences.append(f"ItemID {item_id}: {name} is {row[name]!r}, not {value!r}")
    return differences


def run_demo(db_path: Path) -> int:
    """Run the demo; returns the exit status."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    site = YenBaiSite()
    with PortalServer(site) as server:
        click.echo(f"Serving the demo portal ({len(site.articles)} articles) at {server.url}/")
        result = run_crawl([demo_portal(site, server.url)], db_path, DEMO_SETTINGS)
        requests = server.log.count()
    db = open_archive(db_path)
    total = db["articles"].count_where("portal = ?", [DEMO_SLUG])
    incomplete = db["articles"].count_where("portal = ? and status != 'ok'", [DEMO_SLUG])
    click.echo(
        f"Crawled with {requests} requests ({result.finish_reason}); the archive holds {total} "
        f"articles of {DEMO_SLUG} ({incomplete} incomplete) in {db_path}"
    )
    rows = db.query(
        "select published_at, views, title from articles where portal = ? "
        "order by published_at desc limit 5",
        [DEMO_SLUG],
    )
    for row in rows:
        click.echo(f"  {row['published_at']}  {row['views']:>6} lượt xem  {row['title']}")
    runs = list(db.query("select * from crawl_runs order by id desc limit 1"))
    if runs:
        run = runs[0]
        missing = json.loads(run["fields_missing"] or "{}")
        click.echo(
            f"Last run: {run['articles_new']} new, {run['articles_updated']} updated, "
            f"{run['articles_unchanged']} unchanged, {run['pages_failed']} failed pages; "
            f"fields not found: {missing or 'none'}"
        )
    kinds = db.execute(
        "select kind, count(*) from captures where portal = ? group by kind order by 2 desc",
        [DEMO_SLUG],
    ).fetchall()
    kept = db.execute("select count(*) from captures where body_gz is not null").fetchone()[0]
    click.echo(
        "Kept every response: " + ", ".join(f"{n} {KIND_LABELS.get(k, k)}" for k, n in kinds)
        + f" ({kept} distinct payloads; export: portal-archive export-wacz -o demo.wacz)"
    )  # fmt: skip
    differences = verify_against_site(db, site)
    checked = "title, published_at, views, source, author"
    if differences:
        click.echo(f"{len(differences)} value(s) differ from the portal's data:")
        for line in differences[:20]:
            click.echo("  " + line)
    else:
        click.echo(f"Checked {total} articles against the portal's own data ({checked}): all match")
    quoted = shlex.quote(str(db_path))
    click.echo("Browse it:  .venv/bin/portal-archive serve --db " + quoted)
    click.echo("       or:  .venv/bin/datasette " + quoted)
    click.echo('Search it:  .venv/bin/portal-archive search "tuyen giao" --db ' + quoted)
    complete = total == len(site.articles) and result.finish_reason == "finished"
    return 0 if complete and not differences else 1
