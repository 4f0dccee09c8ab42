"""Parse article view counters as Vietnamese portals print them.

Counters come as ``4829 lượt xem``, ``Lượt xem: 1.234``, ``Số lần xem: 12``, ``(56)``, with ``.``
(sometimes ``,`` or a space) as the thousands separator. Site-wide counters (``Lượt truy cập``,
``Đang online`` ...) are not article views and are not recognised here.
"""

from __future__ import annotations

import re

from .text import clean_text

__all__ = ["parse_view_count"]

_VIEW_LABELS = (
    r"số\s+lần\s+xem",
    r"số\s+lượt\s+xem",
    r"lượt\s+xem",
    r"lượt\s+đọc",
    r"đã\s+xem",
    r"lần\s+xem",
    r"views?",
)
_LABEL_ALT = "|".join(_VIEW_LABELS)
_LABEL_RE = re.compile(rf"(?:{_LABEL_ALT})\s*[:：]?", re.IGNORECASE)

# A count: plain digits, or groups of three separated consistently by ".", "," or a space.
_NUMBER = r"\d{1,3}(?:(?P<sep>[.,\s])\d{3})(?:(?P=sep)\d{3})*|\d+"
# A count is not followed by more digits or by a date/time/decimal continuation.
_NUMBER_END = r"(?!\d)(?![.,/:-]\d)"
_WHOLE_NUMBER_RE = re.compile(rf"(?:{_NUMBER})")
_AFTER_LABEL_RE = re.compile(
    rf"(?:{_LABEL_ALT})\s*[:：]?\s*[(\[]?\s*(?P<num>(?<!\d)(?:{_NUMBER})){_NUMBER_END}",
    re.IGNORECASE,
)
_BEFORE_LABEL_RE = re.compile(
    rf"(?<![\d.,/:-])(?P<num>(?:{_NUMBER})){_NUMBER_END}\s*[)\]]?\s*(?:{_LABEL_ALT})",
    re.IGNORECASE,
)
_EDGE_JUNK_RE = re.compile(r"^[^\w]+|[^\w]+$")


def _to_int(number: str) -> int:
    return int(re.sub(r"[.,\s]", "", number))


def _bare_number(text: str) -> str:
    """Drop view labels and surrounding punctuation/icons, leaving what should be the number."""
    without_labels = _LABEL_RE.sub(" ", text)
    return _EDGE_JUNK_RE.sub("", without_labels).strip()


def parse_view_count(raw: str | None) -> int | None:
    """Return the view count in ``raw`` or ``None`` when it holds no count.

    ``"4829 lượt xem"`` -> 4829, ``"Lượt xem: 1.234"`` -> 1234, ``"(56)"`` -> 56,
    ``"lượt xem"`` -> None, ``"14/07/2023"`` -> None.
    """
    text = clean_text(raw)
    if not text:
        return None
    bare = _bare_number(text)
    if _WHOLE_NUMBER_RE.fullmatch(bare):
        return _to_int(bare)
    for pattern in (_AFTER_LABEL_RE, _BEFORE_LABEL_RE):
        match = pattern.search(text)
        if match:
            return _to_int(match.group("num"))
    return None
