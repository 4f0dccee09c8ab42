"""The main-content extractor's first pass: trafilatura, precise first, balanced when short.

The precise run is trafilatura's own precision-mode sequence (fast, comments off) called step
by step, so that the steps which cannot change anything on the region are left out: the
comment and infinite-scroll prunes when no ``id``/``class`` of the region could match them,
and the tree copies kept for the fallbacks that fast mode never runs. Its result is the body
``trafilatura.bare_extraction`` returns for the same options (a test checks it on pages where
each prune applies and where none does). Both runs find and prune the article section with
trafilatura's XPaths answered by Python tests (:mod:`.python_xpaths`): the same elements, without
lxml's call into Python for every ``re:test`` of every element.
"""

from __future__ import annotations

import logging
import re
from copy import copy

import trafilatura
from lxml import etree
from trafilatura.htmlprocessing import (
    build_html_output,
    convert_tags,
    prune_unwanted_nodes,
    tree_cleaning,
)
from trafilatura.main_extractor import extract_content
from trafilatura.metadata import Document
from trafilatura.settings import Extractor
from trafilatura.utils import normalize_unicode
from trafilatura.xml import delete_element
from trafilatura.xpaths import (
    RAW_TREE_PRUNE_XPATH,
    REGEXP_NS,
    REMOVE_COMMENTS_AND_LISTS_XPATH,
    REMOVE_COMMENTS_XPATH,
)

from portal_spider.extraction.main_content.prune_tests import python_prune
from portal_spider.extraction.main_content.python_xpaths import python_xpaths
from portal_spider.extraction.main_content.units import (
    Unit,
    fragment_units,
    prose_words,
    units_words,
)
from portal_spider.extraction.vocabulary import word_count

logger = logging.getLogger(__name__)
SHORT_RESULT_WORDS = 150  # a precise result of fewer words is checked against the balanced one
LONGER_RATIO = 3.0  # the balanced result wins when it holds this many times more prose words
# Options shared by every trafilatura call: the article body only (no comments, no images,
# no links so that link text does not bias anything), tables kept (portals lay out
# announcements in tables), no deduplication (the cache is process-global). Built once:
# reading them from trafilatura's configuration costs as much as a small page's extraction.
_SHARED_OPTIONS: dict[str, object] = {
    "output_format": "html",
    "fast": True,
    "comments": False,
    "tables": True,
    "images": False,
    "links": False,
    "dedup": False,
    "with_metadata": False,
}
PRECISE_OPTIONS = Extractor(precision=True, **_SHARED_OPTIONS)  # type: ignore[arg-type]
BALANCED_OPTIONS = Extractor(**_SHARED_OPTIONS)  # type: ignore[arg-type]
# Necessary conditions for trafilatura's raw-tree prunes to match anything: an ``id`` or
# ``class`` value like these (each pattern matches at least what the prune's own test does;
# values are joined by newlines, so ``^`` also matches after a newline inside a value, which
# only widens the test).
_ID_VALUES = etree.XPath("//@id", smart_strings=False)
_CLASS_VALUES = etree.XPath("//@class", smart_strings=False)
SCROLL_PRUNE_ID_CLASS_RE = re.compile(r"mvp-post-add-(?:box|wrap)|infinite-?scroll")
SCROLL_PRUNE_CLASS_RE = re.compile(r"elementor-share-buttons")
COMMENTS_PRUNE_ID_RE = re.compile(r"^(?:[Cc]omment|comol|disqus_thread|dsq-comments)", re.M)
COMMENTS_PRUNE_CLASS_RE = re.compile(r"^[Cc]omment|(?:article|post)-comments", re.M)
FORUM_SCRIPTS = etree.XPath('//script[@type="application/ld+json"]')
# Elements whose id or class is like one of trafilatura's comment containers (wider than its
# own tests, as above): its comment prunes can only match these.
ELEMENTS_WITH_NAMES = etree.XPath("//*[@id or @class]")
COMMENT_NAME_RE = re.compile(
    r"^(?:[Cc]omment|comol|disqus_thread|dsq-comments)|(?:article|post)-comments"
)


def _as_element_test(xpath: etree.XPath) -> etree.XPath:
    """trafilatura's prune *xpath* (``.//*[tests]``) as the same tests of one element."""
    path = xpath.path.strip()
    if not path.startswith(".//*["):
        raise ValueError(f"unexpected trafilatura prune expression: {path[:40]}")
    return etree.XPath(f"self::{path[3:]}", namespaces={"re": REGEXP_NS})


COMMENT_PRUNES_RAW = [_as_element_test(xpath) for xpath in REMOVE_COMMENTS_AND_LISTS_XPATH]
# the comment prune of the converted tree, read as Python tests (prune_tests: the same elements)
CONVERTED_COMMENT_PRUNES = [python_prune(xpath) or xpath for xpath in REMOVE_COMMENTS_XPATH]
# Every text node of a tree, and whether it has MathML (whose formulas trafilatura turns into
# text from attributes): the balanced run finds no more words than the text nodes hold.
TEXT_NODES = etree.XPath("//text()", smart_strings=False)
HAS_MATH = etree.XPath("boolean(//math)")


def _with_url(options: Extractor, url: str | None) -> Extractor:
    """A copy of *options* for a page at *url* (as trafilatura builds them per call)."""
    page_options = copy(options)
    page_options.url = url
    page_options.source = url and url.encode("utf-8", "replace").decode("utf-8")
    return page_options


def possible_prunes(tree: etree._Element) -> tuple[bool, bool]:
    """Whether trafilatura's infinite-scroll prune and its comment prunes may match in *tree*."""
    ids = "\n".join(_ID_VALUES(tree))
    classes = "\n".join(_CLASS_VALUES(tree))
    scroll = bool(
        SCROLL_PRUNE_ID_CLASS_RE.search(ids)
        or SCROLL_PRUNE_ID_CLASS_RE.search(classes)
        or SCROLL_PRUNE_CLASS_RE.search(classes)
    )
    comments = bool(COMMENTS_PRUNE_ID_RE.search(ids) or COMMENTS_PRUNE_CLASS_RE.search(classes))
    return scroll, comments


def _precise_body(tree: etree._Element, url: str | None) -> etree._Element | None:
    """trafilatura's precision-mode body of *tree* (``None`` when it finds no text).

    The steps of ``trafilatura.bare_extraction`` for :data:`PRECISE_OPTIONS`, in its order;
    *tree* itself is left unchanged.
    """
    if FORUM_SCRIPTS(tree):  # a thread-forum page may keep its comments: trafilatura decides
        document = trafilatura.bare_extraction(
            tree, url=url, options=_with_url(PRECISE_OPTIONS, url)
        )
        return None if document is None else document.body
    options = _with_url(PRECISE_OPTIONS, url)
    scroll, comments = possible_prunes(tree)
    tree = copy(tree)  # trafilatura cleans a copy of the (pruned) tree: this one is that copy
    if scroll:
        tree = prune_unwanted_nodes(tree, RAW_TREE_PRUNE_XPATH)
    if comments:
        tree = _prune_comments(tree, COMMENT_PRUNES_RAW)
    cleaned = convert_tags(tree_cleaning(tree, options), options, url)
    if comments:
        cleaned = prune_unwanted_nodes(cleaned, CONVERTED_COMMENT_PRUNES)
    body, text = extract_content(cleaned, options)
    return body if len(text) >= options.min_output_size else None


def _prune_comments(tree: etree._Element, tests: list[etree.XPath]) -> etree._Element:
    """What ``prune_unwanted_nodes`` does with trafilatura's comment prunes, each prune's tests
    tried only on the elements named like comments instead of on every element."""
    for test in tests:
        named = [
            element
            for element in ELEMENTS_WITH_NAMES(tree)
            if COMMENT_NAME_RE.search(element.get("id", ""))
            or COMMENT_NAME_RE.search(element.get("class", ""))
        ]
        for element in [element for element in named if test(element)]:
            delete_element(element)  # in document order, its tail kept, as the prune does
    return tree


def _balanced_body(tree: etree._Element, url: str | None) -> etree._Element | None:
    """trafilatura's balanced-mode body of *tree* (``None`` when it finds no text)."""
    document = trafilatura.bare_extraction(tree, url=url, options=_with_url(BALANCED_OPTIONS, url))
    return None if document is None else document.body


def _trafilatura_html(tree: etree._Element, url: str | None, precise: bool) -> str:
    """Run trafilatura on *tree* and return its HTML output ("" if none).

    The HTML is what ``trafilatura.extract`` returns, built from the extracted body directly:
    ``extract`` also computes a fingerprint of the text (a third of its time on an article
    region), which the HTML output does not hold.
    """
    try:
        with python_xpaths():  # the same elements found, faster
            body = _precise_body(tree, url) if precise else _balanced_body(tree, url)
    except (ValueError, TypeError, etree.LxmlError) as exc:
        logger.debug("trafilatura failed on %s: %s", url, exc)
        return ""
    if body is None:
        return ""
    return normalize_unicode(build_html_output(Document(body=body)))


def trafilatura_units(tree: etree._Element, url: str | None) -> tuple[list[Unit], str]:
    """Best trafilatura result as units, with the name of the mode that produced it."""
    precise = fragment_units(_trafilatura_html(tree, url, precise=True))
    precise_words = units_words(precise)
    if precise_words >= SHORT_RESULT_WORDS:
        return precise, "trafilatura"
    needed = LONGER_RATIO * max(prose_words(precise), 1)
    if _words_at_most(tree, needed):
        return precise, "trafilatura"  # the balanced result could not hold more prose words
    balanced = fragment_units(_trafilatura_html(tree, url, precise=False))
    if prose_words(balanced) > needed:
        return balanced, "trafilatura-fast"
    return precise, "trafilatura"


def _words_at_most(tree: etree._Element, limit: float) -> bool:
    """Whether *tree*'s text holds at most *limit* words, so that no extraction of it holds more.

    The text nodes are counted apart: a word an extraction joins from two nodes counts twice
    here, never the other way round. A tree with MathML is never small (see :data:`HAS_MATH`).
    """
    if HAS_MATH(tree):
        return False
    return word_count(" ".join(TEXT_NODES(tree))) <= limit
