"""Headless Chromium for the browser tests: where it is, its flags, and pytest fixtures.

Imported as ``from browser_fixtures import ...``; a test module that imports it is skipped when
Chromium or playwright is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
# The screen a researcher reads on: a laptop browser window.
VIEWPORT = {"width": 1400, "height": 1000}


def require_chromium() -> object:
    """playwright's sync API, or skip the calling module."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium is not installed at {CHROMIUM} (apt-get install chromium; .ci/run does)",
            allow_module_level=True,
        )
    return pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One Chromium per test module."""
    sync_api = require_chromium()
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh page at 1400x1000 in its own browser context."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()
