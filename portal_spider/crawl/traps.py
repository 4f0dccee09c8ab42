"""Listing traps: URL families that keep leading to new listing pages and never to new articles.

A calendar ("news of 3 January 2026", linking every other day), a date filter, or a listing that
answers every page number with the same page produces listing URLs without end. They are told
apart from real listings by their *family*: the listing's key
(:func:`portal_spider.crawl.paging.listing_key`, the URL without its page number) with every date
in it
masked, so that ``?l=TinTuc&ngay=2026-01-03`` and ``?l=TinTuc&ngay=2026-01-04`` are one family,
while ``?l=TinTuc`` and ``?l=KinhTe`` stay two.

:class:`TrapDetector` counts, per family, the listing pages fetched in a row that showed no new
article. At ``threshold`` such pages the family is cut off: its waiting listing URLs are dropped
and no further one is requested in this run. A real listing is never cut in a normal run: each
of its pages shows new articles, or its walk stops after ``PORTAL_ARCHIVE_OVERLAP_PAGES`` + 1
pages of known ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from portal_spider.crawl.paging import listing_key

DATE_MASK = "{date}"
# query parameters that name a day, a month or a year (Vietnamese and English, as portals use);
# one-letter names (d, m, y) are left out: portals use them for modules and categories too, and
# a date value is masked whatever its parameter is called
DATE_PARAMS = {
    "date",
    "day",
    "month",
    "year",
    "ngay",
    "thang",
    "nam",
    "tungay",
    "denngay",
    "fromdate",
    "todate",
    "from",
    "to",
    "calendar",
    "lich",
}
DATE_VALUE = re.compile(
    r"^(?:(?:19|20)\d{2}[-/.]\d{1,2}(?:[-/.]\d{1,2})?"  # 2026-01-03, 2026/1
    r"|\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d{2}"  # 03/01/2026, 3-1-2026
    r"|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])?)$"  # 20260103, 202601
)
YEAR_SEGMENT = re.compile(r"^(?:19|20)\d{2}$")
SHORT_NUMBER = re.compile(r"^\d{1,2}$")


def _mask_path(path: str) -> str:
    """The path with date segments masked: ``/2026/01/03/`` and ``/2026-01-03`` alike."""
    segments = path.split("/")
    masked: list[str] = []
    after_year = False
    for segment in segments:
        if DATE_VALUE.match(segment) or YEAR_SEGMENT.match(segment):
            masked.append(DATE_MASK)
            after_year = True
        elif after_year and SHORT_NUMBER.match(segment):
            masked.append(DATE_MASK)
        else:
            masked.append(segment)
            after_year = False
    # /2026/01/03 and /2025/12 alike: a run of date segments is one
    collapsed = [
        s for i, s in enumerate(masked) if not (s == DATE_MASK and masked[i - 1 : i] == [DATE_MASK])
    ]
    return "/".join(collapsed)


def listing_family(url: str) -> str:
    """The family of a listing URL: its listing key with every date in it masked."""
    return family_of_key(listing_key(url))


@lru_cache(maxsize=65536)
def family_of_key(key: str) -> str:
    """The family of a listing key (:func:`portal_spider.crawl.paging.listing_key`)."""
    parts = urlsplit(key)
    query = sorted(
        (key, DATE_MASK if key.lower() in DATE_PARAMS or DATE_VALUE.match(value) else value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    )
    path = _mask_path(parts.path)
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query, safe="{}"), ""))


@dataclass
class TrapDetector:
    """Per family, listing pages in a row without a new article; families cut off."""

    threshold: int  # 0: never cut
    barren: dict[str, int] = field(default_factory=dict)
    cut: dict[str, int] = field(default_factory=dict)  # family -> listing URLs dropped since

    def is_cut(self, family: str) -> bool:
        """Whether listing URLs of ``family`` are left out for the rest of the run."""
        return family in self.cut

    def observe(self, family: str, new_articles: int) -> bool:
        """Count one listing page of ``family``; True when this page cuts the family off.

        A page with a new article clears the family's count.
        """
        if self.threshold <= 0 or family in self.cut:
            return False
        if new_articles:
            self.barren[family] = 0
            return False
        self.barren[family] = self.barren.get(family, 0) + 1
        if self.barren[family] < self.threshold:
            return False
        self.cut[family] = 0
        return True

    def dropped(self, family: str, count: int = 1) -> None:
        """Count listing URLs of a cut family that were left out."""
        self.cut[family] = self.cut.get(family, 0) + count
