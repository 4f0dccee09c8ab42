"""The generic page object, for layouts no platform module knows.

Fields come from structured data first (JSON-LD, ``og:``/``article:`` meta, ``<time>``), then from
the Vietnamese labels portals print beside them, then from a main-content extractor for the body.
Every field records which rule found it (``generic:<rule>``).
"""

from __future__ import annotations

import json
import logging
import re

from lxml.html import HtmlElement

from portal_spider.items import ArticleItem
from portal_spider.normalize.dates_vi import find_dates
from portal_spider.normalize.html import clean_body_html
from portal_spider.normalize.text import clean_text, strip_label
from portal_spider.normalize.urls import absolute_url, same_site
from portal_spider.platforms.base import (
    Listing,
    Platform,
    collect_media,
    first,
    meta_content,
    parse_html,
    text_of,
)
from portal_spider.platforms.content import extract_main_content

logger = logging.getLogger(__name__)

VIEW_LABELS = re.compile(
    r"(?:lượt\s*xem|số\s*lần\s*xem|lượt\s*đọc|đã\s*xem)\s*:?\s*(\d[\d.,]*)|(\d[\d.,]*)\s*lượt\s*xem",
    re.IGNORECASE,
)
SITE_COUNTER = re.compile(r"lượt\s*truy\s*cập|đang\s*truy\s*cập|đang\s*online|hôm\s*nay", re.I)
ARTICLE_PATH_HINT = re.compile(
    r"(-\d{3,}\.html?$|/\d{4}/\d{1,2}/|[?&](itemid|id|newsid)=\d+)", re.I
)


def _json_ld(tree: HtmlElement) -> list[dict]:
    found: list[dict] = []
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                found.append(node)
                stack.extend(node.get("@graph", []) if isinstance(node.get("@graph"), list) else [])
    return found


class GenericPlatform(Platform):
    """Structured data, Vietnamese labels and a main-content extractor."""

    name = "generic"

    def detect(self, url: str, html: str | None) -> int:
        return 1

    def is_article_url(self, url: str) -> bool:
        return bool(ARTICLE_PATH_HINT.search(url))

    def parse_listing(self, url: str, html: str) -> Listing:
        tree = parse_html(html)
        listing = Listing()
        for link in tree.iter("a"):
            href = absolute_url(link.get("href") or "", url)
            if not href or not same_site(href, url):
                continue
            if self.is_article_url(href) and href not in listing.article_urls:
                listing.article_urls.append(href)
            elif re.search(r"(page|trang)[=/-]?\d+", href, re.I) and href not in listing.next_urls:
                listing.next_urls.append(href)
        return listing

    def parse_article(self, url: str, html: str) -> ArticleItem:
        tree = parse_html(html)
        item = ArticleItem(url=url, platform=self.name)
        ld = next((n for n in _json_ld(tree) if "headline" in n or "datePublished" in n), {})
        self._title(item, tree, ld)
        self._date(item, tree, ld)
        self._views(item, tree)
        self._body(item, html, url)
        self._source(item, tree)
        return item

    def _title(self, item: ArticleItem, tree: HtmlElement, ld: dict) -> None:
        h1 = tree.xpath("//h1")
        candidates = [
            (ld.get("headline"), "generic:json-ld headline"),
            (meta_content(tree, "og:title"), "generic:og:title"),
            (text_of(h1[0]) if h1 else None, "generic:h1"),
        ]
        for value, how in candidates:
            if isinstance(value, str) and clean_text(value):
                item.title = clean_text(value)
                item.note("title", how)
                return

    def _date(self, item: ArticleItem, tree: HtmlElement, ld: dict) -> None:
        candidates = [
            (ld.get("datePublished"), "generic:json-ld datePublished"),
            (meta_content(tree, "article:published_time"), "generic:article:published_time"),
        ]
        times = tree.xpath("//article//time/@datetime|//time[@itemprop='datePublished']/@datetime")
        candidates.append((times[0] if times else None, "generic:time[datetime]"))
        for value, how in candidates:
            if isinstance(value, str) and value.strip():
                item.published_raw = value.strip()
                item.note("published_at", how)
                return
        h1 = tree.xpath("//h1")
        if h1:
            following = h1[0].xpath("following::*[position() <= 12]")
            for element in following:
                dates = find_dates(" ".join((element.text or "").split()))
                if dates:
                    item.published_raw = dates[0]
                    item.note("published_at", "generic:date near h1")
                    return

    def _views(self, item: ArticleItem, tree: HtmlElement) -> None:
        for element in tree.xpath("//*[not(self::script)][contains(text(), 'xem')]"):
            text = text_of(element) or ""
            if SITE_COUNTER.search(text):
                continue
            match = VIEW_LABELS.search(text)
            if match:
                item.views_raw = match.group(0)
                item.note("views", "generic:label lượt xem")
                return

    def _body(self, item: ArticleItem, html: str, url: str) -> None:
        content = extract_main_content(html, url)
        if content is None or not content.text.strip():
            return
        item.body_text = content.text
        item.body_html = clean_body_html(content.html, url) if content.html else None
        item.note("body_text", f"generic:{content.method}")
        if content.html:
            fragment = parse_html(f"<html><body>{content.html}</body></html>")
            item.images, item.attachments = collect_media(fragment, url)

    def _source(self, item: ArticleItem, tree: HtmlElement) -> None:
        element, _ = first(
            tree,
            "//*[self::p or self::div or self::span][starts-with(normalize-space(.), 'Nguồn:')]",
        )
        text = text_of(element)
        if text and len(text) < 200:
            item.source = strip_label(text, ("Nguồn:",)) or None
            item.note("source", "generic:label Nguồn:")
