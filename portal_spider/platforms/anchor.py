"""Anchor an extracted body on the page it came from, and cut what lies outside the article.

A main-content extractor returns lines of text; on table layouts and cheap templates some of them
come from the menu, the site footer, a sidebar paragraph or the visitor counter, far from the
article in the page tree. Each line is located back in the page (the element whose text starts
with it, or the text node after a ``<br>`` that starts it), the block holding most of the prose is
taken as the body, and the article block is the lowest element holding both that body and the
title. Leading and trailing lines located outside the article block are not body. Lines in the
middle are never cut here, and a line that cannot be located stops the cut at its end.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from lxml import etree

from portal_spider.platforms.locate import common_ancestor, key

logger = logging.getLogger(__name__)

PREFIX_CHARS = 12  # a text must have this many key characters to be located
MATCH_CHARS = 48  # characters of a key compared to locate a line
PROSE_WORDS = 12  # a line of at least this many words is prose
MAIN_SHARE = 0.6  # the body block holds at least this share of the located prose words
SKIPPED = {"script", "style", "noscript", "template", "head", "title", "meta", "link"}
ROOTS = {"html", "body", "form"}


def _text_start(element: etree._Element, limit: int = MATCH_CHARS * 2) -> str:
    """The first characters of an element's visible text (scripts skipped)."""
    parts: list[str] = []
    size = 0
    for node in element.iter():
        if not isinstance(node.tag, str) or node.tag in SKIPPED:
            continue
        for text in (node.text, node.tail if node is not element else None):
            if text and text.strip():
                parts.append(text)
                size += len(text)
        if size >= limit:
            break
    return " ".join(parts)


class TextIndex:
    """Where texts of a page start: element starts and text nodes, by key prefix."""

    def __init__(self, tree: etree._Element) -> None:
        self.owners: dict[str, list[tuple[str, etree._Element]]] = {}
        self.nodes: dict[str, list[etree._Element]] = {}
        self._depths: dict[int, int] = {}
        for element in tree.iter():
            if not isinstance(element.tag, str) or element.tag in SKIPPED:
                continue
            self._add(key(_text_start(element)), element)
            self._add_node(element.text, element)
            parent = element.getparent()
            if parent is not None and parent.tag not in SKIPPED:
                self._add_node(element.tail, parent)

    def _add(self, text_key: str, owner: etree._Element) -> None:
        if len(text_key) >= PREFIX_CHARS:
            bucket = self.owners.setdefault(text_key[:PREFIX_CHARS], [])
            bucket.append((text_key[:MATCH_CHARS], owner))

    def _add_node(self, text: str | None, owner: etree._Element) -> None:
        text_key = key(text)
        if text_key:
            self.nodes.setdefault(text_key, []).append(owner)
        self._add(text_key, owner)

    def depth(self, element: etree._Element) -> int:
        found = self._depths.get(id(element))
        if found is None:
            found = sum(1 for _ in element.iterancestors())
            self._depths[id(element)] = found
        return found

    def locate(self, line: str) -> etree._Element | None:
        """The deepest element whose text, or a text node of which, starts with ``line``."""
        line_key = key(line)
        if len(line_key) < PREFIX_CHARS:
            return None
        wanted = line_key[:MATCH_CHARS]
        matches = [
            (len(prefix), self.depth(owner), owner)
            for prefix, owner in self.owners.get(line_key[:PREFIX_CHARS], [])
            if wanted.startswith(prefix) or prefix.startswith(wanted)
        ]
        # the most specific match: the longest shared start, then the innermost element
        return max(matches, key=lambda match: match[:2])[2] if matches else None

    def exact(self, text: str) -> list[etree._Element]:
        """Elements holding a text node whose whole text is ``text``."""
        return list(self.nodes.get(key(text), []))

    def places(self, line: str) -> list[etree._Element]:
        """Where a line may come from: its located element, else every text node equal to it."""
        found = self.locate(line)
        return [found] if found is not None else self.exact(line)


def _chain(element: etree._Element) -> Iterator[etree._Element]:
    yield element
    yield from element.iterancestors()


def _inside(element: etree._Element, block: etree._Element) -> bool:
    return any(node is block for node in _chain(element))


def main_block(index: TextIndex, located: list[tuple[etree._Element, int]]) -> etree._Element:
    """The deepest element holding at least ``MAIN_SHARE`` of the located prose words."""
    words: dict[int, int] = {}
    elements: dict[int, etree._Element] = {}
    for element, count in located:
        for node in _chain(element):
            words[id(node)] = words.get(id(node), 0) + count
            elements[id(node)] = node
    total = sum(count for _, count in located)
    holding = [elements[i] for i, count in words.items() if count >= MAIN_SHARE * total]
    return max(holding, key=index.depth)


def article_block(index: TextIndex, body: etree._Element, titles: Iterable[str]) -> etree._Element:
    """The lowest element holding the body block and the title printed nearest to it.

    Without a title on the page (a generic ``<title>``), the body block's parent: its siblings
    (a lead, a signature) stay, the page around it goes.
    """
    best: etree._Element | None = None
    for title in titles:
        for element in index.exact(title):
            block = common_ancestor(element, body)
            if block.tag in ROOTS:
                continue
            if best is None or index.depth(block) > index.depth(best):
                best = block
    if best is not None:
        return best
    parent = body.getparent()
    return parent if parent is not None and parent.tag not in ROOTS else body


def _side(places: list[etree._Element], block: etree._Element) -> bool | None:
    """True inside the block, False outside, None when unknown (not found, or both)."""
    sides = {_inside(place, block) for place in places}
    return sides.pop() if len(sides) == 1 else None


def _first_inside(sides: list[bool | None]) -> int:
    """Index of the first line inside the block, with the unknown lines just before it."""
    first = next((i for i, side in enumerate(sides) if side), len(sides))
    while first > 0 and sides[first - 1] is None:
        first -= 1
    return first


def article_span(tree: etree._Element, lines: list[str], titles: Iterable[str]) -> tuple[int, int]:
    """``(start, end)``: the lines to keep, those before and after lying outside the article.

    The cut stops at the first line inside the article block; lines whose place is unknown are
    kept when they touch it.
    """
    index = TextIndex(tree)
    places = [index.places(line) for line in lines]
    located = [
        (found[0], len(line.split()))
        for line, found in zip(lines, places, strict=True)
        if len(found) == 1 and len(line.split()) >= PROSE_WORDS
    ]
    if not located:
        return 0, len(lines)
    block = article_block(index, main_block(index, located), titles)
    sides = [_side(found, block) for found in places]
    start = _first_inside(sides)
    end = len(lines) - _first_inside(sides[::-1])
    if start >= end:
        return 0, len(lines)
    if start or end < len(lines):
        logger.debug("cut %d leading and %d trailing lines outside the article", start,
                      len(lines) - end)  # fmt: skip
    return start, end
