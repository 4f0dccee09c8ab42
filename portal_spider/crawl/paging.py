"""Listing pages: which listing a page belongs to, its page number, and the page after it.

A listing is walked one page after the other (page n, then n + 1) so that an incremental run can
stop once it reaches articles it already has. The page number is read from the URL
(``page=3``, ``trang=3``, ``pageindex=3``, ``/page/3``, ``/trang-3``); the listing's key is the
URL without it, in canonical form, so that ``?l=TinTuc&lv=0&page=1`` and
``?page=2&l=TinTuc&lv=0`` are one listing, and so are ``/tin-tuc/``, ``/tin-tuc.html`` and
``/tin-tuc/trang-2.html``. Liferay's ``…_cur=3`` is a page number too; an offset (``start=20``,
``limitstart=20``) is read as the page after the one with the next smaller offset; a WebForms
postback page is named ``…#postback-page-3`` (:mod:`portal_spider.discovery.postback`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from portal_spider.discovery.postback import postback_page
from portal_spider.normalize.urls import canonical_url

PAGE_PARAMS = ("page", "trang", "pageindex", "pagenum", "paged", "pg", "pageno")
OFFSET_PARAMS = ("start", "limitstart", "offset")
PAGE_IN_PATH = re.compile(r"/(?:page|trang)[-/](\d+)(?=/|\.html?$|$)", re.IGNORECASE)
# endings that do not tell listings apart: /tin-tuc, /tin-tuc/ and /tin-tuc.html are one listing
KEY_SUFFIX = re.compile(r"(?:\.html?|/)+$", re.IGNORECASE)


@lru_cache(maxsize=16384)
def page_number(url: str) -> int | None:
    """The page number a listing URL carries, or None when it carries none (page 1); remembered,
    as :func:`offset_of`: every page of a listing links its whole pager."""
    parts = urlsplit(url)
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if is_page_param(key) and value.strip().isdigit():
            return int(value)
    if parts.fragment:
        return postback_page(url)
    match = PAGE_IN_PATH.search(parts.path)
    return int(match.group(1)) if match else None


def is_page_param(name: str) -> bool:
    """Whether a query parameter numbers a listing's pages (``page``, ``…_cur``)."""
    lowered = name.lower()
    return lowered in PAGE_PARAMS or lowered.endswith("_cur")


@lru_cache(maxsize=16384)
def offset_of(url: str) -> int | None:
    """The offset a listing URL starts at (``start=20``), or None when it carries none."""
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key.lower() in OFFSET_PARAMS and value.strip().isdigit():
            return int(value)
    return None


@lru_cache(maxsize=65536)
def listing_key(url: str) -> str:
    """The listing a page belongs to: its canonical URL without the page number (remembered:
    a calendar repeats thousands of the same links on every page)."""
    parts = urlsplit(url)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_page_param(key) and key.lower() not in OFFSET_PARAMS
    ]
    path = KEY_SUFFIX.sub("", PAGE_IN_PATH.sub("", parts.path)) or "/"
    stripped = urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), ""))
    return canonical_url(stripped)


def next_pages(url: str, candidates: list[str]) -> tuple[str | None, list[str]]:
    """The link to the page after ``url`` among a listing's links, and links to other listings.

    Links to other pages of the same listing (the pager's "1 2 3 … 9") are left out: the walk
    reaches them one after the other. Links to other listings count only at their first page.
    """
    key = listing_key(url)
    current = page_number(url) or 1
    here = offset_of(url) or 0
    following: str | None = None
    nearest: tuple[int, str] | None = None  # the smallest offset after this page's
    others: list[str] = []
    for candidate in candidates:
        number = page_number(candidate)
        if listing_key(candidate) == key:
            if number == current + 1 and following is None:
                following = candidate
            offset = offset_of(candidate)
            later = number is None and offset is not None and offset > here
            if later and (nearest is None or offset < nearest[0]):
                nearest = (offset, candidate)
        elif (number or 1) == 1 and candidate not in others:
            others.append(candidate)
    if following is None and nearest is not None:
        following = nearest[1]
    return following, others
