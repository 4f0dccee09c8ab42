"""``portal-archive serve`` crawled from ``/`` like a visitor clicking every link: no dead link, no
raw binary download, and the reading room's pages are all reachable."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from archive_fixtures import SEED_ID, build_archive, running_server

MAX_PAGES = 600
# Datasette offers every filter, facet and format of every table: a few of each path are enough.
VARIANTS_PER_PATH = 6
# Content types a link may lead to: pages and data a browser shows, and the downloads asked for.
SHOWN_TYPES = ("text/html", "application/json", "text/plain", "image/", "text/csv")


class Links(HTMLParser):
    """The href of every <a> in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def crawl(base: str) -> tuple[dict[str, tuple[int, str]], list[tuple[str, str]]]:
    """Pages reached from ``base``/ (status, content type), and (page, link) pairs followed."""
    seen: dict[str, tuple[int, str]] = {}
    followed: list[tuple[str, str]] = []
    queue = deque([base + "/"])
    host = urlsplit(base).netloc
    queued = {base + "/"}
    variants: dict[str, int] = {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                status, kind, body = response.status, response.headers["content-type"], b""
                if kind.startswith("text/html"):
                    body = response.read()
        except urllib.error.HTTPError as error:
            status, kind, body = error.code, error.headers.get("content-type", ""), b""
        seen[url] = (status, kind)
        if not body:
            continue
        parser = Links()
        parser.feed(body.decode("utf-8", "replace"))
        for href in parser.hrefs:
            target = urldefrag(urljoin(url, href)).url
            if urlsplit(target).netloc != host or "/-/static/" in target:
                continue
            followed.append((url, target))
            path, _, query = target.partition("?")
            if query and target not in queued:
                variants[path] = variants.get(path, 0) + 1
                if variants[path] > VARIANTS_PER_PATH:
                    continue
            if target not in queued:
                queued.add(target)
                queue.append(target)
    return seen, followed


def test_every_link_from_the_start_page_works(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    build_archive(path, xss=True, captures=True).close()
    with running_server(path, tmp_path / "serve.log") as base:
        seen, followed = crawl(base)
    assert len(seen) < MAX_PAGES, "the crawl did not finish"
    dead = {url: status for url, (status, _kind) in seen.items() if status != 200}
    assert dead == {}, dead
    binary = {url: kind for url, (_s, kind) in seen.items() if not kind.startswith(SHOWN_TYPES)}
    assert binary == {}, binary
    assert not [url for url in seen if ".blob" in url or "_blob_column" in url]
    for wanted in (
        f"{base}/-/search",
        f"{base}/-/article/{SEED_ID}",
        f"{base}/-/capture/1",
        f"{base}/-/portal/tramtau",
        f"{base}/archive/article_list",
        f"{base}/archive/search",
        f"{base}/archive/most_viewed",
        f"{base}/archive/articles_per_portal_per_month",
    ):
        assert wanted in seen, wanted
    assert len(followed) > 100
