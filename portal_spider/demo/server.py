"""A local HTTP server for an offline portal, used by the demo, the tests and the benchmarks.

It listens on 127.0.0.1 on a free port, answers from a site object (anything with
``handle(target) -> Reply``), logs every request, counts the requests in flight at once, and can
inject faults (a status code or a delay for chosen paths) so tests can see how a crawl copes.
A site that also has ``serve_raw(target, handler) -> bool`` may write a whole reply itself
(its own headers, a streamed or endless body, no reply at all) by returning True; one with
``handle_post(target, form) -> Reply`` answers POST requests (a WebForms postback), which other
sites refuse with 405.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol

from portal_spider.demo.yenbai_site import Reply

logger = logging.getLogger(__name__)


class Site(Protocol):
    """Anything that answers a request target with a reply."""

    def handle(self, target: str) -> Reply: ...


@dataclass
class Fault:
    """A fault injected for requests whose target contains ``match``."""

    match: str
    status: int | None = None
    delay: float = 0.0
    times: int | None = None  # how many requests it applies to; None = all


@dataclass
class RequestLog:
    """What the server saw: every request target, and the most in flight at once."""

    targets: list[str] = field(default_factory=list)
    user_agents: set[str] = field(default_factory=set)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, predicate: Callable[[str], bool] | None = None) -> int:
        """How many requests were made (matching ``predicate`` if given)."""
        with self.lock:
            return sum(1 for t in self.targets if predicate is None or predicate(t))

    def clear(self) -> None:
        """Forget what was logged so far."""
        with self.lock:
            self.targets.clear()
            self.max_in_flight = self.in_flight


class _LocalHTTPServer(ThreadingHTTPServer):
    """The threading HTTP server, with a client that hung up logged as such, not as a traceback
    on stderr (a crawl killed or stopped mid-download is an expected event in the tests)."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            logger.debug("client %s hung up: %s", client_address, error)
            return
        logger.exception("error while serving a request from %s", client_address)


class PortalServer:
    """Serve a site on 127.0.0.1 in a background thread; use as a context manager."""

    def __init__(self, site: Site, *, host: str = "127.0.0.1", port: int = 0, delay: float = 0.0):
        self.site = site
        self.log = RequestLog()
        self.faults: list[Fault] = []
        self.delay = delay
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server._serve(self)

            def do_HEAD(self) -> None:  # noqa: N802
                server._serve(self, head=True)

            def do_POST(self) -> None:  # noqa: N802 (a WebForms postback)
                length = int(self.headers.get("Content-Length") or 0)
                server._serve(self, form=self.rfile.read(length) if length else b"")

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                logger.debug("%s " + format, self.address_string(), *args)

        self.httpd = _LocalHTTPServer((host, port), Handler)
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:41234``."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> PortalServer:
        """Start serving in a daemon thread."""
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.thread:
            self.thread.join(timeout=5)

    def __enter__(self) -> PortalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _fault_for(self, target: str) -> Fault | None:
        with self.log.lock:
            for fault in self.faults:
                if fault.match in target and (fault.times is None or fault.times > 0):
                    if fault.times is not None:
                        fault.times -= 1
                    return fault
        return None

    def _serve(
        self, handler: BaseHTTPRequestHandler, head: bool = False, form: bytes | None = None
    ) -> None:
        target = handler.path
        with self.log.lock:
            self.log.targets.append(target)
            self.log.user_agents.add(handler.headers.get("User-Agent", ""))
            self.log.in_flight += 1
            self.log.max_in_flight = max(self.log.max_in_flight, self.log.in_flight)
        counted = True  # still counted in flight

        def replied() -> None:
            """The request stops counting as in flight (once)."""
            nonlocal counted
            if counted:
                counted = False
                with self.log.lock:
                    self.log.in_flight -= 1

        try:
            fault = self._fault_for(target)
            delay = self.delay + (fault.delay if fault else 0.0)
            if delay:
                time.sleep(delay)
            serve_raw = getattr(self.site, "serve_raw", None)
            if not fault and serve_raw is not None and serve_raw(target, handler):
                return
            if fault and fault.status:
                reply = Reply(fault.status, "text/plain; charset=utf-8", b"injected fault\n")
            elif form is not None:
                post = getattr(self.site, "handle_post", None)
                reply = (
                    post(target, form)
                    if post is not None
                    else Reply(405, "text/plain; charset=utf-8", b"method not allowed\n")
                )
            else:
                reply = self.site.handle(target)
            handler.send_response(reply.status)
            handler.send_header("Content-Type", reply.content_type)
            handler.send_header("Content-Length", str(len(reply.body)))
            if reply.location:
                handler.send_header("Location", reply.location)
            # counted out before the first byte goes: once the client has the whole reply it may
            # send its next request at once, before this thread would run again to count it out
            # (on a loaded machine that showed a third request "in flight" under a limit of two)
            replied()
            handler.end_headers()
            if not head:
                handler.wfile.write(reply.body)
        finally:
            replied()
