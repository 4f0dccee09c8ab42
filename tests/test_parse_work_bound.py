"""A 4 MB page goes through each parse path with a bounded amount of work per element.

The work of a parse is counted, not timed (``cProfile``'s counts): its element visits (every
element lxml hands to Python code goes through the element class lookup once) and its Python
function calls (every per-element test and regex call is one). The pages come from
:mod:`portal_spider.demo.big_page`, the same article at 1 MB and at 4 MB, with about four times
the elements. Each path has a fixed budget per element of the 4 MB page, and the 4 MB page costs
no more per element than the 1 MB page: a step that scans the page once per line or per element
(quadratic) would cost about four times more per element at 4 MB, and far more than the budget.
Only the public entry point (a page object's ``parse_article``) is used, so the test holds
whatever the engine's modules are called.

The paths: ``generic`` (the generic page object on a table layout no platform knows),
``yenbai`` (a family page object with its own selectors), ``layout`` (a selector-described page
object, WordPress, whose selectors miss on that layout, so the generic rules fill the record) and
``longform`` (the generic path on few elements holding very long paragraphs).
"""

from __future__ import annotations

import cProfile
import pstats
from dataclasses import dataclass

import lxml.html
import pytest

from portal_spider.demo.big_page import big_article_page
from portal_spider.extraction.html_tree import (
    BYTES_WITHOUT_COMMENTS,
    WITH_COMMENTS,
    WITHOUT_COMMENTS,
    html_element_classes,
)
from portal_spider.platforms import get_platform

MB = 1024 * 1024
# path -> (generated layout, page object)
PATHS = {
    "generic": ("generic", "generic"),
    "yenbai": ("yenbai", "yenbai"),
    "layout": ("generic", "wordpress"),
    "longform": ("longform", "generic"),
}
# Budgets per element of the page (measured: 1.6 to 5 visits, 11 to 43 calls): a quadratic step
# on a 4 MB page (50,000 elements) would pass them many times over.
MAX_VISITS_PER_ELEMENT = 8
MAX_CALLS_PER_ELEMENT = 64
# work per element may vary a little with the page's mix of elements; quadratic would be ~4x
TOLERANCE = 1.25


@dataclass(frozen=True)
class Work:
    """What one parse of a page did, and the page's size in elements."""

    elements: int
    visits: int
    calls: int

    @property
    def visits_per_element(self) -> float:
        return self.visits / self.elements

    @property
    def calls_per_element(self) -> float:
        return self.calls / self.elements


def parse_work(path: str, size: int) -> Work:
    """The work of one parse of the ``size``-byte page of ``path``, checked to be right."""
    layout, page_object = PATHS[path]
    page = big_article_page(size, layout)
    profile = cProfile.Profile()
    # the project's parsers find element classes in C; lxml.html's own lookup, a Python
    # method, is put back meanwhile so that every element visit is counted
    parsers = (WITH_COMMENTS, WITHOUT_COMMENTS, BYTES_WITHOUT_COMMENTS)
    for parser in parsers:
        parser.set_element_class_lookup(lxml.html.HtmlElementClassLookup())
    try:
        item = profile.runcall(get_platform(page_object).parse_article, page.url, page.html)
    finally:
        for parser in parsers:
            parser.set_element_class_lookup(html_element_classes())
    body = item.body_text or ""
    assert item.title and body.startswith(page.first_paragraph), "the parse must be right"
    assert body.endswith(page.last_paragraph)
    stats = pstats.Stats(profile)
    visits = sum(
        counts[1]
        for (filename, _, function), counts in stats.stats.items()  # type: ignore[attr-defined]
        if function == "lookup" and "lxml" in filename
    )
    elements = sum(1 for _ in lxml.html.fromstring(page.html).iter())
    return Work(elements=elements, visits=visits, calls=stats.total_calls)  # type: ignore[attr-defined]


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(PATHS))
def test_a_4_mb_page_costs_a_bounded_work_per_element(path):
    small, large = parse_work(path, 1 * MB), parse_work(path, 4 * MB)
    assert large.elements > 3.5 * small.elements  # the bigger page really has more to visit
    assert small.visits > 0 and small.calls > small.elements  # the counts are of real work
    assert large.visits_per_element <= MAX_VISITS_PER_ELEMENT, (path, large)
    assert large.calls_per_element <= MAX_CALLS_PER_ELEMENT, (path, large)
    assert large.visits_per_element <= TOLERANCE * small.visits_per_element, (path, small, large)
    assert large.calls_per_element <= TOLERANCE * small.calls_per_element, (path, small, large)
