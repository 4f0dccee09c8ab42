"""The registry as ``sites`` shows it: every unit, with the portals tied to it by code.

One row per unit of the chosen levels (the units of ``units.json``), each with its known portals
(registry rows whose ``level`` and ``unit_code`` name it) and, when an archive is given, what the
latest check found (``portal_checks``). A registry portal tied to no unit of the file gets a row
of its own, so no portal is hidden. Coverage per province counts the units with a known portal.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from portal_spider.registry import Portal
from portal_spider.registry.units import Unit, Units, fold_key

NO_PORTAL = "none"


def portal_entry(portal: Portal, checked: dict[str, Any] | None) -> dict[str, Any]:
    """A portal as a ``sites`` row shows it: registry facts and the latest check."""
    return {
        "slug": portal.slug,
        "name": portal.name,
        "base_url": portal.base_url,
        "platform": portal.platform,
        "registry_status": portal.status,
        "status": checked["status"] if checked else portal.status,
        "checked": bool(checked),
        "target": checked["target"] if checked else None,
        "last_checked": checked["checked_at"] if checked else None,
        "last_seen_alive": checked["last_seen_alive"] if checked else None,
        "evidence": portal.evidence,
    }


@dataclass
class SiteFilter:
    """What ``sites`` keeps; None keeps everything."""

    province: str | None = None
    level: str | None = None
    platform: str | None = None
    status: str | None = None
    coverage: str | None = None  # "with" | "without"

    def keeps(self, row: dict[str, Any]) -> bool:
        portals = row["portals"]
        if self.province and fold_key(row["province"]) != fold_key(self.province):
            return False
        if self.level and row["level"] != self.level:
            return False
        if self.platform and not any(p["platform"] == self.platform for p in portals):
            return False
        if self.status == NO_PORTAL and portals:
            return False
        if self.status not in (None, NO_PORTAL) and not any(
            p["status"] == self.status for p in portals
        ):
            return False
        if self.coverage == "with" and not portals:
            return False
        return not (self.coverage == "without" and portals)


def site_rows(
    units: Units,
    portals: list[Portal],
    levels: list[str],
    checks: dict[str, dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """One row per unit of ``levels``, then one per portal tied to none of them."""
    checks = checks or {}
    by_unit: dict[tuple[str, str], list[Portal]] = defaultdict(list)
    for portal in portals:
        if portal.level and portal.unit_code:
            by_unit[(portal.level, portal.unit_code)].append(portal)
    placed: set[str] = set()
    rows = []
    for level in levels:
        for unit in units.level(level):
            tied = by_unit.get((level, unit.code), [])
            placed.update(p.slug for p in tied)
            rows.append(_row(unit, tied, checks))
    for portal in portals:
        if portal.slug in placed:
            continue
        unit = units.get(portal.level or "", portal.unit_code) if portal.level else None
        rows.append(
            {
                "level": portal.level,
                "code": portal.unit_code,
                "type": unit.type if unit else None,
                "name": unit.name if unit else portal.name,
                "province": portal.province,
                "province_code": unit.province_code if unit else None,
                "district_code": unit.district_code if unit else None,
                "successors": list(unit.successors) if unit else [],
                "portals": [portal_entry(portal, checks.get(portal.slug))],
                "status": _status([portal_entry(portal, checks.get(portal.slug))]),
                # counted in the coverage only when its level is one of those listed
                "in_units": bool(unit) and portal.level in levels,
            }
        )
    return rows


def _row(unit: Unit, tied: list[Portal], checks: dict[str, dict[str, Any]]) -> dict[str, Any]:
    entries = [portal_entry(p, checks.get(p.slug)) for p in tied]
    return {**unit.to_row(), "portals": entries, "status": _status(entries), "in_units": True}


def _status(entries: list[dict[str, Any]]) -> str:
    return entries[0]["status"] if entries else NO_PORTAL


def coverage(rows: list[dict[str, Any]]) -> list[tuple[str, str, int, int]]:
    """(province, level, units with a known portal, units) for the rows shown."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        if not row.get("in_units"):
            continue
        key = (row["province"] or "-", row["level"] or "-")
        counts[key][1] += 1
        counts[key][0] += bool(row["portals"])
    return [(p, lvl, with_, total) for (p, lvl), (with_, total) in sorted(counts.items())]
