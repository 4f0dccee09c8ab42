"""Every response of a crawl kept as a raw capture: listings, home page, robots.txt, files.

Article pages are kept by the store pipeline, in the article's own transaction; a page fetched as
an article but not stored as one (a document linked like an article, the same article under
another address) by the spider through :class:`CaptureWriter`. Everything else the crawl fetches
is kept here, one transaction a response:

* :class:`CaptureMiddleware`, a downloader middleware, keeps listing pages, the home page,
  robots.txt (fetched by the robots.txt middleware, through the same chain), sitemaps and feeds
  (told by their names or their root element, even when walked as listings) and any other page;
* :class:`FileFetcher` asks for the attachments (pdf, doc/docx, xls/xlsx, ppt, zip, rar, odt …)
  and, with ``PORTAL_ARCHIVE_IMAGES`` (on by default), the images an article links, as polite
  requests of the same portal (its host's delay and concurrency, robots.txt, its boundary), with
  a size cap: ``PORTAL_ARCHIVE_MAX_ATTACHMENT_SIZE`` and ``PORTAL_ARCHIVE_MAX_IMAGE_SIZE`` bytes.
  A file over its cap is cancelled as soon as its announced ``Content-Length`` shows it (or, with
  no length announced, once the cap is passed), and recorded as skipped with its size.

Bytes already kept anywhere in the archive are recorded as a revisit row (:mod:`archive.blobs`).
The middleware sits below HttpCompressionMiddleware (590): it sees bodies decoded, as the spider
does, and after redirects were followed.

What is kept is decided here; how it is written is a step of :mod:`archive.capture_steps`, handed
to the spider's :class:`CaptureSink`: a local crawl's (:class:`ArchiveCaptureSink`) runs the step
on the archive at once, a cluster worker's sends it to the writer, which runs the same step.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from typing import Any, Protocol
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from archive.blobs import Capture, file_known, is_attachment_url, pending_files
from archive.capture_steps import write_capture_step
from archive.db import open_archive
from portal_spider.crawl import politeness
from portal_spider.crawl.clock import Clock
from portal_spider.crawl.pagesize import too_large_reason
from portal_spider.registry import Portal

logger = logging.getLogger(__name__)

ARTICLE_KINDS = ("new", "revisit", "pending")
FILE_KIND = "file"
HOME_KIND = "home"
FILE_PRIORITY = -10  # files wait behind listings and articles
FEED_NAMES = {"rss", "rss.xml", "feed", "feed.xml", "atom.xml", "rss.aspx"}
_ANNOUNCED = re.compile(r"(\d+) bytes announced")
# the first element of an XML document, after its declaration, comments and processing lines
_XML_ROOT = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<[?!][^>]*>\s*)*<([A-Za-z][\w:.-]*)")
FEED_ROOTS = {b"rss", b"feed", b"rdf:rdf"}


def headers_dict(headers: Any) -> dict[str, str]:
    """Scrapy headers as one string a name (a repeated header's values joined by ``, ``)."""
    return {
        key.decode("latin-1"): b", ".join(values).decode("latin-1")
        for key, values in headers.items()
    }


def capture_kind(request: scrapy.Request, body: bytes = b"") -> str | None:
    """What a response to ``request`` is kept as here, or None when another part keeps it.

    robots.txt, sitemaps and feeds are named so even when the crawl walks them as listings: by
    their address, or by the root element of the ``body`` (``urlset``, ``rss`` …).
    """
    kind = request.meta.get("kind")
    if kind in ARTICLE_KINDS or kind == FILE_KIND:
        return None
    path = urlsplit(request.url).path.lower()
    if path == "/robots.txt":
        return "robots"
    name = path.rsplit("/", 1)[-1]
    root = _XML_ROOT.match(body[:2048])
    element = root.group(1).lower() if root else b""
    if name.startswith("sitemap") and name.endswith((".xml", ".xml.gz")):
        return "sitemap"
    if element in (b"urlset", b"sitemapindex"):
        return "sitemap"
    if name in FEED_NAMES or name.endswith((".rss", ".atom")) or element in FEED_ROOTS:
        return "feed"
    if kind == "listing":
        return "listing"
    if kind == HOME_KIND:
        return "home"
    return "other"


class CaptureSink(Protocol):
    """Where the captures of a crawl go, and what it knows of the files fetched before."""

    errors: tuple[type[Exception], ...]  # what a failed write raises (logged, the crawl goes on)

    def write(self, step: str, capture: Capture | None = None, **fields: Any) -> None:
        """Have ``step`` of :mod:`archive.capture_steps` run with ``capture`` and ``fields``."""

    def known_file(self, url: str) -> bool:
        """Whether the file at ``url`` was kept, or skipped as too large, by an earlier run."""

    def pending_files(self, portal: str, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
        """(url, kind) of the portal's files a run stored the article of but did not fetch."""

    def close(self) -> None: ...


class ArchiveCaptureSink:
    """A local crawl's captures: each step written to the archive in its own transaction."""

    errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    def __init__(self, db_path: str | None) -> None:
        self.db_path = db_path
        self.db: Any = None

    def archive(self) -> Any:
        if self.db is None:
            self.db = open_archive(self.db_path)
        return self.db

    def write(self, step: str, capture: Capture | None = None, **fields: Any) -> None:
        write_capture_step(self.archive(), step, capture, **fields)

    def known_file(self, url: str) -> bool:
        return file_known(self.archive(), url)

    def pending_files(self, portal: str, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
        return pending_files(self.archive(), portal, kinds)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


class CaptureWriter:
    """The captures of this module, built from responses and handed to the spider's sink."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.clock = Clock(crawler.settings.get("PORTAL_ARCHIVE_NOW"))
        self._sink: CaptureSink | None = None
        crawler.signals.connect(self.close, signal=signals.spider_closed)

    def sink(self) -> CaptureSink:
        """The spider's sink (opened on first use); the archive of the settings by default."""
        if self._sink is None:
            make = getattr(self.crawler.spider, "capture_sink", None)
            self._sink = (
                make()
                if make is not None
                else ArchiveCaptureSink(self.crawler.settings.get("PORTAL_ARCHIVE_DB"))
            )
        return self._sink

    def run_id(self, slug: str) -> int | None:
        runs = self.crawler.stats.get_value("archive/run_ids") or {}
        return runs.get(slug)

    def portal_of(self, request: scrapy.Request) -> str:
        slug = request.meta.get("portal")
        if slug:
            return str(slug)
        portals: dict[str, Portal] = getattr(self.crawler.spider, "portals", {}) or {}
        for portal in portals.values():
            if portal.owns(request.url):
                return portal.slug
        return ""

    def capture(self, request: scrapy.Request, response: Response, kind: str) -> Capture:
        slug = self.portal_of(request)
        return Capture(
            portal=slug,
            run_id=self.run_id(slug),
            url=response.url,
            body=response.body,
            http_status=response.status,
            headers=headers_dict(response.headers),
            fetched_at=self.clock.iso(),
            kind=kind,
            request_headers=headers_dict(request.headers),
        )

    def keep(self, request: scrapy.Request, response: Response, kind: str) -> None:
        self.sink().write("capture", self.capture(request, response, kind))
        self.crawler.stats.inc_value(f"captures/{kind}")

    def keep_logged(self, request: scrapy.Request, response: Response, kind: str) -> None:
        """:meth:`keep`, a write error logged rather than raised (the crawl goes on)."""
        sink = self.sink()
        try:
            self.keep(request, response, kind)
        except sink.errors as error:
            logger.warning("could not keep the capture of %s: %s", response.url, error)

    def close(self, spider: Any = None) -> None:
        if self._sink is not None:
            self._sink.close()
            self._sink = None


class CaptureMiddleware:
    """Keep every response that is neither an article page nor a linked file."""

    def __init__(self, crawler: Crawler) -> None:
        self.writer = CaptureWriter(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CaptureMiddleware:
        return cls(crawler)

    def process_response(
        self, request: scrapy.Request, response: Response, spider: Any = None
    ) -> Response:
        if not hasattr(response, "body"):
            return response
        kind = capture_kind(request, response.body)
        if kind is not None:
            self.writer.keep_logged(request, response, kind)
        return response


class FileFetcher:
    """Requests for the files an article links, and what became of them."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.images = settings.getbool("PORTAL_ARCHIVE_IMAGES", True)
        self.caps = {
            "attachment": settings.getint("PORTAL_ARCHIVE_MAX_ATTACHMENT_SIZE", 50 * 2**20),
            "image": settings.getint("PORTAL_ARCHIVE_MAX_IMAGE_SIZE", 5 * 2**20),
        }
        self.writer = CaptureWriter(crawler)
        self.requested: set[str] = set()

    def home_request(self, portal: Portal, use_delay: bool = True) -> scrapy.Request | None:
        """The portal's home page, unless the crawl starts from it anyway."""
        if portal.base_url in portal.start_urls():
            return None
        return scrapy.Request(
            portal.base_url,
            callback=self.done,
            errback=self.home_failed,
            meta={
                "portal": portal.slug,
                "kind": HOME_KIND,
                **politeness.request_meta(portal, use_delay=use_delay),
            },
        )

    def wanted(self, item: Any) -> list[tuple[str, str]]:
        """(url, kind) of the files of an article item to fetch."""
        files = [(a.url, "attachment") for a in item.attachments if is_attachment_url(a.url)]
        if self.images:
            files += [(image.url, "image") for image in item.images]
        return files

    def requests(self, portal: Portal, item: Any, use_delay: bool = True) -> list[scrapy.Request]:
        """Requests for the article's files not fetched yet (in this run or an earlier one)."""
        out = []
        for url, kind in self.wanted(item):
            request = self.file_request(portal, url, kind, use_delay)
            if request is not None:
                out.append(request)
        return out

    def file_request(
        self, portal: Portal, url: str, kind: str, use_delay: bool = True
    ) -> scrapy.Request | None:
        """The request for a file, unless asked for in this run or kept by an earlier one."""
        if url in self.requested or not portal.owns(url) or self.known(url):
            return None
        self.requested.add(url)
        return scrapy.Request(
            url,
            callback=self.fetched,
            errback=self.failed,
            priority=FILE_PRIORITY,
            meta={
                "portal": portal.slug,
                "kind": FILE_KIND,
                "file_kind": kind,
                "download_maxsize": self.caps[kind],
                "download_warnsize": 0,
                **politeness.request_meta(portal, use_delay=use_delay),
            },
        )

    def pending_requests(self, portal: Portal, use_delay: bool = True) -> list[scrapy.Request]:
        """Requests for the portal's files still pending: their article was stored by a run
        that ended (killed, a limit) before fetching them, or images were off then."""
        kinds = ("attachment", "image") if self.images else ("attachment",)
        return [
            request
            for url, kind in self.writer.sink().pending_files(portal.slug, kinds)
            if (request := self.file_request(portal, url, kind, use_delay)) is not None
        ]

    def known(self, url: str) -> bool:
        """Whether the file at ``url`` was kept, or skipped as too large, by an earlier run."""
        return self.writer.sink().known_file(url)

    def done(self, response: Response) -> None:
        """A response kept by the middleware: nothing more to do."""
        return None

    def home_failed(self, failure: Failure) -> None:
        logger.warning("home page not fetched: %s", failure.getErrorMessage())

    def fetched(self, response: Response) -> None:
        """Keep a fetched file, once by SHA-256, and point its articles at it."""
        request = response.request
        kind = request.meta.get("file_kind", "attachment")
        writer = self.writer
        capture = writer.capture(request, response, kind)
        writer.sink().write("file", capture, when=writer.clock.iso())
        self.crawler.stats.inc_value(f"captures/{kind}")

    def failed(self, failure: Failure) -> None:
        """A file not fetched: skipped (over its size cap, with its size) or failed."""
        request = failure.request
        kind = request.meta.get("file_kind", "attachment")
        reason = too_large_reason(failure, self.caps[kind])
        if reason:
            announced = _ANNOUNCED.search(reason)
            size = int(announced.group(1)) if announced else None
            status, note = "skipped", reason
            self.crawler.stats.inc_value(f"files/skipped_too_large/{kind}")
        else:
            status, size, note = "failed", None, failure.getErrorMessage() or repr(failure.value)
            self.crawler.stats.inc_value(f"files/failed/{kind}")
        logger.info("%s %s not kept: %s", kind, request.url, note)
        self.writer.sink().write(
            "file_not_kept",
            url=request.url,
            status=status,
            size=size,
            note=note,
            when=self.writer.clock.iso(),
        )
