"""Generic main-content (article body) extraction for unknown page layouts.

Strategy, in order:

0. The project's own finder walks the page once and keeps the region around the block holding
   the page's prose (:mod:`.prose_block`); the passes below that read a tree read that region.
1. ``trafilatura`` in *precision* mode, or its *fast* (balanced) result when the precise one is
   suspiciously short (:mod:`.trafilatura_pass`), both without its external fallbacks.
2. Chunks of an article body split into sibling containers are put back (:mod:`.split_chunks`).
3. Lines located outside the article block are cut from both ends (:mod:`.article_span`).
4. If too little is left, a small text-density heuristic picks the container whose paragraphs
   hold the most non-link text (:mod:`.density`; Vietnamese portals are often table based).

The chosen HTML fragment is split into text units (:mod:`.units`) and cleaned line by line
(:mod:`.line_filter`): the title and date line at the top, print / read-aloud / share widgets,
"Các tin khác"-style trailing lists, view counters and a trailing "Nguồn: ..." line are removed
from both the text and the HTML.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from portal_spider.extraction.main_content.article_span import article_span
from portal_spider.extraction.main_content.density import density_units
from portal_spider.extraction.main_content.prose_block import article_region
from portal_spider.extraction.main_content.split_chunks import merge_split_chunks
from portal_spider.extraction.main_content.trafilatura_pass import trafilatura_units
from portal_spider.extraction.main_content.units import (
    Unit,
    lines_paragraph,
    parse_page,
    render_units,
    string_value,
    units_words,
)
from portal_spider.extraction.vocabulary import (
    TITLE_SPLIT_RE,
    has_words,
    normalize_line,
    word_count,
)

logger = logging.getLogger(__name__)

MIN_WORDS = 8  # fewer words than this is no article body


@dataclass
class MainContent:
    """Extracted article body: plain text, HTML fragment and the strategy that found it."""

    text: str
    html: str
    method: str


# --------------------------------------------------------------------------- page helpers


def page_titles(tree: etree._Element) -> list[str]:
    """Candidate titles of the page: ``<h1>``, ``og:title`` and ``<title>`` with its parts."""
    document = tree.getroottree().getroot()  # the whole page, as ``//h1`` reads it
    found: dict[str, list[etree._Element]] = {"h1": [], "title": [], "meta": []}
    for element in document.iter(*found):  # one walk for the three tags
        found[element.tag].append(element)
    titles = [normalize_line(string_value(e)) for tag in ("h1", "title") for e in found[tag][:3]]
    titles.extend(
        normalize_line(value)
        for meta in found["meta"]
        if meta.get("property") == "og:title" or meta.get("name") == "twitter:title"
        if (value := meta.get("content")) is not None
    )
    parts = [part for title in titles for part in TITLE_SPLIT_RE.split(title)]
    return [t for t in dict.fromkeys(titles + parts) if word_count(t) >= 2]


# --------------------------------------------------------------------------- anchoring


def anchored_units(tree: etree._Element, units: list[Unit], titles: Iterable[str]) -> list[Unit]:
    """*units* without the leading and trailing lines that lie outside the article block."""
    flat = [line for unit in units for line in unit.lines]
    start, end = article_span(tree, flat, titles)
    if start == 0 and end == len(flat):
        return units
    kept: list[Unit] = []
    position = 0
    for unit in units:
        first, last = position, position + len(unit.lines)
        position = last
        lines = unit.lines[max(start, first) - first : max(min(end, last) - first, 0)]
        if len(lines) == len(unit.lines):
            kept.append(unit)
        elif lines:
            kept.append(Unit(lines_paragraph(lines), lines))
    return kept


# --------------------------------------------------------------------------- public API


def extract_main_content(html: str, url: str | None = None) -> MainContent | None:
    """Extract the article body of *html*; ``None`` when no body can be found."""
    tree = parse_page(html)
    if tree is None:
        return None
    titles = page_titles(tree)
    region = article_region(tree)
    units, method = trafilatura_units(region, url)
    units, merged = merge_split_chunks(region, units)
    if merged:
        method += "+chunks"
    units = anchored_units(region, units, titles)
    if units_words(units) < MIN_WORDS:
        units, method = density_units(tree), "density"
    text, body_html = render_units(units, titles)
    if not has_words(text, MIN_WORDS):
        logger.debug("no main content found for %s", url)
        return None
    return MainContent(text=text, html=body_html, method=method)
