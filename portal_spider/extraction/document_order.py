"""The elements after and before an element in document order, read lazily.

``element.xpath("following::*[position() <= 40]")`` makes libxml2 collect the whole following
axis before it keeps 40 elements: on a page of 50,000 elements every such call reads the page.
These generators yield the same elements in the same order and stop when the caller stops.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from lxml import etree


def following(element: etree._Element) -> Iterator[etree._Element]:
    """The XPath ``following::*`` axis: elements after the element's end, in document order."""
    node: etree._Element | None = element
    while node is not None:
        sibling = node.getnext()
        while sibling is not None:
            for found in sibling.iter():
                if isinstance(found.tag, str):
                    yield found
            sibling = sibling.getnext()
        node = node.getparent()


def _reversed_subtree(element: etree._Element) -> Iterator[etree._Element]:
    """The element and its descendants in reverse document order."""
    for child in reversed(element):
        yield from _reversed_subtree(child)
    if isinstance(element.tag, str):
        yield element


def preceding(element: etree._Element) -> Iterator[etree._Element]:
    """The XPath ``preceding::*`` axis, nearest first: elements before it, not its ancestors."""
    node: etree._Element | None = element
    while node is not None:
        sibling = node.getprevious()
        while sibling is not None:
            yield from _reversed_subtree(sibling)
            sibling = sibling.getprevious()
        node = node.getparent()


def following_within(element: etree._Element, window: int) -> list[etree._Element]:
    """``following::*[position() <= window]``, in document order."""
    return list(islice(following(element), window))


def preceding_within(element: etree._Element, window: int) -> list[etree._Element]:
    """``preceding::*[position() <= window]``, in document order (as XPath returns it)."""
    return list(islice(preceding(element), window))[::-1]
