"""Generating ``units.json``, the administrative units the registry ties portals to.

The units come from the ``vietnamadminunits`` library (its legacy table: the 63 provinces, 696
district-level units and their communes before 1 July 2025, with official codes; its 2025 table:
the 34 provinces and 3,321 communes after the reform; and its conversion tables from the one to
the other). The library is needed only here, to regenerate the file: the project ships the file,
so ``sites``, ``discover`` and ``check-sites`` run without it (and without its geographic
dependencies). ``portal-archive registry build-units`` writes the file; the same library version
gives the same bytes.

A district's successors are the 2025 communes that took over any of its communes (most took a
part of one new commune; a commune split between several new ones counts for each). A province's
successor is the 2025 province it merged into.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

LIBRARY = "vietnamadminunits"
FORMAT = 1


class LibraryMissing(RuntimeError):
    """The units library is not installed (``pip install 'portal-archive[units]'``)."""


def _lower_type(full_name: str, short: str) -> str:
    """The unit's type in lower case, read off its full name ("Huyện Trạm Tấu" -> "huyện")."""
    kind = full_name[: len(full_name) - len(short)].strip() if full_name.endswith(short) else ""
    return kind.lower()


def _library_tables() -> tuple[list[dict], list[dict], dict, dict, dict, str]:
    try:
        from vietnamadminunits.converter import converter_2025
        from vietnamadminunits.database import query
    except ImportError as error:
        raise LibraryMissing(
            f"the {LIBRARY} library is needed to build the units file: "
            "pip install 'portal-archive[units]'"
        ) from error
    legacy = query(
        "SELECT DISTINCT province, provinceShort, provinceCode, provinceKey, district, "
        "districtShort, districtType, districtCode, districtKey, ward, wardShort, wardType, "
        "wardCode, wardKey FROM admin_units_legacy"
    )
    current = query(
        "SELECT DISTINCT province, provinceShort, provinceCode, provinceKey, ward, wardShort, "
        "wardType, wardCode, wardKey FROM admin_units"
    )
    version = metadata.version(LIBRARY)
    return (
        legacy,
        current,
        converter_2025.DICT_PROVINCE,
        converter_2025.DICT_PROVINCE_WARD_NO_DIVIDED,
        converter_2025.DICT_PROVINCE_WARD_DIVIDED,
        version,
    )


def build_units(*, communes: bool = False) -> dict[str, Any]:
    """The units document, from the installed library."""
    legacy, current, province_map, undivided, divided, version = _library_tables()
    new_province_code = {}
    new_units: dict[tuple[str, str], dict[str, Any]] = {}
    new_provinces: dict[str, dict[str, Any]] = {}
    for row in current:
        new_province_code[row["provinceKey"]] = row["provinceCode"]
        new_provinces[row["provinceCode"]] = {
            "code": row["provinceCode"],
            "name": row["provinceShort"],
            "type": _lower_type(row["province"], row["provinceShort"]),
        }
        new_units[(row["provinceKey"], row["wardKey"])] = {
            "code": row["wardCode"],
            "name": _plain_short(row["wardShort"]),
            "type": row["wardType"].lower(),
            "province": row["provinceCode"],
        }
    old_to_new_province = {old: new for new, olds in province_map.items() for old in olds}
    # legacy "province_district_ward" key -> 2025 commune codes
    successors: dict[str, set[str]] = defaultdict(set)
    for new_province, wards in undivided.items():
        for ward_key, old_keys in wards.items():
            for old_key in old_keys:
                successors[old_key].add(new_units[(new_province, ward_key)]["code"])
    for new_province, old_keys in divided.items():
        for old_key, parts in old_keys.items():
            for part in parts:
                successors[old_key].add(new_units[(new_province, part["newWardKey"])]["code"])

    provinces: dict[str, dict[str, Any]] = {}
    districts: dict[str, dict[str, Any]] = {}
    commune_rows: dict[str, dict[str, Any]] = {}
    for row in legacy:
        province_code = row["provinceCode"]
        new_province = old_to_new_province.get(row["provinceKey"])
        provinces.setdefault(
            province_code,
            {
                "code": province_code,
                "name": row["provinceShort"],
                "type": _lower_type(row["province"], row["provinceShort"]),
                "successors": [new_province_code[new_province]] if new_province else [],
            },
        )
        district = districts.setdefault(
            row["districtCode"],
            {
                "code": row["districtCode"],
                "name": row["districtShort"],
                "type": row["districtType"].lower(),
                "province": province_code,
                "successors": set(),
            },
        )
        old_key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}"
        after = successors.get(old_key, set())
        district["successors"] |= after
        if communes and row["wardCode"]:
            commune_rows[row["wardCode"]] = {
                "code": row["wardCode"],
                "name": _plain_short(row["wardShort"]),
                "type": (row["wardType"] or "").lower(),
                "district": row["districtCode"],
                "province": province_code,
                "successors": sorted(after),
            }
    for district in districts.values():
        district["successors"] = sorted(district["successors"])
    document: dict[str, Any] = {
        "format": FORMAT,
        "source": f"{LIBRARY} {version}",
        "provinces": _sorted(provinces.values()),
        "districts": _sorted(districts.values()),
        "provinces_2025": _sorted(new_provinces.values()),
        "communes_2025": _sorted(new_units.values()),
    }
    if communes:
        document["communes"] = _sorted(commune_rows.values())
    return document


def _plain_short(name: str) -> str:
    """A short name without the library's disambiguating suffix ("Trạm Tấu (Thị trấn)")."""
    return name.split(" (", 1)[0] if name.endswith(")") else name


def _sorted(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda row: (row.get("province", ""), row["code"]))


def dump_units(document: dict[str, Any]) -> bytes:
    """The file's bytes: one unit a line, keys in a fixed order, so diffs stay readable."""
    lines = ["{"]
    keys = list(document)
    for index, key in enumerate(keys):
        value = document[key]
        end = "," if index < len(keys) - 1 else ""
        if isinstance(value, list):
            lines.append(f"{json.dumps(key)}: [")
            for position, row in enumerate(value):
                comma = "," if position < len(value) - 1 else ""
                lines.append(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + comma)
            lines.append("]" + end)
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{end}")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_units(path: Path, *, communes: bool = False) -> int:
    """Write the units file at ``path``; the number of bytes written."""
    data = dump_units(build_units(communes=communes))
    path.write_bytes(data)
    return len(data)
