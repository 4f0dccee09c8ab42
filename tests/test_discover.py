"""``discover`` with the province's portal host names mapped to local servers (resolver overrides,
no real DNS): it confirms the candidates whose pages name their unit, rejects a parked domain, the
portal of another unit and a host that times out, and writes only the confirmed rows, with their
evidence, to a registry file that loads."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from liveness_sites import LocalHosts, Parked, Silent, UnitHome, use_registry, yenbai_registry

from portal_spider.cli import main
from portal_spider.liveness.discover import ascii_label, candidate_hosts, learn_patterns
from portal_spider.registry import load_registry
from portal_spider.registry.units import load_units

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

logger = logging.getLogger(__name__)

pytestmark = pytest.mark.crawl

# The province portal and one district portal are known; the other Yên Bái units are not.
REGISTRY = yenbai_registry(["yenbai", "tramtau"], "https") + (
    '\n[[portal]]\nslug = "tuyphong-huyenuy"\nname = "Huyện ủy Tuy Phong"\nlevel = "huyện"\n'
    'province = "Bình Thuận"\nunit_code = "595"\nbase_url = "https://tuyphong.binhthuan.dcs.vn/"\n'
)


@pytest.fixture
def registry(tmp_path, monkeypatch) -> Path:
    return use_registry(REGISTRY, tmp_path, monkeypatch)


def test_candidates_follow_the_province_patterns(registry):
    units = load_units()
    patterns = learn_patterns(load_registry(), units)
    # yenbai is the province's own name: the pattern carries over to other provinces
    assert patterns == {
        ("15", "tỉnh"): {"{unit}.gov.vn"},
        ("15", "huyện"): {"{unit}.{province}.gov.vn"},
        ("60", "huyện"): {"{unit}.{province}.dcs.vn"},
    }
    assert candidate_hosts(units.get("huyện", "140"), patterns, units) == ["vanchan.yenbai.gov.vn"]
    # a province without a known portal borrows every pattern of the level, with its own name
    lao_cai_district = next(u for u in units.level("huyện") if u.province == "Lào Cai")
    hosts = candidate_hosts(lao_cai_district, patterns, units)
    label = ascii_label(lao_cai_district.name)
    assert hosts == [f"{label}.laocai.dcs.vn", f"{label}.laocai.gov.vn"]


def test_commune_candidates_follow_the_commune_portals_of_the_bundled_registry(monkeypatch):
    monkeypatch.delenv("PORTAL_ARCHIVE_REGISTRY", raising=False)
    units = load_units()
    patterns = learn_patterns(load_registry(), units)
    assert patterns[("15", "xã")] == {"{unit}.{district}.{province}.gov.vn"}
    tuc_dan = next(u for u in units.level("xã") if u.name == "Túc Đán")
    assert candidate_hosts(tuc_dan, patterns, units) == ["tucdan.tramtau.yenbai.gov.vn"]


def test_discover_writes_only_confirmed_portals_with_evidence(registry, tmp_path):
    output = tmp_path / "found.toml"
    with LocalHosts() as hosts:
        vanchan = hosts.add(
            "vanchan.yenbai.gov.vn", UnitHome("Cổng thông tin điện tử huyện Văn Chấn")
        )
        hosts.add(
            "nghialo.yenbai.gov.vn",
            UnitHome("Trang tin tức", footer="Bản quyền thuộc UBND Thị xã Nghĩa Lộ, tỉnh Yên Bái"),
        )
        hosts.add("lucyen.yenbai.gov.vn", Parked())
        # another unit's portal answers under Văn Yên's name: it names Trấn Yên, not Văn Yên
        hosts.add("vanyen.yenbai.gov.vn", UnitHome("Cổng thông tin điện tử huyện Trấn Yên"))
        hosts.add("yenbinh.yenbai.gov.vn", Silent(3.0))
        result = CliRunner().invoke(
            main,
            ["discover", "--province", "yen bai", "--level", "huyen", "-o", str(output)]
            + ["--delay", "0", "--timeout", "0.5"]
            + hosts.resolve_args(),
        )
        assert vanchan.log.targets == ["/robots.txt", "/"]  # robots.txt first, over HTTP
        assert "Mozilla" not in "".join(vanchan.log.user_agents)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "140 huyện Văn Chấn: vanchan.yenbai.gov.vn confirmed" in out
    assert "133 thị xã Nghĩa Lộ: nghialo.yenbai.gov.vn confirmed" in out
    assert "135 huyện Lục Yên: lucyen.yenbai.gov.vn rejected" in out
    assert "a parked domain" in out
    assert "136 huyện Văn Yên: vanyen.yenbai.gov.vn rejected" in out
    assert "the page does not name huyện Văn Yên" in out
    assert "141 huyện Yên Bình: yenbinh.yenbai.gov.vn rejected" in out
    assert "timeout" in out
    # Trạm Tấu has a portal already: never probed
    assert "tramtau" not in out
    assert "2 confirmed" in out

    found = load_registry(output)
    assert [(p.slug, p.unit_code, p.base_url) for p in found] == [
        ("nghialo", "133", "http://nghialo.yenbai.gov.vn/"),
        ("vanchan", "140", "http://vanchan.yenbai.gov.vn/"),
    ]
    evidence = {p.slug: p.evidence for p in found}
    assert evidence["vanchan"]["url"] == "http://vanchan.yenbai.gov.vn/"
    assert evidence["vanchan"]["where"] == "title"
    assert evidence["vanchan"]["text"] == "Cổng thông tin điện tử huyện Văn Chấn"
    assert evidence["nghialo"]["where"] == "footer"
    assert "UBND Thị xã Nghĩa Lộ" in evidence["nghialo"]["text"]
    assert all(e["date"][:4].isdigit() for e in evidence.values())
    raw = tomllib.loads(output.read_text(encoding="utf-8"))
    assert len(raw["portal"]) == 2

    # a second run knows them (the output file counts as known) and writes nothing twice
    again = CliRunner().invoke(
        main,
        ["discover", "--province", "Yên Bái", "-o", str(output), "--delay", "0"]
        + ["--timeout", "0.5", "--resolve", "none.invalid:80:127.0.0.1:9"],
    )
    assert again.exit_code == 0, again.output
    assert "vanchan.yenbai.gov.vn" not in again.output
    assert "0 confirmed" in again.output
    assert len(load_registry(output)) == 2


def test_discover_rejects_an_unknown_province(registry):
    result = CliRunner().invoke(main, ["discover", "--province", "Atlantis"])
    assert result.exit_code == 2
    assert "no province 'Atlantis'" in result.output


def test_an_output_file_that_is_no_registry_is_a_clear_error(registry, tmp_path):
    output = tmp_path / "found.toml"
    output.write_text("[[portal]\nslug = ", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["discover", "-o", str(output), "--resolve", "x:80:1.2.3.4:80"]
    )
    assert result.exit_code == 1
    assert "found.toml: not a valid TOML file" in result.output
    assert output.read_text(encoding="utf-8") == "[[portal]\nslug = "  # left as it was
