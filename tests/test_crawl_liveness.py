"""Every crawl records a liveness check: ``active`` when the portal answered with recent articles,
``offline`` when no request got an answer, and the monitor warns when a portal that was up goes
offline (the moment to make sure its archive is complete)."""

from __future__ import annotations

import pytest
from crawl_helpers import write_registry, yenbai_registry_row
from crawl_machinery import NOW, crawl, make_site
from liveness_sites import refusing_socket

from archive.db import open_archive
from portal_spider.demo.server import PortalServer

pytestmark = pytest.mark.crawl


def test_a_crawl_records_the_check_and_warns_when_the_portal_goes_offline(tmp_path):
    db_path = tmp_path / "a.db"
    site = make_site(6)
    with PortalServer(site) as server:
        registry = write_registry(
            tmp_path / "portals.toml", [yenbai_registry_row("local", site, server.url)]
        )
        first = crawl("--all", "--db", str(db_path), "--delay", "0.01", registry=registry, now=NOW)
        assert first.returncode == 0, first.stderr[-3000:]
        port = server.httpd.server_address[1]
    # the server is gone (its port held, so no other server takes it): no answer at all
    with refusing_socket(port):
        second = crawl("--all", "--db", str(db_path), "--delay", "0.01", registry=registry, now=NOW)
    assert second.returncode == 5, second.stderr[-3000:]
    db = open_archive(db_path)
    checks = list(db.query("select * from portal_checks order by id"))
    assert [(c["portal"], c["source"], c["status"]) for c in checks] == [
        ("local", "crawl", "active"),
        ("local", "crawl", "offline"),
    ]
    runs = [r["id"] for r in db.query("select id from crawl_runs order by id")]
    assert [c["run_id"] for c in checks] == runs
    assert checks[0]["newest_article"] is not None
    warnings = list(
        db.query("select run_id, kind, message from run_warnings where kind = ?", ["offline"])
    )
    assert [(w["run_id"], w["kind"]) for w in warnings] == [(runs[1], "offline")]
    assert "portal is now offline (was active)" in warnings[0]["message"]
    assert "portal is now offline" in second.stdout + second.stderr
    status = next(db.query("select * from portal_status"))
    assert status["status"] == "offline" and status["last_seen_alive"] == checks[0]["checked_at"]
