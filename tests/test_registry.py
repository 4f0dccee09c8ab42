"""The registry of real portals: well-formed data, and ``portal-archive sites`` filters it."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from portal_spider.cli import main
from portal_spider.platforms import all_platforms
from portal_spider.registry import LEVELS, REGISTRY_FILE, STATUSES, load_registry, validate

logger = logging.getLogger(__name__)

PORTALS = load_registry(REGISTRY_FILE)
YENBAI_DISTRICTS = {
    "tramtau", "mucangchai", "vanchan", "vanyen", "yenbinh", "lucyen", "tranyen", "nghialo",
}  # fmt: skip


def test_the_registry_validates():
    assert validate(PORTALS) == []


def test_slugs_are_unique_lowercase_ascii():
    slugs = [p.slug for p in PORTALS]
    assert len(slugs) == len(set(slugs))
    for slug in slugs:
        assert slug.isascii() and slug == slug.lower() and " " not in slug, slug


@pytest.mark.parametrize("portal", PORTALS, ids=lambda p: p.slug)
def test_platform_is_known_or_auto(portal):
    assert portal.platform == "auto" or portal.platform in all_platforms()


@pytest.mark.parametrize("portal", PORTALS, ids=lambda p: p.slug)
def test_base_url_is_a_well_formed_site_root(portal):
    parts = urlsplit(portal.base_url)
    assert parts.scheme in {"http", "https"}
    assert parts.hostname and "." in parts.hostname and parts.hostname == parts.hostname.lower()
    assert parts.path in {"", "/"} and not parts.query and not parts.fragment


@pytest.mark.parametrize("portal", PORTALS, ids=lambda p: p.slug)
def test_level_status_and_names(portal):
    assert portal.level in LEVELS
    assert portal.status in STATUSES
    assert portal.name and portal.province
    assert portal.unit_code is None or portal.unit_code.isdigit()


def test_the_yenbai_family_is_complete_and_under_yenbai_gov_vn():
    family = [p for p in PORTALS if p.province == "Yên Bái"]
    assert {p.slug for p in family} >= YENBAI_DISTRICTS
    assert {p.slug for p in family} >= {"yenbai", "dongcuong", "xayenbinh"}
    for portal in family:
        host = urlsplit(portal.base_url).hostname or ""
        assert host == "yenbai.gov.vn" or host.endswith(".yenbai.gov.vn"), host
        assert portal.platform == "yenbai"
    province = next(p for p in family if p.level == "tỉnh")
    assert province.successor == "tỉnh Lào Cai"


def test_entry_points_are_urls_or_paths():
    for portal in PORTALS:
        for entry in portal.start_urls():
            assert urlsplit(entry).scheme in {"http", "https"}, (portal.slug, entry)


def sites(*args: str) -> list[dict]:
    result = CliRunner().invoke(main, ["sites", "--json", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines() if line.strip()]


@pytest.fixture(autouse=True)
def bundled_registry(monkeypatch):
    monkeypatch.delenv("PORTAL_ARCHIVE_REGISTRY", raising=False)


def test_sites_filters_by_province_and_level():
    rows = sites("--province", "Yên Bái", "--level", "huyện")
    assert {row["slug"] for row in rows} == YENBAI_DISTRICTS
    assert all(row["level"] == "huyện" and row["province"] == "Yên Bái" for row in rows)


def test_sites_province_filter_ignores_accents_and_case():
    assert sites("--province", "yen bai") == sites("--province", "Yên Bái")


def test_sites_filters_by_platform_and_status():
    assert {row["slug"] for row in sites("--platform", "auto")} == {
        p.slug for p in PORTALS if p.platform == "auto"
    }
    assert sites("--status", "offline") == [p.to_row() for p in PORTALS if p.status == "offline"]


def test_sites_table_names_the_known_platforms():
    result = CliRunner().invoke(main, ["sites", "--level", "xã"])
    assert result.exit_code == 0
    assert "dongcuong" in result.output and "tramtau" not in result.output
    for name in ("yenbai", "sharepoint", "liferay", "dnn", "wordpress", "joomla", "vendor"):
        assert name in result.output.splitlines()[-1]


def test_registry_file_can_be_replaced_by_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "portals.toml"
    path.write_text(
        '[[portal]]\nslug = "local"\nname = "Local"\nlevel = "xã"\nprovince = "Thử"\n'
        'base_url = "http://127.0.0.1:8000/"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("PORTAL_ARCHIVE_REGISTRY", str(path))
    assert [row["slug"] for row in sites()] == ["local"]
