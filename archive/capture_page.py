"""The archived copy of a captured page: the HTML as it was received, rendered from the archive.

Every address in the page is rewritten: links go to the archive's reader page or archived copy of
their target, or are disabled; images and style sheets come from the archive or are dropped; forms
submit nowhere. The response's Content-Security-Policy (CAPTURE_POLICY) sandboxes the page with no
``allow-scripts`` and lets it load nothing but the archive's own files, so no request reaches the
live site and no script in the capture runs. A banner says when and from where it was captured.
"""

from __future__ import annotations

import codecs
import gzip
import logging
import re
from dataclasses import dataclass
from html import escape

import lxml.html

from archive.archive_links import RAW_TYPES, ArchiveLinks, absolute, raw_capture_url, reader_url
from archive.vn_format import vietnamese_datetime

logger = logging.getLogger(__name__)

CAPTURE_POLICY = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; form-action 'none'; frame-ancestors 'self'; base-uri 'none'"
)
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*['\"]?[^)'\"]*['\"]?\s*\)", re.IGNORECASE)
BANNER_ID = "portal-archive-banner"


@dataclass(frozen=True)
class CaptureRow:
    """The captures row, with the article it belongs to (if any) and its portal's name."""

    id: int
    url: str
    fetched_at: str | None
    http_status: int | None
    content_type: str | None
    body_gz: bytes | None
    article_id: str | None = None
    article_title: str | None = None
    portal_name: str | None = None


def body_bytes(body_gz: bytes | None) -> bytes:
    """The captured body, decompressed."""
    return gzip.decompress(body_gz) if body_gz else b""


def charset(content_type: str | None, body: bytes) -> str:
    """The body's character set: the Content-Type's, else a <meta> tag's, else UTF-8."""
    candidates = []
    if content_type and "charset=" in content_type.lower():
        candidates.append(content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'"))
    found = _CHARSET.search(body[:4096])
    if found:
        candidates.append(found.group(1).decode("ascii", "replace"))
    for name in candidates:
        try:
            return codecs.lookup(name).name
        except LookupError:
            logger.debug("unknown charset %r", name)
    return "utf-8"


def is_html(content_type: str | None) -> bool:
    """Whether a capture is an HTML page (an unknown type counts as one)."""
    return not content_type or "html" in content_type.lower()


def _urls(root: lxml.html.HtmlElement, base: str) -> list[str]:
    found = []
    for _element, _attribute, link, _pos in root.iterlinks():
        url = absolute(base, link)
        if url:
            found.append(url)
    return found


def _banner(capture: CaptureRow) -> str:
    when = vietnamese_datetime(capture.fetched_at) or "không rõ thời điểm"
    portal = f" ({escape(capture.portal_name)})" if capture.portal_name else ""
    article = ""
    if capture.article_id:
        title = escape(capture.article_title or capture.article_id)
        article = f' · <a href="{reader_url(capture.article_id)}">Đọc bài: {title}</a>'
    return (
        f'<div id="{BANNER_ID}" style="all:initial;display:block;position:relative;'
        "z-index:2147483647;"
        "background:#fff3c4;color:#222;border-bottom:2px solid #c9a400;padding:8px 12px;"
        'font:14px/1.4 sans-serif">'
        f"<strong>Bản lưu</strong> của kho lưu trữ, chụp lúc {escape(when)} từ "
        f"<code>{escape(capture.url)}</code>{portal}. Trang gốc có thể đã thay đổi hoặc ngừng "
        "hoạt động; các liên kết dẫn tới bản lưu khi có, các liên kết khác bị vô hiệu."
        f'{article} · <a href="/">Kho lưu trữ</a></div>'
    )


def rewrite_capture(conn, capture: CaptureRow) -> str:
    """The capture's HTML with every address rewritten into the archive and a banner on top."""
    body = body_bytes(capture.body_gz)
    text = body.decode(charset(capture.content_type, body), errors="replace")
    if not text.strip():
        text = "<html><body><p>(trang trống)</p></body></html>"
    root = lxml.html.document_fromstring(text)
    base = capture.url
    for element in root.iter("base"):
        base = absolute(capture.url, element.get("href")) or base
        element.drop_tree()
    links = ArchiveLinks.lookup(conn, _urls(root, base))
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag == "meta" and (element.get("http-equiv") or "").lower() in ("refresh", "set-cookie"):
            element.drop_tree()
            continue
        for attribute in ("src", "href", "action", "srcset", "data", "poster", "background"):
            value = element.get(attribute)
            if value is None:
                continue
            url = absolute(base, value) if attribute != "srcset" else None
            if tag == "a" and attribute == "href":
                target = links.page(url)
            elif tag in ("img", "link") and attribute in ("src", "href"):
                target = links.file(url)
            else:
                target = None
            if target:
                element.set(attribute, target)
            elif tag == "img" and attribute == "src" and value.strip().startswith("data:"):
                continue  # inline image data: no request
            else:
                del element.attrib[attribute]
                if tag == "a":
                    element.set("data-archive-disabled", value[:500])
        style = element.get("style")
        if style and "url(" in style.lower():
            element.set("style", _CSS_URL.sub("none", style))
    body_element = root.find("body")
    if body_element is None:
        body_element = lxml.html.Element("body")
        root.append(body_element)
    banner = lxml.html.fragment_fromstring(_banner(capture))
    body_element.insert(0, banner)
    return "<!DOCTYPE html>\n" + lxml.html.tostring(root, encoding="unicode")


def file_capture_page(capture: CaptureRow) -> str:
    """A page for a capture that is not HTML: the banner, the image itself if it is one, else
    what the file is (never a download of it)."""
    kind = (capture.content_type or "").lower()
    if kind.startswith("image/"):
        content = f'<p><img src="{raw_capture_url(capture.id)}" alt="{escape(capture.url)}"></p>'
    else:
        size = len(body_bytes(capture.body_gz))
        content = (
            f"<p>Tệp {escape(capture.content_type or 'không rõ định dạng')}, {size} byte: "
            "kho lưu trữ giữ nguyên tệp nhưng không hiển thị định dạng này.</p>"
        )
    if kind.startswith(RAW_TYPES) and not kind.startswith("image/"):
        content += f'<p><a href="{raw_capture_url(capture.id)}">Xem nội dung</a></p>'
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>Bản lưu {capture.id}</title></head><body>{_banner(capture)}{content}</body></html>"
    )
