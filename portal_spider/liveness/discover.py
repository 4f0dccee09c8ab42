"""Finding the portals of units that have none in the registry, without inventing any.

Candidates come from the host names the province's known portals of the same level use:
``tramtau.yenbai.gov.vn`` for huyện Trạm Tấu teaches ``{unit}.{province}.gov.vn``,
``tuyphong.binhthuan.dcs.vn`` teaches ``{unit}.{province}.dcs.vn``,
``dongcuong.vanyen.yenbai.gov.vn`` (a commune) teaches ``{unit}.{district}.{province}.gov.vn``
(names folded to ASCII, spaces dropped). A province without a known portal of that level borrows
the patterns of all the others, with its own names.

Each candidate is probed politely (:class:`~portal_spider.liveness.probe.Prober`: robots.txt
first, one request at a time, HTTPS then HTTP) and accepted only when its home page names the
unit ("huyện Trạm Tấu", compared without accents or case) in its title, a heading, its header or
its footer. A page that names another unit, a parking page, a redirect to another host, an error
or no answer is rejected, with the reason. Accepted portals are appended to a registry file with
their evidence: the URL fetched, the text that named the unit, where it was, and the date.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from lxml import html as lxml_html

from portal_spider.liveness.probe import Prober
from portal_spider.liveness.status import is_parked
from portal_spider.registry import Portal
from portal_spider.registry.units import Unit, Units, fold_key

UNIT = "{unit}"
DISTRICT = "{district}"
PROVINCE = "{province}"
DEFAULT_PATTERNS = {
    "tỉnh": "{unit}.gov.vn",
    "huyện": "{unit}.{province}.gov.vn",
    "xã": "{unit}.{district}.{province}.gov.vn",
}
# where a page names its owner
NAMING_PLACES = (
    ("title", "//title"),
    ("heading", "//h1|//h2|//h3"),
    ("header", "//header|//*[contains(@id,'header') or contains(@class,'header')]"),
    ("header", "//*[contains(@id,'banner') or contains(@class,'banner')]"),
    ("footer", "//footer|//*[contains(@id,'footer') or contains(@class,'footer')]"),
)
EVIDENCE_CHARS = 200


def ascii_label(name: str) -> str:
    """A unit's name as it appears in host names: "Trạm Tấu" -> "tramtau"."""
    return re.sub(r"[^a-z0-9]", "", fold_key(name))


def host_of_url(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def learn_patterns(portals: Iterable[Portal], units: Units) -> dict[tuple[str, str], set[str]]:
    """(province code, level) -> host patterns, learnt from the registry portals tied to units.

    In a known portal's host name the leftmost label that is its unit's name becomes ``{unit}``,
    a label that is the name of its district ``{district}`` (communes), of its province
    ``{province}``: ``dongcuong.vanyen.yenbai.gov.vn`` teaches
    ``{unit}.{district}.{province}.gov.vn`` for the communes of Yên Bái.
    """
    patterns: dict[tuple[str, str], set[str]] = {}
    for portal in portals:
        unit = units.get(portal.level, portal.unit_code) if portal.level else None
        if unit is None:
            continue
        labels = host_of_url(portal.base_url).split(".")
        unit_label = ascii_label(unit.name)
        if unit_label not in labels:
            continue
        district = _district_label(unit, units)
        province = ascii_label(unit.province)
        placed = labels.index(unit_label)
        pattern = ".".join(
            UNIT
            if index == placed
            else DISTRICT
            if district and label == district
            else PROVINCE
            if label == province
            else label
            for index, label in enumerate(labels)
        )
        patterns.setdefault((unit.province_code, unit.level), set()).add(pattern)
    return patterns


def _district_label(unit: Unit, units: Units) -> str | None:
    district = units.get("huyện", unit.district_code) if unit.district_code else None
    return ascii_label(district.name) if district else None


def candidate_hosts(
    unit: Unit, patterns: dict[tuple[str, str], set[str]], units: Units
) -> list[str]:
    """Host names to try for ``unit``: its province's patterns for its level, else those of every
    province for that level, else the usual ``.gov.vn`` form of the level."""
    own = patterns.get((unit.province_code, unit.level))
    chosen = (
        set(own)
        if own
        else {p for (_, level), group in patterns.items() if level == unit.level for p in group}
    )
    district = _district_label(unit, units)
    usable = {p for p in chosen if UNIT in p and (DISTRICT not in p or district)}
    usable = usable or {DEFAULT_PATTERNS[unit.level]}
    hosts = []
    for pattern in sorted(usable):
        host = (
            pattern.replace(UNIT, ascii_label(unit.name))
            .replace(DISTRICT, district or "")
            .replace(PROVINCE, ascii_label(unit.province))
        )
        if host not in hosts:
            hosts.append(host)
    return hosts


def naming_text(page: str, unit: Unit) -> tuple[str, str] | None:
    """(where, text) of the first place on the page that names ``unit``, or None."""
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    wanted = re.compile(rf"(?<![a-z]){re.escape(_folded_words(unit.full_name))}(?![a-z])")
    for where, xpath in NAMING_PLACES:
        for node in tree.xpath(xpath):
            text = " ".join(node.text_content().split())
            if text and wanted.search(_folded_words(text)):
                return where, text[:EVIDENCE_CHARS]
    return None


def _folded_words(text: str) -> str:
    from portal_spider.normalize.text import fold_vietnamese

    return " ".join((fold_vietnamese(text) or "").casefold().split())


@dataclass
class Candidate:
    """One host tried for one unit, and what was found."""

    unit: Unit
    host: str
    accepted: bool = False
    url: str | None = None  # the page that named the unit
    where: str | None = None
    evidence: str | None = None
    reason: str | None = None
    tried: list[str] = field(default_factory=list)


def probe_candidate(prober: Prober, unit: Unit, host: str) -> Candidate:
    """Try ``host`` for ``unit`` over HTTPS, then HTTP."""
    candidate = Candidate(unit=unit, host=host)
    reasons = []
    for scheme in ("https", "http"):
        url = f"{scheme}://{host}/"
        candidate.tried.append(url)
        answer = prober.get(url)
        if not answer.answered:
            reasons.append(f"{url}: {answer.error} ({answer.error_detail})")
            continue
        if host_of_url(answer.final_url) != host:
            reasons.append(f"{url}: redirects to another host ({answer.final_url})")
            continue
        if not 200 <= (answer.status_code or 0) < 300:
            reasons.append(f"{url}: HTTP {answer.status_code}")
            continue
        if is_parked(answer):
            reasons.append(f"{url}: a parked domain")
            continue
        named = naming_text(answer.text(), unit)
        if named is None:
            reasons.append(f"{url}: the page does not name {unit.full_name}")
            continue
        candidate.accepted = True
        candidate.url = answer.final_url
        candidate.where, candidate.evidence = named
        return candidate
    candidate.reason = "; ".join(reasons)
    return candidate


def units_without_portal(
    units: Units, portals: list[Portal], level: str, province: str | None
) -> list[Unit]:
    """The units of ``level`` (in ``province``) that no registry portal is tied to."""
    covered = {p.unit_code for p in portals if p.level == level and p.unit_code}
    key = fold_key(province) if province else None
    return [
        unit
        for unit in units.level(level)
        if unit.code not in covered and (key is None or fold_key(unit.province) == key)
    ]


def discover(
    prober: Prober,
    units: Units,
    portals: list[Portal],
    *,
    level: str = "huyện",
    province: str | None = None,
    on_candidate: Callable[[Candidate], None] | None = None,
) -> list[Candidate]:
    """Probe the candidate hosts of every unit without a portal; every candidate, with verdicts.

    Known portals' hosts are never probed again. A unit's candidates stop at the first accepted.
    """
    patterns = learn_patterns(portals, units)
    known_hosts = {host_of_url(p.base_url) for p in portals}
    found = []
    for unit in units_without_portal(units, portals, level, province):
        for host in candidate_hosts(unit, patterns, units):
            if host in known_hosts:
                continue
            candidate = probe_candidate(prober, unit, host)
            found.append(candidate)
            if on_candidate:
                on_candidate(candidate)
            if candidate.accepted:
                known_hosts.add(host)
                break
    return found


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c >= " " else f"\\u{ord(c):04x}" for c in escaped) + '"'


def registry_rows(accepted: list[Candidate], taken: set[str], when: datetime) -> str:
    """The accepted candidates as ``[[portal]]`` tables of a registry file, evidence included."""
    blocks = []
    for candidate in accepted:
        unit = candidate.unit
        slug = base = ascii_label(unit.name) or "portal"
        number = 2
        while slug in taken:
            slug, number = f"{base}-{unit.province_code}-{number}", number + 1
        taken.add(slug)
        parts = urlsplit(candidate.url or "")
        rows = {
            "slug": slug,
            "name": f"Cổng thông tin điện tử {unit.full_name}",
            "level": unit.level,
            "province": unit.province,
            "unit_code": unit.code,
            "base_url": f"{parts.scheme}://{parts.netloc}/",
            "platform": "auto",
            "status": "active",
            "notes": f"Found by `portal-archive discover` on {when.date().isoformat()}; "
            "the portal name follows this registry's convention and is not checked.",
        }
        lines = ["[[portal]]"] + [f"{key} = {_toml_string(value)}" for key, value in rows.items()]
        lines += [
            "[portal.evidence]",
            f"url = {_toml_string(candidate.url or '')}",
            f"where = {_toml_string(candidate.where or '')}",
            f"text = {_toml_string(candidate.evidence or '')}",
            f"date = {_toml_string(when.isoformat(timespec='seconds'))}",
        ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def append_registry(path: Path, text: str) -> None:
    """Append tables to a registry file (created with a header comment when new)."""
    if not text:
        return
    if path.exists() and path.stat().st_size:
        existing = path.read_text(encoding="utf-8")
        separator = (
            "" if existing.endswith("\n\n") else ("\n" if existing.endswith("\n") else "\n\n")
        )
        path.write_text(existing + separator + text, encoding="utf-8")
    else:
        header = (
            "# Portals found by `portal-archive discover`: each named its unit on its own pages\n"
            "# (see [portal.evidence]). Review, then move the rows into the registry.\n\n"
        )
        path.write_text(header + text, encoding="utf-8")
