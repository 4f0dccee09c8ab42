"""What a page is — a listing, an article, or something else — read from its structure.

An article page holds one block of prose (several paragraphs of running text, few links) under a
single headline; a listing holds repeated links of one URL shape whose texts read as headlines
(several words), often each with a date; anything else (an about page, a contact page, a
calendar) is *other*. URL shapes alone cannot tell them apart on software the project has never
seen, so the page itself is read.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from portal_spider.discovery.shapes import followable, path_shape
from portal_spider.normalize.dates_vi import find_dates
from portal_spider.normalize.urls import absolute_url, same_origin

ARTICLE = "article"
LISTING = "listing"
OTHER = "other"
PROSE_MIN_CHARS = 500  # running text of one article block
LISTING_MIN_LINKS = 16  # headline links that make a page with prose a listing still
SHORT_PROSE_CHARS = 150  # a short notice's, on a page linked as an article
PARAGRAPH_MIN_CHARS = 60
HEADLINE_MIN_WORDS = 5  # a link text that reads as a headline
GROUP_MIN_LINKS = 3  # links of one shape that make a list of articles
CHROME = ("nav", "footer", "header")
SKIP = {"script", "style", "noscript", "template", "select", "option"}


@dataclass
class LinkGroup:
    """Links of one path shape on a page: a list of articles, a menu, a pager …"""

    shape: str
    urls: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def headline_links(self) -> int:
        return sum(1 for text in self.texts if len(text.split()) >= HEADLINE_MIN_WORDS)


def page_links(tree: HtmlElement, url: str) -> list[tuple[HtmlElement, str, str]]:
    """The page's links to other web pages of its own origin: (element, absolute URL, text)."""
    found = []
    for link in tree.iter("a"):
        href = absolute_url(link.get("href") or "", url)
        if not href or not same_origin(href, url):
            continue
        text = " ".join(link.text_content().split())
        found.append((link, href.split("#", 1)[0], text))
    return found


def link_groups(tree: HtmlElement, url: str) -> dict[str, LinkGroup]:
    """The page's followable links grouped by path shape (documents, print views and calendars
    are left out)."""
    groups: dict[str, LinkGroup] = {}
    for _, href, text in page_links(tree, url):
        if not followable(href):
            continue
        shape = path_shape(href)
        group = groups.setdefault(shape, LinkGroup(shape))
        if href not in group.urls:
            group.urls.append(href)
            group.texts.append(text)
    return groups


def article_link_groups(groups: dict[str, LinkGroup]) -> list[LinkGroup]:
    """The groups that read as lists of articles: several distinct links whose texts are
    headlines (most of them)."""
    chosen = []
    for group in groups.values():
        headlines = group.headline_links
        if headlines >= GROUP_MIN_LINKS and headlines * 2 >= len(group.urls):
            chosen.append(group)
    return chosen


def prose_chars(tree: HtmlElement) -> int:
    """The running text of the page's largest block of paragraphs (link text not counted)."""
    by_parent: dict[HtmlElement, int] = defaultdict(int)
    for element in tree.iter("p", "div", "td", "span"):
        if element.tag in ("div", "td", "span") and any(
            isinstance(child.tag, str) and child.tag in {"p", "div", "table", "ul", "td"}
            for child in element
        ):
            continue
        if any(ancestor.tag in CHROME for ancestor in element.iterancestors()):
            continue
        text = " ".join(element.text_content().split())
        linked = sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))
        own = len(text) - linked
        if own >= PARAGRAPH_MIN_CHARS and linked * 3 < len(text):
            parent = element.getparent()
            if parent is not None:
                by_parent[parent] += own
    return max(
        (chars for parent, chars in by_parent.items() if headline_links_in(parent) < 3),
        default=0,
    )


def headline_links_in(element: HtmlElement) -> int:
    """Links inside ``element`` whose text reads as a headline."""
    return sum(1 for a in element.iter("a") if len(a.text_content().split()) >= HEADLINE_MIN_WORDS)


def short_article(tree: HtmlElement) -> bool:
    """Whether a page linked as an article holds a short one: a notice of a paragraph or two
    with a date printed outside any link (an about or contact page has no date)."""
    if prose_chars(tree) < SHORT_PROSE_CHARS:
        return False
    body = tree.find("body")
    if body is None:
        return False
    texts = []
    for element in body.iter():
        if not isinstance(element.tag, str) or element.tag in SKIP or element.tag == "a":
            continue
        if any(ancestor.tag == "a" for ancestor in element.iterancestors()):
            continue
        texts.append(element.text or "")
        for child in element:
            texts.append(child.tail or "")
    return bool(find_dates(" ".join(texts)))


def classify_page(tree: HtmlElement, url: str, article_shapes: set[str] | None = None) -> str:
    """``article``, ``listing`` or ``other`` for a parsed page at ``url``."""
    prose = prose_chars(tree)
    groups = link_groups(tree, url)
    lists = article_link_groups(groups)
    known = article_shapes or set()
    listed = sum(len(group.urls) for group in lists)
    # an article's page lists a few others ("Các tin khác"); a home page with a welcome text
    # lists many
    if prose >= PROSE_MIN_CHARS and listed < LISTING_MIN_LINKS:
        return ARTICLE
    if lists or any(shape in known for shape in groups):
        return LISTING
    return OTHER
