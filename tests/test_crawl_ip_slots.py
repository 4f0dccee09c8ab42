"""Per-host limits hold per server: two portals that are two host names of one local server (mapped
to 127.0.0.1 by ``PORTAL_ARCHIVE_RESOLVE``, no DNS) never have more requests in flight there than
one host may; with ``PORTAL_ARCHIVE_SLOTS_PER_IP=false`` each host gets its own limit again."""

from __future__ import annotations

import json

import pytest
from crawl_helpers import write_registry, yenbai_registry_row
from crawl_machinery import NOW, crawl, make_site

from portal_spider.demo.server import PortalServer

pytestmark = pytest.mark.crawl

SLOW = 0.25  # seconds per request, so requests overlap whenever the crawler lets them
HOSTS = ("tramtau.yenbai.gov.vn", "vanchan.yenbai.gov.vn")


def crawl_two_names(tmp_path, per_ip: bool) -> tuple[int, int, str]:
    site = make_site(10)
    with PortalServer(site, delay=SLOW) as server:
        port = server.httpd.server_address[1]
        rows = []
        for host in HOSTS:
            row = yenbai_registry_row(host.split(".")[0], site, f"http://{host}:{port}")
            rows.append(row)
        registry = write_registry(tmp_path / f"portals-{per_ip}.toml", rows)
        resolve = json.dumps(dict.fromkeys(HOSTS, "127.0.0.1"))
        result = crawl(
            "--all",
            "--db",
            str(tmp_path / f"a-{per_ip}.db"),
            "--delay",
            "0.01",
            "--set",
            "AUTOTHROTTLE_ENABLED=False",
            "--set",
            f"PORTAL_ARCHIVE_RESOLVE={resolve}",
            "--set",
            f"PORTAL_ARCHIVE_SLOTS_PER_IP={str(per_ip).lower()}",
            registry=registry,
            now=NOW,
        )
        return server.log.max_in_flight, server.log.count(), result.stdout + result.stderr


def test_two_host_names_of_one_server_share_its_limit(tmp_path):
    most, requests, output = crawl_two_names(tmp_path, per_ip=True)
    print(f"per IP: {requests} requests, max in flight {most}")
    assert "tramtau: ok" in output and "vanchan: ok" in output, output[-3000:]
    assert requests > 20  # both portals were crawled through the one server
    assert most == 2  # CONCURRENT_REQUESTS_PER_DOMAIN, for the server as a whole


def test_without_slots_per_ip_each_host_name_has_its_own_limit(tmp_path):
    most, requests, output = crawl_two_names(tmp_path, per_ip=False)
    print(f"per host: {requests} requests, max in flight {most}")
    assert "tramtau: ok" in output and "vanchan: ok" in output, output[-3000:]
    assert most > 2
