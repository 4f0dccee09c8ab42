"""The registry of portals: data (``portals.toml``), loaded into :class:`Portal` rows.

A portal on a known platform is added by a table in ``portals.toml``, not by Python. A URL that is
not in the registry becomes an ad-hoc portal whose platform is detected at the first crawl.

The bundled ``portals.toml`` is read as package data (:mod:`importlib.resources`), not as a file
beside this module, so the registry loads from a zipped egg too (Scrapyd runs the deployed egg
zipped). ``PORTAL_ARCHIVE_REGISTRY`` names another registry file.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import asdict, dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from portal_spider.normalize.urls import host_of, origin

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


REGISTRY_RESOURCE = "portals.toml"
REGISTRY_ENV = "PORTAL_ARCHIVE_REGISTRY"
# The bundled registry as a file path: only where the package is a directory (a source checkout,
# an installed wheel). load_registry reads it as package data, which works in a zipped egg too.
REGISTRY_FILE = Path(__file__).with_name(REGISTRY_RESOURCE)
LEVELS = {"tỉnh", "huyện", "xã"}
STATUSES = {"active", "frozen", "redirected", "offline", "gone"}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LIMIT_FIELDS = ("max_listing_pages", "max_requests", "trap_pages")


@dataclass
class Portal:
    """One portal: who it belongs to, where it is, what it runs, and how to crawl it."""

    slug: str
    name: str
    base_url: str
    level: str | None = None
    province: str | None = None
    platform: str = "auto"
    status: str = "active"
    successor: str | None = None
    unit_code: str | None = None
    entry_points: list[str] = field(default_factory=list)
    day_first: bool = True
    notes: str | None = None
    # how `discover` confirmed the portal: url, where (title, heading, header, footer), text, date
    evidence: dict[str, str] | None = None
    # crawl politeness and schedule, each overriding the global setting when given
    delay: float | None = None  # seconds between requests to the portal's host
    concurrency: int | None = None  # requests in flight at once to the portal's host
    obey_robots: bool | None = None  # False: this portal's robots.txt is not consulted
    user_agent: str | None = None
    revisit_days: list[float] | None = None  # e.g. [1, 7, 30, 90]
    download_timeout: float | None = None  # seconds a request to the portal's host may take
    # limits of one run (portal_spider.crawl.limits), each overriding the global setting when given
    max_listing_pages: int | None = None  # listing pages of one listing walked per run; 0: none
    max_requests: int | None = None  # requests to the portal per run; 0: no limit
    trap_pages: int | None = None  # pages of a listing family without a new article before cut

    def start_urls(self) -> list[str]:
        """Where to start: the entry points (relative to base_url), or else the home page."""
        base = self.base_url.rstrip("/")
        return [p if "://" in p else base + "/" + p.lstrip("/") for p in self.entry_points] or [
            self.base_url
        ]

    def owns(self, url: str) -> bool:
        """Whether ``url`` is on this portal's host (``www.`` and scheme ignored, port kept)."""
        return origin(url) == origin(self.base_url)

    def to_row(self) -> dict[str, Any]:
        """The ``portals`` table row."""
        row = asdict(self)
        row.pop("day_first")
        return row


def read_registry(path: str | Path | None = None) -> tuple[str, bytes]:
    """The name and the bytes of the registry to load.

    ``path`` when given, else the file named by ``PORTAL_ARCHIVE_REGISTRY``, else the bundled
    ``portals.toml``, read as package data.
    """
    if path is None and os.environ.get(REGISTRY_ENV):
        path = os.environ[REGISTRY_ENV]
    if path is not None:
        return str(path), Path(path).read_bytes()
    resource = resources.files(__name__).joinpath(REGISTRY_RESOURCE)
    return f"{__name__}/{REGISTRY_RESOURCE}", resource.read_bytes()


def load_registry(path: str | Path | None = None) -> list[Portal]:
    """Every portal of the registry (see :func:`read_registry` for which one), validated."""
    name, raw = read_registry(path)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"{name}: not a valid TOML file: {error}") from error
    known = {f.name for f in fields(Portal)}
    portals = []
    for index, row in enumerate(data.get("portal", []), start=1):
        unknown = sorted(set(row) - known)
        missing = sorted({"slug", "name", "base_url"} - set(row))
        if unknown or missing:
            label = row.get("slug", f"portal #{index}")
            detail = (f"unknown field(s) {', '.join(unknown)}; " if unknown else "") + (
                f"missing {', '.join(missing)}" if missing else ""
            )
            raise ValueError(f"{name}: {label}: {detail.rstrip('; ')}")
        portals.append(Portal(**row))
    problems = validate(portals)
    if problems:
        raise ValueError(f"{name}: " + "; ".join(problems))
    return portals


def validate(portals: list[Portal]) -> list[str]:
    """What is wrong with a list of portals (empty when nothing is)."""
    from portal_spider.platforms import all_platforms

    known = set(all_platforms()) | {"auto"}
    problems = []
    seen: set[str] = set()
    for portal in portals:
        if not SLUG.match(portal.slug):
            problems.append(f"{portal.slug}: slug must be lowercase ASCII, digits and hyphens")
        if portal.slug in seen:
            problems.append(f"{portal.slug}: duplicate slug")
        seen.add(portal.slug)
        parts = urlsplit(portal.base_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            problems.append(f"{portal.slug}: base_url {portal.base_url!r} is not an http(s) URL")
        if portal.platform not in known:
            problems.append(f"{portal.slug}: unknown platform {portal.platform!r}")
        if portal.status not in STATUSES:
            problems.append(f"{portal.slug}: status must be one of {sorted(STATUSES)}")
        if portal.level is not None and portal.level not in LEVELS:
            problems.append(f"{portal.slug}: level must be one of {sorted(LEVELS)}")
        timeout = portal.download_timeout
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
        ):
            problems.append(f"{portal.slug}: download_timeout must be a positive number of seconds")
        for name in LIMIT_FIELDS:
            value = getattr(portal, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                problems.append(f"{portal.slug}: {name} must be a whole number (0: no limit)")
            elif value is not None and value < 0:
                problems.append(f"{portal.slug}: {name} must not be negative (0: no limit)")
    return problems


def find_portal(target: str, portals: list[Portal]) -> Portal | None:
    """The portal named by slug, or the one whose host serves ``target`` when it is a URL."""
    for portal in portals:
        if portal.slug == target:
            return portal
    if "://" in target:
        for portal in portals:
            if portal.owns(target):
                return portal
    return None


def adhoc_portal(url: str) -> Portal:
    """A portal not in the registry, named after its host; its platform is detected."""
    host = host_of(url)
    port = urlsplit(url).port
    slug = re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-") + (f"-{port}" if port else "")
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}/"
    entry = [url] if parts.path not in {"", "/"} or parts.query else []
    return Portal(slug=slug, name=host, base_url=base, entry_points=entry)
