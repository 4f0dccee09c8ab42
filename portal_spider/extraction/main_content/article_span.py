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
from bisect import bisect_left
from collections.abc import Iterable, Iterator

from lxml import etree

from portal_spider.extraction.landmarks import common_ancestor
from portal_spider.extraction.vocabulary import KEY_END, key

logger = logging.getLogger(__name__)

PREFIX_CHARS = 12  # a text must have this many key characters to be located
MATCH_CHARS = 48  # characters of a key compared to locate a line
PROSE_WORDS = 12  # a line of at least this many words is prose
MAIN_SHARE = 0.6  # the body block holds at least this share of the located prose words
SKIPPED = {"script", "style", "noscript", "template", "head", "title", "meta", "link"}
ROOTS = {"html", "body", "form"}


class _NodeTexts:
    """The visible text pieces of a tree's nodes, in the order ``element.iter()`` visits them.

    A node's pieces are its text and its tail, when not blank; script-like nodes and comments
    have none (their descendants still count). A subtree is a run of the list, so the start of
    an element's text is read from the list without walking the tree again.
    """

    def __init__(self, tree: etree._Element) -> None:
        self.nodes = list(tree.iter())
        self.position = {node: index for index, node in enumerate(self.nodes)}
        self.texts: list[str | None] = []
        self.tails: list[str | None] = []
        for node in self.nodes:
            visible = isinstance(node.tag, str) and node.tag not in SKIPPED
            text, tail = (node.text, node.tail) if visible else (None, None)
            self.texts.append(text if text and text.strip() else None)
            self.tails.append(tail if tail and tail.strip() else None)
        # where each node's subtree ends in the list
        self.ends = [0] * len(self.nodes)
        for index in range(len(self.nodes) - 1, -1, -1):
            node = self.nodes[index]
            last = node[-1] if len(node) else None
            self.ends[index] = index + 1 if last is None else self.ends[self.position[last]]

    def start(self, element: etree._Element, limit: int = MATCH_CHARS * 2) -> str:
        """The first characters of an element's visible text (scripts skipped), pieces joined
        by spaces: a node's pieces are read whole, and reading stops once ``limit`` is reached.
        """
        index = self.position[element]
        parts: list[str] = []
        size = 0
        text = self.texts[index]  # the element's own tail is not its text
        if text is not None:
            parts.append(text)
            size += len(text)
        for node in range(index + 1, self.ends[index]):
            if size >= limit:
                break
            for piece in (self.texts[node], self.tails[node]):
                if piece is not None:
                    parts.append(piece)
                    size += len(piece)
        return " ".join(parts)


class _BestStarts:
    """The prefixes of element starts, sorted, with the best owner of each range of them."""

    def __init__(self, best: dict[str, tuple[int, int, etree._Element]]) -> None:
        self.prefixes = sorted(best)
        self.values = [best[prefix] for prefix in self.prefixes]
        self._tree: list[int] | None = None

    def _rank(self, index: int) -> tuple[int, int, int]:
        """Longest prefix, then innermost owner, then the first one added."""
        depth, order, _ = self.values[index]
        return len(self.prefixes[index]), depth, -order

    def best_extending(self, wanted: str) -> tuple[int, int, etree._Element] | None:
        """The best owner among prefixes that start with ``wanted`` and are longer."""
        low = bisect_left(self.prefixes, wanted)
        if low < len(self.prefixes) and self.prefixes[low] == wanted:
            low += 1
        high = bisect_left(self.prefixes, wanted + KEY_END, lo=low)
        if low >= high:
            return None
        if high - low <= 32:
            index = max(range(low, high), key=self._rank)
        else:
            index = self._range_best(low, high)
        return self.values[index]

    def _range_best(self, low: int, high: int) -> int:
        """The best index in ``[low, high)``, by a segment tree built on first use."""
        size = len(self.prefixes)
        if self._tree is None:
            tree = [0] * size + list(range(size))
            for node in range(size - 1, 0, -1):
                tree[node] = max(tree[2 * node], tree[2 * node + 1], key=self._rank)
            self._tree = tree
        found: list[int] = []
        low += size
        high += size
        while low < high:
            if low & 1:
                found.append(self._tree[low])
                low += 1
            if high & 1:
                high -= 1
                found.append(self._tree[high])
            low //= 2
            high //= 2
        return max(found, key=self._rank)


class TextIndex:
    """Where texts of a page start: element starts and text nodes, by key prefix."""

    def __init__(self, tree: etree._Element) -> None:
        # the best owner (innermost, then first added) of each start prefix
        best: dict[str, tuple[int, int, etree._Element]] = {}
        self.nodes: dict[str, list[etree._Element]] = {}
        self._depths: dict[etree._Element, int] = {}  # keys keep the proxies (and ids) alive
        self._order = 0
        pieces = _NodeTexts(tree)
        depths = self._depths
        depths[tree] = sum(1 for _ in tree.iterancestors())
        start_keys: dict[str, str] = {}  # nested blocks often start with the same text
        for element in tree.iter():
            parent = element.getparent()
            if element is not tree:
                depths[element] = depths[parent] + 1
            if not isinstance(element.tag, str) or element.tag in SKIPPED:
                continue
            start = pieces.start(element)
            start_key = start_keys.get(start)
            if start_key is None:
                start_key = start_keys[start] = key(start)
            self._add(start_key, element, best)
            self._add_node(element.text, element, best)
            if parent is not None and parent.tag not in SKIPPED:
                self._add_node(element.tail, parent, best)
        self.best = best
        self.starts = _BestStarts(best)

    def _add(
        self, text_key: str, owner: etree._Element, best: dict[str, tuple[int, int, etree._Element]]
    ) -> None:
        if len(text_key) >= PREFIX_CHARS:
            prefix = text_key[:MATCH_CHARS]
            depth = self.depth(owner)
            found = best.get(prefix)
            if found is None or depth > found[0]:
                best[prefix] = (depth, self._order, owner)
            self._order += 1

    def _add_node(
        self,
        text: str | None,
        owner: etree._Element,
        best: dict[str, tuple[int, int, etree._Element]],
    ) -> None:
        if text is None or text.isspace():
            return  # no key: nothing to add
        text_key = key(text)
        if text_key:
            self.nodes.setdefault(text_key, []).append(owner)
        self._add(text_key, owner, best)

    def depth(self, element: etree._Element) -> int:
        found = self._depths.get(element)
        if found is None:
            found = sum(1 for _ in element.iterancestors())
            self._depths[element] = found
        return found

    def locate(self, line: str) -> etree._Element | None:
        """The deepest element whose text, or a text node of which, starts with ``line``."""
        line_key = key(line)
        if len(line_key) < PREFIX_CHARS:
            return None
        wanted = line_key[:MATCH_CHARS]
        # the most specific match: the longest shared start, then the innermost element, then
        # the first added; a start longer than the line's beats every start the line extends
        longer = self.starts.best_extending(wanted)
        if longer is not None:
            return longer[2]
        for size in range(len(wanted), PREFIX_CHARS - 1, -1):
            found = self.best.get(wanted[:size])
            if found is not None:
                return found[2]
        return None

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
