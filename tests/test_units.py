"""The administrative units the registry ties portals to: the shipped ``units.json``, what
``sites`` shows of it, and its regeneration from the library, byte for byte."""

from __future__ import annotations

import json
import logging
from collections import Counter

import pytest
from click.testing import CliRunner

from portal_spider.cli import main
from portal_spider.registry import REGISTRY_FILE, load_registry
from portal_spider.registry.units import UNITS_FILE, fold_key, load_units

logger = logging.getLogger(__name__)

UNITS = load_units()


@pytest.fixture(autouse=True)
def bundled_registry(monkeypatch):
    monkeypatch.delenv("PORTAL_ARCHIVE_REGISTRY", raising=False)


def test_the_units_before_the_reform_are_all_there():
    assert len(UNITS.level("tỉnh")) == 63
    assert len(UNITS.level("huyện")) == 696
    assert len(UNITS.level("xã")) > 10_000
    kinds = Counter(u.type for u in UNITS.level("huyện"))
    assert kinds == {"huyện": 508, "thành phố": 87, "quận": 49, "thị xã": 52}
    assert UNITS.source == "vietnamadminunits 1.0.4"


def test_sites_lists_every_district_level_unit_with_tram_tau_as_it_was():
    result = CliRunner().invoke(
        main, ["sites", "--level", "huyện", "--json", "--db", "/nonexistent/archive.db"]
    )
    assert result.exit_code == 0, result.output[:500]
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 696
    assert len({row["code"] for row in rows}) == 696
    assert all(row["code"].isdigit() and row["province"] and row["province_code"] for row in rows)
    tram_tau = next(row for row in rows if row["code"] == "139")
    assert (tram_tau["type"], tram_tau["name"]) == ("huyện", "Trạm Tấu")
    assert (tram_tau["province"], tram_tau["province_code"]) == ("Yên Bái", "15")
    assert [p["slug"] for p in tram_tau["portals"]] == ["tramtau"]
    assert tram_tau["portals"][0]["base_url"] == "https://tramtau.yenbai.gov.vn/"
    assert tram_tau["successors"] == [
        {"code": "04585", "name": "xã Hạnh Phúc", "province": "Lào Cai"},
        {"code": "04603", "name": "xã Tà Xi Láng", "province": "Lào Cai"},
        {"code": "04606", "name": "xã Trạm Tấu", "province": "Lào Cai"},
        {"code": "04609", "name": "xã Phình Hồ", "province": "Lào Cai"},
    ]


def test_the_province_merged_into_lao_cai():
    yen_bai = UNITS.get("tỉnh", "15")
    assert yen_bai.name == "Yên Bái"
    assert [s["name"] for s in yen_bai.successors] == ["tỉnh Lào Cai"]


@pytest.mark.parametrize("portal", load_registry(REGISTRY_FILE), ids=lambda p: p.slug)
def test_each_registry_code_names_the_portals_unit(portal):
    """A code in the registry is one of units.json, at the portal's level, of its province, and
    the portal's name names that unit."""
    if portal.unit_code is None:
        assert portal.slug == "xayenbinh"  # no such commune in the official list: left empty
        return
    unit = UNITS.get(portal.level, portal.unit_code)
    assert unit is not None, portal.unit_code
    assert fold_key(unit.province) == fold_key(portal.province)
    name = fold_key(portal.name)
    assert fold_key(unit.name) in name, (unit, portal.name)


def test_every_registry_portal_but_one_has_its_code():
    missing = [p.slug for p in load_registry(REGISTRY_FILE) if not p.unit_code]
    assert missing == ["xayenbinh"]


def test_the_coverage_per_province_is_printed():
    result = CliRunner().invoke(main, ["sites", "--db", "/nonexistent/archive.db"])
    lines = result.output.splitlines()
    assert "  Yên Bái          huyện 8/9" in lines
    assert "  Phú Thọ          huyện 1/13" in lines
    assert lines[-1].startswith("761 unit(s), 14 with a known portal")


def test_the_shipped_file_is_what_the_library_generates(tmp_path):
    """Reproducible: the documented command writes the shipped bytes (needs the library)."""
    pytest.importorskip("vietnamadminunits")
    output = tmp_path / "units.json"
    result = CliRunner().invoke(main, ["registry", "build-units", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert output.read_bytes() == UNITS_FILE.read_bytes()
    assert UNITS_FILE.stat().st_size < 2_000_000
