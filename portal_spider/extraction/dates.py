"""Dates printed on a page: where they are, what their label says, which is the publication date.

Two predicates tell a line that is only a date, and they differ on purpose: the main-content
extractor's :func:`is_date_stamp_line` (any date format, English ones too, with words such as
"Posted on ... by" ignored) and the page-object rules' :func:`is_date_only_line` (a Vietnamese or
numeric date with at most one other word). Merging them changes records of the fixture and
benchmark pages, so each keeps its callers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from portal_spider.extraction.article_header import header_elements
from portal_spider.extraction.chrome import in_chrome, in_headline_list
from portal_spider.extraction.html_tree import short_text
from portal_spider.extraction.vocabulary import (
    DATE_LINE_NOISE_RE,
    DATE_NOISE_RE,
    DATE_RE,
    MODIFIED_LABEL_RE,
    PUBLISH_LABEL_RE,
    WEEKDAY_TAIL_RE,
    word_count,
)
from portal_spider.normalize.dates_vi import find_dates, parse_vi_datetime
from portal_spider.normalize.text import clean_text

LABEL_CHARS = 40  # the label of a date: at most this many characters before it
DATE_ONLY_LINE_CHARS = 90  # a date-only line is at most this long (page-object rules)
DATE_STAMP_LINE_CHARS = 80  # a date stamp line is at most this long (main-content extractor)


@dataclass
class DateCandidate:
    """A date printed on the page: the raw string, the label before it, where it was found."""

    raw: str
    label: str
    element: HtmlElement | None = None

    @property
    def has_time(self) -> bool:
        return bool(re.search(r"\d{1,2}\s*(?::|h|g)\s*\d{2}", self.raw))


def dates_in(element: HtmlElement) -> list[DateCandidate]:
    """Dates printed in an element (or its ``datetime`` attribute), with their labels."""
    found: list[DateCandidate] = []
    text = short_text(element)
    for raw in find_dates(text):
        before = text[: text.find(raw)] if raw in text else ""
        label = WEEKDAY_TAIL_RE.sub("", before)[-LABEL_CHARS:]
        found.append(DateCandidate(raw=raw, label=label, element=element))
    return found


def header_date(title: HtmlElement, body: HtmlElement | None) -> DateCandidate | None:
    """The publication date printed in the article's own header, near its title.

    A date labelled as the publication date wins over one labelled as a modification; sidebars
    and lists of other articles are never read.
    """
    candidates: list[DateCandidate] = []
    seen: set[int] = set()
    for element in header_elements(title, body):
        if not isinstance(element.tag, str) or element.tag in {"script", "style", "a"}:
            continue
        if in_chrome(element) or element.xpath("ancestor::a") or in_headline_list(element):
            continue
        for candidate in dates_in(element):
            key = hash((candidate.raw, candidate.label))
            if key not in seen:
                seen.add(key)
                candidates.append(candidate)
    return pick_publication_date(candidates)


def pick_publication_date(candidates: list[DateCandidate]) -> DateCandidate | None:
    """Labelled publication date first, then the first date not labelled as a modification."""
    if not candidates:
        return None
    for candidate in candidates:
        if PUBLISH_LABEL_RE.search(candidate.label):
            return candidate
    for candidate in candidates:
        if not MODIFIED_LABEL_RE.search(candidate.label):
            return candidate
    return None


def same_day(first: str, second: str, day_first: bool = True) -> bool:
    """Whether two printed dates name the same calendar day (local time)."""
    a = parse_vi_datetime(first, day_first=day_first)
    b = parse_vi_datetime(second, day_first=day_first)
    return a is not None and b is not None and a.date() == b.date()


def precise_time(candidate: DateCandidate) -> str | None:
    """The ``datetime`` attribute behind a header date printed without a time, if it has one.

    The ``<time>`` element itself, or the one inside the element whose visible text is the date.
    """
    element = candidate.element
    if element is None:
        return None
    times = [element] if element.tag == "time" else element.xpath(".//time[@datetime]")
    for time_element in times:
        value = (time_element.get("datetime") or "").strip()
        visible = clean_text(time_element.text_content()) or ""
        shown_here = time_element is element or candidate.raw in visible
        has_time = bool(re.search(r"\d{2}:\d{2}", value))
        if value and shown_here and has_time and same_day(value, candidate.raw):
            return value
    return None


def is_date_only_line(line: str) -> bool:
    """A short line that holds a date and little else ("Thứ năm, 14 Tháng 9 2023 08:30")."""
    text = clean_text(line) or ""
    if len(text) > DATE_ONLY_LINE_CHARS:
        return False
    dates = find_dates(text)
    if not dates:
        return False
    rest = text
    for raw in dates:
        rest = rest.replace(raw, " ")
    rest = DATE_LINE_NOISE_RE.sub(" ", rest)
    return len(rest.split()) <= 1


def is_date_stamp_line(line: str) -> bool:
    """True for a short line that is only a date/time stamp ("Thứ hai, 12/3/2024 08:15")."""
    if len(line) > DATE_STAMP_LINE_CHARS or not DATE_RE.search(line):
        return False
    rest = DATE_NOISE_RE.sub(" ", DATE_RE.sub(" ", line))
    return word_count(rest) <= 1
