"""Local portals for the liveness and discovery tests: each served on 127.0.0.1 by the project's
test server, reached under a real portal host name through the probe's resolver overrides."""

from __future__ import annotations

import logging
import socket
import time
from contextlib import ExitStack
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from portal_spider.demo.server import PortalServer
from portal_spider.demo.yenbai_site import Reply

logger = logging.getLogger(__name__)

HTML = "text/html; charset=utf-8"


@dataclass
class UnitHome:
    """A portal home page: a title, a header and a footer naming ``owner``, news with dates."""

    title: str
    footer: str = ""
    dates: tuple[str, ...] = ("14/08/2025 08:00",)
    robots: str = "User-agent: *\nDisallow: /admin/\n"

    def handle(self, target: str) -> Reply:
        if target == "/robots.txt":
            return Reply(200, "text/plain", self.robots.encode())
        if target != "/":
            return Reply(404, HTML, b"<html><body>not found</body></html>")
        news = "".join(
            f'<li><a href="/tin/{n}">Tin số {n}</a> <span>{d}</span></li>'
            for n, d in enumerate(self.dates)
        )
        page = (
            f"<html><head><title>{self.title}</title></head><body>"
            f'<div id="header"><h1>{self.title}</h1></div><ul class="news">{news}</ul>'
            f"<footer>{self.footer}</footer></body></html>"
        )
        return Reply(200, HTML, page.encode("utf-8"))


@dataclass
class Redirect:
    location: str

    def handle(self, target: str) -> Reply:
        if target == "/robots.txt":
            return Reply(404, "text/plain", b"")
        return Reply(301, HTML, b"moved", location=self.location)


@dataclass
class Failing:
    status: int = 503

    def handle(self, target: str) -> Reply:
        return Reply(self.status, "text/plain", b"Service Unavailable")


class Parked:
    def handle(self, target: str) -> Reply:
        if target == "/robots.txt":
            return Reply(404, "text/plain", b"")
        body = (
            "<html><head><title>tramtau.example - This domain is for sale</title></head>"
            "<body><h1>This domain may be for sale</h1><p>Buy this domain today.</p></body></html>"
        )
        return Reply(200, HTML, body.encode())


@dataclass
class Silent:
    """Accepts the connection, then says nothing for ``seconds`` (a host that times out)."""

    seconds: float = 3.0

    def handle(self, target: str) -> Reply:  # pragma: no cover - serve_raw answers
        return Reply(500, "text/plain", b"")

    def serve_raw(self, target: str, handler: BaseHTTPRequestHandler) -> bool:
        time.sleep(self.seconds)
        return True


def refusing_socket(port: int = 0) -> socket.socket:
    """A socket bound to a port of 127.0.0.1 that does not listen: connections to it are
    refused, and no other server can take the port while it is held."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past the closed server's TIME_WAIT
    sock.bind(("127.0.0.1", port))
    return sock


class LocalHosts:
    """Host names served by local servers on plain HTTP; HTTPS to them is refused.

    ``resolve`` is the ``--resolve`` list that maps each name (port 80 to its server, port 443
    to a closed port); a name not added is unknown to the resolver, as a lapsed domain.
    """

    def __init__(self) -> None:
        self.stack = ExitStack()
        self.servers: dict[str, PortalServer] = {}
        self.refused: set[str] = set()
        self.tls: dict[str, PortalServer] = {}
        self.refusing = self.stack.enter_context(refusing_socket())
        self.closed = self.refusing.getsockname()[1]

    def add(self, host: str, site: object) -> PortalServer:
        server = self.stack.enter_context(PortalServer(site))
        self.servers[host] = server
        return server

    def add_tls(self, host: str, site: object, directory) -> PortalServer:
        """HTTPS for ``host`` with a certificate no client trusts (see :func:`self_signed_tls`)."""
        server = PortalServer(site)
        self_signed_tls(server, host, directory)
        self.tls[host] = self.stack.enter_context(server)
        return server

    def refuse(self, host: str) -> None:
        """A name that resolves, but whose server refuses connections."""
        self.refused.add(host)

    @property
    def resolve(self) -> list[str]:
        specs = []
        for host, server in self.servers.items():
            port = server.httpd.server_address[1]
            tls = self.tls.get(host)
            secure = tls.httpd.server_address[1] if tls else self.closed
            specs += [f"{host}:80:127.0.0.1:{port}", f"{host}:443:127.0.0.1:{secure}"]
        for host in self.refused:
            specs += [f"{host}:80:127.0.0.1:{self.closed}", f"{host}:443:127.0.0.1:{self.closed}"]
        return specs

    def resolve_args(self) -> list[str]:
        return [arg for spec in self.resolve for arg in ("--resolve", spec)]

    def __enter__(self) -> LocalHosts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stack.close()


YENBAI_PORTALS = {  # slug: (level, unit code, name)
    "yenbai": ("tỉnh", "15", "Cổng thông tin điện tử tỉnh Yên Bái"),
    "tramtau": ("huyện", "139", "Cổng thông tin điện tử huyện Trạm Tấu"),
    "vanchan": ("huyện", "140", "Cổng thông tin điện tử huyện Văn Chấn"),
    "mucangchai": ("huyện", "137", "Cổng thông tin điện tử huyện Mù Cang Chải"),
    "vanyen": ("huyện", "136", "Cổng thông tin điện tử huyện Văn Yên"),
    "lucyen": ("huyện", "135", "Cổng thông tin điện tử huyện Lục Yên"),
    "tranyen": ("huyện", "138", "Cổng thông tin điện tử huyện Trấn Yên"),
    "nghialo": ("huyện", "133", "Cổng thông tin điện tử thị xã Nghĩa Lộ"),
}


def yenbai_registry(slugs: list[str], scheme: str) -> str:
    """A registry file's text: the Yên Bái portals named, under their real host names."""
    tables = []
    for slug in slugs:
        level, code, name = YENBAI_PORTALS[slug]
        host = "yenbai.gov.vn" if slug == "yenbai" else f"{slug}.yenbai.gov.vn"
        tables.append(
            f'[[portal]]\nslug = "{slug}"\nname = "{name}"\nlevel = "{level}"\n'
            f'province = "Yên Bái"\nunit_code = "{code}"\nbase_url = "{scheme}://{host}/"\n'
        )
    return "\n".join(tables)


def use_registry(text: str, directory: Path, monkeypatch) -> Path:
    """Write a registry file with ``text`` under ``directory`` and point the environment at it."""
    path = directory / "portals.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("PORTAL_ARCHIVE_REGISTRY", str(path))
    return path


def self_signed_tls(server: PortalServer, host: str, directory) -> None:
    """Serve ``server`` over TLS with a self-signed certificate for ``host`` (which no client
    trusts: a TLS error, as a portal whose certificate lapsed)."""
    import datetime
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
