"""Text clean-up for strings extracted from Vietnamese portal pages.

Everything stored in the archive goes through these helpers: Unicode is normalised to NFC
(portals mix precomposed and decomposed Vietnamese, sometimes on one page), invisible and control
characters (C0 but tab and line breaks, C1) are removed and whitespace is collapsed.
``fold_vietnamese`` builds the accent-free form used by search indexes, where ``đ``/``Đ`` must
become ``d``/``D`` explicitly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

__all__ = [
    "clean_multiline",
    "CleanText",
    "clean_text",
    "fold_vietnamese",
    "nfc",
    "nfc_without_controls",
    "strip_controls",
    "strip_label",
    "utf8_has_control",
]

# Characters that carry no text: zero-width space/joiners, word joiner, BOM, soft hyphen.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# Control characters that are not whitespace: C0 but tab, line feed, vertical tab, form feed,
# carriage return and the information separators (\x1c-\x1f, whitespace to Python); DEL; C1 but
# NEL (\x85, a line break). Whitespace controls are collapsed by the rules below instead.
_CONTROLS = "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f"
_CONTROL_RE = re.compile(f"[{_CONTROLS}]")
# Both sets, removed in one pass where text is cleaned.
_REMOVED_RE = re.compile(f"[{_INVISIBLE}{_CONTROLS}]")
# The whitespace controls, which become a space where text is not collapsed.
_WHITESPACE_CONTROL_RE = re.compile("[\x0b\x0c\x1c-\x1f\x85]")
# either of the two above
_ANY_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The same characters in UTF-8: the C0 ones and DEL are single bytes (no other character's
# encoding holds a byte below 0x80), the C1 ones are 0xC2 followed by 0x80-0x9F (0xC2 only ever
# starts a character). Looked for in the bytes of a long text: deleting bytes and finding a
# literal are fast scans, a character class over a whole page is not.
_C0_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_C1_CONTROL_UTF8_RE = re.compile(b"\xc2[\x80-\x9f]")
_LONG_TEXT = 512  # characters; below, one scan of the text is cheaper than encoding it
# Whitespace that stays inside one line (everything in \s except the line break itself).
_INLINE_WHITESPACE_RE = re.compile(r"[^\S\n]+")
_LINE_BREAK_RE = re.compile("\r\n|[\r\v\f\x85\u2028\u2029]")
_BLANK_LINES_RE = re.compile(r"\n{3,}")

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(s: str) -> str:
    """Return ``s`` in Unicode normalisation form NFC (precomposed)."""
    return unicodedata.normalize("NFC", s)


def _has_control(s: str) -> bool:
    """Whether ``s`` holds a character of ``_ANY_CONTROL_RE``."""
    if len(s) < _LONG_TEXT:
        return _ANY_CONTROL_RE.search(s) is not None
    return utf8_has_control(s.encode("utf-8", "surrogatepass"))


def utf8_has_control(encoded: bytes) -> bool:
    """Whether the text of the UTF-8 bytes ``encoded`` holds a character that
    :func:`strip_controls` removes or replaces."""
    if len(encoded.translate(None, _C0_CONTROL_BYTES)) != len(encoded):
        return True
    return _C1_CONTROL_UTF8_RE.search(encoded) is not None


def strip_controls(s: str) -> str:
    """``s`` with no C0 or C1 control character but tab, line feed and carriage return.

    NUL, ESC, DEL and the like are removed; vertical tab, form feed, the information separators
    and NEL become a space. For strings not cleaned otherwise (body HTML, raw values, URLs).
    """
    if not _has_control(s):
        return s  # the usual case: one scan instead of two substitutions over a whole page
    return _WHITESPACE_CONTROL_RE.sub(" ", _CONTROL_RE.sub("", s))


class CleanText(str):
    """A text that :func:`nfc_without_controls` made: NFC, with no control character. Cleaning it
    again would give it back unchanged, so it is not scanned again (a page's text goes through
    the decoder, the page object and the parser, tens of kilobytes each time)."""

    __slots__ = ()


def nfc_without_controls(s: str) -> CleanText:
    """``strip_controls(nfc(s))``, marked as clean; a text already marked is returned as it is."""
    if type(s) is CleanText:
        return s
    return CleanText(strip_controls(nfc(s)))


def _remove_invisible(s: str) -> str:
    return _REMOVED_RE.sub("", s)


def clean_text(s: str | None) -> str | None:
    """Normalise a single-line string: NFC, no invisible or control characters, one space
    between words.

    Every run of whitespace (line breaks included) becomes one space and the ends are stripped.
    ``None`` stays ``None``; whitespace-only input gives ``''``.
    """
    if s is None:
        return None
    if len(s) <= _CACHED_LENGTH:
        return _clean_short_text(s)
    return _clean_text(s)


def _clean_text(s: str) -> str:
    # str.split() splits at the characters ``\s`` matches and drops the ends: runs become one space
    return " ".join(_remove_invisible(nfc(s)).split())


# A page's short texts (labels, dates, headings, menu items) are cleaned again by several rules,
# and pages of one portal share most of them: short strings are cleaned once.
_CACHED_LENGTH = 200
_clean_short_text = lru_cache(maxsize=8192)(_clean_text)


def clean_multiline(s: str | None) -> str | None:
    """Like :func:`clean_text` but keep line and paragraph structure.

    Each line is cleaned and stripped; single line breaks are kept; paragraphs are separated by
    exactly one blank line; there are no leading or trailing blank lines.
    """
    if s is None:
        return None
    text = _LINE_BREAK_RE.sub("\n", _remove_invisible(nfc(s)))
    lines = [_INLINE_WHITESPACE_RE.sub(" ", line).strip() for line in text.split("\n")]
    joined = "\n".join(lines)
    return _BLANK_LINES_RE.sub("\n\n", joined).strip("\n")


def fold_vietnamese(s: str | None) -> str | None:
    """Remove diacritics and map ``đ``/``Đ`` to ``d``/``D`` (for search indexes).

    ``"Đảng ủy"`` -> ``"Dang uy"``. NFC and NFD input give the same output.
    """
    if s is None:
        return None
    decomposed = unicodedata.normalize("NFD", s)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return nfc(stripped.translate(_FOLD_EXTRA))


def _label_pattern(label: str) -> re.Pattern[str] | None:
    words = nfc(label).strip().rstrip(":：").split()
    if not words:
        return None
    body = r"\s+".join(re.escape(word) for word in words)
    return re.compile(body + r"(?:\s*[:：]\s*|\s+|$)", re.IGNORECASE)


def strip_label(s: str, labels: Iterable[str]) -> str:
    """Remove one leading label such as ``"Nguồn:"`` or ``"Theo"`` from ``s``.

    Matching is case-insensitive and respects accents (both sides are NFC-normalised). The label
    must be followed by a colon, whitespace or the end of the string, so ``"Theo"`` does not eat
    the start of ``"Theodore"``. Longer labels are tried first. The result is NFC and stripped.
    """
    text = nfc(s).strip()
    for label in sorted(labels, key=len, reverse=True):
        pattern = _label_pattern(label)
        if pattern is None:
            continue
        match = pattern.match(text)
        if match:
            return text[match.end() :].strip()
    return text
