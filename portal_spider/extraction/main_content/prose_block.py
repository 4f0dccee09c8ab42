"""The project's own main-content finder: the block of the page that holds the article's prose.

One walk of the tree, children before parents, computes each element's facts once: the words of
its inline text (its own text, its inline children's, the tails), how many of them sit in links,
and the prose words of its subtree (the words of the text blocks of at least ``PROSE_WORDS``
words that are not mostly link text). Page furniture (navigation, header and footer, forms,
scripts) and elements whose class or id name page chrome do not count, unless such an element
holds most of the page's prose (a layout wrapper called ``container-sidebar``); text inside a link
is never prose. The article block is the deepest element holding ``MAIN_SHARE`` of the page's
prose. The walk is linear in the page's elements.

The finder narrows the page: trafilatura and the anchoring pass then read only the region around
the article block (:func:`article_region`), a few per cent of a news page's tree, instead of the
whole page with its menus, teasers and footers.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree
from lxml import html as lxml_html

from portal_spider.extraction.html_tree import WITHOUT_COMMENTS
from portal_spider.extraction.vocabulary import BOILERPLATE_ATTR_RE

WORD_RE = re.compile(r"\w+")
PROSE_WORDS = 12  # a text block of at least this many words is prose
LINK_SHARE = 0.5  # ... unless at least this share of its words are link text
MAIN_SHARE = 0.6  # the article block holds at least this share of the page's prose words
WRAPPER_SHARE = 0.5  # a chrome-named element holding this share of the prose is a layout wrapper
REGION_LEVELS = 3  # the region read by the refining passes: the article block's ancestor this high
FURNITURE_TAGS = frozenset(
    {"script", "style", "noscript", "template", "iframe", "nav", "header", "footer"}
    | {"aside", "button", "select", "input", "textarea", "svg", "object", "embed", "head"}
    | {"title", "meta", "link"}
)
INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font"}
    | {"i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub"}
    | {"sup", "time", "tt", "u", "var", "wbr", "br", "label", "img", "nobr"}
)
ROOT_TAGS = frozenset({"html", "body"})
REGION_DROPPED_TAGS = ("aside", "footer", "nav", "menu", "script", "style", "noscript", "svg")
REGION_DROPPED_TAGS += ("iframe", "embed", "object", "button", "select", "input", "textarea")
UNCOUNTED_TAGS = FURNITURE_TAGS | {"a"}  # no prose is counted through these


@dataclass
class ProseBlock:
    """The article block and what the walk learnt about the page."""

    element: etree._Element
    prose_words: int  # prose words of the block
    page_prose_words: int  # prose words of the whole page (chrome left out)


@lru_cache(maxsize=4096)
def _chrome_marker(marker: str) -> bool:
    """Whether a class-and-id string names page chrome (judged once per string)."""
    return bool(marker.strip()) and BOILERPLATE_ATTR_RE.search(marker) is not None


def _is_chrome_named(element: etree._Element) -> bool:
    return _chrome_marker(f"{element.get('class', '')} {element.get('id', '')}")


def find_prose_block(tree: etree._Element) -> ProseBlock | None:
    """The article block of the page, ``None`` when the page has no prose block."""
    # the nodes in document order, all below page furniture left out: no words of theirs count
    # (a furniture element's own tail does, for its parent)
    nodes: list[etree._Element] = []
    walker = etree.iterwalk(tree, events=("start",))
    for _, node in walker:
        nodes.append(node)
        if node.tag in FURNITURE_TAGS:
            walker.skip_subtree()
    # children before parents: each node adds what it holds to its parent's running counts;
    # only what is not zero is kept (a lookup that misses reads 0), most elements hold no words
    words_below: dict[etree._Element, int] = {}  # inline words from children: tails, inline ones
    links_below: dict[etree._Element, int] = {}  # ... of which in links
    prose_below: dict[etree._Element, int] = {}  # prose words of the children's subtrees
    prose: dict[etree._Element, int] = {}  # prose words of the subtree, furniture left out
    named: list[etree._Element] = []  # chrome-named elements holding prose
    findall = WORD_RE.findall
    for node in reversed(nodes):
        tag = node.tag
        parent = node.getparent() if node is not tree else None
        tail = node.tail
        if parent is not None and tail and not tail.isspace():
            words_below[parent] = words_below.get(parent, 0) + len(findall(tail))
        if tag.__class__ is not str or tag in FURNITURE_TAGS:
            continue  # no words, no prose
        text = node.text
        words = len(findall(text)) if text and not text.isspace() else 0
        words += words_below.get(node, 0)
        links = words if tag == "a" else links_below.get(node, 0)  # a link's text is link text
        subtree = prose_below.get(node, 0)
        if tag in INLINE_TAGS:
            if words and parent is not None:  # an inline element's words are its parent's
                words_below[parent] = words_below.get(parent, 0) + words
                links_below[parent] = links_below.get(parent, 0) + links
        elif words >= PROSE_WORDS and links < LINK_SHARE * words:
            subtree += words
        if subtree:
            if tag != "a":  # text inside a link is not prose
                prose[node] = subtree
                if parent is not None:
                    prose_below[parent] = prose_below.get(parent, 0) + subtree
            if tag not in ROOT_TAGS and _is_chrome_named(node):
                named.append(node)
    root_prose = prose.get(tree, 0)
    if not root_prose:
        return None
    # chrome-named elements holding little of the page's prose are chrome: their prose is taken
    # off every ancestor (innermost first, so nested chrome is not taken off twice)
    chrome = {e for e in named if prose.get(e, 0) < WRAPPER_SHARE * root_prose}
    removed: dict[etree._Element, int] = {}
    for element in chrome:
        if any(a in chrome or a.tag in UNCOUNTED_TAGS for a in element.iterancestors()):
            continue  # its prose was never counted above it
        words = prose.get(element, 0)
        for ancestor in element.iterancestors():
            removed[ancestor] = removed.get(ancestor, 0) + words
    total = root_prose - removed.get(tree, 0)
    if total <= 0:
        return None
    best, best_depth = None, -1
    for depth_element in _holding(tree, prose, removed, chrome, MAIN_SHARE * total):
        element, depth = depth_element
        if depth > best_depth:
            best, best_depth = element, depth
    if best is None:
        return None
    return ProseBlock(best, prose.get(best, 0) - removed.get(best, 0), total)


def _holding(
    root: etree._Element,
    prose: dict[etree._Element, int],
    removed: dict[etree._Element, int],
    chrome: set[etree._Element],
    wanted: float,
) -> list[tuple[etree._Element, int]]:
    """The chain of elements holding at least ``wanted`` prose words, from the root down."""
    found = []
    element, depth = root, 0
    while element is not None:
        found.append((element, depth))
        following = None
        for child in element:
            if not isinstance(child.tag, str) or child in chrome:
                continue
            if prose.get(child, 0) - removed.get(child, 0) >= wanted:
                following = child
                break
        element, depth = following, depth + 1
    return found


def article_region(tree: etree._Element) -> etree._Element:
    """A small page holding the article block's ancestor ``REGION_LEVELS`` levels up, for the
    refining passes to read instead of the whole page; the page itself when it has no prose."""
    found = find_prose_block(tree)
    if found is None:
        return tree
    region = found.element
    for _ in range(REGION_LEVELS):
        parent = region.getparent()
        if parent is None or parent.tag in ROOT_TAGS:
            break
        region = parent
    # the page parser's element classes, and its way of finding them (see parse_html)
    page = lxml_html.document_fromstring(
        "<html><body><p>.</p></body></html>", parser=WITHOUT_COMMENTS
    )
    body = page.find("body")
    body.remove(body[0])
    clone = copy.deepcopy(region)
    clone.tail = None
    body.append(clone)
    # what trafilatura removes first anyway, their tails kept: less tree for its XPath passes
    for element in list(clone.iter(*REGION_DROPPED_TAGS)):
        if element is not clone:
            element.drop_tree()
    return page
