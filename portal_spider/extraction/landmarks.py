"""Find the article's landmarks on an unknown page: its title element and its body container.

The generic page object and the platform page objects anchor their field rules on these two
elements: the publication date and the view count are read between the title and the body, the
source and author lines at the end of the body, never in the page chrome around them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lxml.html import HtmlElement

from portal_spider.extraction.chrome import ChromeVerdicts, in_chrome
from portal_spider.extraction.dates import is_date_only_line
from portal_spider.extraction.document_order import following_within, preceding_within
from portal_spider.extraction.page_text import PageText
from portal_spider.extraction.vocabulary import (
    BOX_TITLE_RE,
    META_LINE_LABEL_RE,
    OTHER_NEWS_HEADING_RE,
    TITLE_SEPARATORS,
    TRAIL_GLUE,
    VIEWS_LABEL_FIRST_RE,
    VIEWS_NUMBER_FIRST_RE,
    key,
)
from portal_spider.normalize.dates_vi import find_dates
from portal_spider.normalize.text import clean_text

HEADING_TAGS = {"h1", "h2", "h3"}
# class substrings of title-like elements (not links, not the <title>)
TITLE_CLASSES = ("title", "Title", "tieude", "TieuDe", "tieu-de", "headline", "heading")
LOGO_WORDS = ("logo", "banner", "brand", "sitename", "site-name", "site-title", "masthead")
LOGO_EXACT = {"header", "top", "site-header", "header-top", "top-header", "topbar", "top-bar"}
PROSE_WORDS = 25  # a paragraph of at least this many words of its own is prose
PROSE_PARAGRAPH_WORDS = 12  # a direct paragraph counts toward a block's prose from this many words
LINK_WORDS_DIVISOR = 3  # ... while less than a third of its words are link text
PREFIX_TITLE_WORDS = 4  # a heading that only starts the declared title must have this many words
# How much a heading looks like the article's title: its tag, then bonuses and penalties.
HEADING_TAG_WEIGHTS = {"h1": 4, "h2": 3, "h3": 1}
OTHER_TAG_WEIGHT = 1  # a title-classed block that is no heading
STAMP_MAX_WORDS = 2  # words besides its dates and numbers on a line that is a date stamp
HEADLINE_WORDS = (5, 40)  # a headline's usual length in words: bonus
HEADLINE_LENGTH_BONUS = 2
TOO_FEW_WORDS, TOO_MANY_WORDS = 3, 60  # shorter or longer: a label or a paragraph, not a title
WRONG_LENGTH_PENALTY = 4
LINK_PENALTY = 2  # a heading holding a link is another article's headline, mostly
TITLE_CLASS_BONUS = 1  # a class or id saying title
PROSE_AFTER_BONUS = 4  # prose follows it: the heading of the article text
TITLE_SCORE_FLOOR = 4  # a heading must score above this to be taken as the title
# element tags read in document order with ``tree.iter(*tags)``: libxml2 takes time quadratic in
# the result to evaluate ``//p|//div|…`` on a big page
PARAGRAPH_BLOCKS = ("p", "div", "td", "li", "span", "section", "article", "blockquote")
TEXT_BLOCKS = ("td", "div", "span", "p", "b", "strong", "font")  # inside <body>
LINE_BLOCKS = ("p", "div", "td", "th", "tr", "li", "ul", "span", "h2", "h3", "h4", "table")
PROSE_BLOCKS = ("div", "td", "section", "article", "main")
KEY_START = 80  # characters of a line's key compared to find where it is printed


def in_logo(element: HtmlElement) -> bool:
    """Whether the element is part of the site's banner or logo (the site name, not a title)."""
    for node in [element, *element.iterancestors()]:
        if node.tag == "header" and not node.xpath("ancestor::article|ancestor::main"):
            tokens = (node.get("class") or "").lower().split()
            if not any(t.startswith(("entry", "article", "post", "news")) for t in tokens):
                return True
        marker = f"{node.get('class', '')} {node.get('id', '')}".lower()
        tokens = marker.split()
        if any(t in LOGO_EXACT for t in tokens) or any(w in marker for w in LOGO_WORDS):
            return True
    return False


def headings(tree: HtmlElement) -> list[HtmlElement]:
    """``h1``–``h3`` and title-classed elements (not links, not ``<title>``), in document order.

    One pass of ``iter``, the tag and class read once an element: twice as fast as the same
    test as one XPath (libxml2 evaluates each ``contains`` per element), which
    tests/test_landmarks.py keeps as the reference.
    """
    return list(iter_headings(tree))


def iter_headings(tree: HtmlElement) -> Iterator[HtmlElement]:
    """:func:`headings`, one at a time: a reader that stops early leaves the rest unread."""
    for element in tree.iter():
        tag = element.tag
        if tag in HEADING_TAGS:
            yield element
        elif isinstance(tag, str) and tag != "a" and tag != "title":
            classes = element.get("class")
            if classes and any(word in classes for word in TITLE_CLASSES):
                yield element


def heading_candidates(
    tree: HtmlElement, verdicts: ChromeVerdicts | None = None
) -> list[HtmlElement]:
    """Headings and title-classed elements outside chrome and banners, in document order."""
    return list(iter_heading_candidates(tree, verdicts))


def iter_heading_candidates(
    tree: HtmlElement, verdicts: ChromeVerdicts | None = None
) -> Iterator[HtmlElement]:
    """:func:`heading_candidates`, one at a time: those after the one a reader looks for (the
    heading of a title already known) are not judged."""
    for element in iter_headings(tree):
        text = clean_text(element.text_content()) or ""
        if not 8 <= len(text) <= 400 or in_chrome(element, verdicts=verdicts) or in_logo(element):
            continue
        if OTHER_NEWS_HEADING_RE.match(text) or BOX_TITLE_RE.match(text):
            continue  # the title of a box of other articles or of a widget
        yield element


def title_parts(text: str) -> list[str]:
    """A page or og: title and its parts around `` - `` / `` | `` separators."""
    parts = [text]
    pieces = TITLE_SEPARATORS.split(text)
    if len(pieces) > 1:
        parts.extend(pieces)
        parts.append(" - ".join(pieces[:-1]))
        parts.append(" - ".join(pieces[1:]))
    return [p for p in parts if len(key(p).split()) >= 3]


def matching_heading(candidates: Iterable[HtmlElement], hint: str) -> HtmlElement | None:
    """The first candidate whose text is ``hint`` (or that ``hint`` starts with)."""
    wanted = key(hint)
    if not wanted:
        return None
    prefix_match = None
    for element in candidates:
        text = key(element.text_content())
        if not text:
            continue
        if text == wanted:
            return element
        if (
            prefix_match is None
            and len(text.split()) >= PREFIX_TITLE_WORDS
            and wanted.startswith(text + " ")
        ):
            prefix_match = element
    return prefix_match


def heading_score(element: HtmlElement) -> int:
    """How much an element looks like the article's title (0 or less: not at all)."""
    text = clean_text(element.text_content()) or ""
    words = len(text.split())
    score = HEADING_TAG_WEIGHTS.get(element.tag, OTHER_TAG_WEIGHT)
    if HEADLINE_WORDS[0] <= words <= HEADLINE_WORDS[1]:
        score += HEADLINE_LENGTH_BONUS
    elif words < TOO_FEW_WORDS or words > TOO_MANY_WORDS:
        score -= WRONG_LENGTH_PENALTY
    if element.xpath(".//a[@href]"):
        score -= LINK_PENALTY
    marker = f"{element.get('class', '')} {element.get('id', '')}".lower()
    if any(w in marker for w in ("title", "tieude", "tieu-de", "headline")):
        score += TITLE_CLASS_BONUS
    if prose_follows(element):
        score += PROSE_AFTER_BONUS
    return score


def prose_follows(element: HtmlElement, window: int = 40) -> bool:
    """Whether a paragraph of prose follows within ``window`` elements."""
    for following in following_within(element, window):
        if following.tag in {"p", "div"} and not in_chrome(following):
            own = clean_text(" ".join(following.xpath("text()"))) or ""
            if len(own.split()) >= PROSE_WORDS:
                return True
    return False


def best_heading(tree: HtmlElement) -> HtmlElement | None:
    """The heading that most looks like an article title, when no declared title matches."""
    scored = [(heading_score(e), -i, e) for i, e in enumerate(heading_candidates(tree))]
    scored = [s for s in scored if s[0] > TITLE_SCORE_FLOOR]
    if not scored:
        return None
    return max(scored, key=lambda s: (s[0], s[1]))[2]


def paragraph_element(
    tree: HtmlElement, line: str, texts: PageText | None = None
) -> HtmlElement | None:
    """The innermost block element whose text starts with ``line`` (outside chrome).

    ``texts`` is the tree's :class:`PageText` when the caller has it.
    """
    wanted = key(line)[:KEY_START]
    if not wanted:
        return None
    texts = texts if texts is not None else PageText(tree)
    # the last match is the deepest (document order visits parents first)
    for element in reversed(texts.index(PARAGRAPH_BLOCKS, KEY_START).starting_with(wanted)):
        if not in_chrome(element):
            return element
    return None


def common_ancestor(first: HtmlElement, second: HtmlElement) -> HtmlElement:
    """The lowest element containing both ``first`` and ``second``."""
    ancestors = [first, *first.iterancestors()]
    second_chain = {id(e) for e in [second, *second.iterancestors()]}
    for element in ancestors:
        if id(element) in second_chain:
            return element
    return ancestors[-1]


def line_in_chrome(tree: HtmlElement, line: str, texts: PageText | None = None) -> bool:
    """Whether a line of text appears on the page only inside page chrome."""
    wanted = key(line)[:KEY_START]
    if not wanted:
        return False
    texts = texts if texts is not None else PageText(tree)
    matches = texts.index(LINE_BLOCKS, KEY_START).starting_with(wanted)
    inner = set(matches)
    for element in matches:
        for ancestor in element.iterancestors():
            inner.discard(ancestor)
    return bool(inner) and all(in_chrome(e) for e in inner)


def prose_words(element: HtmlElement) -> int:
    """Words in the element's direct paragraphs of prose (menus and link lists count nothing)."""
    total = 0
    for child in element:
        if not isinstance(child.tag, str) or child.tag not in {"p", "div", "span", "font"}:
            continue
        if child.tag == "p":
            text = clean_text(child.text_content()) or ""
            link_words = sum(len((a.text_content() or "").split()) for a in child.iter("a"))
        else:  # a div or span counts only its own text, not that of nested blocks
            text = clean_text(" ".join(child.xpath("text()"))) or ""
            link_words = 0
        words = len(text.split())
        if words >= PROSE_PARAGRAPH_WORDS and link_words < words / LINK_WORDS_DIVISOR:
            total += words
    return total


def prose_container(tree: HtmlElement) -> tuple[HtmlElement | None, int]:
    """The element holding the most paragraphs of prose outside chrome, and its word count."""
    best, best_words = None, 0
    for element in tree.iter(*PROSE_BLOCKS):
        words = prose_words(element)
        if words > best_words and not in_chrome(element):
            best, best_words = element, words
    return best, best_words


def text_block_matching(
    tree: HtmlElement, text: str, texts: PageText | None = None
) -> HtmlElement | None:
    """A short block outside chrome and banners whose whole text is ``text`` (a title cell)."""
    wanted = key(text)
    if len(wanted.split()) < 4:
        return None
    texts = texts if texts is not None else PageText(tree)
    candidates = texts.index(TEXT_BLOCKS, KEY_START, in_body=True).starting_with(wanted[:KEY_START])
    for element in candidates:
        if texts.key_start(element, len(wanted) + 1) != wanted or element.xpath("ancestor::a"):
            continue
        if not in_chrome(element) and not in_logo(element):
            return element
    return None


def block_before(
    start: HtmlElement, current: HtmlElement | None, window: int = 15
) -> HtmlElement | None:
    """The nearest short text block before ``start`` that reads like a headline (a meta line such
    as ``Số lần xem: 312`` or a date stamp is passed over).

    ``None`` when ``current`` (the title found so far) comes first, or when nothing qualifies.
    """
    for element in reversed(preceding_within(start, window)):
        if element is current:
            return None
        if element.tag in {"a", "script", "style", "img", "br", "i"} or in_chrome(element):
            continue
        if element.xpath(".//a|ancestor::a") or any(
            isinstance(child.tag, str) and child.tag in {"div", "p", "ul", "table", "li"}
            for child in element
        ):
            continue
        text = clean_text(element.text_content()) or ""
        headline = 4 <= len(text.split()) <= 30 and not text.endswith((".", ":"))
        # a meta line ("Số lần xem: 312") sits between headline and body: look above it
        meta = is_date_only_line(text) or is_label_line(text)
        if headline and not meta and not OTHER_NEWS_HEADING_RE.match(text):
            return element
    return None


def is_label_line(text: str | None) -> bool:
    """Whether a line is an article's meta line (views, a date, the source …), never a headline."""
    if not text:
        return False
    views = VIEWS_LABEL_FIRST_RE.search(text) or VIEWS_NUMBER_FIRST_RE.search(text)
    if META_LINE_LABEL_RE.match(text) or views:
        return True
    rest = text
    for found in find_dates(text):
        rest = rest.replace(found, " ")
    words = [w for w in re.split(r"[\s|,;:()\-–/]+", rest) if w and not w.isdigit()]
    return len(words) <= STAMP_MAX_WORDS and rest != text


def link_trail(tree: HtmlElement, home_words: set[str]) -> HtmlElement | None:
    """A breadcrumb without a known class: home link first, links joined by ``›``/``»``/``>``/``/``.

    Menus also start with the home link; they separate their links with list items or ``|``,
    never with arrows.
    """
    for element in tree.xpath("//body//*[count(a) >= 2]"):
        links = element.xpath("./a")
        if (clean_text(links[0].text_content()) or "").lower() not in home_words:
            continue
        between = [element.text or "", *(child.tail or "" for child in element)]
        glue = "".join(between).strip()
        if glue and TRAIL_GLUE.fullmatch(glue) and not in_chrome(element):
            return element
    return None
