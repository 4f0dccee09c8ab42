"""The text of every element of a page, read in one pass over the tree.

``element.text_content()`` walks the element's whole subtree; asking it of every block of a page
(or of every block once per body line) costs the page's size times its depth, and more. A
:class:`PageText` walks the tree once and keeps the page's text as one string: the text of any
element is a slice of it, and comparison keys of the start of an element's text are computed
from a few characters instead of the whole subtree. Build it for a tree that is no longer changed.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from portal_spider.extraction.vocabulary import key

HIDDEN_TAGS = ("script", "style", "noscript", "template")


class PageText:
    """Each element's ``text_content()`` as a slice of the page's text, from one walk."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self._indexes: dict[tuple[tuple[str, ...], bool, int], KeyStarts] = {}
        pieces: list[str] = []
        size = 0
        starts: dict[etree._Element, int] = {root: 0}
        self.spans: dict[etree._Element, tuple[int, int]] = {}
        if root.text:
            pieces.append(root.text)
            size += len(root.text)
        stack = [(root, iter(root))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                self.spans[node] = (starts.pop(node), size)
                tail = node.tail if stack else None  # the root's tail is not its text
            elif isinstance(child.tag, str):
                starts[child] = size
                stack.append((child, iter(child)))
                tail = child.text
            else:  # a comment or processing instruction: only its tail is page text
                tail = child.tail
            if tail:
                pieces.append(tail)
                size += len(tail)
        self.text = "".join(pieces)

    def __len__(self) -> int:
        """The number of elements of the tree."""
        return len(self.spans)

    def visible_length(self) -> int:
        """Characters of the page's text outside scripts, styles and templates."""
        hidden = 0
        for element in self.root.iter(*HIDDEN_TAGS):
            if not any(ancestor.tag in HIDDEN_TAGS for ancestor in element.iterancestors()):
                hidden += self.length(element)
        return len(self.text) - hidden

    def __contains__(self, element: etree._Element) -> bool:
        return element in self.spans

    def of(self, element: etree._Element) -> str:
        """The element's text, as ``text_content()`` gives it."""
        start, end = self.spans[element]
        return self.text[start:end]

    def length(self, element: etree._Element) -> int:
        """The number of characters of the element's text."""
        start, end = self.spans[element]
        return end - start

    def index(self, tags: tuple[str, ...], size: int, in_body: bool = False) -> KeyStarts:
        """The ``tags`` elements of the tree (only those inside ``<body>`` with ``in_body``), by
        the start of their key; built once per tag set.
        """
        found = self._indexes.get((tags, in_body, size))
        if found is None:
            elements = self.root.iter(*tags)
            if in_body:
                elements = (e for e in elements if any(a.tag == "body" for a in e.iterancestors()))
            found = KeyStarts(self, elements, size)
            self._indexes[(tags, in_body, size)] = found
        return found

    def key_start(self, element: etree._Element, size: int) -> str:
        """The first ``size`` characters of the key of the element's text (all of a shorter key).

        The key of the first characters of a text is a start of the text's key, so only as many
        characters are read as the key needs.
        """
        start, end = self.spans[element]
        window = 2 * size + 16
        while True:
            stop = min(end, start + window)
            found = key(self.text[start:stop])
            if len(found) >= size or stop == end:
                return found[:size]
            window *= 4


class KeyStarts:
    """Elements by the start of their text's key: which ones start with a given key, fast.

    Elements are grouped by the first few characters of their key, read cheaply; the longer key
    start is read only for the elements of the groups a lookup asks for, once each.
    """

    GROUP_CHARS = 8

    def __init__(self, texts: PageText, elements: Iterable[etree._Element], size: int) -> None:
        self.texts = texts
        self.size = size
        self.groups: dict[str, list[tuple[int, etree._Element]]] = {}
        for order, element in enumerate(elements):
            group = texts.key_start(element, self.GROUP_CHARS)
            self.groups.setdefault(group, []).append((order, element))
        self._keys: dict[etree._Element, str] = {}

    def _key(self, element: etree._Element) -> str:
        found = self._keys.get(element)
        if found is None:
            found = self.texts.key_start(element, self.size)
            self._keys[element] = found
        return found

    def starting_with(self, wanted: str) -> list[etree._Element]:
        """The elements whose key starts with ``wanted`` (at most ``size`` characters), in order."""
        if len(wanted) > self.size:
            raise ValueError(f"a key start of {len(wanted)} characters; indexed: {self.size}")
        if len(wanted) >= self.GROUP_CHARS:
            entries = self.groups.get(wanted[: self.GROUP_CHARS], [])
        else:
            entries = sorted(
                entry
                for group, members in self.groups.items()
                if group.startswith(wanted)
                for entry in members
            )
        return [element for _, element in entries if self._key(element).startswith(wanted)]
