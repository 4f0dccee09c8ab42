"""Parse publication dates as Vietnamese government portals print them.

Portals print local time (UTC+7) in many shapes: ``14/07/2023 8:00:02 SA`` (.NET vi-VN, 12-hour
clock with SA = AM and CH = PM), ``Thứ Sáu, 14/07/2023 - 08:00``, ``14-07-2023 | 08:00``,
``Ngày 14 tháng 7 năm 2023``, ``14 Tháng Bảy, 2023``, ISO 8601 in meta tags, often behind labels
such as ``Cập nhật:`` or ``(GMT+7)``.

Strategy: a regex scanner finds date-shaped substrings (numeric day-month-year, year-month-day,
Vietnamese "ngày … tháng … năm …") with an optional time after or before them, and builds the
datetime itself, exactly and fast. Only when the scanner finds nothing date-shaped is the
(short, label-stripped) string handed to ``dateparser``. A string without a full date
(day, month and year) gives ``None``: there is never a fallback to "now".
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import dateparser

from .text import clean_text

__all__ = [
    "VN_TZ",
    "find_dates",
    "normalize_published",
    "parse_vi_datetime",
    "to_iso",
]

logger = logging.getLogger(__name__)

VN_TZ = timezone(timedelta(hours=7))
"""Vietnam local time. A fixed offset so that output always reads ``+07:00``."""

_MIN_YEAR = 1900
_MAX_YEAR = 2100
# Longer strings are not handed to dateparser: slow and prone to false positives.
_DATEPARSER_MAX_LEN = 80
# Bare runs of numbers ("1 2 2023") are not dates worth guessing: dateparser only sees strings
# with a letter (a month name) or a date separator (e.g. a two-digit year "14/07/23").
_WORTH_DATEPARSER_RE = re.compile(r"[^\W\d_]|\d[/.\-]\d")

_MONTH_NAMES: dict[str, int] = {
    "mười một": 11,
    "mười hai": 12,
    "giêng": 1,
    "một": 1,
    "hai": 2,
    "ba": 3,
    "tư": 4,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
    "chạp": 12,
}
_MONTH_NAME_ALT = "|".join(
    r"\s+".join(name.split()) for name in sorted(_MONTH_NAMES, key=len, reverse=True)
)

_TIME = (
    r"(?<!\d)(?P<hour>\d{1,2})(?::|h|g)(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,]\d+)?)?(?!\d)"
    r"(?:\s*(?P<ampm>SA|CH|AM|PM|A\.M\.|P\.M\.|sáng|chiều|tối)(?!\w))?"
)
_TZ = (
    r"(?:\s*\(?\s*(?P<tz>Z(?!\w)|[+-]\d{2}:?\d{2}(?!\d)"
    r"|(?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d{2})?|GMT(?!\w)|UTC(?!\w))(?:\s*\))?)?"
)
_FLAGS = re.IGNORECASE

_TIME_AFTER_RE = re.compile(r"(?:\s*(?:[-–—|,]|lúc|vào\s+lúc)\s*|\s+|T)" + _TIME + _TZ, _FLAGS)
_TIME_BEFORE_RE = re.compile(_TIME + r"\s*(?:[-–—|,]\s*)?(?:ngày\s+)?$", _FLAGS)
_TIME_BEFORE_WINDOW = 40

_DMY_RE = re.compile(
    r"(?<![\d/])(?P<first>\d{1,2})(?P<sep>[/.\-])(?P<second>\d{1,2})(?P=sep)(?P<year>\d{4})(?!\d)",
    _FLAGS,
)
_YMD_RE = re.compile(
    r"(?<![\d/])(?P<year>\d{4})(?P<sep>[/.\-])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})(?!\d)",
    _FLAGS,
)
_TEXTUAL_RE = re.compile(
    r"(?:ngày\s+)?(?<!\d)(?P<day>\d{1,2})\s+tháng\s+"
    rf"(?P<month>\d{{1,2}}(?!\d)|(?:{_MONTH_NAME_ALT})(?!\w))"
    r"(?:\s*,\s*|\s+năm\s+|\s*/\s*|\s+)(?P<year>\d{4})(?!\d)",
    _FLAGS,
)

_LABELS_RE = re.compile(
    r"ngày\s+cập\s+nhật|cập\s+nhật|ngày\s+đăng|đăng\s+ngày|đăng\s+lúc|ngày\s+xuất\s+bản"
    r"|\(?\s*GMT\s*\+\s*0?7(?::?00)?\s*\)?"
    r"|thứ\s+(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])(?!\w)|chủ\s+nhật",
    _FLAGS,
)
_SEPARATORS_RE = re.compile(r"\s+[-–—]\s+|\s*[|,:]\s*(?!\d)")

_DATEPARSER_SETTINGS_BASE: dict[str, object] = {
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "REQUIRE_PARTS": ["day", "month", "year"],
    "TIMEZONE": "Asia/Ho_Chi_Minh",
    "TO_TIMEZONE": "Asia/Ho_Chi_Minh",
    # No relative dates ("hôm nay") and no unix timestamps: both would invent a date.
    "PARSERS": ["custom-formats", "absolute-time"],
    "STRICT_PARSING": False,
}


@dataclass(frozen=True)
class _Found:
    """A date-shaped substring: its span and the match objects that make it up."""

    start: int
    end: int
    kind: str
    date: re.Match[str]
    time: re.Match[str] | None


def _scan_dates(text: str) -> list[tuple[int, int, str, re.Match[str]]]:
    """All date matches (without time), in text order, overlaps removed."""
    hits = [
        (m.start(), m.end(), kind, m)
        for kind, pattern in (("dmy", _DMY_RE), ("ymd", _YMD_RE), ("textual", _TEXTUAL_RE))
        for m in pattern.finditer(text)
    ]
    hits.sort(key=lambda hit: (hit[0], -hit[1]))
    kept: list[tuple[int, int, str, re.Match[str]]] = []
    for hit in hits:
        if not kept or hit[0] >= kept[-1][1]:
            kept.append(hit)
    return kept


def _attach_time(text: str, start: int, end: int) -> tuple[int, int, re.Match[str] | None]:
    """Find the time printed right after (preferred) or right before a date span."""
    after = _TIME_AFTER_RE.match(text, end)
    if after:
        return start, after.end(), after
    window_start = max(0, start - _TIME_BEFORE_WINDOW)
    before = _TIME_BEFORE_RE.search(text[window_start:start])
    if before:
        return window_start + before.start(), end, before
    return start, end, None


def _find(text: str) -> list[_Found]:
    found: list[_Found] = []
    for start, end, kind, date_match in _scan_dates(text):
        span_start, span_end, time_match = _attach_time(text, start, end)
        found.append(_Found(span_start, span_end, kind, date_match, time_match))
    return found


def find_dates(text: str) -> list[str]:
    """Substrings of ``text`` (after NFC normalisation) that look like dates, in order.

    Each substring includes an adjacent time (and offset) when one is printed next to the date,
    e.g. ``"14/07/2023 8:00:02 SA"`` or ``"08:00 ngày 14/07/2023"``.
    """
    cleaned = clean_text(text) or ""
    return [cleaned[f.start : f.end] for f in _find(cleaned)]


def _month_number(token: str) -> int:
    if token.isdigit():
        return int(token)
    return _MONTH_NAMES.get(" ".join(token.lower().split()), 0)


def _ymd(found: _Found, day_first: bool) -> tuple[int, int, int]:
    m = found.date
    if found.kind == "dmy":
        first, second = int(m.group("first")), int(m.group("second"))
        day, month = (first, second) if day_first else (second, first)
        return int(m.group("year")), month, day
    if found.kind == "ymd":
        return int(m.group("year")), int(m.group("month")), int(m.group("day"))
    return int(m.group("year")), _month_number(m.group("month")), int(m.group("day"))


def _hour_24(hour: int, ampm: str | None) -> int:
    """Apply a 12-hour marker: 12 SA -> 0, 12 CH -> 12, 1..11 CH -> 13..23."""
    if ampm is None or hour > 12:
        return hour
    is_pm = ampm.lower().replace(".", "") in {"ch", "pm", "chiều", "tối"}
    if is_pm:
        return hour if hour == 12 else hour + 12
    return 0 if hour == 12 else hour


def _offset(tz: str | None) -> timezone:
    """Offset named by a printed zone (``Z``, ``+07:00``, ``GMT+7``); local time when absent."""
    if not tz:
        return VN_TZ
    match = re.search(r"([+-])\s*(\d{1,2}):?(\d{2})?", tz)
    if not match:
        return timezone.utc  # "Z", "GMT", "UTC"
    sign = -1 if match.group(1) == "-" else 1
    delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
    return timezone(sign * delta)


def _build(found: _Found, day_first: bool) -> datetime | None:
    year, month, day = _ymd(found, day_first)
    hour = minute = second = 0
    tz = None
    if found.time is not None:
        t = found.time
        hour = _hour_24(int(t.group("hour")), t.group("ampm"))
        minute, second = int(t.group("minute")), int(t.group("second") or 0)
        tz = t.groupdict().get("tz")
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        local = datetime(year, month, day, hour, minute, second, tzinfo=_offset(tz))
    except ValueError:
        return None
    return local.astimezone(VN_TZ)


def _preclean(text: str) -> str:
    """Drop labels, weekday names, ``(GMT+7)`` and separators before dateparser sees the text."""
    without_labels = _LABELS_RE.sub(" ", text)
    return " ".join(_SEPARATORS_RE.sub(" ", without_labels).split())


def _dateparser_settings(day_first: bool) -> dict[str, object]:
    return {**_DATEPARSER_SETTINGS_BASE, "DATE_ORDER": "DMY" if day_first else "MDY"}


def _with_dateparser(text: str, day_first: bool) -> datetime | None:
    cleaned = _preclean(text)
    if (
        not cleaned
        or len(cleaned) > _DATEPARSER_MAX_LEN
        or not _WORTH_DATEPARSER_RE.search(cleaned)
    ):
        return None
    try:
        parsed = dateparser.parse(
            cleaned, languages=["vi"], settings=_dateparser_settings(day_first)
        )
    except (ValueError, OverflowError, TypeError) as exc:
        logger.debug("dateparser failed on %r: %s", cleaned, exc)
        return None
    if parsed is None or not _MIN_YEAR <= parsed.year <= _MAX_YEAR:
        return None
    return parsed.replace(tzinfo=None, microsecond=0).replace(tzinfo=VN_TZ)


def parse_vi_datetime(raw: str | None, *, day_first: bool = True) -> datetime | None:
    """Parse a Vietnamese portal date/time into an aware datetime at ``+07:00``.

    Returns ``None`` when ``raw`` holds no complete date (day, month and year). When the text
    holds several dates the first valid one wins. ``day_first`` sets the order of numeric
    ``dd/MM/yyyy`` dates (``False`` reads ``MM/dd/yyyy``); an impossible date under that order
    gives ``None`` rather than a silent swap. A date without a time is midnight.
    """
    text = clean_text(raw)
    if not text or not any(ch.isdigit() for ch in text):
        return None
    candidates = _find(text)
    for found in candidates:
        result = _build(found, day_first)
        if result is not None:
            return result
    if candidates:
        return None
    return _with_dateparser(text, day_first)


def to_iso(dt: datetime | None) -> str | None:
    """ISO 8601 with seconds and offset, at ``+07:00``: ``2023-07-14T08:00:02+07:00``.

    A naive datetime is taken to be Vietnam local time.
    """
    if dt is None:
        return None
    aware = dt.replace(tzinfo=VN_TZ) if dt.tzinfo is None else dt.astimezone(VN_TZ)
    return aware.replace(microsecond=0).isoformat(timespec="seconds")


def normalize_published(raw: str | None, *, day_first: bool = True) -> str | None:
    """``to_iso(parse_vi_datetime(raw, day_first=day_first))``."""
    return to_iso(parse_vi_datetime(raw, day_first=day_first))
