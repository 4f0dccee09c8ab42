"""Page chrome: sidebars, menus, counters, lists of other articles and tool widgets.

A rule that reads a field beside the article never reads it in page chrome: the site-wide
visitor counter is not the view count, a sidebar headline's date is not the publication date.
The words come from :mod:`portal_spider.extraction.vocabulary`; here they are applied to
elements.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml.html import HtmlElement

from portal_spider.extraction.html_tree import bounded_clean_text
from portal_spider.extraction.vocabulary import (
    ARTICLE_PREFIXES,
    CHROME_EXACT,
    CHROME_TAGS,
    CHROME_WORDS,
    OTHER_NEWS_HEADING_RE,
    TOOL_CLASS_RE,
    TOOL_TAGS,
    TOOL_WORDS,
)

# The short block around a date or a view count that may be an item of a list of other articles.
HEADLINE_ITEM_BLOCK = "ancestor-or-self::*[self::div or self::p or self::tr or self::dd][1]"


OTHER_NEWS_HEADING_CHARS = 59  # a heading of other articles ("Các tin khác") is this short
LIST_HEADLINE_WORDS = 4  # a list item linking this many words links another article's headline
HEADLINE_BLOCK_CHARS = 300  # a block of other article's headline, date and count is this short
BLOCK_HEADLINE_WORDS = 5  # ... and links a headline of this many words
TOOL_TEXT_CHARS = 199  # a tool widget (print, share, font size) has at most this much text


# Pages repeat the same class and id strings on many elements, and every chrome test reads them
# for each element and each of its ancestors: a string is judged once (a bounded cache of short
# strings).
MARKER_CACHE_SIZE = 8192


@lru_cache(maxsize=MARKER_CACHE_SIZE)
def _chrome_marker(marker: str) -> bool:
    """Whether a class-and-id string names page chrome (a whole token, or a word in one)."""
    for token in marker.lower().split():
        if token.startswith(ARTICLE_PREFIXES) and "footer" in token:
            continue  # the article's own footer holds its author and source lines
        if token in CHROME_EXACT or any(word in token for word in CHROME_WORDS):
            return True
    return False


def is_chrome_element(element: HtmlElement) -> bool:
    """Whether this one element (not its ancestors) is page chrome by tag, class or id."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in CHROME_TAGS:
        # an <article>'s own <footer> holds its author, source and tags, not site chrome
        return not (tag == "footer" and element.xpath("ancestor::article"))
    return _chrome_marker(f"{element.get('class', '')} {element.get('id', '')}")


# Each element's own verdict (chrome by tag, class or id, or right after a heading of other
# articles), by element: a page's rules ask about many elements that share their ancestors, and
# each ancestor is judged once a page (see Page.chrome). The page's tree is not changed meanwhile.
ChromeVerdicts = dict[HtmlElement, bool]


def in_chrome(
    element: HtmlElement, stop: HtmlElement | None = None, verdicts: ChromeVerdicts | None = None
) -> bool:
    """Whether ``element`` sits in page chrome (up to, not including, ``stop``); ``verdicts``
    keeps each element's own verdict for the next question about the same page."""
    node: HtmlElement | None = element
    while node is not None and node is not stop:
        if verdicts is None:
            chrome = is_chrome_element(node) or _under_other_news_heading(node)
        else:
            chrome = verdicts.get(node)
            if chrome is None:
                chrome = verdicts[node] = is_chrome_element(node) or _under_other_news_heading(node)
        if chrome:
            return True
        node = node.getparent()
    return False


def _under_other_news_heading(element: HtmlElement) -> bool:
    """A list or block right after a heading such as "Các tin khác" or "Tin mới"."""
    previous = element.getprevious()
    hops = 0
    while previous is not None and hops < 2:
        if isinstance(previous.tag, str) and previous.tag in {"h2", "h3", "h4", "h5", "div", "p"}:
            text = bounded_clean_text(previous, OTHER_NEWS_HEADING_CHARS)
            return text is not None and bool(OTHER_NEWS_HEADING_RE.match(text))
        previous = previous.getprevious()
        hops += 1
    return False


def in_headline_list(element: HtmlElement) -> bool:
    """Inside an item that links another article's headline (its date and views are that one's).

    A list item with a link of four words or more, or a short block (``<div class="item">``,
    a table row) with a link of five words or more and no heading of its own.
    """
    for item in element.xpath("ancestor-or-self::li[1]"):
        if _links_headline(item, LIST_HEADLINE_WORDS):
            return True
    for block in element.xpath(HEADLINE_ITEM_BLOCK):
        text = bounded_clean_text(block, HEADLINE_BLOCK_CHARS)
        return (
            text is not None
            and not block.xpath(".//h1|.//h2")
            and _links_headline(block, BLOCK_HEADLINE_WORDS)
        )
    return False


def _links_headline(block: HtmlElement, words: int) -> bool:
    """A link of at least ``words`` words of letters (a date link is not a headline)."""
    return any(
        len(re.findall(r"[^\W\d_]+", link.text_content())) >= words for link in block.iter("a")
    )


def drop_tools(body: HtmlElement) -> None:
    """Remove print, read-aloud, share and similar widgets from a body element, in place."""
    for element in list(body.iter("script", "style", "noscript", "iframe", "form", "button")):
        element.drop_tree()
    # inner elements first: a toolbar left with only its label ("Cỡ chữ:") goes too
    for element in reversed(list(body.iter())):
        if not isinstance(element.tag, str) or element is body:
            continue
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        tool_class = bool(marker.strip()) and bool(TOOL_CLASS_RE.search(marker))
        if not tool_class and element.tag not in TOOL_TAGS:
            continue
        short = bounded_clean_text(element, TOOL_TEXT_CHARS)  # None: a longer text
        text = (short or "").lower()
        tool_word = element.tag in TOOL_TAGS and text.rstrip(" :：") in TOOL_WORDS
        if (tool_class and short is not None) or tool_word:
            element.drop_tree()
