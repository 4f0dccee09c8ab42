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


def _key_head(text: str) -> str:
    """``key(text)``, or, of a long text, the key of its start when that holds at least
    ``MATCH_CHARS`` characters (the key of a text's start is the start of the text's key):
    only so many characters of a key are compared."""
    if len(text) > 2 * MATCH_CHARS:
        head = key(text[: 2 * MATCH_CHARS])
        if len(head) >= MATCH_CHARS:
            return head
    return key(text)


def _key_start(text: str) -> str:
    """``key(text)[:MATCH_CHARS]``, read from the start of a long text only."""
    return _key_head(text)[:MATCH_CHARS]


class _NodeTexts:
    """The visible text pieces of a tree's nodes, in the order ``element.iter()`` visits them.

    A node's pieces are its text and its tail, when not blank; script-like nodes and comments
    have none (their descendants still count). A subtree is a run of the list, so the start of
    an element's text is read from the list without walking the tree again.
    """

    def __init__(self, tree: etree._Element) -> None:
        self.nodes = list(tree.iter())
        count = len(self.nodes)
        self.visible: list[bool] = []
        self.texts: list[str | None] = []
        self.tails: list[str | None] = []
        for node in self.nodes:
            tag = node.tag
            visible = tag.__class__ is str and tag not in SKIPPED
            self.visible.append(visible)
            text, tail = (node.text, node.tail) if visible else (None, None)
            self.texts.append(text if text and not text.isspace() else None)
            self.tails.append(tail if tail and not tail.isspace() else None)
        # each node's parent (its index) and depth below the document root
        self.position = position = {node: index for index, node in enumerate(self.nodes)}
        self.parents = [-1] * count
        self.depths = [sum(1 for _ in tree.iterancestors())] * count
        for index in range(1, count):
            parent = position[self.nodes[index].getparent()]
            self.parents[index] = parent
            self.depths[index] = self.depths[parent] + 1
        # where each node's subtree ends in the list: at the next node no deeper than it
        self.ends = [count] * count
        depths, ends = self.depths, self.ends
        open_nodes: list[int] = []
        for index, depth in enumerate(depths):
            while open_nodes and depths[open_nodes[-1]] >= depth:
                ends[open_nodes.pop()] = index
            open_nodes.append(index)
        # the comparison key of every piece (of a long one, the start: _key_head), each computed
        # once; a start key joins them, and its first MATCH_CHARS characters are the same
        distinct = list(dict.fromkeys(p for p in (*self.texts, *self.tails) if p is not None))
        piece_keys = {piece: _key_head(piece) for piece in distinct}
        self.text_keys = [piece_keys[p] if p is not None else "" for p in self.texts]
        self.tail_keys = [piece_keys[p] if p is not None else "" for p in self.tails]

    def start(self, element: etree._Element, limit: int = MATCH_CHARS * 2) -> str:
        """The first characters of an element's visible text (scripts skipped), pieces joined
        by spaces: a node's pieces are read whole, and reading stops once ``limit`` is reached.
        The rule itself: the index uses :meth:`start_key`, its key computed from piece keys.
        """
        index = self.position[element]
        parts = [self.texts[index]]
        size = len(parts[0] or "")
        for node in range(index + 1, self.ends[index]):
            if size >= limit:
                break
            parts += (self.texts[node], self.tails[node])
            size += len(self.texts[node] or "") + len(self.tails[node] or "")
        return " ".join(part for part in parts if part is not None)

    def start_key(self, index: int, limit: int = MATCH_CHARS * 2) -> str:
        """``key(start)`` of the node at ``index`` (see :meth:`start`), from the pieces' keys:
        the key of texts joined by spaces is their keys so joined."""
        texts, tails = self.texts, self.tails
        text_keys, tail_keys = self.text_keys, self.tail_keys
        parts: list[str] = []
        size = 0
        text = texts[index]  # the element's own tail is not its text
        if text is not None:
            size += len(text)
            if text_keys[index]:
                parts.append(text_keys[index])
        for node in range(index + 1, self.ends[index]):
            if size >= limit:
                break
            piece = texts[node]
            if piece is not None:
                size += len(piece)
                if text_keys[node]:
                    parts.append(text_keys[node])
            piece = tails[node]
            if piece is not None:
                size += len(piece)
                if tail_keys[node]:
                    parts.append(tail_keys[node])
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
        # text nodes by the start of their key: (text, key or its start, owner)
        self._text_nodes: dict[str, list[tuple[str, str, etree._Element]]] = {}
        pieces = _NodeTexts(tree)
        nodes, parents = pieces.nodes, pieces.parents
        self._pieces = pieces
        self._rooted = tree.getparent() is None  # no element above the tree
        # keys keep the proxies (and ids) alive
        self._depths = dict(zip(nodes, pieces.depths, strict=True))
        # what is indexed, in this order: each visible element's start, its own text, its tail
        # (a text node of its parent)
        # (a text node's text or None for a start, its key or the key's start, owner)
        entries: list[tuple[str | None, str, etree._Element]] = []
        for index, element in enumerate(nodes):
            if not pieces.visible[index]:
                continue
            entries.append((None, pieces.start_key(index), element))
            text = pieces.texts[index]
            if text is not None:
                entries.append((text, pieces.text_keys[index], element))
            tail = pieces.tails[index]
            if tail is not None:
                parent = nodes[parents[index]] if index else element.getparent()
                if parent is not None and parent.tag not in SKIPPED:
                    entries.append((tail, pieces.tail_keys[index], parent))
        order = 0
        for text, text_key, owner in entries:
            if text is not None and text_key:
                bucket = self._text_nodes.setdefault(text_key[:MATCH_CHARS], [])
                bucket.append((text, text_key, owner))
            if len(text_key) >= PREFIX_CHARS:
                prefix = text_key[:MATCH_CHARS]
                depth = self.depth(owner)
                found = best.get(prefix)
                if found is None or depth > found[0]:
                    best[prefix] = (depth, order, owner)
                order += 1
        self.best = best
        self.starts = _BestStarts(best)

    def depth(self, element: etree._Element) -> int:
        found = self._depths.get(element)
        if found is None:
            found = sum(1 for _ in element.iterancestors())
            self._depths[element] = found
        return found

    def contains(self, block: etree._Element, element: etree._Element) -> bool:
        """Whether ``element`` is ``block`` or lies below it."""
        position = self._pieces.position
        first, inner = position.get(block), position.get(element)
        if first is None or inner is None:
            return any(node is block for node in _chain(element))
        return first <= inner < self._pieces.ends[first]

    def chain(self, element: etree._Element) -> list[etree._Element]:
        """``element`` and its ancestors, innermost first."""
        index = self._pieces.position.get(element)
        if index is None or not self._rooted:
            return list(_chain(element))
        found = []
        nodes, parents = self._pieces.nodes, self._pieces.parents
        while index != -1:
            found.append(nodes[index])
            index = parents[index]
        return found

    def locate(self, line: str) -> etree._Element | None:
        """The deepest element whose text, or a text node of which, starts with ``line``."""
        wanted = _key_start(line)
        if len(wanted) < PREFIX_CHARS:
            return None
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
        wanted = key(text)
        return [
            owner
            for node_text, node_key, owner in self._text_nodes.get(wanted[:MATCH_CHARS], ())
            if (node_key if len(node_text) <= 2 * MATCH_CHARS else key(node_text)) == wanted
        ]

    def places(self, line: str) -> list[etree._Element]:
        """Where a line may come from: its located element, else every text node equal to it."""
        found = self.locate(line)
        return [found] if found is not None else self.exact(line)


def _chain(element: etree._Element) -> Iterator[etree._Element]:
    yield element
    yield from element.iterancestors()


def main_block(index: TextIndex, located: list[tuple[etree._Element, int]]) -> etree._Element:
    """The deepest element holding at least ``MAIN_SHARE`` of the located prose words."""
    words: dict[int, int] = {}
    elements: dict[int, etree._Element] = {}
    for element, count in located:
        for node in index.chain(element):
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


def _side(index: TextIndex, places: list[etree._Element], block: etree._Element) -> bool | None:
    """True inside the block, False outside, None when unknown (not found, or both)."""
    sides = {index.contains(block, place) for place in places}
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
        (found[0], words)
        for line, found in zip(lines, places, strict=True)
        if len(found) == 1 and (words := len(line.split())) >= PROSE_WORDS
    ]
    if not located:
        return 0, len(lines)
    block = article_block(index, main_block(index, located), titles)
    sides = [_side(index, found, block) for found in places]
    start = _first_inside(sides)
    end = len(lines) - _first_inside(sides[::-1])
    if start >= end:
        return 0, len(lines)
    if start or end < len(lines):
        logger.debug("cut %d leading and %d trailing lines outside the article", start,
                      len(lines) - end)  # fmt: skip
    return start, end
