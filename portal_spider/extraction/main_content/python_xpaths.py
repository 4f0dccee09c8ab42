"""trafilatura's extraction XPaths answered by Python tests while the trafilatura pass runs.

``trafilatura.main_extractor`` finds the article section with its ``BODY_XPATH`` expressions and
prunes it with ``OVERALL_DISCARD_XPATH``, ``DISCARD_IMAGE_ELEMENTS``, ``TEASER_DISCARD_XPATH`` and
``PRECISION_DISCARD_XPATH``, read from its module's names at each call. Those names are given
lists of :class:`PythonWhenOn`: inside :func:`python_xpaths` each expression that
:mod:`.prune_tests` can read is answered by its Python tests (the same elements, in the same
order), elsewhere by the XPath itself, so that every other caller of trafilatura runs it as
before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from lxml import etree
from trafilatura import main_extractor

from portal_spider.extraction.main_content.prune_tests import PythonPrune, python_prune

SWITCHED_LISTS = (
    "BODY_XPATH",
    "OVERALL_DISCARD_XPATH",
    "DISCARD_IMAGE_ELEMENTS",
    "TEASER_DISCARD_XPATH",
    "PRECISION_DISCARD_XPATH",
)
_PYTHON_ON = ContextVar("python_xpaths_on", default=False)


class PythonWhenOn:
    """One of trafilatura's XPaths, answered by its Python tests inside :func:`python_xpaths`."""

    def __init__(self, xpath: etree.XPath, tests: PythonPrune) -> None:
        self.xpath = xpath
        self.tests = tests

    def __call__(self, tree: etree._Element) -> list:
        if _PYTHON_ON.get():
            return self.tests(tree)
        return self.xpath(tree)

    def __str__(self) -> str:  # trafilatura logs the expression that found the section
        return str(self.xpath)


def _switched(xpaths: list) -> list:
    switched = []
    for xpath in xpaths:
        tests = python_prune(xpath) if isinstance(xpath, etree.XPath) else None
        switched.append(xpath if tests is None else PythonWhenOn(xpath, tests))
    return switched


for _name in SWITCHED_LISTS:
    if not any(isinstance(x, PythonWhenOn) for x in getattr(main_extractor, _name)):
        setattr(main_extractor, _name, _switched(getattr(main_extractor, _name)))


@contextmanager
def python_xpaths() -> Iterator[None]:
    """trafilatura's switched XPaths are answered by their Python tests inside this block."""
    token = _PYTHON_ON.set(True)
    try:
        yield
    finally:
        _PYTHON_ON.reset(token)
