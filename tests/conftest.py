"""Shared set-up of the test suite: the helper modules beside the tests, the fast selection, and
the headless Chromium fixtures (``browser_fixtures``).

The helpers (``crawl_helpers``, ``crawl_machinery``, the site and fixture builders) are plain
modules in this folder, imported by name; this folder is put on ``sys.path`` here so that holds
whichever way pytest is started. Tests that start a crawl or a server in a child process carry the
``crawl`` marker, slow single tests the ``slow`` marker, and ``make test-fast`` leaves out those and
the ``browser`` tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent

if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from browser_fixtures import browser, page  # noqa: E402, F401 (fixtures of the browser tests)

# the selection of `make test-fast`: no crawls, no servers, no browser, no slow single tests
FAST_SELECTION = "not crawl and not browser and not slow"
