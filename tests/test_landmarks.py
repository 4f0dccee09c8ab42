"""Landmark readers against the XPath they replace, on every fixture page."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from portal_spider.extraction.html_tree import parse_html
from portal_spider.extraction.landmarks import HEADING_TAGS, TITLE_CLASSES, headings

PAGES = sorted((Path(__file__).parent / "fixtures" / "pages").glob("**/*.html"))

# what headings() finds, as one XPath (its former implementation)
HEADINGS_XPATH = etree.XPath(
    "descendant-or-self::*["
    + " or ".join(f"self::{tag}" for tag in sorted(HEADING_TAGS))
    + " or (not(self::a) and not(self::title) and ("
    + " or ".join(f"contains(@class, '{word}')" for word in TITLE_CLASSES)
    + "))]"
)


@pytest.mark.parametrize(
    "path", PAGES, ids=lambda path: f"{path.parent.parent.name}/{path.parent.name}"
)
def test_headings_as_the_xpath(path: Path) -> None:
    tree = parse_html(path.read_text(encoding="utf-8", errors="replace"))
    assert headings(tree) == HEADINGS_XPATH(tree)
    body = tree.find("body")
    assert body is not None and headings(body) == HEADINGS_XPATH(body)


def test_headings_skip_links_titles_and_comments() -> None:
    tree = parse_html(
        "<html><head><title class='title'>t</title></head><body><!-- title -->"
        "<a class='title'>x</a><h2>a</h2><div class='news-title'>b</div><p>c</p></body></html>"
    )
    assert [element.text for element in headings(tree)] == ["a", "b"]


@pytest.mark.parametrize(
    "path", PAGES, ids=lambda path: f"{path.parent.parent.name}/{path.parent.name}"
)
def test_page_tree_as_lxml_html_parses_it(path: Path) -> None:
    """parse_html's parser finds lxml.html's element classes in C: the same tree, the same
    classes (HtmlElement, FormElement, HtmlComment ...) as lxml.html's own parser gives."""
    from lxml import html as lxml_html

    from portal_spider.normalize.text import nfc_without_controls

    text = path.read_text(encoding="utf-8", errors="replace")
    tree = parse_html(text)
    expected = lxml_html.document_fromstring(nfc_without_controls(text))
    assert etree.tostring(tree) == etree.tostring(expected)
    assert [type(node) for node in tree.iter()] == [type(node) for node in expected.iter()]
