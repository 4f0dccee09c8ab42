"""``check-sites`` against local portals that are up, frozen, redirected to the province, failing
with 5xx, refusing connections, parked, or whose domain no longer resolves: each gets its status,
the history grows with every run, and a change shows in ``sites``, ``stats``, the portal page and
the stored query of status changes."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from liveness_sites import (
    YENBAI_PORTALS,
    Failing,
    LocalHosts,
    Parked,
    Redirect,
    UnitHome,
    use_registry,
    yenbai_registry,
)

from archive.db import open_archive
from archive.portal_checks import status_changes
from archive.serve import METADATA_FILE, build_datasette
from portal_spider.cli import main

logger = logging.getLogger(__name__)

pytestmark = pytest.mark.crawl

REGISTRY = yenbai_registry(list(YENBAI_PORTALS), "http")

FIRST = "2025-09-01T08:00:00+07:00"
SECOND = "2025-09-08T08:00:00+07:00"
EXPECTED_FIRST = {
    "yenbai": "active",
    "tramtau": "active",
    "vanchan": "frozen",
    "mucangchai": "redirected",
    "vanyen": "offline",
    "lucyen": "offline",
    "tranyen": "gone",
    "nghialo": "gone",
}


def check_sites(hosts: LocalHosts, db: Path, now: str, *extra: str):
    return CliRunner().invoke(
        main,
        ["check-sites", "--all", "--db", str(db), "--delay", "0", "--timeout", "2"]
        + hosts.resolve_args()
        + list(extra),
        env={"PORTAL_ARCHIVE_NOW": now},
    )


def sites_rows(db: Path, *args: str) -> dict[str, dict]:
    result = CliRunner().invoke(main, ["sites", "--json", "--db", str(db), *args])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    return {p["slug"]: p for row in rows for p in row["portals"]}


@pytest.fixture
def registry(tmp_path, monkeypatch) -> Path:
    return use_registry(REGISTRY, tmp_path, monkeypatch)


def test_check_sites_derives_each_status_and_keeps_the_history(registry, tmp_path):
    db_path = tmp_path / "archive.db"
    with LocalHosts() as hosts:
        hosts.add("yenbai.gov.vn", UnitHome("Cổng thông tin điện tử tỉnh Yên Bái"))
        up = UnitHome("Cổng thông tin điện tử huyện Trạm Tấu", dates=("28/08/2025 09:15",))
        hosts.add("tramtau.yenbai.gov.vn", up)
        hosts.add(
            "vanchan.yenbai.gov.vn",
            UnitHome("Huyện Văn Chấn", dates=("30/04/2025 16:00", "12/03/2025")),
        )
        hosts.add("mucangchai.yenbai.gov.vn", Redirect("http://yenbai.gov.vn/"))
        hosts.add("vanyen.yenbai.gov.vn", Failing(503))
        hosts.refuse("lucyen.yenbai.gov.vn")
        hosts.add("tranyen.yenbai.gov.vn", Parked())
        # nghialo.yenbai.gov.vn is not resolved at all: its domain is lost

        first = check_sites(hosts, db_path, FIRST)
        assert first.exit_code == 1, first.output  # portals found offline or gone: warned
        assert "warning: vanyen: portal is now offline" in first.output

        db = open_archive(db_path)
        rows = list(db.query("select * from portal_checks order by id"))
        assert {r["portal"]: r["status"] for r in rows} == EXPECTED_FIRST
        by_slug = {r["portal"]: r for r in rows}
        assert by_slug["tramtau"]["status_code"] == 200
        assert by_slug["tramtau"]["newest_article"] == "2025-08-28T09:15:00+07:00"
        assert by_slug["vanchan"]["newest_article"] == "2025-04-30T16:00:00+07:00"
        assert by_slug["mucangchai"]["final_url"] == "http://yenbai.gov.vn/"
        assert by_slug["mucangchai"]["redirect_portal"] == "yenbai"
        assert by_slug["mucangchai"]["target"] == "yenbai"
        assert by_slug["vanyen"]["status_code"] == 503
        assert by_slug["lucyen"]["error"] == "refused"
        assert by_slug["tranyen"]["parked"] == 1
        assert by_slug["nghialo"]["error"] == "dns"
        warnings = list(db.query("select portal, kind from run_warnings where run_id is null"))
        assert {w["portal"] for w in warnings} == {"vanyen", "lucyen", "tranyen", "nghialo"}
        assert {w["kind"] for w in warnings} == {"offline"}
        db.close()

        # a week later Trạm Tấu's server fails: a second run adds a row per portal
        hosts.servers["tramtau.yenbai.gov.vn"].site = Failing(500)
        second = check_sites(hosts, db_path, SECOND)
        assert second.exit_code == 1
        assert "warning: tramtau: portal is now offline (was active)" in second.output
        # nothing new about those already down
        assert "warning: vanyen" not in second.output

    db = open_archive(db_path)
    counts = dict(db.execute("select portal, count(*) from portal_checks group by portal"))
    assert counts == dict.fromkeys(EXPECTED_FIRST, 2)
    changes = status_changes(db, "2025-09-05")
    assert [(c["portal"], c["previous_status"], c["status"]) for c in changes] == [
        ("tramtau", "active", "offline")
    ]
    assert status_changes(db, "2025-09-09") == []
    db.close()

    portals = sites_rows(db_path, "--province", "yen bai")
    assert portals["tramtau"]["status"] == "offline"
    assert portals["tramtau"]["last_seen_alive"] == "2025-09-01T01:00:00+00:00"
    assert portals["mucangchai"]["target"] == "yenbai"
    assert set(sites_rows(db_path, "--status", "offline")) == {"tramtau", "vanyen", "lucyen"}
    assert set(sites_rows(db_path, "--status", "gone")) == {"tranyen", "nghialo"}
    table = CliRunner().invoke(main, ["sites", "--db", str(db_path), "--province", "Yên Bái"])
    line = next(x for x in table.output.splitlines() if "tramtau" in x)
    assert "offline" in line and "last seen alive 2025-09-01" in line

    stats = CliRunner().invoke(main, ["stats", "--json", "--db", str(db_path)])
    per_portal = {p["portal"]: p for p in json.loads(stats.output)["portals"]}
    assert per_portal["tramtau"]["checked_status"] == "offline"
    assert per_portal["tramtau"]["last_seen_alive"] == "2025-09-01T01:00:00+00:00"

    # the stored query lists the change; the portal page shows the status and last seen alive
    metadata = yaml.safe_load(METADATA_FILE.read_text(encoding="utf-8"))
    assert "portal_status_changes" in metadata["databases"]["archive"]["queries"]
    ds = build_datasette(db_path)
    response = asyncio.run(
        ds.client.get("/archive/portal_status_changes.json?since=2025-09-05&_shape=objects")
    )
    assert response.status_code == 200, response.text[:300]
    assert [(r["portal"], r["status"]) for r in response.json()["rows"]] == [("tramtau", "offline")]
    page = asyncio.run(ds.client.get("/-/portal/tramtau"))
    assert page.status_code == 200
    assert '<span class="check-status">offline</span>' in page.text
    assert "còn hoạt động lần cuối: 01/09/2025" in page.text


def test_a_tls_failure_is_recorded_and_the_page_asked_over_http(tmp_path, monkeypatch):
    registry = tmp_path / "portals.toml"
    registry.write_text(yenbai_registry(["tramtau"], "https"), encoding="utf-8")
    monkeypatch.setenv("PORTAL_ARCHIVE_REGISTRY", str(registry))
    db_path = tmp_path / "archive.db"
    home = UnitHome("Cổng thông tin điện tử huyện Trạm Tấu", dates=("28/08/2025 09:15",))
    with LocalHosts() as hosts:
        hosts.add("tramtau.yenbai.gov.vn", home)
        tls = hosts.add_tls("tramtau.yenbai.gov.vn", home, tmp_path)
        result = check_sites(hosts, db_path, FIRST)
        assert tls.log.count() == 0  # the handshake failed: no request reached it
    assert result.exit_code == 0, result.output
    db = open_archive(db_path)
    (row,) = db.query("select * from portal_checks")
    assert (row["status"], row["error"], row["status_code"]) == ("active", "tls", 200)
    assert "CERTIFICATE_VERIFY_FAILED" in row["error_detail"]
    assert row["final_url"] == "http://tramtau.yenbai.gov.vn/"
