"""Where a portal's address leads inside the archive: the article's reader page, a capture, or
nowhere (then the link is disabled rather than sent to the live site).

``ArchiveLinks.lookup(conn, urls)`` resolves a batch of absolute URLs with two indexed queries.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, urldefrag, urljoin

READER_PATH = "/-/article/"
CAPTURE_PATH = "/-/capture/"
PORTAL_PATH = "/-/portal/"
FILE_PATH = "/-/file/"
# Captured content types served as they are (images, style sheets) under /-/capture/<id>/raw.
RAW_TYPES = ("image/", "text/css")


def reader_url(article_id: str) -> str:
    """The reader page of an article."""
    return READER_PATH + quote(article_id, safe="")


def capture_url(capture_id: int) -> str:
    """The archived copy of a capture (HTML pages, rewritten and sandboxed)."""
    return f"{CAPTURE_PATH}{int(capture_id)}"


def raw_capture_url(capture_id: int) -> str:
    """A captured image or style sheet, served as it was received."""
    return f"{CAPTURE_PATH}{int(capture_id)}/raw"


def file_url(sha256: str) -> str:
    """A stored attachment, downloaded from the archive (``files.sha256``)."""
    return f"{FILE_PATH}{sha256}"


def portal_url(slug: str) -> str:
    """The portal page."""
    return PORTAL_PATH + quote(slug, safe="")


def absolute(base: str | None, href: str | None) -> str | None:
    """``href`` made absolute against ``base``, fragment dropped; None for non-web schemes."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    joined = urldefrag(urljoin(base or "", href)).url
    if not joined.startswith(("http://", "https://")):
        return None
    return joined


@dataclass
class ArchiveLinks:
    """Archive addresses for absolute URLs: articles first, then captures."""

    articles: dict[str, str] = field(default_factory=dict)  # url -> article id
    pages: dict[str, int] = field(default_factory=dict)  # url -> capture id of an HTML page
    files: dict[str, int] = field(default_factory=dict)  # url -> capture id of an image/css

    @classmethod
    def lookup(cls, conn: sqlite3.Connection, urls: Iterable[str]) -> ArchiveLinks:
        """Resolve ``urls`` against article_urls, articles and captures."""
        wanted = sorted(set(urls))
        links = cls()
        for start in range(0, len(wanted), 400):
            chunk = wanted[start : start + 400]
            marks = ", ".join("?" for _ in chunk)
            for url, article_id in conn.execute(
                f"select url, article_id from article_urls where url in ({marks}) "
                f"union all select url, id from articles where url in ({marks}) "
                "union all select canonical_url, id from articles "
                f"where canonical_url in ({marks})",
                chunk * 3,
            ):
                links.articles.setdefault(url, article_id)
            for url, capture_id, content_type in conn.execute(
                f"select url, max(id), content_type from captures where url in ({marks}) "
                "and http_status between 200 and 299 group by url",
                chunk,
            ):
                kind = (content_type or "").lower()
                if kind.startswith(RAW_TYPES):
                    links.files[url] = capture_id
                elif "html" in kind or not kind:
                    links.pages[url] = capture_id
        return links

    def page(self, url: str | None) -> str | None:
        """Where a link to ``url`` goes in the archive, or None."""
        if url is None:
            return None
        if url in self.articles:
            return reader_url(self.articles[url])
        if url in self.pages:
            return capture_url(self.pages[url])
        return None

    def file(self, url: str | None) -> str | None:
        """Where an image or style sheet at ``url`` is served from the archive, or None."""
        if url is None or url not in self.files:
            return None
        return raw_capture_url(self.files[url])
