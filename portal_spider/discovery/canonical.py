"""One URL per article on portals in software without a page object, learned from the portal.

Unknown software reaches one article through many query strings (``?id=N``, ``?id=N&cid=C``,
``?id=N&from=home``). The portal's own word comes first: a ``<link rel="canonical">`` on the
portal. Otherwise a parameter is dropped for the portal once two URLs that differ only in it
gave the same content, or two links carry one article number with and without it. Dropped
parameters are recorded in the site model, so later runs apply them before fetching; within the
run that learns them the canonical form does not change (the crawler's record of what it
requested stays valid). The portal's article number, when its URLs carry one in an id
parameter (``id=``, ``ItemID=``, ``newsid=``), identifies the article whatever the other
parameters; a number in the path is not trusted (``…-dot-10.html`` is part of a slug).
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml.html import HtmlElement

from portal_spider.normalize.urls import canonical_url, same_site

logger = logging.getLogger(__name__)

ID_PARAMS = ("id", "itemid", "newsid", "articleid", "tinid", "nid", "aid", "postid", "p", "news")


def item_number(url: str) -> str | None:
    """The article number a URL carries in an id-like query parameter, or None."""
    query = {key.lower(): value for key, value in parse_qsl(urlsplit(url).query)}
    for name in ID_PARAMS:
        if query.get(name, "").isdigit():
            return query[name]
    return None


def declared_canonical(tree: HtmlElement, page_url: str) -> str | None:
    """The page's ``<link rel="canonical">`` when it points to the same site."""
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            target = urljoin(page_url, link.get("href").strip())
            if same_site(target, page_url) and urlsplit(target).scheme in ("http", "https"):
                return target
    return None


def differing_params(url: str, other: str) -> set[str]:
    """The query parameters two URLs of one path do not share with the same value."""
    a, b = urlsplit(url), urlsplit(other)
    if a.path.rstrip("/") != b.path.rstrip("/"):
        return set()
    left = set(parse_qsl(a.query, keep_blank_values=True))
    right = set(parse_qsl(b.query, keep_blank_values=True))
    return {key.lower() for key, _ in left ^ right}


class CanonicalRules:
    """The parameters one portal's URLs carry that do not change the page."""

    def __init__(self, dropped: set[str] | None = None) -> None:
        self.dropped: set[str] = set(dropped or ())  # applied in this run
        self.learned: set[str] = set()  # applied from the next run on
        self.declared: dict[str, str] = {}  # fetched URL -> its rel=canonical

    def apply(self, url: str, base_url: str | None = None) -> str:
        """The canonical form of ``url``: declared when known, else without dropped parameters."""
        declared = self.declared.get(url)
        return canonical_url(declared or url, base_url=base_url, drop_params=self.dropped)

    def learn_declared(self, url: str, declared: str) -> set[str]:
        """A page fetched at ``url`` declared ``declared``: parameters only ``url`` has go."""
        self.declared[url] = declared
        return self._drop(differing_params(url, declared) - _params(declared))

    def learn_duplicate(self, url: str, other: str) -> set[str]:
        """Two URLs gave the same content: the parameters they differ in go."""
        keep = {name for name in ID_PARAMS if name in _params(url) and name in _params(other)}
        return self._drop(differing_params(url, other) - keep)

    @property
    def all_dropped(self) -> set[str]:
        """The parameters known not to change a page, learned before or in this run."""
        return self.dropped | self.learned

    def _drop(self, names: set[str]) -> set[str]:
        new = names - self.all_dropped
        if new:
            logger.info("parameters that do not change the page: %s", ", ".join(sorted(new)))
        self.learned |= new
        return new


def _params(url: str) -> set[str]:
    return {key.lower() for key, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)}
