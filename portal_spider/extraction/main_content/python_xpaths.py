"""trafilatura's extraction XPaths answered by Python tests while the trafilatura pass runs.

``trafilatura.main_extractor`` finds the article section with its ``BODY_XPATH`` expressions and
prunes it with ``OVERALL_DISCARD_XPATH``, ``DISCARD_IMAGE_ELEMENTS``, ``TEASER_DISCARD_XPATH`` and
``PRECISION_DISCARD_XPATH``, read from its module's names at each call. Inside
:func:`python_xpaths` those names hold the same lists with each expression that
:mod:`.prune_tests` can read replaced by its Python tests (the same elements, in the same order);
outside, they hold trafilatura's own lists, so that every other use of trafilatura runs exactly
as it does without this module. A thread running trafilatura itself while a pass runs finds the
Python tests too, which select the same elements.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from lxml import etree
from trafilatura import main_extractor

from portal_spider.extraction.main_content.prune_tests import python_prune

SWITCHED_LISTS = (
    "BODY_XPATH",
    "OVERALL_DISCARD_XPATH",
    "DISCARD_IMAGE_ELEMENTS",
    "TEASER_DISCARD_XPATH",
    "PRECISION_DISCARD_XPATH",
)


class _Switch:
    """trafilatura's own lists and their Python versions, and how many passes use the latter."""

    def __init__(self) -> None:
        self.xpaths = {name: getattr(main_extractor, name) for name in SWITCHED_LISTS}
        self.tests = {
            name: [
                (python_prune(xpath) if isinstance(xpath, etree.XPath) else None) or xpath
                for xpath in xpaths
            ]
            for name, xpaths in self.xpaths.items()
        }
        self.lock = threading.Lock()
        self.users = 0

    def install(self, lists: dict[str, list]) -> None:
        for name, expressions in lists.items():
            setattr(main_extractor, name, expressions)

    def enter(self) -> None:
        with self.lock:
            if not self.users:
                self.install(self.tests)
            self.users += 1

    def leave(self) -> None:
        with self.lock:
            self.users -= 1
            if not self.users:
                self.install(self.xpaths)


SWITCH = _Switch()


@contextmanager
def python_xpaths() -> Iterator[None]:
    """trafilatura's switched XPaths are answered by their Python tests inside this block."""
    SWITCH.enter()
    try:
        yield
    finally:
        SWITCH.leave()
