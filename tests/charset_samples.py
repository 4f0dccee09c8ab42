"""Pages in the wrong charset, as misconfigured portals serve them, for the decoder's tests.

windows-1258 has no precomposed letters for most tones: its encoder here writes the base letter
(with its circumflex, breve or horn) and the tone as a combining mark, as Vietnamese Windows does.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
META_CHARSET = re.compile(r"<meta[^>]*charset[^>]*>", re.IGNORECASE)


def to_cp1258(text: str) -> bytes:
    """``text`` in windows-1258 (tones as combining marks); unencodable characters become ``?``."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        out += base.encode("cp1258", errors="replace") + tones.encode("cp1258", errors="replace")
    return bytes(out)


def labelled(html: str, charset: str | None) -> str:
    """``html`` with its ``<meta charset>`` replaced by one naming ``charset`` (none if None)."""
    html = META_CHARSET.sub("", html)
    if charset is None:
        return html
    return re.sub(
        r"<head[^>]*>", lambda m: f'{m.group(0)}<meta charset="{charset}">', html, count=1
    )


def mislabelled_variants(html: str) -> dict[str, tuple[bytes, str]]:
    """The page as bytes with a Content-Type, per way portals get its charset wrong (or odd)."""
    page = labelled(html, "utf-8")
    half = len(page) // 2
    return {
        "cp1258 labelled utf-8": (to_cp1258(page), "text/html; charset=utf-8"),
        "cp1258 unlabelled": (to_cp1258(labelled(html, None)), "text/html"),
        "cp1258 labelled cp1258": (
            to_cp1258(labelled(html, "windows-1258")),
            "text/html; charset=windows-1258",
        ),
        "utf-8 labelled cp1258": (
            labelled(html, "windows-1258").encode("utf-8"),
            "text/html; charset=windows-1258",
        ),
        "utf-8 labelled latin-1": (
            labelled(html, "iso-8859-1").encode("utf-8"),
            "text/html; charset=iso-8859-1",
        ),
        "utf-8 unlabelled": (labelled(html, None).encode("utf-8"), "text/html"),
        "utf-16le with bom": (
            codecs.BOM_UTF16_LE + labelled(html, None).encode("utf-16-le"),
            "text/html",
        ),
        "utf-16be with bom labelled utf-8": (
            codecs.BOM_UTF16_BE + labelled(html, "utf-8").encode("utf-16-be"),
            "text/html; charset=utf-8",
        ),
        "utf-32 with bom": (labelled(html, None).encode("utf-32"), "text/html"),
        "utf-8 with bom labelled cp1258": (
            codecs.BOM_UTF8 + labelled(html, "windows-1258").encode("utf-8"),
            "text/html; charset=windows-1258",
        ),
        "mixed utf-8 and cp1258": (
            page[:half].encode("utf-8") + to_cp1258(page[half:]),
            "text/html; charset=utf-8",
        ),
        "utf-8 read as latin-1 and saved again": (
            page.encode("utf-8").decode("latin-1").encode("utf-8"),
            "text/html; charset=utf-8",
        ),
    }
