"""Turn the bytes of a page into text, whatever its server claims about the encoding.

Vietnamese portals run on old servers: pages in windows-1258 are served as UTF-8 or with no label,
UTF-8 pages are labelled windows-1258 or latin-1, editors paste windows-1258 fragments into UTF-8
pages, and a few sites save UTF-16. :func:`decode_page` prefers what decodes cleanly:

1. a byte order mark (UTF-8, UTF-16 and UTF-32, either byte order);
2. the declared charset (HTTP ``Content-Type``, else the page's ``<meta>``), when it decodes
   without errors and the result is not mojibake (UTF-8 read as a single-byte code page, which
   gives ``Há»™i`` for ``Hội``): mojibake is re-decoded as UTF-8;
3. UTF-8 when the bytes are valid UTF-8; a page that is mostly UTF-8 with some stray single-byte
   bytes keeps its UTF-8 and reads the stray bytes as windows-1258;
4. otherwise the single-byte reading that gives the most Vietnamese text, windows-1258 first,
   then charset-normalizer's guess.

windows-1258 writes tones as combining marks, so the text comes out in NFC. Control characters
(C0 except tab, line feed and carriage return; C1) are removed: they are never text, and lxml
refuses some of them. When the encoding stays doubtful, :attr:`DecodedPage.problems` says which
encoding was assumed, for the record's ``problems``.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

from portal_spider.normalize.text import nfc_without_controls

logger = logging.getLogger(__name__)

__all__ = ["DecodedPage", "decode_page", "looks_like_mojibake"]

# longest first: the UTF-32 little-endian mark begins with the UTF-16 one
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# single-byte code pages UTF-8 bytes are wrongly read with
MOJIBAKE_SOURCES = ("cp1252", "cp1258", "latin-1")
SINGLE_BYTE_GUESSES = ("cp1258", "cp1252")
UNICODE_FAMILY = {"utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}
# how much of the non-ASCII text must be Vietnamese letters for a reading to be trusted
TRUSTED_VIETNAMESE_SHARE = 0.6
SNIFF_BYTES = 4096
# how much of a page the Vietnamese share is measured on (pages are long, readings differ early)
SHARE_SAMPLE = 256 * 1024
NON_ASCII_RE = re.compile("[^\x00-\x7f]")
# runs of code-page characters tried before a page is taken for mojibake (or not)
MOJIBAKE_RUNS_CHECKED = 200

# runs of the characters cp1252, windows-1258 and latin-1 give for bytes 0x80-0xFF: where UTF-8 was
# read with one of them, each multi-byte sequence became such a run (``ộ`` -> ``á»™``)
MOJIBAKE_RUN_RE = re.compile(
    "[\u0080-\u00ff\u0102\u0103\u0110\u0111\u01a0\u01a1\u01af\u01b0\u0300\u0301\u0303"
    "\u0309\u0323\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013"
    "\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ab\u20ac\u2122]{2,}"
)
# what cp1252, windows-1258 and latin-1 give for the bytes 0x80-0xBF, UTF-8's continuation bytes:
# a run with none of them cannot be UTF-8 read as one of those code pages (every multi-byte
# sequence holds one), so it is not tried (Vietnamese text is full of such runs: "ươ", "Đà")
CONTINUATION_CHARS = frozenset(
    bytes([byte]).decode(source, errors="ignore")
    for source in MOJIBAKE_SOURCES
    for byte in range(0x80, 0xC0)
) - {""}
VIETNAMESE_LETTERS = frozenset(
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
)
# typographic marks a Vietnamese page also uses outside ASCII
NEUTRAL_MARKS = frozenset("\u00a0\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u00ab\u00bb\u00b0•·")


@dataclass
class DecodedPage:
    """A page's text, the encoding it was read with, and doubts about that encoding."""

    text: str
    encoding: str
    problems: list[str] = field(default_factory=list)


def vietnamese_share(text: str) -> float:
    """The share of Vietnamese letters among the non-ASCII characters of ``text`` (NFC, its
    first :data:`SHARE_SAMPLE` characters); 1.0 when they are all ASCII."""
    counts = Counter(NON_ASCII_RE.findall(unicodedata.normalize("NFC", text[:SHARE_SAMPLE])))
    others = sum(n for ch, n in counts.items() if ch not in NEUTRAL_MARKS)
    if not others:
        return 1.0
    return sum(n for ch, n in counts.items() if ch in VIETNAMESE_LETTERS) / others


def _repaired_run(match: re.Match[str]) -> str:
    run = match.group(0)
    for source in MOJIBAKE_SOURCES:
        try:
            return run.encode(source).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return run


def repaired_mojibake(text: str) -> str | None:
    """The text again when (parts of) ``text`` are UTF-8 read as a single-byte code page, else
    None. Each run of code-page characters is tried on its own, so correct text around it stays.
    """
    if text.isascii():
        return None
    fixed = MOJIBAKE_RUN_RE.sub(_repaired_run, text)
    return fixed if fixed != text else None


def looks_like_mojibake(text: str) -> bool:
    """Whether ``text`` reads as UTF-8 bytes decoded with cp1252, windows-1258 or latin-1 (its
    first :data:`MOJIBAKE_RUNS_CHECKED` runs of code-page characters are tried)."""
    for count, match in enumerate(MOJIBAKE_RUN_RE.finditer(text)):
        if count >= MOJIBAKE_RUNS_CHECKED:
            break
        run = match.group(0)
        if not CONTINUATION_CHARS.isdisjoint(run) and _repaired_run(match) != run:
            return True
    return False


def declared_encoding(body: bytes, content_type: str | bytes | None) -> str | None:
    """The charset the server or the page declares (a Python codec name), or None."""
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    for found in (
        http_content_type_encoding(content_type) if content_type else None,
        html_body_declared_encoding(body[:SNIFF_BYTES]),
    ):
        if found:
            try:
                return codecs.lookup(found).name
            except LookupError:
                logger.debug("unknown charset %r declared", found)
    return None


def _stray_bytes_as_cp1258(error: UnicodeError) -> tuple[str, int]:
    """A decode error handler: bytes that are not UTF-8 are read as windows-1258."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    chunk = error.object[error.start : error.end]
    return chunk.decode("cp1258", errors="replace"), error.end


codecs.register_error("portal_archive_cp1258", _stray_bytes_as_cp1258)


def _finish(text: str, encoding: str, problems: list[str]) -> DecodedPage:
    text = nfc_without_controls(text)
    return DecodedPage(text=text, encoding=encoding, problems=problems)


def _from_bom(body: bytes) -> DecodedPage | None:
    for bom, encoding in BOMS:
        if body.startswith(bom):
            text = body[len(bom) :].decode(encoding, errors="replace")
            problems = []
            if "\ufffd" in text:
                problems.append(f"charset: bytes invalid in {encoding} (after its byte order mark)")
            return _finish(text, encoding, problems)
    return None


def _bomless_utf16(body: bytes) -> str | None:
    """UTF-16 without a byte order mark, told by the NUL bytes beside ASCII markup."""
    head = body[:SNIFF_BYTES]
    if head.count(b"\x00") < len(head) // 3:
        return None
    if head.startswith(b"<\x00"):
        return "utf-16-le"
    if head.startswith(b"\x00<"):
        return "utf-16-be"
    return None


def _utf8_with_strays(body: bytes, declared: str | None) -> DecodedPage | None:
    """Mostly-UTF-8 bytes with stray single-byte ones, when that reads better than one code page.

    A windows-1258 page can hold a few byte pairs that happen to be valid UTF-8: the page counts
    as mixed only when keeping its UTF-8 gives at least as much Vietnamese text as reading it all
    as windows-1258.
    """
    if body.decode("utf-8", errors="ignore").isascii():
        return None
    mixed = body.decode("utf-8", errors="portal_archive_cp1258")
    single = body.decode("cp1258", errors="replace")
    if vietnamese_share(mixed) < vietnamese_share(single):
        return None
    label = f" (declared {declared})" if declared else ""
    return _finish(
        mixed, "utf-8", [f"charset: mixed encodings{label}: UTF-8 with bytes read as windows-1258"]
    )


def _single_byte(body: bytes, declared: str | None) -> DecodedPage:
    """The single-byte reading with the most Vietnamese text."""
    readings: list[tuple[float, str, str]] = []
    for encoding in SINGLE_BYTE_GUESSES:
        text = body.decode(encoding, errors="replace")
        readings.append((vietnamese_share(text), encoding, text))
        if readings[-1][0] >= TRUSTED_VIETNAMESE_SHARE:
            break
    else:
        guess = from_bytes(body[: 64 * 1024]).best()
        if guess is not None and guess.encoding not in SINGLE_BYTE_GUESSES:
            try:
                text = body.decode(guess.encoding, errors="replace")
            except LookupError:
                text = ""
            if text:
                readings.append((vietnamese_share(text), guess.encoding, text))
    share, encoding, text = max(readings, key=lambda reading: reading[0])
    problems = []
    if share < TRUSTED_VIETNAMESE_SHARE:
        label = f", declared {declared}" if declared else ", none declared"
        problems.append(f"charset: encoding uncertain, read as {encoding}{label}")
    return _finish(text, encoding, problems)


def decode_page(body: bytes, content_type: str | bytes | None = None) -> DecodedPage:
    """The text of a page's bytes (NFC, no control characters), and doubts about its charset."""
    found = _from_bom(body)
    if found is not None:
        return found
    utf16 = _bomless_utf16(body)
    if utf16 is not None:
        return _finish(
            body.decode(utf16, errors="replace"),
            utf16,
            [f"charset: no byte order mark, read as {utf16}"],
        )
    declared = declared_encoding(body, content_type)
    if declared is not None and declared not in UNICODE_FAMILY:
        try:
            text = body.decode(declared)
        except UnicodeDecodeError:
            text = None
        if text is not None:
            if not looks_like_mojibake(text):
                return _finish(text, declared, [])
            logger.debug("page declared %s holds UTF-8; read as UTF-8", declared)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        if looks_like_mojibake(text):  # UTF-8 once read as a code page and saved as UTF-8 again
            text = repaired_mojibake(text) or text
        return _finish(text, "utf-8", [])
    mixed = _utf8_with_strays(body, declared)
    if mixed is not None:
        return mixed
    return _single_byte(body, declared)
