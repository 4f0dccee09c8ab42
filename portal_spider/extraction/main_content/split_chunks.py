"""An article body cut into several sibling containers (ads between them): the chunks put back."""

from __future__ import annotations

import copy

from lxml import etree

from portal_spider.extraction.main_content.density import link_text_length, strip_noise
from portal_spider.extraction.main_content.units import (
    PROSE_LINE_WORDS,
    Unit,
    iter_units,
    prose_words,
    string_value,
    units_words,
)
from portal_spider.extraction.vocabulary import normalize_line

MIN_CHUNK_WORDS = 60  # a repeated container holds at least this many prose words to be a chunk
PROSE_SHARE = 0.8  # ... and prose is at least this share of its words
CHUNK_ANCESTOR_LEVELS = 3  # chunks are searched this many levels above the body's container


def _body_parent(tree: etree._Element, units: list[Unit]) -> etree._Element | None:
    """The element of *tree* that holds most of the extracted prose paragraphs."""
    prose = {
        line
        for unit in units
        for line, words in zip(unit.lines, unit.line_words, strict=True)
        if words >= PROSE_LINE_WORDS
    }
    if not prose:
        return None
    parents: dict[etree._Element, int] = {}
    for para in tree.iter("p"):
        if normalize_line(string_value(para)) in prose:
            parent = para.getparent()
            parents[parent] = parents.get(parent, 0) + 1
    if not parents:
        return None
    return max(parents, key=parents.__getitem__)


def _signature(element: etree._Element) -> tuple[str, str]:
    """Tag and class attribute, used to recognise repeated article chunks."""
    return str(element.tag), element.get("class", "").strip()


def _path(element: etree._Element, region: etree._Element) -> list[tuple[str, str]]:
    """Signatures of *element* and its ancestors up to (excluding) *region*."""
    path = [_signature(element)]
    for ancestor in element.iterancestors():
        if ancestor is region:
            break
        path.append(_signature(ancestor))
    return path


def _has_path(element: etree._Element, region: etree._Element, path: list[tuple[str, str]]) -> bool:
    """``_path(element, region) == path``, read only as far as the first difference."""
    if _signature(element) != path[0]:
        return False
    depth = 1
    for ancestor in element.iterancestors():
        if ancestor is region:
            break
        if depth == len(path) or _signature(ancestor) != path[depth]:
            return False
        depth += 1
    return depth == len(path)


def _chunk_region(parent: etree._Element) -> etree._Element | None:
    """Ancestor of *parent* within which split chunks of the same article are searched."""
    region = parent
    for _ in range(CHUNK_ANCESTOR_LEVELS):
        region = region.getparent()
        if region is None or region.tag == "body":
            return None
    return region


def _chunk_units(chunk: etree._Element) -> list[Unit]:
    """Prose units of an additional article chunk (noise removed)."""
    work = copy.deepcopy(chunk)
    work.tail = None
    strip_noise(work)
    units = [u for u in iter_units(work) if u.element.tag == "p"]
    prose = prose_words(units)
    if prose < MIN_CHUNK_WORDS or prose < PROSE_SHARE * units_words(units):
        return []
    text_len = sum(len(line) for unit in units for line in unit.lines)
    if link_text_length(work) > 0.3 * max(text_len, 1):
        return []
    return units


def merge_split_chunks(tree: etree._Element, units: list[Unit]) -> tuple[list[Unit], bool]:
    """Add article chunks that repeat the main body container (ads split the body).

    Some sites (e.g. Wired) cut the article body into several sibling containers with the
    same tag and class; trafilatura keeps only the first one.
    """
    parent = _body_parent(tree, units)
    if parent is None or not _signature(parent)[1]:
        return units, False
    region = _chunk_region(parent)
    if region is None:
        return units, False
    path = _path(parent, region)
    seen = {line for unit in units for line in unit.lines}
    merged: list[Unit] = []
    added = False
    for element in region.iter(parent.tag):
        if element is parent:
            merged.extend(units)
            continue
        if not _has_path(element, region, path):
            continue
        extra = [u for u in _chunk_units(element) if not seen.intersection(u.lines)]
        merged.extend(extra)
        added = added or bool(extra)
    return (merged, True) if added else (units, False)
