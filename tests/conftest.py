"""Fixtures shared across test modules: headless Chromium (see browser_fixtures)."""

from browser_fixtures import browser, page  # noqa: F401 (fixtures used by the browser tests)
