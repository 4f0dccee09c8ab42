"""URL helpers: one canonical form per page, same-site checks, link resolution.

Portals reach one article through many URLs (``http``/``https``, with or without ``www.``,
tracking parameters, reordered query strings). ``canonical_url`` maps them to one string so the
archive can deduplicate; ``same_site``, ``origin`` and ``host_of`` decide what belongs to a portal;
``absolute_url`` resolves ``href`` attributes and drops non-navigational ones.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import SplitResult, parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

__all__ = ["absolute_url", "canonical_url", "host_of", "origin", "same_origin", "same_site"]

logger = logging.getLogger(__name__)

_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKING_PARAMS = frozenset({"fbclid", "gclid", "zarsrc", "_ga", "mc_cid", "mc_eid"})
_TRACKING_PREFIXES = ("utm_",)
_WEB_SCHEMES = frozenset({"http", "https"})
# Characters browsers strip from inside an href (tabs and line breaks).
_HREF_JUNK = str.maketrans("", "", "\t\n\r")

# A crawl meets the same links on every listing and related-news list: each URL is canonicalised
# (and its query split) once. The caches hold short strings only and are bounded (a few MB).
URL_CACHE_SIZE = 16_384


def _split(url: str) -> SplitResult:
    """``urlsplit`` that also accepts a scheme-less ``host/path``."""
    text = url.strip()
    if "://" not in text and not text.startswith("//"):
        text = "//" + text
    return urlsplit(text)


def _bare_host(hostname: str | None) -> str:
    host = (hostname or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


# host_of and origin are remembered by URL: a listing's links and the page's own URL are tested
# against the portal's origin on every page that shows them.
@lru_cache(maxsize=URL_CACHE_SIZE)
def host_of(url: str) -> str:
    """Lowercase host of ``url`` without a leading ``www.`` and without the port ('' if none)."""
    try:
        return _bare_host(_split(url).hostname)
    except ValueError:
        return ""


def same_site(url: str, base_url: str) -> bool:
    """True when both URLs have the same host, ignoring scheme, port and a leading ``www.``."""
    host = host_of(url)
    return bool(host) and host == host_of(base_url)


@lru_cache(maxsize=URL_CACHE_SIZE)
def origin(url: str) -> str:
    """Host (without ``www.``) and port: what makes two URLs belong to one portal."""
    try:
        port = urlsplit(url).port
    except ValueError:  # a port that is no number, or out of range: a broken link
        port = None
    return f"{host_of(url)}:{port}" if port else host_of(url)


def same_origin(url: str, other: str) -> bool:
    """Whether two URLs are on the same host and port (scheme and ``www.`` ignored)."""
    return bool(host_of(url)) and origin(url) == origin(other)


def _is_tracking(key: str, extra: frozenset[str]) -> bool:
    name = unquote(key.replace("+", " ")).lower()
    return name in _TRACKING_PARAMS or name in extra or name.startswith(_TRACKING_PREFIXES)


def _drop_query_params(query: str, extra: frozenset[str]) -> str:
    parts = [part for part in query.split("&") if part]
    kept = [part for part in parts if not _is_tracking(part.split("=", 1)[0], extra)]
    return "&".join(kept)


def _effective_port(scheme: str, port: int | None) -> int | None:
    return _DEFAULT_PORTS.get(scheme) if port is None else port


def _netloc(scheme: str, hostname: str, port: int | None, userinfo: str) -> str:
    host = f"[{hostname}]" if ":" in hostname else hostname
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    return f"{userinfo}@{host}" if userinfo else host


def _userinfo(netloc: str) -> str:
    return netloc.rpartition("@")[0] if "@" in netloc else ""


def _rebase(scheme: str, hostname: str, port: int | None, base_url: str) -> tuple[str, str, int]:
    """Scheme, host and port of ``base_url`` when the URL is on the same site, else unchanged."""
    base = _split(base_url)
    base_scheme = (base.scheme or scheme).lower()
    same_host = _bare_host(hostname) == _bare_host(base.hostname)
    url_port = _effective_port(scheme, port)
    same_port = url_port in (_DEFAULT_PORTS.get(scheme), _effective_port(base_scheme, base.port))
    if base.hostname and same_host and same_port:
        return base_scheme, (base.hostname or "").lower().rstrip("."), base.port
    return scheme, hostname, port


def canonical_url(url: str, *, base_url: str | None = None, drop_params: Iterable[str] = ()) -> str:
    """One canonical string for all URLs of one page.

    Lowercases scheme and host, drops default ports, the fragment and tracking parameters
    (``utm_*``, ``fbclid``, ``gclid``, ``zarsrc``, ``_ga``, ``mc_cid``, ``mc_eid`` and
    ``drop_params``), sorts the remaining query parameters (blank values kept), normalises
    percent-encoding and keeps the case of the path. With ``base_url``, a relative URL is
    resolved against it, and a URL on the same site (modulo ``www.`` and http/https) takes the
    base's scheme and host. A URL that cannot be split (``http://[x``, a port that is no number)
    is returned stripped, as it is.
    """
    try:
        return _canonical(url, base_url, frozenset(name.lower() for name in drop_params))
    except ValueError as error:
        logger.debug("malformed URL %r kept as it is: %s", url, error)
        return url.strip()


@lru_cache(maxsize=URL_CACHE_SIZE)
def _canonical(url: str, base_url: str | None, extra: frozenset[str]) -> str:
    raw = url.strip()
    if base_url:
        raw = urljoin(base_url, raw)
    parts = urlsplit(raw)
    filtered = parts._replace(query=_drop_query_params(parts.query, extra), fragment="")
    canon = urlsplit(canonicalize_url(urlunsplit(filtered), keep_blank_values=True))
    scheme = canon.scheme.lower()
    hostname = (canon.hostname or "").lower().rstrip(".")
    port = canon.port
    if base_url:
        scheme, hostname, port = _rebase(scheme, hostname, port, base_url)
    netloc = _netloc(scheme, hostname, port, _userinfo(canon.netloc))
    return urlunsplit((scheme, netloc, canon.path or "/", canon.query, ""))


def absolute_url(href: str, base: str) -> str | None:
    """Resolve ``href`` against ``base``; ``None`` for links that do not lead to a web page.

    ``None`` for empty hrefs, fragment-only hrefs (``#top``), ``javascript:``, ``mailto:``,
    ``tel:``, ``data:`` and any other result that is not http(s).
    """
    if href is None:
        return None
    cleaned = href.strip()
    if "\t" in cleaned or "\n" in cleaned or "\r" in cleaned:
        cleaned = cleaned.translate(_HREF_JUNK)
    if not cleaned or cleaned.startswith("#"):
        return None
    if _plain_root_path(cleaned):
        origin_of_base = _web_origin(base)
        if origin_of_base is not None:
            return origin_of_base + cleaned
    try:
        resolved = urljoin(base, cleaned)
        scheme = urlsplit(resolved).scheme.lower()
    except ValueError:
        return None
    return resolved if scheme in _WEB_SCHEMES else None


def _plain_root_path(href: str) -> bool:
    """Whether ``href`` is a path from the root that ``urljoin`` keeps as it is: no ``//`` host,
    no ``.``/``..`` segment, no ``;`` parameters, no empty query or fragment (which it drops).
    Most links of a portal page are such paths; resolving them is then one concatenation."""
    return (
        href[0] == "/"
        and href[1:2] != "/"
        and "/." not in href
        and ";" not in href
        and "?#" not in href
        and not href.endswith(("?", "#"))
    )


@lru_cache(maxsize=256)
def _web_origin(base: str) -> str | None:
    """``scheme://host`` of an http(s) ``base`` as ``urljoin`` writes it, else ``None``."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return None
    if parts.scheme not in _WEB_SCHEMES or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def query_params(url: str) -> dict[str, str]:
    """The query parameters of ``url`` by lowercase name (the last value wins; blanks kept)."""
    return dict(_query_params(url))


@lru_cache(maxsize=URL_CACHE_SIZE)
def _query_params(url: str) -> tuple[tuple[str, str], ...]:
    return tuple({k.lower(): v for k, v in _parse_query(urlsplit(url).query)}.items())


def _parse_query(query: str) -> list[tuple[str, str]]:
    """``parse_qsl(query, keep_blank_values=True)``, by plain splits when nothing in the query
    is escaped (no ``%``, no ``+``): the usual case, and most of what a crawl's links cost."""
    if "%" in query or "+" in query:
        return parse_qsl(query, keep_blank_values=True)
    return [(name, value) for name, _, value in (p.partition("=") for p in query.split("&") if p)]


# An http(s) URL that ``urlsplit`` takes as it is: an ASCII host with no brackets (no IPv6
# literal to check), no space or control character anywhere (none to strip or remove).
_PLAIN_WEB_URL = re.compile(
    r"[Hh][Tt][Tt][Pp][Ss]?://[^/?#\[\]\x00-\x20\x7f-\U0010ffff]*"
    r"(/[^?#\x00-\x20]*)?(?:\?([^#\x00-\x20]*))?"
    r"(?:#[^\x00-\x20]*)?"
)


def path_and_query(url: str) -> tuple[str, str]:
    """``urlsplit(url).path`` and ``.query``: by one match for a plain http(s) URL (a related
    list or a listing links a hundred of them a page), by ``urlsplit`` for any other."""
    match = _PLAIN_WEB_URL.fullmatch(url)
    if match is None:
        parts = urlsplit(url)
        return parts.path, parts.query
    return match.group(1) or "", match.group(2) or ""


# An absolute http(s) URL that ``urljoin`` gives back as it is, whatever the base: lowercase
# scheme, and nothing ``urlunparse`` would drop or move (no ";" parameters, no empty query or
# fragment), besides what _PLAIN_WEB_URL asks.
_JOINED_WEB_URL = re.compile(
    r"https?://[^/?#\[\]\x00-\x20\x7f-\U0010ffff;]+(?:/[^?#;\x00-\x20]*)?"
    r"(?:\?[^#\x00-\x20]+)?(?:#[^\x00-\x20]+)?"
)


def joins_to_itself(href: str) -> bool:
    """Whether ``urljoin(base, href)`` is ``href`` whatever the base: an absolute link (as a
    page object's links are) need not be split and joined again."""
    return _JOINED_WEB_URL.fullmatch(href) is not None


def query_value(query: str, name: str) -> str | None:
    """The value of the parameter ``name`` (lowercase) in a query string as :func:`query_params`
    reads it (the last value wins, blanks kept), or None: without a dict of every parameter."""
    if "%" not in query and "+" not in query and query.isascii():
        # nothing to unquote, and ASCII letters only: case-blind matching is ``str.lower``'s
        values = _param_pattern(name).findall(query)  # a name without "=" reads as blank
        return values[-1] if values else None
    value = None
    for key, found in _parse_query(query):
        if key.lower() == name:
            value = found
    return value


@lru_cache(maxsize=16)
def _param_pattern(name: str) -> re.Pattern[str]:
    """The parameter ``name`` and its value (group 1) in an ASCII query with nothing escaped."""
    return re.compile(rf"(?:^|&){re.escape(name)}(?:=([^&]*))?(?=&|$)", re.IGNORECASE | re.ASCII)


def with_query(url: str, params: Iterable[tuple[str, str]]) -> str:
    """``url`` with its query replaced by ``params`` (in that order) and no fragment."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(list(params)), ""))
