"""robots.txt obeyed at the server, for every request, including those queued while it loads.

Scrapy 2.13+ lets through the requests that wait for a host's robots.txt after the first one (they
receive ``None`` instead of the parser); with ``Disallow: /`` and five entry pages, three were
fetched. Here robots.txt is served slowly so that every entry page waits for it, and the server's
own request log says what was fetched.
"""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from crawl_helpers import write_registry, yenbai_registry_row
from crawl_machinery import NOW, ChangingSite, crawl, item_ids, listing_pages
from reliability_figures import record

from archive.db import open_archive
from portal_spider.crawl.report import EXIT_OK, EXIT_ROBOTS_BLOCKED
from portal_spider.demo.generate import generate_site_data
from portal_spider.demo.server import Fault, PortalServer
from portal_spider.demo.yenbai_site import Reply

pytestmark = pytest.mark.crawl

ROBOTS_DELAY = 0.5  # seconds robots.txt takes: every queued request waits for it
ARGS = ("--delay", "0.01", "--set", "AUTOTHROTTLE_ENABLED=False")
LISTING = "/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx"


class RobotsSite(ChangingSite):
    """A generated Yên Bái-family site that serves the robots.txt it is given."""

    def __init__(self, robots: str, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.robots = robots

    def handle(self, target: str) -> Reply:
        if target.split("?", 1)[0] == "/robots.txt":
            return Reply(200, "text/plain; charset=utf-8", self.robots.encode())
        return super().handle(target)


def robots_site(robots: str, n: int = 12) -> RobotsSite:
    return RobotsSite(robots, generate_site_data(n, newest=NOW - timedelta(hours=49)))


def five_entry_points(site: RobotsSite) -> list[str]:
    """The first page of each of the four lists, and the second page of the first one."""
    first = next(iter(site.categories))
    return [*site.entry_points(), site.listing_url(first, 2)]


def crawl_portal(tmp_path, server: PortalServer, site: RobotsSite, **row_fields):
    """Crawl the site as a registry portal with five entry points; the result and the archive."""
    row = yenbai_registry_row("robotstest", site, server.url)
    row["entry_points"] = five_entry_points(site)
    row.update(row_fields)
    registry = write_registry(tmp_path / "portals.toml", [row])
    db_path = tmp_path / "archive.db"
    result = crawl("--all", "--db", str(db_path), *ARGS, registry=registry, now=NOW)
    return result, open_archive(db_path)


def latest_run(db) -> dict:
    return next(db.query("select * from crawl_runs order by id desc limit 1"))


def warning_kinds(db, run_id: int) -> list[str]:
    return [r["kind"] for r in db.query("select kind from run_warnings where run_id = ?", [run_id])]


@pytest.mark.reliability
def test_disallow_all_fetches_nothing_but_robots_txt_and_says_so(tmp_path):
    site = robots_site("User-agent: *\nDisallow: /\n")
    with PortalServer(site) as server:
        server.faults.append(Fault("/robots.txt", delay=ROBOTS_DELAY))
        result, db = crawl_portal(tmp_path, server, site)
        targets = list(server.log.targets)
    record("faults_injected")
    beyond = [t for t in targets if t != "/robots.txt"]
    record("robots_violations", len(beyond))
    assert targets == ["/robots.txt"], f"fetched despite Disallow: / : {beyond}"
    assert result.returncode == EXIT_ROBOTS_BLOCKED, result.stderr[-3000:]
    run = latest_run(db)
    assert run["status"] == "blocked"
    assert run["pages_fetched"] == 0
    assert warning_kinds(db, run["id"]) == ["robots_blocked"]
    message = next(db.query("select message from run_warnings where run_id = ?", [run["id"]]))
    assert "robots.txt forbade all 5 request(s)" in message["message"]
    assert "warning: robots.txt forbade all 5" in result.stdout
    assert "robotstest: blocked" in result.stdout
    assert db["articles"].count == 0
    record("faults_survived")


@pytest.mark.reliability
def test_disallow_of_one_list_blocks_only_that_list(tmp_path):
    site = robots_site(f"User-agent: *\nDisallow: {LISTING}?l=KinhTe\n", n=24)
    with PortalServer(site) as server:
        server.faults.append(Fault("/robots.txt", delay=ROBOTS_DELAY))
        result, db = crawl_portal(tmp_path, server, site)
        targets = list(server.log.targets)
    record("faults_injected")
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    lists_fetched = {name for name, _page in listing_pages(targets)}
    assert lists_fetched == set(site.categories) - {"KinhTe"}
    forbidden = [t for t in targets if t.startswith(f"{LISTING}?l=KinhTe")]
    record("robots_violations", len(forbidden))
    assert not forbidden
    # every article of the other lists is archived; those only the blocked list links are not
    stored = {row["item_id"] for row in db.query("select item_id from articles")}
    reachable = {str(a["item_id"]) for a in site.articles.values() if a["list"] != "KinhTe"}
    assert reachable <= stored
    assert set(item_ids(targets)) >= {int(i) for i in reachable}
    run = latest_run(db)
    assert run["status"] == "ok"
    assert "robots_blocked" not in warning_kinds(db, run["id"])
    record("faults_survived")


@pytest.mark.reliability
def test_a_portal_that_does_not_obey_robots_is_crawled(tmp_path):
    site = robots_site("User-agent: *\nDisallow: /\n")
    with PortalServer(site) as server:
        result, db = crawl_portal(tmp_path, server, site, obey_robots=False)
        targets = list(server.log.targets)
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    assert "/robots.txt" not in targets
    assert db["articles"].count == len(site.articles)
    assert latest_run(db)["status"] == "ok"


@pytest.mark.reliability
def test_an_unreachable_robots_txt_is_one_warning_line(tmp_path):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    record("faults_injected")
    result = crawl(f"http://127.0.0.1:{port}/", "--db", str(tmp_path / "a.db"), *ARGS, now=NOW)
    assert f"robots.txt of 127.0.0.1:{port} could not be fetched" in result.stderr
    tracebacks = result.stderr.count("Traceback")
    record("crashes", tracebacks)
    assert tracebacks == 0, result.stderr[-3000:]
    record("faults_survived")
