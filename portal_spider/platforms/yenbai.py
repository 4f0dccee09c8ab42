"""Page object for the Yên Bái SharePoint family (province, district and commune subsites).

Articles: ``/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx?ItemID=<n>&l=<List>``; the same path with
``l=``, ``lv=`` and ``page=`` (no ItemID) is a paged listing. One ItemID is one article whatever
``l=`` or extra parameter reached it. The article block holds the title, the .NET vi-VN timestamp
(``14/07/2023 8:00:02 SA``), the view counter (``4829 lượt xem``), the print and read-aloud tools,
the body, a ``Nguồn:`` line and an author line; the page around it has the "Các tin khác" list with
its pager, a photo gallery and the site-wide visitor counter, none of which belong to the record.
"""

from __future__ import annotations

import re
from copy import deepcopy
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from portal_spider.extraction.attribution import read_attribution_line, record_attribution
from portal_spider.extraction.field_guard import field_guard
from portal_spider.extraction.html_tree import (
    compiled_xpath,
    first,
    meta_content,
    parse_html,
    text_of,
)
from portal_spider.extraction.listing_links import Listing, add_article
from portal_spider.extraction.media import fill_body_fields
from portal_spider.extraction.page import Page
from portal_spider.extraction.record_fields import complete_record
from portal_spider.extraction.vocabulary import SOURCE_LABELS, TOOLBAR_LINK_WORDS, TOOLBAR_VIEWS_RE
from portal_spider.items import ArticleItem
from portal_spider.normalize.dates_vi import find_dates
from portal_spider.normalize.text import clean_text, nfc_without_controls, strip_label
from portal_spider.normalize.urls import (
    absolute_url,
    canonical_url,
    path_and_query,
    query_params,
    query_value,
    same_origin,
    with_query,
)
from portal_spider.platforms.base import SCORE_CERTAIN, Platform

ARTICLE_PAGE = re.compile(r"/noidung/[^?]*/pages/chi-tiet-[^/?]*\.aspx$", re.IGNORECASE)

# the href of every link in and under an element, in document order
_LINK_HREFS = etree.XPath("descendant-or-self::a/@href", smart_strings=False)
_BREADCRUMB_LINKS = etree.XPath(
    "//*[contains(@class, 'breadcrumb') or contains(@class, 'duong-dan')]//a"
)
_BODY_BLOCKS = etree.XPath("./p|./div")
_CAPTIONS = etree.XPath(".//table[contains(@class,'image-caption')]|.//figure")

ARTICLE_BLOCKS = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' news-detail ')]",
    "//*[contains(@id, 'NewsDetail') or contains(@class, 'NewsDetail')]",
    "//*[contains(@class, 'chi-tiet') or contains(@class, 'ChiTiet')]",
    "//*[contains(@class, 'detail')]",
    # the older commune-subsite variant: a "TinChiTiet" web part with Vietnamese class names
    "//*[contains(@class, 'TinChiTiet') or contains(@class, 'tin-chi-tiet')]",
)
# The body's last paragraphs read for author and source lines, and how long such lines are.
ATTRIBUTION_PARAGRAPHS = 3
AUTHOR_LINE_CHARS = 120
SOURCE_LINE_CHARS = 200
# The fields the generic rules may fill when the family's selectors miss them.
FALLBACK_FIELDS = ("title", "published_at", "views", "category")
NEWS_ITEM = "ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' news-item ')][1]"
TITLE_PATHS = (
    ".//*[contains(@class, 'news-title') or contains(@class, 'title-news')]",
    ".//*[contains(@class, 'TieuDe') or contains(@class, 'tieu-de')]",
    ".//h1",
    ".//h2",
)
BODY_PATHS = (
    ".//*[contains(@class, 'news-content')]",
    ".//*[contains(@class, 'ms-rtestate-field')]",
    ".//*[contains(@class, 'content-detail') or contains(@class, 'noi-dung')]",
    ".//*[contains(@class, 'NoiDung')]",
)
DATE_PATHS = (
    ".//*[contains(@class, 'news-date') or contains(@class, 'date-news')]",
    ".//*[contains(@class, 'NgayDang') or contains(@class, 'ngay-dang')]",
    ".//*[contains(@class, 'news-info')]",
    ".//*[contains(@class, 'date') or contains(@class, 'time')]",
)


def _last_with_text(blocks: list[HtmlElement], count: int) -> list[HtmlElement]:
    """The last ``count`` blocks that hold text, last first (only those are read)."""
    found: list[HtmlElement] = []
    for block in reversed(blocks):
        if len(found) == count:
            break
        if (text_of(block) or "").strip():
            found.append(block)
    return found


# Article trees kept for the related list of the same page (the crawl reads it right after the
# record; a few are kept as other pages' callbacks may run in between).
SPARE_TREES = 8
# Listing links whose kind (article, listing page, other) is remembered (short strings only).
LINK_KINDS = 16_384


class YenBaiPlatform(Platform):
    """The SharePoint portals of Yên Bái province and its districts and communes."""

    name = "yenbai"
    priority = 80

    def __init__(self) -> None:
        # url -> (the page's text as given, its tree): an article page's tree, parsed once for
        # the record and read again, unchanged, by parse_related (tests/test_yenbai_listing.py
        # checks the record's rules leave the tree as parsed)
        self.spare_trees: dict[str, tuple[str, HtmlElement]] = {}
        self.link_kinds: dict[str, str] = {}  # see _link_kind

    def detect(self, url: str, html: str | None) -> int:
        host = urlsplit(url).hostname or ""
        score = 0
        if host == "yenbai.gov.vn" or host.endswith(".yenbai.gov.vn"):
            score += 60
        if ARTICLE_PAGE.search(urlsplit(url).path):
            score += 30
        if html:
            if "chi-tiet-tin-tuc.aspx" in html:
                score += 30
            if "_spPageContextInfo" in html or "ms-rtestate-field" in html:
                score += 15
            if "/noidung/tintuc/PublishingImages/" in html:
                score += 15
        return min(score, SCORE_CERTAIN)

    def is_article_url(self, url: str) -> bool:
        return self._article_param(url) is not None

    @staticmethod
    def _article_param(url: str) -> str | None:
        """The ``ItemID`` value of an article URL (the article page path with an ItemID), else
        None: one reading of the URL for both tests, as the links of a related list need."""
        path, query = path_and_query(url)
        if not ARTICLE_PAGE.search(path):
            return None
        return query_value(query, "itemid")

    def is_listing_url(self, url: str) -> bool:
        """A paged list: the article page path with ``l=`` and no ItemID."""
        path, query = path_and_query(url)
        return bool(ARTICLE_PAGE.search(path)) and query_value(query, "itemid") is None

    def item_id(self, url: str) -> str | None:
        return _digits(query_params(url).get("itemid", ""))

    def canonical_article_url(self, url: str, base_url: str | None = None) -> str:
        item_id = self.item_id(url)
        if item_id is None:
            return canonical_url(url, base_url=base_url)
        return canonical_url(with_query(url, [("ItemID", item_id)]), base_url=base_url)

    # --- listings -----------------------------------------------------------------------------
    def parse_listing(self, url: str, html: str) -> Listing:
        tree = parse_html(html)
        container, _ = first(
            tree,
            "//*[contains(@class, 'list-news') or contains(@id, 'ListNews')]",
            "//*[contains(@class, 'main-left') or contains(@class, 'main-content')]",
        )
        scope = container if container is not None else tree
        listing = Listing()
        seen: set[str] = set()
        current_list = query_params(url).get("l")
        if current_list is None:
            # a home or section page: every list linked from it (menus included) is an entry point
            for link in tree.iter("a"):
                href = absolute_url(link.get("href") or "", url)
                is_list = href and self.is_listing_url(href) and "l" in query_params(href)
                is_list = is_list and same_origin(href, url)
                if is_list and href not in listing.next_urls:
                    listing.next_urls.append(href)
        here = canonical_url(url)
        pages: set[str] = set()
        for link in scope.iter("a"):
            href = absolute_url(link.get("href") or "", url)
            # a district or commune subsite linked from another portal is not this portal's
            if not href or not same_origin(href, url):
                continue
            kind = self._link_kind(href)
            if kind == "article":
                key = self.canonical_article_url(href)
                if key in seen:
                    continue
                seen.add(key)
                add_article(listing, link, href, NEWS_ITEM)
            elif (
                kind == "listing"
                and query_params(href).get("l") == current_list
                and href not in pages
                and canonical_url(href) != here
            ):
                pages.add(href)
                listing.next_urls.append(href)
        return listing

    def _link_kind(self, href: str) -> str:
        """ "article", "listing" or "" for a link: remembered by URL, as each page of a list
        links every other page of it."""
        kind = self.link_kinds.get(href)
        if kind is None:
            if len(self.link_kinds) >= LINK_KINDS:
                self.link_kinds.clear()
            if self.is_article_url(href):
                kind = "article"
            else:
                kind = "listing" if self.is_listing_url(href) else ""
            self.link_kinds[href] = kind
        return kind

    # --- articles -----------------------------------------------------------------------------
    def parse_article(self, url: str, html: str) -> ArticleItem:
        given = html
        html = nfc_without_controls(html)  # cleaned once for the parser and the page
        tree = parse_html(html)
        item = ArticleItem(url=url, platform=self.name, item_id=self.item_id(url))
        block, _ = first(tree, *ARTICLE_BLOCKS)
        if block is None:
            block = tree
        with field_guard(item, "title"):
            self._title(item, tree, block)
        with field_guard(item, "published_at"):
            self._date(item, block)
        with field_guard(item, "views"):
            self._views(item, block)
        with field_guard(item, "category"):
            self._category(item, tree)
        body, body_how = first(block, *BODY_PATHS)
        fields = FALLBACK_FIELDS
        if body is not None:
            with field_guard(item, "source"):
                self._source_outside_body(item, block)
            with field_guard(item, "body_text"):
                self._body(item, body, url, f"platform:yenbai {body_how}")
        else:  # a layout variant without the family's body classes: the generic body rules
            fields = (*FALLBACK_FIELDS, "body_text", "source", "author")
        page = Page(url, html, tree)
        if body is not None:
            page.body_container = body  # the generic rules need not look for it again
        complete_record(item, page, fields=fields)
        with field_guard(item, "category"):
            self._category_from_list(item, url)
        if len(self.spare_trees) >= SPARE_TREES:
            del self.spare_trees[next(iter(self.spare_trees))]
        self.spare_trees[url] = (given, tree)
        return item

    def _title(self, item: ArticleItem, tree: HtmlElement, block: HtmlElement) -> None:
        element, how = first(block, *TITLE_PATHS)
        title = text_of(element)
        if title:
            item.title = title
            item.note("title", f"platform:yenbai {how}")
            return
        og_title = meta_content(tree, "og:title")
        if og_title:
            item.title = clean_text(og_title)
            item.note("title", "platform:yenbai meta og:title")

    def _date(self, item: ArticleItem, block: HtmlElement) -> None:
        for path in DATE_PATHS:
            for element in compiled_xpath(path)(block):
                dates = find_dates(text_of(element) or "")
                if dates:
                    item.published_raw = dates[0]
                    item.note("published_at", f"platform:yenbai {path}")
                    return

    def _views(self, item: ArticleItem, block: HtmlElement) -> None:
        element, how = first(
            block,
            ".//*[contains(@class, 'news-view') or contains(@class, 'view-count')]",
            ".//*[contains(@class, 'LuotXem') or contains(@class, 'luot-xem')]",
        )
        candidates = [(element, how)] if element is not None else []
        info, info_how = first(block, ".//*[contains(@class, 'news-info')]")
        if info is not None:
            candidates.append((info, info_how))
        for candidate, path in candidates:
            match = TOOLBAR_VIEWS_RE.search(text_of(candidate) or "")
            if match:
                item.views_raw = match.group(0).strip()
                item.note("views", f"platform:yenbai {path}")
                return

    def _category(self, item: ArticleItem, tree: HtmlElement) -> None:
        crumbs = _BREADCRUMB_LINKS(tree)
        if len(crumbs) >= 2:
            item.category = text_of(crumbs[-1])
            item.note("category", "platform:yenbai .breadcrumb a[last]")

    def _category_from_list(self, item: ArticleItem, url: str) -> None:
        """The list name of the URL (``l=TinTrongHuyen``) when the page names no category."""
        if item.category is None and query_params(url).get("l"):
            item.category = query_params(url)["l"]
            item.note("category", "platform:yenbai url l=")

    def _source_outside_body(self, item: ArticleItem, block: HtmlElement) -> None:
        element, how = first(block, ".//*[contains(@class, 'news-source')]")
        text = text_of(element)
        if text:
            source = strip_label(text, SOURCE_LABELS) or None
            record_attribution(item, "source", source, f"platform:yenbai {how}")

    def _body(self, item: ArticleItem, body: HtmlElement, url: str, how: str) -> None:
        body = deepcopy(body)
        # trailing attribution lines: author (a person) and source (an organisation)
        for paragraph in _last_with_text(_BODY_BLOCKS(body), ATTRIBUTION_PARAGRAPHS):
            text = text_of(paragraph) or ""
            found = read_attribution_line(text)
            author = found if found is not None and found[0] == "author" else None
            if author and item.author is None and len(text) < AUTHOR_LINE_CHARS:
                record_attribution(item, "author", author[1], f"{how} last p (author label)")
                paragraph.drop_tree()
            elif text.lower().startswith(("nguồn:", "nguồn :")) and len(text) < SOURCE_LINE_CHARS:
                source = strip_label(text, SOURCE_LABELS) or None
                record_attribution(item, "source", source, f"{how} last p (Nguồn:)")
                paragraph.drop_tree()
        for element in body.iter("a", "span", "button"):
            if (text_of(element) or "").lower() in TOOLBAR_LINK_WORDS:
                element.drop_tree()
        text_only = deepcopy(body)
        for caption in _CAPTIONS(text_only):
            caption.drop_tree()
        fill_body_fields(item, body, url, how, text_root=text_only)

    # --- the "Các tin khác" list of an article page ------------------------------------------
    def parse_related(self, url: str, html: str) -> Listing:
        """Articles of the related list and the pages of its pager (same article, ``page=N``)."""
        given, tree = self.spare_trees.pop(url, (None, None))
        if given is not html or tree is None:
            tree = parse_html(html)
        block, _ = first(
            tree,
            "//*[contains(@class, 'other-news')]",
            "//*[self::h2 or self::h3 or self::div]"
            "[starts-with(normalize-space(.), 'Các tin khác')]/parent::*",
        )
        listing = Listing()
        if block is None:
            return listing
        current = self.item_id(url)
        pager: set[str] = set()
        # _article_param for each link, the path test once a path (the list's ~100 links share
        # one or two), the hrefs read by one XPath call
        article_paths: dict[str, bool] = {}
        for raw in _LINK_HREFS(block):
            href = absolute_url(raw, url)
            if href is None:
                continue
            path, query = path_and_query(href)
            is_article = article_paths.get(path)
            if is_article is None:
                is_article = article_paths[path] = ARTICLE_PAGE.search(path) is not None
            param = query_value(query, "itemid") if is_article else None
            if param is None:
                continue
            if _digits(param) == current:
                if href not in pager:
                    pager.add(href)
                    listing.next_urls.append(href)
            elif href not in listing.article_urls:
                listing.article_urls.append(href)
        return listing


def _digits(value: str) -> str | None:
    """An item id: the value stripped when it is all digits, else None."""
    value = value.strip()
    return value if value.isdigit() else None
