"""A small, polite HTTP client for looking at portals one request at a time.

``check-sites`` and ``discover`` ask a handful of pages of many hosts: a whole Scrapy crawl for
that would be heavy, and they need what Scrapy hides (the exact error of a failed connection: DNS,
TLS, refused, timeout). :class:`Prober` sends one request at a time, waits ``delay`` seconds
between requests, asks robots.txt first, follows redirects itself (so each hop is seen) and reads
at most ``max_bytes`` of a page.

Host names are resolved by a :class:`Resolver`. Given overrides (``host:port:address:port``, as
``--resolve`` of the commands), it resolves only those names and fails every other as a DNS
failure: tests and demos map portal host names to servers on 127.0.0.1 and never reach real DNS.
Without overrides it uses the system resolver and refuses a public name that resolves to an
internal address (a lapsed domain pointed at 127.0.0.1 must not make the archive probe itself).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECT_CODES = {301, 302, 303, 307, 308}


class ResolveError(OSError):
    """A host name that could not be resolved (or that an override list does not hold)."""


class InternalAddress(OSError):
    """A public host name that resolves to a loopback or private address."""


@dataclass
class Resolver:
    """Host name -> address. ``overrides`` maps ``(host, port)`` to ``(address, port)``."""

    overrides: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)

    @classmethod
    def from_specs(cls, specs: Iterable[str]) -> Resolver:
        """From ``host:port:address:port`` strings (``--resolve``)."""
        overrides = {}
        for spec in specs:
            parts = spec.rsplit(":", 3)
            if len(parts) != 4 or not parts[1].isdigit() or not parts[3].isdigit():
                raise ValueError(f"{spec!r} is not host:port:address:port")
            host, port, address, to_port = parts
            overrides[(host.lower(), int(port))] = (address, int(to_port))
        return cls(overrides)

    def resolve(self, host: str, port: int) -> tuple[str, int]:
        """Where to connect for ``host:port``."""
        host = host.lower()
        if self.overrides:
            if (host, port) not in self.overrides:
                raise ResolveError(f"{host}:{port} is not in the resolver overrides")
            return self.overrides[(host, port)]
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise ResolveError(f"{host}: {error.strerror or error}") from error
        address = str(infos[0][4][0])
        ip = ipaddress.ip_address(address)
        if ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified:
            raise InternalAddress(f"{host} resolves to the internal address {address}")
        return address, port

    def address_of(self, host: str, port: int) -> str | None:
        """The address ``host`` resolves to, or None (for grouping hosts by server)."""
        try:
            return self.resolve(host, port)[0]
        except OSError:
            return None


class _Connection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, timeout: float, resolver: Resolver) -> None:
        super().__init__(host, port, timeout=timeout)
        self._resolver = resolver

    def connect(self) -> None:
        self.sock = socket.create_connection(
            self._resolver.resolve(self.host, self.port), self.timeout
        )


class _TLSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, timeout: float, resolver: Resolver) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._resolver = resolver

    def connect(self) -> None:
        sock = socket.create_connection(self._resolver.resolve(self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass
class Answer:
    """What one GET (with its redirects) found."""

    url: str
    final_url: str
    status_code: int | None = None
    body: bytes = b""
    content_type: str = ""
    redirects: list[str] = field(default_factory=list)
    error: str | None = None  # dns | tls | refused | timeout | internal | robots | other
    error_detail: str | None = None

    @property
    def answered(self) -> bool:
        return self.status_code is not None

    def text(self) -> str:
        charset = "utf-8"
        if "charset=" in self.content_type:
            charset = self.content_type.split("charset=", 1)[1].split(";")[0].strip() or charset
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def classify(error: BaseException) -> str:
    """The kind of a failed request: dns, tls, refused, timeout, internal or other."""
    if isinstance(error, ResolveError):
        return "dns"
    if isinstance(error, InternalAddress):
        return "internal"
    if isinstance(error, ssl.SSLError | ssl.CertificateError):
        return "tls"
    if isinstance(error, ConnectionRefusedError):
        return "refused"
    if isinstance(error, TimeoutError | socket.timeout):
        return "timeout"
    return "other"


class Prober:
    """One request at a time, ``delay`` seconds apart, robots.txt first, a bounded read."""

    def __init__(
        self,
        resolver: Resolver | None = None,
        *,
        user_agent: str,
        timeout: float = 10.0,
        delay: float = 1.0,
        max_bytes: int = 2_000_000,
        max_redirects: int = 5,
        obey_robots: bool = True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.resolver = resolver or Resolver()
        self.user_agent = user_agent
        self.timeout = timeout
        self.delay = delay
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.obey_robots = obey_robots
        self._sleep = sleep
        self._last_request = 0.0
        self._robots: dict[str, RobotFileParser | None] = {}
        # an origin whose robots.txt request got no answer at all: its pages are not asked again
        self._dead: dict[str, BaseException] = {}
        self.requests = 0

    def _wait(self) -> None:
        pause = self._last_request + self.delay - time.monotonic()
        if pause > 0:
            self._sleep(pause)

    def _request(self, url: str) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        port = parts.port or DEFAULT_PORTS[scheme]
        factory = _TLSConnection if scheme == "https" else _Connection
        connection = factory(parts.hostname or "", port, self.timeout, self.resolver)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._wait()
        self.requests += 1
        try:
            connection.request(
                "GET",
                path,
                headers={"User-Agent": self.user_agent, "Accept": "text/html,*/*;q=0.5"},
            )
            response = connection.getresponse()
            body = response.read(self.max_bytes)
            headers = {k.lower(): v for k, v in response.getheaders()}
            return response.status, headers, body
        finally:
            connection.close()
            self._last_request = time.monotonic()

    def get(self, url: str, *, follow: bool = True) -> Answer:
        """GET ``url``, following up to ``max_redirects`` redirects; network errors are kept."""
        answer = Answer(url=url, final_url=url)
        current = url
        for _ in range(self.max_redirects + 1):
            origin = _origin(current)
            if self.obey_robots and not self.allowed(current) and origin not in self._dead:
                answer.error, answer.error_detail = "robots", f"robots.txt forbids {current}"
                answer.final_url = current
                return answer
            try:
                if origin in self._dead:
                    raise self._dead[origin]
                status, headers, body = self._request(current)
            except (OSError, http.client.HTTPException, ValueError) as error:
                answer.final_url = current
                answer.error = classify(error)
                answer.error_detail = f"{type(error).__name__}: {error}"[:500]
                return answer
            answer.final_url, answer.status_code = current, status
            answer.content_type = headers.get("content-type", "")
            answer.body = body
            location = headers.get("location")
            if not (follow and status in REDIRECT_CODES and location):
                return answer
            current = urljoin(current, location)
            answer.redirects.append(current)
        answer.error, answer.error_detail = "other", "too many redirects"
        return answer

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's origin lets this client fetch it (unreadable: yes)."""
        origin = _origin(url)
        if origin not in self._robots:
            parser: RobotFileParser | None = None
            try:
                status, _headers, body = self._request(origin + "/robots.txt")
            except (OSError, http.client.HTTPException) as error:
                status, body = 0, b""
                self._dead[origin] = error
            except ValueError:
                status, body = 0, b""
            if 200 <= status < 300:
                parser = RobotFileParser()
                parser.parse(body.decode("utf-8", errors="replace").splitlines())
            self._robots[origin] = parser
        parser = self._robots[origin]
        return parser is None or parser.can_fetch(self.user_agent, url)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
