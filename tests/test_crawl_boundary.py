"""The portal's boundary, at the server: redirects off the portal and internal addresses refused.

A portal on 127.0.0.1:PORT redirects some articles to another port of 127.0.0.1 (a second server
that would answer with a real article page), to ``localhost`` on its own port, to another host,
and through a hop on the portal itself to the second server. Its listing also links articles on
private, link-local and loopback addresses. Nothing of that is fetched (the servers' request logs
say so) or stored; each redirected article is kept in ``pending_articles`` with its target and
counted as ``portal/<slug>/redirected_offsite``.
"""

from __future__ import annotations

import re
import socket
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from crawl_helpers import write_registry, yenbai_registry_row
from crawl_machinery import NOW, ChangingSite, crawl
from reliability_figures import record

from archive.db import open_archive
from portal_spider.crawl.downloader.boundary import internal_address
from portal_spider.crawl.report import EXIT_OK, EXIT_PAGES_FAILED
from portal_spider.demo.generate import generate_site_data
from portal_spider.demo.server import PortalServer
from portal_spider.demo.yenbai_site import ARTICLE_PATH, Reply

pytestmark = pytest.mark.crawl

ARGS = ("--delay", "0.01", "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_TIMEOUT=5")
TO_OTHER_PORT, TO_LOCALHOST, TO_OTHER_HOST, VIA_HOP, BY_REFRESH = 1000, 1001, 1002, 1003, 1004
HOP_PATH = "/chuyen-huong"
LISTED_INTERNAL = {
    7001: "http://10.0.0.7",
    7002: "http://169.254.169.254",
    7003: "http://192.168.1.20:8080",
    7004: "http://[::1]",
}


def article_path(item_id: int, **extra: str) -> str:
    query = f"ItemID={item_id}&l=TinTucSuKien" + "".join(f"&{k}={v}" for k, v in extra.items())
    return f"{ARTICLE_PATH}?{query}"


class BoundarySite(ChangingSite):
    """A generated site whose chosen articles redirect elsewhere, and whose first listing page
    also links articles on internal addresses."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.elsewhere: dict[int, str] = {}  # ItemID -> Location of its 302
        self.hops: dict[str, str] = {}  # a path on the portal -> Location of its 301
        self.refresh: dict[int, str] = {}  # ItemID -> URL of its <meta http-equiv="refresh">
        self.extra_links: list[str] = []

    def handle(self, target: str) -> Reply:
        parts = urlsplit(target)
        if parts.path == HOP_PATH and target in self.hops:
            return Reply(301, "text/html; charset=utf-8", b"", location=self.hops[target])
        item = parse_qs(parts.query).get("ItemID", [""])[-1]
        if item.isdigit() and int(item) in self.elsewhere:
            return Reply(302, "text/html; charset=utf-8", b"", location=self.elsewhere[int(item)])
        if item.isdigit() and int(item) in self.refresh:
            page = (
                '<html><head><meta http-equiv="refresh" content="0; url='
                f'{self.refresh[int(item)]}"></head><body>Đang chuyển trang…</body></html>'
            )
            return Reply(200, "text/html; charset=utf-8", page.encode())
        reply = super().handle(target)
        query = parse_qs(parts.query)
        if "ItemID" not in query and query.get("l") == ["TinTucSuKien"] and self.extra_links:
            links = "".join(
                f'<div class="news-item"><h3 class="news-item-title"><a href="{url}">Tin {i}</a>'
                f'</h3><span class="news-item-date">(09/01/2026)</span></div>'
                for i, url in enumerate(self.extra_links)
            )
            marker = b'<div class="paging">'
            reply.body = reply.body.replace(marker, links.encode() + marker, 1)
        return reply


def make_boundary_site(n: int = 12) -> BoundarySite:
    return BoundarySite(generate_site_data(n, newest=NOW - timedelta(hours=49)))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One crawl of the portal; both servers' request logs, the result and the archive."""
    tmp = tmp_path_factory.mktemp("boundary")
    site = make_boundary_site()
    other = make_boundary_site()  # a real portal elsewhere: fetching from it would store pages
    with PortalServer(site) as server, PortalServer(other) as elsewhere:
        port = urlsplit(server.url).port
        site.elsewhere = {
            TO_OTHER_PORT: elsewhere.url + article_path(TO_OTHER_PORT),
            TO_LOCALHOST: f"http://localhost:{port}" + article_path(1005, via="localhost"),
            TO_OTHER_HOST: "http://portal.example.invalid/tin-tuc/bai-viet-1002.html",
            VIA_HOP: f"{HOP_PATH}?id={VIA_HOP}",
        }
        site.hops = {f"{HOP_PATH}?id={VIA_HOP}": elsewhere.url + article_path(VIA_HOP)}
        site.refresh = {BY_REFRESH: elsewhere.url + article_path(BY_REFRESH, via="refresh")}
        site.extra_links = [
            *(base + article_path(i) for i, base in LISTED_INTERNAL.items()),
            elsewhere.url + article_path(7005),
            f"http://localhost:{port}" + article_path(7006, via="listing"),
        ]
        row = yenbai_registry_row("boundarytest", site, server.url)
        registry = write_registry(tmp / "portals.toml", [row])
        db_path = tmp / "archive.db"
        result = crawl("--all", "--db", str(db_path), *ARGS, registry=registry, now=NOW)
        yield {
            "result": result,
            "targets": list(server.log.targets),
            "elsewhere": list(elsewhere.log.targets),
            "db": open_archive(db_path),
            "site": site,
        }


REDIRECTED = (TO_OTHER_PORT, TO_LOCALHOST, TO_OTHER_HOST, VIA_HOP, BY_REFRESH)


@pytest.mark.reliability
def test_redirects_off_the_portal_are_not_followed(crawled):
    record("faults_injected", len(REDIRECTED))
    offsite = crawled["elsewhere"] + [t for t in crawled["targets"] if "via=" in t]
    record("offsite_fetches", len(offsite))
    assert crawled["elsewhere"] == []  # neither the other port nor the hop's target was asked
    assert not [t for t in crawled["targets"] if "via=" in t]  # nor localhost on our own port
    assert f"{HOP_PATH}?id={VIA_HOP}" in crawled["targets"]  # the hop on the portal was followed
    # the other host was not even looked up
    assert "DNS lookup failed" not in crawled["result"].stderr
    assert "example.invalid/robots.txt" not in crawled["result"].stderr
    assert crawled["result"].returncode == EXIT_OK, crawled["result"].stderr[-3000:]


@pytest.mark.reliability
def test_redirected_articles_are_stored_as_nothing(crawled):
    db = crawled["db"]
    stored = {row["item_id"] for row in db.query("select item_id from articles")}
    redirected = {str(i) for i in REDIRECTED}
    leaked = stored & redirected
    record("foreign_rows_stored", len(leaked))
    assert not leaked
    assert stored == {str(i) for i in crawled["site"].articles} - redirected
    captured = [row["url"] for row in db.query("select url from captures")]
    assert not [u for u in captured if "localhost" in u or "example.invalid" in u]
    assert not [u for u in captured if "ItemID=1000&" in u or "ItemID=1003&" in u]
    assert not [u for u in captured if "via=" in u]
    record("faults_survived", len(REDIRECTED))


@pytest.mark.reliability
def test_redirected_articles_are_recorded_and_counted(crawled):
    db = crawled["db"]
    site = crawled["site"]
    pending = {
        row["url"]: row["last_error"]
        for row in db.query("select url, last_error from pending_articles")
    }
    hop = site.hops[f"{HOP_PATH}?id={VIA_HOP}"]
    for item_id, status, target in (
        (TO_OTHER_PORT, 302, site.elsewhere[TO_OTHER_PORT]),
        (TO_LOCALHOST, 302, site.elsewhere[TO_LOCALHOST]),
        (TO_OTHER_HOST, 302, site.elsewhere[TO_OTHER_HOST]),
        (VIA_HOP, 301, hop),
        (BY_REFRESH, "meta refresh", site.refresh[BY_REFRESH]),
    ):
        (error,) = [e for url, e in pending.items() if f"ItemID={item_id}&" in url]
        how = f"HTTP {status}" if isinstance(status, int) else status
        assert error == f"redirected off the portal to {target} ({how})"
    assert len(pending) == len(REDIRECTED)
    result = crawled["result"]
    assert stat(result, "portal/boundarytest/redirected_offsite") == len(REDIRECTED)
    assert stat(result, "portal/boundarytest/pages_failed") is None


@pytest.mark.reliability
def test_listing_links_to_internal_addresses_are_never_fetched(crawled):
    record("hostile_inputs", len(LISTED_INTERNAL) + 2)
    db = crawled["db"]
    listed = {str(i) for i in (*LISTED_INTERNAL, 7005, 7006)}
    assert not listed & {row["item_id"] for row in db.query("select item_id from articles")}
    assert not listed & {
        parse_qs(urlsplit(row["url"]).query).get("ItemID", [""])[0]
        for row in db.query("select url from pending_articles")
    }
    assert crawled["elsewhere"] == []
    assert not [t for t in crawled["targets"] if "via=listing" in t]
    stderr = crawled["result"].stderr
    for base in LISTED_INTERNAL.values():  # not attempted: a fetch would time out and be logged
        assert urlsplit(base).hostname not in stderr.replace("127.0.0.1", "")


def stat(result, key: str) -> int | None:
    """A counter of Scrapy's final stats, as the crawl's log dumps them (None when absent)."""
    dump = result.stderr.split("Dumping Scrapy stats:", 1)[1]
    found = re.search(rf"'{re.escape(key)}': (\d+)", dump)
    return int(found.group(1)) if found else None


def internal_alias() -> tuple[str, str] | None:
    """This machine's host name and the internal address it resolves to, when it does."""
    name = socket.gethostname()
    try:
        address = socket.gethostbyname(name)
    except OSError:
        return None
    if internal_address(name) or not internal_address(address):
        return None
    return name, address


@pytest.mark.reliability
def test_a_portal_name_that_resolves_to_an_internal_address_is_not_fetched(tmp_path):
    alias = internal_alias()
    if alias is None:
        pytest.skip("this machine's host name does not resolve to an internal address")
    name, address = alias
    site = make_boundary_site(4)
    record("faults_injected")
    with PortalServer(site, host=address) as server:
        base = f"http://{name}:{urlsplit(server.url).port}"
        row = yenbai_registry_row("sinkholed", site, base)
        registry = write_registry(tmp_path / "portals.toml", [row])
        result = crawl("--all", "--db", str(tmp_path / "a.db"), *ARGS, registry=registry, now=NOW)
        targets = list(server.log.targets)
    assert targets == []  # not even robots.txt
    assert result.returncode == EXIT_PAGES_FAILED, result.stderr[-3000:]
    assert f"{name} resolves to an internal address" in result.stderr
    # refused before robots.txt is asked for: one refusal per entry page, and the home page's
    assert stat(result, "portal/sinkholed/refused_offsite") == len(site.entry_points()) + 1
    record("faults_survived")


INTERNAL = [
    "127.0.0.1",
    "127.1",
    "2130706433",
    "0x7f.0.0.1",
    "0177.0.0.1",
    "0.0.0.0",
    "10.0.0.7",
    "172.16.5.4",
    "192.168.1.20",
    "169.254.169.254",
    "::1",
    "[::1]",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "fe80::1",
    "fd00::1",
    "localhost",
    "LOCALHOST.",
    "ip6-localhost",
    "portal.localhost",
]
EXTERNAL = ["8.8.8.8", "203.113.131.1", "2001:4860:4860::8888", "tramtau.yenbai.gov.vn", "vm1"]


@pytest.mark.reliability
@pytest.mark.parametrize("host", INTERNAL)
def test_internal_hosts_are_recognised_as_written(host):
    record("hostile_inputs")
    assert internal_address(host)


@pytest.mark.parametrize("host", EXTERNAL)
def test_public_hosts_and_names_are_not_internal(host):
    assert not internal_address(host)


@pytest.mark.reliability
def test_a_redirected_article_is_archived_once_the_portal_serves_it_again(tmp_path):
    site = make_boundary_site(6)
    with PortalServer(site) as server, PortalServer(make_boundary_site(6)) as elsewhere:
        site.elsewhere = {TO_OTHER_PORT: elsewhere.url + article_path(TO_OTHER_PORT)}
        registry = write_registry(
            tmp_path / "portals.toml", [yenbai_registry_row("boundarytest", site, server.url)]
        )
        db_path = tmp_path / "archive.db"
        first = crawl("--all", "--db", str(db_path), *ARGS, registry=registry, now=NOW)
        db = open_archive(db_path)
        pending = [row["attempts"] for row in db.query("select attempts from pending_articles")]
        site.elsewhere = {}  # the portal serves the article itself again
        later = NOW + timedelta(hours=1)
        second = crawl("--all", "--db", str(db_path), *ARGS, registry=registry, now=later)
        assert elsewhere.log.targets == []
    record("faults_injected")
    assert first.returncode == EXIT_OK, first.stderr[-3000:]
    assert second.returncode == EXIT_OK, second.stderr[-3000:]
    assert pending == [1]
    stored = {row["item_id"] for row in db.query("select item_id from articles")}
    lost = {str(i) for i in site.articles} - stored
    record("rows_lost", len(lost))
    assert not lost
    assert db["pending_articles"].count == 0
    record("faults_survived")
