"""The registry of real portals: well-formed data, and ``portal-archive sites`` filters it."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import subprocess
import sys
import zipfile
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from portal_spider.cli import main
from portal_spider.platforms import all_platforms
from portal_spider.registry import (
    LEVELS,
    REGISTRY_FILE,
    STATUSES,
    Portal,
    load_registry,
    read_registry,
    validate,
)

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent

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
    """The JSON rows of ``sites`` (one per unit), with no archive to read checks from."""
    result = CliRunner().invoke(main, ["sites", "--json", "--db", "/nonexistent/a.db", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines() if line.strip()]


def slugs(rows: list[dict]) -> set[str]:
    return {portal["slug"] for row in rows for portal in row["portals"]}


@pytest.fixture(autouse=True)
def bundled_registry(monkeypatch):
    monkeypatch.delenv("PORTAL_ARCHIVE_REGISTRY", raising=False)


def test_sites_filters_by_province_and_level():
    rows = sites("--province", "Yên Bái", "--level", "huyện")
    assert slugs(rows) == YENBAI_DISTRICTS
    assert all(row["level"] == "huyện" and row["province"] == "Yên Bái" for row in rows)
    # every district-level unit of the province, with or without a portal
    assert len(rows) == 9
    assert [row["name"] for row in rows if not row["portals"]] == ["Yên Bái"]
    assert [row["code"] for row in sites("--province", "yen bai", "--coverage", "without")] == [
        "132"
    ]


def test_sites_province_filter_ignores_accents_and_case():
    assert sites("--province", "yen bai") == sites("--province", "Yên Bái")


def test_sites_filters_by_platform_and_status():
    assert slugs(sites("--platform", "auto")) == {p.slug for p in PORTALS if p.platform == "auto"}
    assert slugs(sites("--status", "active", "--level", "xã")) == {"dongcuong", "xayenbinh"}
    assert sites("--status", "offline") == []  # nothing checked: the registry says active
    without = sites("--status", "none", "--level", "huyện")
    assert len(without) == 696 - 10 and not slugs(without)


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
    assert slugs(sites()) == {"local"}
    assert [row["name"] for row in sites("--coverage", "with")] == ["Local"]


def header_comment() -> str:
    """The comment lines at the top of the bundled portals.toml."""
    lines = []
    for line in REGISTRY_FILE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines)


def test_the_header_comment_explains_every_field_and_platform():
    header = header_comment()
    for field in dataclasses.fields(Portal):
        assert re.search(rf"^#\s+{field.name}\s+\S", header, re.MULTILINE), field.name
    for name in all_platforms():
        assert re.search(rf"\b{name}\b", header), name


def test_the_bundled_registry_is_read_as_package_data():
    name, raw = read_registry()
    assert name == "portal_spider.registry/portals.toml"
    assert raw == resources.files("portal_spider.registry").joinpath("portals.toml").read_bytes()
    assert raw == REGISTRY_FILE.read_bytes()
    assert load_registry() == PORTALS


def test_an_explicit_path_wins_over_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "other.toml"
    path.write_text('[[portal]]\nslug = "other"\nname = "Other"\nbase_url = "http://x.vn/"\n')
    monkeypatch.setenv("PORTAL_ARCHIVE_REGISTRY", str(tmp_path / "missing.toml"))
    assert [p.slug for p in load_registry(path)] == ["other"]
    assert [p.slug for p in load_registry(str(path))] == ["other"]
    with pytest.raises(FileNotFoundError):
        load_registry()


def test_an_invalid_registry_file_is_a_value_error_naming_it(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[[portal]\nslug = ", encoding="utf-8")
    with pytest.raises(ValueError, match="broken.toml"):
        load_registry(path)


def test_the_registry_loads_from_a_zipped_package(tmp_path):
    """As Scrapyd runs a deployed egg: the packages in a zip file, no file beside the module."""
    archive = tmp_path / "portal_archive.egg"
    with zipfile.ZipFile(archive, "w") as egg:
        for package in ("portal_spider", "archive"):
            for path in sorted((ROOT / package).rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    egg.write(path, path.relative_to(ROOT).as_posix())
    script = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(archive)!r})\n"
        "import portal_spider.registry as registry\n"
        f"assert registry.__file__.startswith({str(archive)!r}), registry.__file__\n"
        "assert not registry.REGISTRY_FILE.is_file()\n"
        "print(json.dumps([p.slug for p in registry.load_registry()]))\n"
    )
    env = {
        k: v for k, v in os.environ.items() if k not in {"PORTAL_ARCHIVE_REGISTRY", "PYTHONPATH"}
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [p.slug for p in PORTALS]


def test_a_misspelt_field_is_a_clear_error(tmp_path):
    from portal_spider.registry import load_registry

    path = tmp_path / "portals.toml"
    path.write_text(
        '[[portal]]\nslug = "x"\nname = "X"\nbase_url = "https://x.gov.vn/"\nplatfrom = "auto"\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"portals.toml: x: unknown field\(s\) platfrom"):
        load_registry(path)


def test_a_row_without_base_url_is_a_clear_error(tmp_path):
    from portal_spider.registry import load_registry

    path = tmp_path / "portals.toml"
    path.write_text('[[portal]]\nslug = "x"\nname = "X"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="x: missing base_url"):
        load_registry(path)
