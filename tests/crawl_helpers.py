"""Helpers for tests that crawl a local portal: a registry file and the CLI in a subprocess.

Scrapy's reactor starts once per process, so every crawl runs ``python -m portal_spider`` in a
child process while the portal is served by a thread of the test process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from portal_spider.demo.yenbai_site import YenBaiSite


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


def run_cli(
    *args: str, registry: Path | None = None, timeout: float = 240
) -> subprocess.CompletedProcess:
    """Run ``portal-archive ARGS`` in a child process and return its result."""
    env = dict(os.environ)
    if registry is not None:
        env["PORTAL_ARCHIVE_REGISTRY"] = str(registry)
    return subprocess.run(
        [sys.executable, "-m", "portal_spider", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
