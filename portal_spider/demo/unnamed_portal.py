"""What the offline portals in software the project has no page object for share.

Three demo portals (:mod:`~portal_spider.demo.webforms_site`, :mod:`~portal_spider.demo.menu_site`,
:mod:`~portal_spider.demo.feed_site`) are written from what such portals look like, to test
discovery and extraction on layouts no platform module names. They share the generated news of
a commune (:mod:`portal_spider.demo.commune_news`), the traps of real portals (PDF attachments in
dated paths, a work calendar whose every day and month is a link, print views), and what a test
compares an archive with: :meth:`UnnamedPortal.expected`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from html import escape

from portal_spider.demo.commune_news import VN_TZ, NewsArticle, commune_articles
from portal_spider.demo.yenbai_site import Reply

PER_PAGE = 10  # articles on one page of a listing
PDF_BODY = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# published long before the tests' clock: no revisit is due on a second run
NEWEST = datetime(2025, 6, 20, 9, 15, tzinfo=VN_TZ)


def vi_net_time(moment: datetime) -> str:
    """.NET's vi-VN ``dd/MM/yyyy h:mm:ss tt``: ``14/07/2023 8:00:02 SA``."""
    hour = moment.hour % 12 or 12
    marker = "SA" if moment.hour < 12 else "CH"
    return f"{moment:%d/%m/%Y} {hour}:{moment:%M:%S} {marker}"


class UnnamedPortal:
    """Generated articles, attachments and the work calendar of one demo portal."""

    site_name = "Cổng thông tin điện tử"
    categories: dict[str, str] = {}

    def __init__(self, unit: str, count: int, first_number: int) -> None:
        self.unit = unit
        self.name = f"Cổng thông tin điện tử {unit}"
        self.articles = commune_articles(unit, count, first_number=first_number, newest=NEWEST)
        self.by_number = {a.number: a for a in self.articles}

    # --- what a test compares with ------------------------------------------------------------
    def expected(self) -> dict[str, dict]:
        """The fields of every article, by its number: what a faithful archive holds."""
        return {
            str(a.number): {
                "title": a.title,
                "published_at": a.published_iso,
                "views": a.views,
                "body_start": a.paragraphs[0][:60],
                "body_end": a.paragraphs[-1][-40:],
                "source": a.source,
            }
            for a in self.articles
        }

    def in_category(self, category: str) -> list[NewsArticle]:
        return [a for a in self.articles if a.category == category]

    # --- traps --------------------------------------------------------------------------------
    @staticmethod
    def attachment_path(article: NewsArticle) -> str:
        """A PDF in a dated upload path, as WebForms portals keep them."""
        return f"/Uploads/files/{article.published:%Y/%m}/ke-hoach-{article.number}.pdf"

    @staticmethod
    def pdf() -> Reply:
        return Reply(200, "application/pdf", PDF_BODY)

    @staticmethod
    def html(page: str, status: int = 200) -> Reply:
        return Reply(status, "text/html; charset=utf-8", page.encode("utf-8"))

    def calendar(self, link: str, month: date) -> str:
        """A month of the work calendar: every day a link, and the months around it."""
        first = month.replace(day=1)
        before = (first - timedelta(days=1)).replace(day=1)
        after = (first + timedelta(days=32)).replace(day=1)
        days = "".join(
            f'<a href="{link}ngay={day:%Y-%m-%d}">{day.day}</a> '
            for day in (first + timedelta(days=n) for n in range(28))
        )
        return (
            f'<table class="calendar"><tr><td><a href="{link}thang={before.month}&amp;nam='
            f'{before.year}">«</a> Tháng {first.month}/{first.year} <a href="{link}thang='
            f'{after.month}&amp;nam={after.year}">»</a></td></tr><tr><td>{days}</td></tr></table>'
        )

    @staticmethod
    def calendar_month(query: dict[str, list[str]]) -> date:
        """The month a calendar page shows (``thang``/``nam`` or ``ngay``)."""
        try:
            if "ngay" in query:
                return date.fromisoformat(query["ngay"][-1])
            return date(int(query["nam"][-1]), int(query["thang"][-1]), 1)
        except (KeyError, ValueError):
            return NEWEST.date()

    @staticmethod
    def paragraphs(article: NewsArticle) -> str:
        return "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
