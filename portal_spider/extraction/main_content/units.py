"""An HTML fragment as text units (paragraphs, headings, list items, table rows, lines) and back.

The extracted fragment is split into its innermost block elements, each with its text lines
(``<br>`` separates lines); after the line filter, the kept lines are rendered as text and HTML.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from lxml import etree
from lxml import html as lxml_html

from portal_spider.extraction.html_tree import EmptyPage, parse_html
from portal_spider.extraction.main_content.line_filter import filter_blocks
from portal_spider.extraction.vocabulary import normalize_line, word_count

logger = logging.getLogger(__name__)
PROSE_LINE_WORDS = 12  # a line of at least this many words is a sentence (menus score ~0)
UNIT_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "pre", "blockquote", "dd", "dt"}
    | {"figcaption", "caption"}
)
BLOCK_TAGS = (
    UNIT_TAGS
    | {"div", "section", "article", "main", "td", "th", "ul", "ol", "dl"}
    | {
        "table",
        "tbody",
        "thead",
        "tfoot",
        "address",
        "center",
    }
)
LINE_BREAK = "\u2029"
# an element's string value (the text of its subtree), the XPath compiled once
string_value = etree.XPath("string()")


@dataclass
class Unit:
    """One block element of the body fragment and its text lines."""

    element: etree._Element
    lines: list[str]

    @cached_property
    def line_words(self) -> list[int]:
        """The number of words of each line, counted once (several passes weigh the units)."""
        return [word_count(line) for line in self.lines]


def _has_block_child(element: etree._Element) -> bool:
    """True when *element* contains a nested block-level element."""
    return any(
        isinstance(child.tag, str) and child.tag in BLOCK_TAGS
        for child in element.iterdescendants()
    )


def _split_lines(element: etree._Element) -> list[str]:
    """Text of *element*, split at ``<br>``, each line whitespace-normalised."""
    if next(element.iter("br"), None) is not None:
        element = copy.deepcopy(element)
        for br in element.iter("br"):
            br.tail = LINE_BREAK + (br.tail or "")
    text = string_value(element)
    return [line for line in (normalize_line(part) for part in text.split(LINE_BREAK)) if line]


def _row_lines(row: etree._Element) -> list[str]:
    """One line per table row: the non-empty cell texts joined by a space."""
    cells = [normalize_line(string_value(cell)) for cell in row if isinstance(cell.tag, str)]
    line = " ".join(cell for cell in cells if cell)
    return [line] if line else []


def _is_data_row(row: etree._Element) -> bool:
    """True for a table row of several plain cells (a data table, not a layout table)."""
    cells = [cell for cell in row if isinstance(cell.tag, str)]
    return len(cells) > 1 and not any(_has_block_child(cell) for cell in cells)


def iter_units(element: etree._Element) -> Iterator[Unit]:
    """Yield the innermost block elements below *element* in document order.

    Inline content sitting directly in a container (``<div>text<br>text</div>``) is wrapped
    into a synthetic ``<p>`` unit.
    """
    if element.tag == "tr" and _is_data_row(element):
        lines = _row_lines(element)
        if lines:
            yield Unit(element, lines)
        return
    if element.tag in UNIT_TAGS and not _has_block_child(element):
        lines = _split_lines(element)
        if lines:
            yield Unit(element, lines)
        return
    chunk: list[etree._Element | str] = []
    if element.text and element.text.strip():
        chunk.append(element.text)
    for child in element:
        if isinstance(child.tag, str) and child.tag in BLOCK_TAGS:
            yield from _flush_chunk(chunk)
            chunk = []
            yield from iter_units(child)
        else:
            chunk.append(child)
        if child.tail and child.tail.strip():
            chunk.append(child.tail)
    yield from _flush_chunk(chunk)


def _flush_chunk(chunk: list[etree._Element | str]) -> Iterator[Unit]:
    """Turn loose inline content of a container into a synthetic ``<p>`` unit."""
    if not any(isinstance(item, str) or isinstance(item.tag, str) for item in chunk):
        return
    para = etree.Element("p")
    for item in chunk:
        if isinstance(item, str):
            _append_text(para, item)
        elif isinstance(item.tag, str):
            clone = copy.deepcopy(item)
            clone.tail = None
            para.append(clone)
    lines = _split_lines(para)
    if lines:
        yield Unit(para, lines)


def _append_text(element: etree._Element, text: str) -> None:
    """Append *text* at the end of *element* (as text or the last child's tail)."""
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text


def _unit_html(unit: Unit, keep: list[bool]) -> str:
    """HTML of one unit with only its kept lines."""
    if all(keep):
        return lxml_html.tostring(unit.element, encoding="unicode", with_tail=False)
    tag = "p" if unit.element.tag == "tr" else unit.element.tag
    new = etree.Element(tag)
    kept = [line for line, flag in zip(unit.lines, keep, strict=True) if flag]
    for index, line in enumerate(kept):
        if index:
            etree.SubElement(new, "br").tail = line
        else:
            new.text = line
    return lxml_html.tostring(new, encoding="unicode")


def _wrap_rows(fragments: list[tuple[etree._Element, str]]) -> str:
    """Join unit HTML, wrapping runs of list items / table rows in their list / table."""
    out: list[str] = []
    open_tag = ""
    for element, fragment in fragments:
        wrapper = _wrapper_tag(element)
        if wrapper != open_tag:
            if open_tag:
                out.append(f"</{open_tag}>")
            if wrapper:
                out.append(f"<{wrapper}>")
            open_tag = wrapper
        out.append(fragment)
    if open_tag:
        out.append(f"</{open_tag}>")
    return "\n".join(out)


def _wrapper_tag(element: etree._Element) -> str:
    """Container tag a unit needs in the output fragment ("" for standalone blocks)."""
    if element.tag == "li":
        parent = element.getparent()
        return parent.tag if parent is not None and parent.tag in {"ul", "ol"} else "ul"
    if element.tag == "tr":
        return "table"
    return ""


def render_units(units: list[Unit], titles: Iterable[str]) -> tuple[str, str]:
    """Filter the units' lines and return ``(text, html)`` of what is kept."""
    flat = [line for unit in units for line in unit.lines]
    keep = filter_blocks(flat, titles)
    text_lines: list[str] = []
    fragments: list[tuple[etree._Element, str]] = []
    position = 0
    for unit in units:
        flags = keep[position : position + len(unit.lines)]
        position += len(unit.lines)
        if not any(flags):
            continue
        text_lines.extend(line for line, flag in zip(unit.lines, flags, strict=True) if flag)
        fragments.append((unit.element, _unit_html(unit, flags)))
    return "\n\n".join(text_lines), _wrap_rows(fragments)


def _split_text_at_newlines(text: str) -> list[str] | None:
    """Parts of *text* around its inner newlines, ``None`` when there are none."""
    if "\n" not in text.strip():
        return None
    return text.split("\n")


def newlines_to_br(root: etree._Element) -> None:
    """Turn newlines inside text nodes into ``<br>`` (trafilatura keeps line breaks as text)."""
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        parts = _split_text_at_newlines(element.text or "")
        if parts:
            element.text = parts[0]
            for index, part in enumerate(parts[1:]):
                br = etree.Element("br")
                br.tail = part
                element.insert(index, br)
        parts = _split_text_at_newlines(element.tail or "")
        if parts and element.getparent() is not None:
            element.tail = parts[0]
            anchor = element
            for part in parts[1:]:
                br = etree.Element("br")
                br.tail = part
                anchor.addnext(br)
                anchor = br


def fragment_units(fragment: str) -> list[Unit]:
    """Parse an HTML fragment (trafilatura output) into units."""
    tree = parse_page(fragment)
    if tree is None:
        return []
    newlines_to_br(tree)
    body = tree.find("body")
    return list(iter_units(body if body is not None else tree))


def units_words(units: list[Unit]) -> int:
    """Total number of words in *units*."""
    return sum(sum(unit.line_words) for unit in units)


def prose_words(units: list[Unit]) -> int:
    """Words in sentence-like lines (at least ``PROSE_LINE_WORDS`` words): menus score ~0."""
    return sum(count for unit in units for count in unit.line_words if count >= PROSE_LINE_WORDS)


def lines_paragraph(lines: list[str]) -> etree._Element:
    """A ``<p>`` holding *lines* separated by ``<br>``."""
    para = etree.Element("p")
    para.text = lines[0]
    for line in lines[1:]:
        etree.SubElement(para, "br").tail = line
    return para


def parse_page(html: str) -> etree._Element | None:
    """The page's tree without comments; ``None`` when it is empty or has no element."""
    try:
        return parse_html(html, drop_comments=True)
    except EmptyPage:
        logger.debug("nothing to parse")
        return None
