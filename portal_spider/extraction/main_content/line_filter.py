"""Which lines of an extracted body are article text: the head, widgets and trailing lists go.

The lines are judged by their words alone: the title and the date line at the top, print /
read-aloud / share widgets, "Các tin khác"-style trailing lists, view counters and a trailing
"Nguồn: ..." line are not body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from portal_spider.extraction.dates import is_date_stamp_line
from portal_spider.extraction.vocabulary import (
    BOILERPLATE_LINE_RE,
    BREADCRUMB_LINE_RE,
    BUTTON_ROW_VIEWS_RE,
    FOOTER_LINE_RE,
    PUNCT_ONLY_RE,
    SOURCE_LINE_RE,
    TRAILING_SECTION_RE,
    WIDGET_PHRASES,
    key,
    normalize_line,
)

# the widget phrases between spaces, as they are looked for in a line, longest first
_WIDGETS_LONGEST_FIRST = [f" {phrase} " for phrase in sorted(WIDGET_PHRASES, key=len, reverse=True)]
_WIDGET_PUNCTUATION_RE = re.compile(r"[|/•·,;:：()\[\]]")
WIDGET_LINE_CHARS = 80  # a line of widget labels is shorter than this
HEAD_LINES = 4  # title, date and widget lines are dropped among the first this many lines


def _is_widget_line(line: str) -> bool:
    """True when *line* only consists of widget labels such as "In  Đọc bài  Gửi email".

    A view counter printed among the buttons ("[In trang]  Số lần xem: 1.234") is one of them.
    """
    if len(line) >= WIDGET_LINE_CHARS:
        return False
    rest = f" {BUTTON_ROW_VIEWS_RE.sub(' ', line.casefold())} "
    rest = _WIDGET_PUNCTUATION_RE.sub(" ", rest)
    for phrase in _WIDGETS_LONGEST_FIRST:
        while phrase in rest:
            rest = rest.replace(phrase, " ")
    return PUNCT_ONLY_RE.match(rest.strip()) is not None


def is_boilerplate_line(line: str) -> bool:
    """True for a portal widget line that never belongs to an article body."""
    if not line or PUNCT_ONLY_RE.match(line):
        return True
    return _is_widget_line(line) or BOILERPLATE_LINE_RE.match(line) is not None


def _is_title(line: str, titles: Iterable[str]) -> bool:
    """True when *line* repeats the page title (or one ``|``/``-`` separated part of it)."""
    line_key = key(line)
    return bool(line_key) and any(line_key == key(title) for title in titles)


def _drop_head(lines: list[str], titles: list[str]) -> int:
    """Return how many leading lines are the title, the date line or widgets."""
    index = 0
    while index < min(len(lines), HEAD_LINES):
        line = lines[index]
        if not (
            _is_title(line, titles)
            or is_date_stamp_line(line)
            or is_boilerplate_line(line)
            or BREADCRUMB_LINE_RE.match(line)
            or TRAILING_SECTION_RE.match(line)
        ):
            break
        index += 1
    return index


def _trailing_cut(lines: list[str]) -> int:
    """Index where a trailing "Các tin khác" section starts (``len(lines)`` if none)."""
    for index, line in enumerate(lines):
        if index > 0 and TRAILING_SECTION_RE.match(line):
            return index
    return len(lines)


def _drop_tail(lines: list[str]) -> int:
    """Return the new length of *lines* after removing a trailing source/date/widget run."""
    end = len(lines)
    while end > 0:
        line = lines[end - 1]
        if not (
            SOURCE_LINE_RE.match(line)
            or FOOTER_LINE_RE.match(line)
            or is_date_stamp_line(line)
            or is_boilerplate_line(line)
        ):
            break
        end -= 1
    return end


def filter_blocks(lines: list[str], titles: Iterable[str] = ()) -> list[bool]:
    """Decide for every line of an extracted body whether it is kept."""
    title_list = [t for t in titles if t]
    start = _drop_head(lines, title_list)
    stop = _trailing_cut(lines)
    keep = [start <= i < stop and not is_boilerplate_line(line) for i, line in enumerate(lines)]
    kept_indices = [i for i, flag in enumerate(keep) if flag]
    tail_len = _drop_tail([lines[i] for i in kept_indices])
    for index in kept_indices[tail_len:]:
        keep[index] = False
    return keep


def strip_portal_boilerplate(text: str, titles: Iterable[str] = ()) -> str:
    """Remove portal widget lines, title/date head and a trailing "Nguồn:" line from *text*.

    *text* is split into lines (blank lines ignored); the kept lines are joined with one
    blank line between them.
    """
    lines = [normalize_line(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    keep = filter_blocks(lines, titles)
    return "\n\n".join(line for line, flag in zip(lines, keep, strict=True) if flag)
