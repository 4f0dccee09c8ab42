"""Helpers for tests that crawl a local portal: a registry file and the CLI in a subprocess.

Scrapy's reactor starts once per process, so every crawl runs ``python -m portal_spider`` in a
child process while the portal is served by a thread of the test process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from portal_spider.demo.yenbai_site import YenBaiSite

CLI = [sys.executable, "-m", "portal_spider"]


def write_registry(path: Path, rows: list[dict]) -> Path:
    """A registry TOML with one [[portal]] table per row (strings, booleans and lists)."""
    lines = []
    for row in rows:
        lines.append("[[portal]]")
        for key, value in row.items():
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def yenbai_registry_row(slug: str, site: YenBaiSite, base_url: str) -> dict:
    """The registry row of a local Yên Bái-family site."""
    return {
        "slug": slug,
        "name": site.portal["name"],
        "level": "huyện",
        "province": site.portal["province"],
        "base_url": base_url + "/",
        "platform": "yenbai",
        "status": "active",
        "entry_points": site.entry_points(),
    }


def cli_env(now: datetime | None = None, registry: Path | None = None) -> dict[str, str]:
    """This process's environment for a child CLI: its clock set to ``now``, its registry file."""
    env = dict(os.environ)
    env.pop("PORTAL_ARCHIVE_NOW", None)
    if now is not None:
        env["PORTAL_ARCHIVE_NOW"] = now.isoformat()
    if registry is not None:
        env["PORTAL_ARCHIVE_REGISTRY"] = str(registry)
    return env


def run_cli(
    *args: str,
    registry: Path | None = None,
    now: datetime | None = None,
    timeout: float = 240,
) -> subprocess.CompletedProcess:
    """Run ``portal-archive ARGS`` in a child process and return its result."""
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(now, registry),
        check=False,
    )
