"""The main-content extractor's first pass: trafilatura, precise first, balanced when short."""

from __future__ import annotations

import logging

import trafilatura
from lxml import etree
from trafilatura.htmlprocessing import build_html_output
from trafilatura.utils import normalize_unicode

from portal_spider.extraction.main_content.units import (
    Unit,
    fragment_units,
    prose_words,
    units_words,
)

logger = logging.getLogger(__name__)
SHORT_RESULT_WORDS = 150  # a precise result of fewer words is checked against the balanced one
LONGER_RATIO = 3.0  # the balanced result wins when it holds this many times more prose words
# Options shared by every trafilatura call: the article body only (no comments, no images,
# no links so that link text does not bias anything), tables kept (portals lay out
# announcements in tables), no deduplication (the cache is process-global).
TRAFILATURA_OPTIONS: dict[str, object] = {
    "output_format": "html",
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
    "with_metadata": False,
}


def _trafilatura_html(tree: etree._Element, url: str | None, **options: object) -> str:
    """Run trafilatura on *tree* and return its HTML output ("" if none).

    trafilatura works on its own copy of a tree it is given (since 2.3), so *tree* is unchanged.
    The HTML is what ``trafilatura.extract`` returns, built from ``bare_extraction`` directly:
    ``extract`` also computes a fingerprint of the text (a third of its time on an article
    region), which the HTML output does not hold.
    """
    try:
        document = trafilatura.bare_extraction(tree, url=url, **TRAFILATURA_OPTIONS, **options)
    except (ValueError, TypeError, etree.LxmlError) as exc:
        logger.debug("trafilatura failed on %s: %s", url, exc)
        return ""
    if document is None:
        return ""
    return normalize_unicode(build_html_output(document))


def trafilatura_units(tree: etree._Element, url: str | None) -> tuple[list[Unit], str]:
    """Best trafilatura result as units, with the name of the mode that produced it."""
    precise = fragment_units(_trafilatura_html(tree, url, favor_precision=True, fast=True))
    precise_words = units_words(precise)
    if precise_words >= SHORT_RESULT_WORDS:
        return precise, "trafilatura"
    balanced = fragment_units(_trafilatura_html(tree, url, fast=True))
    if prose_words(balanced) > LONGER_RATIO * max(prose_words(precise), 1):
        return balanced, "trafilatura-fast"
    return precise, "trafilatura"
