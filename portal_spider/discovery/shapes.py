"""URL shapes: what a portal's article and listing URLs have in common, and links never followed.

A shape is a URL with what changes from one page to the next replaced: digits by ``{n}``, a
slug by ``{slug}``, query values by ``{n}`` or ``{v}``, the query's names sorted
(``/ChiTietTin.aspx?id=5012&cid=2`` -> ``/ChiTietTin.aspx?cid={n}&id={n}``). Grouping links by the
shape of their path tells article lists apart from menus; the shapes of the pages classified as
articles are the portal's article URL template. Documents (PDF, Office, images, archives), print
views and calendars are never pages to archive or walk.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

DOCUMENT = re.compile(
    r"\.(pdf|docx?|xlsx?|pptx?|zip|rar|7z|odt|ods|odp|rtf|txt|csv|jpe?g|png|gif|bmp|webp|svg|"
    r"mp3|mp4|avi|wmv|flv|mov|exe|msi|apk|xml|rss|json|js|css|ico)$",
    re.IGNORECASE,
)
NON_ARTICLE_TYPES = ("application/", "image/", "audio/", "video/", "font/", "text/plain")
HTML_TYPES = ("text/html", "application/xhtml")
PRINT_VIEW = re.compile(
    r"(?:^|[/_.=&?-])(?:print|in|intin|in-tin|inbai|in-bai|printview|print_view|inan)"
    r"(?:\.[a-z]+)?(?:$|[/=&?])",
    re.IGNORECASE,
)
PRINT_PARAMS = {"print", "printable", "in", "inbai", "view=print", "layout=print", "tmpl=component"}
DATE_VALUE = re.compile(r"^\d{4}-\d{1,2}(?:-\d{1,2})?$|^\d{1,2}[/-]\d{1,2}[/-]\d{4}$")
CALENDAR_PARAMS = {"ngay", "thang", "nam", "day", "month", "year", "date", "d", "m", "y"}
SLUG = re.compile(r"^(?=.*[a-z])[a-z0-9]+(?:-[a-z0-9]+){2,}$", re.IGNORECASE)
DIGITS = re.compile(r"\d+")


def is_document_url(url: str) -> bool:
    """Whether a link leads to a file (PDF, Office, image, archive, feed …), not a page."""
    return bool(DOCUMENT.search(urlsplit(url).path))


def is_html_type(content_type: str | None) -> bool:
    """Whether a response's Content-Type is a web page (a missing type counts as one)."""
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    return not kind or kind.startswith(HTML_TYPES)


def is_print_view(url: str) -> bool:
    """Whether a URL is the print view of a page (``/InTin.aspx``, ``?print=1``)."""
    parts = urlsplit(url)
    last = parts.path.rsplit("/", 1)[-1]
    if PRINT_VIEW.search("/" + last.lower()):
        return True
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key.lower() in PRINT_PARAMS or f"{key}={value}".lower() in PRINT_PARAMS:
            return True
    return False


def is_calendar_url(url: str) -> bool:
    """Whether a URL selects a day or a month (a calendar's links, endless by nature)."""
    query = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    names = {key.lower() for key, _ in query}
    if any(DATE_VALUE.match(value) for _, value in query):
        return True
    return len(names & CALENDAR_PARAMS) >= 2 or bool(names & {"ngay", "date", "day"})


def followable(url: str) -> bool:
    """Whether a link may lead to a listing or an article (not a file, print view, calendar)."""
    return not (is_document_url(url) or is_print_view(url) or is_calendar_url(url))


def segment_shape(segment: str) -> str:
    """One path segment with its variable part replaced."""
    stem, dot, extension = segment.rpartition(".") if "." in segment else (segment, "", "")
    if SLUG.match(stem):  # slug-12345.html, ...-nam-2024.html and ...-dot-2.html alike
        return "{slug}" + dot + extension
    return DIGITS.sub("{n}", stem) + dot + extension


def path_shape(url: str) -> str:
    """The shape of a URL's path (``/bai-viet/{slug}.html``, ``/ChiTietTin.aspx``)."""
    path = urlsplit(url).path or "/"
    return "/".join(segment_shape(segment) for segment in path.split("/"))


def url_shape(url: str) -> str:
    """The shape of a whole URL: its path shape and its query's names with value kinds."""
    query = sorted(
        (key, "{n}" if value.isdigit() else "{v}")
        for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True)
    )
    tail = "&".join(f"{key}={kind}" for key, kind in query)
    return path_shape(url) + (f"?{tail}" if tail else "")
