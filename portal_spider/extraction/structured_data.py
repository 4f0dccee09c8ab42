"""Structured data a page declares about its article: JSON-LD, microdata, ``og:``/``article:`` meta.

Read before anything else by the generic page object, and used by platform page objects to fill
what their selectors did not find. Each value keeps the rule that found it (``json-ld
datePublished``, ``microdata headline``, ``meta og:title`` …) so a record says where it came from.
A modification time (``dateModified``, ``article:modified_time``) is kept apart and never offered
as the publication time.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field

from lxml import etree
from lxml.html import HtmlElement

from portal_spider.extraction.html_tree import meta_content
from portal_spider.normalize.text import clean_text

logger = logging.getLogger(__name__)

ARTICLE_TYPES = {"newsarticle", "article", "blogposting", "reportagenewsarticle", "report"}
INTERACTION_COUNT_RE = re.compile(
    r"(?:UserPageVisits|UserViews|ViewAction|WatchAction)?\s*:?\s*(\d+)"
)


@dataclass
class Found:
    """A value and the rule that found it."""

    value: str
    rule: str


@dataclass
class StructuredData:
    """What the page declares; each field is ``None`` when not declared."""

    headline: list[Found] = field(default_factory=list)
    published: list[Found] = field(default_factory=list)
    modified: list[Found] = field(default_factory=list)
    author: Found | None = None
    section: Found | None = None
    views: Found | None = None
    body_text: Found | None = None
    body_element: HtmlElement | None = None
    item_id: str | None = None


def _types(node: dict) -> set[str]:
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {str(v).lower() for v in values}


def json_ld_nodes(tree: HtmlElement) -> list[dict]:
    """Every JSON-LD object of the page (``@graph`` members included), article types first."""
    nodes: list[dict] = []
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script.strip().rstrip(";"))
        except ValueError:
            logger.debug("unreadable JSON-LD block skipped")
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            node = stack.pop(0)
            if not isinstance(node, dict):
                continue
            nodes.append(node)
            graph = node.get("@graph")
            if isinstance(graph, list):
                stack.extend(graph)
    nodes.sort(key=lambda n: 0 if _types(n) & ARTICLE_TYPES else 1)
    return nodes


def _name(value: object) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        return _name(value.get("name"))
    if isinstance(value, str) and value.strip() and "://" not in value:
        return clean_text(value)
    return None


def _ld_views(node: dict) -> str | None:
    stats = node.get("interactionStatistic")
    for stat in stats if isinstance(stats, list) else [stats]:
        if isinstance(stat, dict):
            kind = str(stat.get("interactionType", ""))
            count = stat.get("userInteractionCount")
            if count is not None and ("View" in kind or "Read" in kind or not kind):
                return str(count)
    return None


def read_json_ld(tree: HtmlElement, data: StructuredData) -> None:
    """Fill ``data`` from the page's first article-typed JSON-LD object."""
    for node in json_ld_nodes(tree):
        if not _types(node) & ARTICLE_TYPES:
            continue
        for key in ("headline", "name"):
            if isinstance(node.get(key), str) and clean_text(node[key]):
                data.headline.append(Found(clean_text(node[key]) or "", f"json-ld {key}"))
                break
        if isinstance(node.get("datePublished"), str):
            data.published.append(Found(node["datePublished"].strip(), "json-ld datePublished"))
        if isinstance(node.get("dateModified"), str):
            data.modified.append(Found(node["dateModified"].strip(), "json-ld dateModified"))
        author = _name(node.get("author"))
        if author and data.author is None:
            data.author = Found(author, "json-ld author")
        section = _name(node.get("articleSection"))
        if section and data.section is None:
            data.section = Found(section, "json-ld articleSection")
        views = _ld_views(node)
        if views and data.views is None:
            data.views = Found(views, "json-ld interactionStatistic")
        if isinstance(node.get("articleBody"), str) and data.body_text is None:
            data.body_text = Found(node["articleBody"], "json-ld articleBody")
        return


def _itemprop(scope: HtmlElement, name: str) -> list[HtmlElement]:
    return scope.xpath(
        ".//*[contains(concat(' ', normalize-space(@itemprop), ' '), $n)]", n=f" {name} "
    )


def _prop_value(element: HtmlElement) -> str | None:
    for attr in ("content", "datetime"):
        if element.get(attr):
            return element.get(attr).strip()
    return clean_text(element.text_content()) or None


_MICRODATA_ELEMENTS = etree.XPath("//*[@itemscope or @itemprop]")


def read_microdata(tree: HtmlElement, data: StructuredData) -> None:
    """Fill ``data`` from the page's schema.org article microdata (``itemprop`` attributes)."""
    # one walk of the tree for both questions (most pages have no microdata at all):
    # //*[@itemscope][contains(@itemtype, 'Article') or contains(@itemtype, 'BlogPosting')]
    # and //*[@itemprop='articleBody' or @itemprop='headline']
    marked = _MICRODATA_ELEMENTS(tree)
    scope = next(
        (
            element
            for element in marked
            if element.get("itemscope") is not None
            and any(word in (element.get("itemtype") or "") for word in ("Article", "BlogPosting"))
        ),
        None,
    )
    if scope is None:
        if not any(element.get("itemprop") in ("articleBody", "headline") for element in marked):
            return
        scope = tree
    for element in _itemprop(scope, "headline")[:1]:
        value = _prop_value(element)
        if value:
            data.headline.append(Found(value, "microdata headline"))
    for element in _itemprop(scope, "datePublished")[:1]:
        value = _prop_value(element)
        if value:
            data.published.append(Found(value, "microdata datePublished"))
    for element in _itemprop(scope, "dateModified")[:1]:
        value = _prop_value(element)
        if value:
            data.modified.append(Found(value, "microdata dateModified"))
    for element in _itemprop(scope, "author")[:1]:
        names = _itemprop(element, "name")
        value = _prop_value(names[0] if names else element)
        if value and data.author is None:
            data.author = Found(value, "microdata author")
    for name in ("articleSection", "genre"):
        for element in _itemprop(scope, name)[:1]:
            value = _prop_value(element)
            if value and data.section is None:
                data.section = Found(value, f"microdata {name}")
    for element in _itemprop(scope, "interactionCount")[:1]:
        match = INTERACTION_COUNT_RE.search(_prop_value(element) or "")
        if match and data.views is None:
            data.views = Found(match.group(1), "microdata interactionCount")
    bodies = _itemprop(scope, "articleBody")
    if bodies:
        data.body_element = bodies[0]


def read_meta(tree: HtmlElement, data: StructuredData) -> None:
    """Fill ``data`` from ``og:``/``article:`` meta tags (after JSON-LD and microdata)."""
    title = meta_content(tree, "og:title", "twitter:title", "title")
    if title:
        data.headline.append(Found(clean_text(title) or "", "meta og:title"))
    published = meta_content(tree, "article:published_time", "og:published_time", "pubdate")
    if published:
        data.published.append(Found(published, "meta article:published_time"))
    modified = meta_content(tree, "article:modified_time", "og:updated_time")
    if modified:
        data.modified.append(Found(modified, "meta article:modified_time"))
    section = meta_content(tree, "article:section")
    if section and data.section is None:
        data.section = Found(clean_text(section) or "", "meta article:section")


def read_structured(tree: HtmlElement) -> StructuredData:
    """JSON-LD, then microdata, then meta tags, in that order of trust."""
    data = StructuredData()
    read_json_ld(tree, data)
    read_microdata(tree, data)
    read_meta(tree, data)
    return data
