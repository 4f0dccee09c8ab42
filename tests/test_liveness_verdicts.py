"""How an answer becomes a status (no network: the answers are built here)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from portal_spider.liveness.probe import Answer
from portal_spider.liveness.status import judge, newest_date_on_page
from portal_spider.registry import Portal

NOW = datetime(2025, 9, 1, 1, 0, tzinfo=timezone.utc)
TRAMTAU = Portal(slug="tramtau", name="Trạm Tấu", base_url="https://tramtau.yenbai.gov.vn/")
YENBAI = Portal(slug="yenbai", name="Yên Bái", base_url="https://yenbai.gov.vn/")
HOME = "https://tramtau.yenbai.gov.vn/"


def page(body: str, status: int = 200, final: str = HOME, error: str | None = None) -> Answer:
    return Answer(
        url=HOME,
        final_url=final,
        status_code=status,
        body=body.encode(),
        content_type="text/html; charset=utf-8",
        error=error,
    )


def verdict(answer: Answer, archived: str | None = None):
    return judge(
        answer, TRAMTAU, [TRAMTAU, YENBAI], now=NOW, frozen_days=90, archived_newest=archived
    )


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        (page("<p>Tin ngày 20/08/2025</p>"), "active"),
        (page("<p>Tin ngày 20/04/2025</p>"), "frozen"),
        (page("<p>no date at all</p>"), "active"),
        (page("", status=503), "offline"),
        (page("", status=403), "offline"),
        (page("", status=404), "gone"),
        (page("<h1>This domain is for sale</h1>"), "gone"),
        (page("<p>Tên miền này đang được rao bán</p>"), "gone"),
        (page("<p>x</p>", final="https://yenbai.gov.vn/"), "redirected"),
        (page("<p>x</p>", final="https://other.example/"), "redirected"),
        (Answer(url=HOME, final_url=HOME, error="dns"), "gone"),
        (Answer(url=HOME, final_url=HOME, error="refused"), "offline"),
        (Answer(url=HOME, final_url=HOME, error="timeout"), "offline"),
        (Answer(url=HOME, final_url=HOME, error="tls"), "offline"),
        (Answer(url=HOME, final_url=HOME, error="robots"), "active"),
        (page("", status=302, error="other"), "offline"),  # redirects without end
    ],
)
def test_each_answer_gets_its_status(answer, status):
    assert verdict(answer).status == status


def test_a_redirect_names_the_portal_it_lands_on():
    landed = verdict(page("<p>x</p>", final="https://www.yenbai.gov.vn/Pages/home.aspx"))
    assert (landed.target, landed.redirect_portal) == ("yenbai", "yenbai")
    elsewhere = verdict(page("<p>x</p>", final="https://other.example/a"))
    assert (elsewhere.target, elsewhere.redirect_portal) == ("https://other.example/a", None)


def test_the_archive_can_keep_a_portal_active_and_a_future_date_is_ignored():
    assert (
        verdict(page("<p>20/04/2025</p>"), archived="2025-08-30T10:00:00+07:00").status == "active"
    )
    assert (
        newest_date_on_page("hạn chót 20/12/2030; tin 02/08/2025", NOW)
        == "2025-08-02T00:00:00+07:00"
    )
