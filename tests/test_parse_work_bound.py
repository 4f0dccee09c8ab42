"""A 4 MB page costs each parse path no more work per element than a 1 MB page does.

The work of a parse is counted, not timed: the Python function calls it makes (``cProfile``'s
call count; every element proxy lxml hands to Python code, every per-element test, every regex
call is one). The pages come from :mod:`portal_spider.demo.big_page`, the same article at 1 MB
and at 4 MB, with about four times the elements. A step that scans the page once per line or per
element (quadratic) would make the 4 MB page cost about four times more calls per element; a
linear parse costs the same. Only the public entry point (a platform's ``parse_article``) is used,
so the test holds whatever the engine's modules are called.
"""

from __future__ import annotations

import cProfile
import pstats

import lxml.html
import pytest

from portal_spider.demo.big_page import big_article_page
from portal_spider.platforms import get_platform

MB = 1024 * 1024
PATHS = {"generic": "generic", "yenbai": "yenbai", "longform": "generic"}
# calls per element may vary a little with the page's mix of elements; quadratic would be ~4x
TOLERANCE = 1.25


def elements(html: str) -> int:
    """How many elements the page has."""
    return sum(1 for _ in lxml.html.fromstring(html).iter())


def calls_per_element(layout: str, size: int) -> tuple[float, int]:
    """Function calls of one parse of the ``size``-byte page, per element of it; its elements."""
    page = big_article_page(size, layout)
    platform = get_platform(PATHS[layout])
    profile = cProfile.Profile()
    item = profile.runcall(platform.parse_article, page.url, page.html)
    body = item.body_text or ""
    assert item.title and body.startswith(page.first_paragraph), "the parse must be right"
    assert body.endswith(page.last_paragraph)
    count = elements(page.html)
    return pstats.Stats(profile).total_calls / count, count


@pytest.mark.slow
@pytest.mark.parametrize("layout", sorted(PATHS))
def test_a_4_mb_page_costs_no_more_per_element_than_a_1_mb_page(layout):
    small, small_elements = calls_per_element(layout, 1 * MB)
    large, large_elements = calls_per_element(layout, 4 * MB)
    assert large_elements > 3.5 * small_elements  # the bigger page really has more to visit
    assert large <= TOLERANCE * small, (layout, small, large)
    assert small > 1  # the count is of real work: at least a call per element
