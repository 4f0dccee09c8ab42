"""Misbehaving portals for the fault tests: pages that never answer, servers that die, 429s with
Retry-After, oversized pages and a gzip bomb; and a crawl whose peak memory is measured.

:class:`FaultySite` is a generated Yên Bái-family site (:func:`crawl_machinery.make_site`) whose
chosen article pages misbehave. It writes those replies itself through the server's
``serve_raw`` hook, so it controls headers, streaming and silence. Every hold is bounded: a held
connection is let go after ``HOLD_MAX`` seconds, or at once by :meth:`FaultySite.release`.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from crawl_helpers import cli_env
from crawl_machinery import CRAWL, NOW, ChangingSite

from portal_spider.demo.generate import generate_site_data

HOLD_MAX = 30.0  # seconds a held connection stays open at most, whatever the test does
BIG_PAGE = 50 * 1024 * 1024  # bytes of an oversized article page
BOMB_MEMBER = 64 * 1024 * 1024  # zeros per gzip member of the bomb
BOMB_MEMBERS = 160  # 160 x 64 MiB = 10 GiB of zeros, about 10 MB on the wire
CHUNK = 1024 * 1024


@cache
def gzip_bomb() -> bytes:
    """10 GiB of zeros as a gzip stream of identical members (about 10 MB)."""
    return gzip.compress(b"\0" * BOMB_MEMBER, compresslevel=6) * BOMB_MEMBERS


def item_of(target: str) -> int | None:
    """The ItemID of an article request target, or None."""
    value = parse_qs(urlsplit(target).query).get("ItemID", [""])[-1]
    return int(value) if value.isdigit() else None


class FaultySite(ChangingSite):
    """A generated portal whose chosen articles hang, throttle, or are far too large."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.hanging: set[int] = set()  # article pages that never answer
        self.dead_after: int | None = None  # from this many requests on, nothing answers
        # item -> (status, Retry-After or a function making it when sent), answered once
        self.throttled: dict[int, tuple[int, str | Callable[[], str]]] = {}
        self.retry_after_sent: dict[int, str] = {}  # item -> the Retry-After it was sent
        self.big: dict[int, str] = {}  # item -> "length" | "stream" | "bomb"
        self.times: dict[int, list[float]] = {}  # item -> monotonic times of its requests
        self.held = 0  # connections held open without a reply
        self.requests = 0
        self.requests_after_death = 0
        self._released = threading.Event()
        self._lock = threading.Lock()

    def release(self) -> None:
        """Let every held connection go (call before stopping the server)."""
        self._released.set()

    def revive(self) -> None:
        """Answer everything normally again (the server is back)."""
        self.dead_after = None
        self.hanging.clear()

    def serve_raw(self, target: str, handler: BaseHTTPRequestHandler) -> bool:
        item = item_of(target)
        with self._lock:
            self.requests += 1
            dead = self.dead_after is not None and self.requests > self.dead_after
            if dead:
                self.requests_after_death += 1
            if item is not None:
                self.times.setdefault(item, []).append(time.monotonic())
            throttle = self.throttled.pop(item, None) if item is not None else None
        if dead or item in self.hanging:
            self._hold(handler)
            return True
        if throttle is not None:
            status, retry_after = throttle
            value = retry_after() if callable(retry_after) else retry_after
            self.retry_after_sent[item] = value
            self._send(handler, status, b"busy\n", {"Retry-After": value})
            return True
        if item in self.big:
            self._send_big(handler, target, self.big[item])
            return True
        return False

    def _hold(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.held += 1
        handler.close_connection = True
        self._released.wait(HOLD_MAX)

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]
    ) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "text/plain; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    def _send_big(self, handler: BaseHTTPRequestHandler, target: str, how: str) -> None:
        page = super().handle(target).body
        handler.close_connection = True
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        try:
            if how == "bomb":
                body = gzip_bomb()
                handler.send_header("Content-Encoding", "gzip")
                handler.send_header("Content-Length", str(len(body)))
                handler.end_headers()
                for start in range(0, len(body), CHUNK):
                    handler.wfile.write(body[start : start + CHUNK])
                return
            padding = b"<p>" + b"Trang rat lon. " * (CHUNK // 15) + b"</p>\n"
            chunks = -(-BIG_PAGE // len(padding))
            if how == "length":
                handler.send_header("Content-Length", str(len(page) + chunks * len(padding)))
                handler.end_headers()
            else:  # streamed, no length: the client learns the size only as it reads
                handler.send_header("Connection", "close")
                handler.end_headers()
            handler.wfile.write(page.replace(b"</body>", b""))
            for _ in range(chunks):
                handler.wfile.write(padding)
            handler.wfile.write(b"</body></html>\n")
        except OSError:  # the crawler hung up, as it should
            return


def crawl_measured(
    *args: str,
    peak_file: Path,
    now: datetime | None = None,
    registry: Path | None = None,
    timeout: float = 240,
) -> subprocess.CompletedProcess:
    """Run ``portal-archive crawl ARGS`` under a wrapper that writes the crawl's peak RSS (KiB)
    to ``peak_file`` (``getrusage(RUSAGE_CHILDREN)`` of the wrapper: the crawl process alone)."""
    wrapper = (
        "import resource, subprocess, sys\n"
        "code = subprocess.call(sys.argv[2:])\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "open(sys.argv[1], 'w').write(str(peak))\n"
        "sys.exit(code)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", wrapper, str(peak_file), *CRAWL, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(now, registry),
        check=False,
    )


def make_faulty_site(n: int, newest: datetime | None = None) -> FaultySite:
    """A faulty site of ``n`` generated articles (ItemIDs 1000 on), the newest published at
    ``newest`` (default: 49 hours before the tests' clock)."""
    return FaultySite(generate_site_data(n, newest=newest or NOW - timedelta(hours=49)))


def archived_items(db) -> set[int]:
    """The ItemIDs of the archived articles."""
    return {int(row["item_id"]) for row in db.query("select item_id from articles")}


def pending_items(db) -> dict[int, dict]:
    """The rows of ``pending_articles`` by the ItemID of their URL."""
    rows = db.query("select url, attempts, last_error from pending_articles")
    return {int(parse_qs(urlsplit(r["url"]).query)["ItemID"][-1]): r for r in rows}
