"""Portals with listing traps, for the tests of the crawl's limits: Yên Bái-family demo sites with
an endless pagination or a calendar of thousands of date links on every listing page.

* :class:`EndlessSite`: besides the real lists, the list ``ThongBao`` has no last page: page N
  links five articles nobody wrote (``ItemID`` from ``BOGUS_FROM`` on, each answered with an
  article page) and a page N + 1.
* :class:`CalendarSite`: every page of the list ``CALENDAR_LIST`` carries a calendar of
  ``CALENDAR_LINKS`` date links (``?l=<list>&lv=0&ngay=YYYY-MM-DD``); a date's page shows no
  article, only the calendar around that date, so the dates never run out.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from html import escape
from urllib.parse import parse_qs, urlsplit

from crawl_machinery import ChangingSite

from portal_spider.demo.generate import VN_TZ, make_article
from portal_spider.demo.yenbai_site import ARTICLE_PATH, PAGE_SIZE, Reply

ENDLESS_LIST = "ThongBao"
BOGUS_FROM = 900_000
CALENDAR_LINKS = 3_000
CALENDAR_LIST = "TinTucSuKien"  # the first list of the demo portal: walked first
CALENDAR_START = date(2026, 1, 10)


def is_bogus(item_id: int) -> bool:
    """Whether an ItemID is one of the endless list's invented articles."""
    return item_id >= BOGUS_FROM


class EndlessSite(ChangingSite):
    """A demo portal whose list ``ThongBao`` pages on forever, each page with new articles."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.categories[ENDLESS_LIST] = "Thông báo"

    def bogus_article(self, item_id: int) -> dict:
        """The invented article ``item_id`` (the same every time it is asked for)."""
        published = datetime(2025, 1, 1, 8, 0, tzinfo=VN_TZ) - timedelta(hours=item_id - BOGUS_FROM)
        return make_article(item_id, published, random.Random(item_id), ENDLESS_LIST)

    def handle(self, target: str) -> Reply:
        query = {k: v[-1] for k, v in parse_qs(urlsplit(target).query).items()}
        item = query.get("ItemID", "")
        if item.isdigit() and is_bogus(int(item)):
            return self._page(self._article(self.bogus_article(int(item)), 1))
        return super().handle(target)

    def _listing(self, list_name: str, page: int) -> str:
        if list_name != ENDLESS_LIST:
            return super()._listing(list_name, page)
        first = BOGUS_FROM + (page - 1) * PAGE_SIZE
        items = "".join(
            f'<div class="news-item"><h3 class="news-item-title"><a href="'
            f'{escape(self.article_url(self.bogus_article(first + n)))}">Thông báo số {first + n}'
            f'</a></h3><span class="news-item-date">(01/01/2025)</span></div>'
            for n in range(PAGE_SIZE)
        )
        base = f"{ARTICLE_PATH}?l={list_name}&lv=0"
        main = (
            '<div class="list-news" id="ctl00_PlaceHolderMain_g_4c8e_ListNews">'
            f'<h2 class="category-title">Thông báo</h2>{items}'
            f'<div class="paging">{self._pager(base, page, page + 1)}</div></div>'
        )
        return self._layout("Thông báo", main)


class CalendarSite(ChangingSite):
    """A demo portal whose listing pages each carry thousands of links to date pages."""

    def calendar(self, list_name: str, around: date) -> str:
        """The calendar block: ``CALENDAR_LINKS`` dates centred on ``around``."""
        first = around - timedelta(days=CALENDAR_LINKS // 2)
        days = (first + timedelta(days=n) for n in range(CALENDAR_LINKS))
        links = "".join(
            f'<a href="{ARTICLE_PATH}?l={list_name}&amp;lv=0&amp;ngay={day.isoformat()}">'
            f"{day.day}</a>"
            for day in days
        )
        return f'<div class="calendar">{links}</div>'

    def handle(self, target: str) -> Reply:
        parts = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        list_name = query.get("l", "")
        if (
            parts.path.lower() == ARTICLE_PATH.lower()
            and "ItemID" not in query
            and "ngay" in query
            and list_name == CALENDAR_LIST
        ):
            try:
                day = date.fromisoformat(query["ngay"])
            except ValueError:
                return self._not_found()
            return self._page(self._day(list_name, day))
        return super().handle(target)

    def _day(self, list_name: str, day: date) -> str:
        name = self.categories[list_name]
        main = (
            '<div class="list-news" id="ctl00_PlaceHolderMain_g_4c8e_ListNews">'
            f'<h2 class="category-title">{escape(name)} ngày {day:%d/%m/%Y}</h2>'
            f"<p>Không có tin bài trong ngày.</p>{self.calendar(list_name, day)}</div>"
        )
        return self._layout(name, main)

    def _listing(self, list_name: str, page: int) -> str:
        html = super()._listing(list_name, page)
        if list_name != CALENDAR_LIST:
            return html
        marker = '<div class="paging">'
        return html.replace(marker, self.calendar(list_name, CALENDAR_START) + marker, 1)
