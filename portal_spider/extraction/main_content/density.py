"""The last resort for a body: the container whose paragraphs hold the most text outside links."""

from __future__ import annotations

import copy

from lxml import etree

from portal_spider.extraction.main_content.units import Unit, iter_units
from portal_spider.extraction.vocabulary import BOILERPLATE_ATTR_RE

DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "form",
    "nav",
    "header",
    "footer",
    "aside",
    "button",
    "select",
    "input",
    "textarea",
    "svg",
    "object",
    "embed",
)


def strip_noise(tree: etree._Element) -> None:
    """Remove scripts, navigation and elements whose class/id look like page chrome."""
    for element in list(tree.iter(*DROP_TAGS)):
        _remove(element)
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.tag in {"html", "body"}:
            continue
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        if marker.strip() and BOILERPLATE_ATTR_RE.search(marker):
            _remove(element)


def _remove(element: etree._Element) -> None:
    """Remove *element* (and its tail text) from the tree."""
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def link_text_length(element: etree._Element) -> int:
    """Characters of text inside links below *element*."""
    return sum(len(a.text_content()) for a in element.iter("a"))


def _density_score(element: etree._Element) -> float:
    """Score of a container: text in its direct paragraph-like children minus link text."""
    score = 0.0
    for child in element:
        if not isinstance(child.tag, str) or child.tag not in {"p", "br", "span", "font", "h2"}:
            continue
        text = child.text_content()
        if len(text) > 25:
            score += len(text) - 2 * link_text_length(child)
    loose = (element.text or "") + "".join((c.tail or "") for c in element)
    return score + len(loose.strip())


def density_units(tree: etree._Element) -> list[Unit]:
    """Fallback: units of the container with the highest paragraph text density."""
    work = copy.deepcopy(tree)
    strip_noise(work)
    candidates = list(work.iter("div", "article", "section", "td", "main", "body"))
    if not candidates:
        return []
    best = max(candidates, key=_density_score)
    if _density_score(best) <= 0:
        return []
    return list(iter_units(best))
