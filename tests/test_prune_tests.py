"""trafilatura's prune expressions read as Python tests select what the XPaths select."""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path

import pytest
import trafilatura.xpaths
from lxml import etree
from trafilatura import main_extractor
from trafilatura.htmlprocessing import convert_tags, tree_cleaning

from portal_spider.extraction.main_content import trafilatura_pass
from portal_spider.extraction.main_content.prune_tests import PythonPrune, python_prune
from portal_spider.extraction.main_content.python_xpaths import SWITCHED_LISTS, python_xpaths
from portal_spider.extraction.main_content.units import parse_page

FIXTURE_PAGES = sorted((Path(__file__).parent / "fixtures" / "pages").glob("**/page.html"))
TRAFILATURA_XPATHS = [
    (f"{name}[{index}]", xpath)
    for name in sorted(dir(trafilatura.xpaths))
    if name.isupper() and isinstance(getattr(trafilatura.xpaths, name), list)
    for index, xpath in enumerate(getattr(trafilatura.xpaths, name))
    if isinstance(xpath, etree.XPath)
]
READABLE = [(name, xpath) for name, xpath in TRAFILATURA_XPATHS if python_prune(xpath) is not None]
# attribute order (a union reads the attribute written first), absent and empty attributes,
# translate, a case-blind regex, elements of other tags
TRICKY = """<html><body><div>
<div class="cookie-bar" id="main">a</div><div id="main" class="cookie-bar">b</div>
<span id="x" class="reply-to">c</span><span class="reply-to" id="x">d</span>
<p style="color:red" id="hidden-note">e</p><p id="hidden-note" style="color:red">f</p>
<div role="Navigation">g</div><div role="">h</div><div data-lp-replacement-content="">i</div>
<section class="FullText">j</section><section class="comments-title">k</section>
<item class="sidebar">l</item><a class="sidebar">m</a><div class="">n</div><div>o</div>
<list aria-hidden="true">p</list><div style="display: none">q</div><div class="x bottom">r</div>
</div></body></html>"""


def _trees(html: str) -> list[etree._Element]:
    """A page's tree as parsed, and as trafilatura's cleaning and tag conversion leave it."""
    tree = parse_page(html)
    options = trafilatura_pass.PRECISE_OPTIONS
    return [tree, convert_tags(tree_cleaning(deepcopy(tree), options), options)]


# which expressions of each switched list are read as Python tests: a trafilatura update that
# turns one into a form the reader does not know (it would silently stay an XPath) fails here
READ_AS_PYTHON = {
    "BODY_XPATH": [True, False, True, True, False],
    "OVERALL_DISCARD_XPATH": [True, True],
    "DISCARD_IMAGE_ELEMENTS": [True],
    "TEASER_DISCARD_XPATH": [True],
    "PRECISION_DISCARD_XPATH": [False, True],
}


def test_section_xpaths_are_switched() -> None:
    """The expressions the speed of the precise pass rests on are read (not left as XPath)."""
    assert set(READ_AS_PYTHON) == set(SWITCHED_LISTS)
    assert [type(e) for e in trafilatura_pass.CONVERTED_COMMENT_PRUNES] == [PythonPrune]
    with python_xpaths():
        for name, expected in READ_AS_PYTHON.items():
            switched = getattr(main_extractor, name)
            assert [isinstance(e, PythonPrune) for e in switched] == expected, name
            assert [e.source if isinstance(e, PythonPrune) else e for e in switched] == getattr(
                trafilatura.xpaths, name
            )
            # each one read is pinned against its XPath on every fixture page below
            assert all(
                any(xpath is e.source for _, xpath in READABLE)
                for e in switched
                if isinstance(e, PythonPrune)
            )


def test_trafilatura_keeps_its_own_lists_outside_the_pass() -> None:
    """Other uses of trafilatura (the benchmark's reference among them) run its own XPaths."""
    for name in SWITCHED_LISTS:
        assert getattr(main_extractor, name) is getattr(trafilatura.xpaths, name)
    with python_xpaths():
        with python_xpaths():  # nested: still switched until the outer block ends
            pass
        assert main_extractor.OVERALL_DISCARD_XPATH is not (
            trafilatura.xpaths.OVERALL_DISCARD_XPATH
        )
    for name in SWITCHED_LISTS:
        assert getattr(main_extractor, name) is getattr(trafilatura.xpaths, name)
    assert str(python_prune(trafilatura.xpaths.BODY_XPATH[0])) == str(
        trafilatura.xpaths.BODY_XPATH[0]
    )


def test_unknown_forms_are_not_read() -> None:
    assert python_prune(etree.XPath(".//*[self::div][@a][not(.//h1)]")) is None
    assert python_prune(etree.XPath(".//*[@a or count(*) > 1]")) is None
    assert python_prune(etree.XPath("(.//article)[1]")) is None
    assert python_prune(etree.XPath(".//*[@class='a' or @id='b']")) is not None


@pytest.mark.parametrize("name,xpath", READABLE, ids=[name for name, _ in READABLE])
def test_python_prune_selects_what_the_xpath_selects(name: str, xpath: etree.XPath) -> None:
    prune = python_prune(xpath)
    assert prune is not None
    selected = 0
    for html in [TRICKY, *(page.read_text(encoding="utf-8") for page in FIXTURE_PAGES)]:
        for tree in _trees(html):
            expected = xpath(tree)
            assert prune(tree) == expected, name
            assert prune(tree) == expected, name  # answers kept from the first call
            selected += len(expected)
    if name.startswith(("OVERALL_DISCARD_XPATH", "PRECISION_DISCARD_XPATH[1]", "BODY_XPATH[0]")):
        assert selected  # the pages exercise it


def test_union_reads_the_attribute_written_first() -> None:
    prune = python_prune(
        etree.XPath(
            ".//*[re:test(@id|@class, '^cookie')]",
            namespaces={"re": "http://exslt.org/regular-expressions"},
        )
    )
    assert prune is not None
    tree = etree.fromstring(
        '<r><a class="cookie" id="m"/><b id="m" class="cookie"/><c id="cookie"/></r>'
    )
    assert [element.tag for element in prune(tree)] == ["a", "c"]
