"""The revisit schedule and listing paging as tables of input -> output (no crawl)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from portal_spider.crawl.paging import listing_key, next_pages, page_number
from portal_spider.crawl.revisits import DEFAULT_STEPS, parse_steps, revisit_due

PUBLISHED = "2026-01-01T08:00:00+07:00"  # 2026-01-01T01:00Z


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("last_fetch", "now", "due"),
    [
        ("2026-01-01T02:00:00+00:00", "2026-01-01T20:00:00", False),  # no step passed yet
        ("2026-01-01T02:00:00+00:00", "2026-01-02T02:00:00", True),  # 1 day passed since
        ("2026-01-02T03:00:00+00:00", "2026-01-05T00:00:00", False),  # day 1 covered
        ("2026-01-02T03:00:00+00:00", "2026-01-09T00:00:00", True),  # day 7 passed
        ("2026-01-02T03:00:00+00:00", "2026-03-15T00:00:00", True),  # missed steps: once
        ("2026-04-05T00:00:00+00:00", "2027-01-01T00:00:00", False),  # after day 90: never
        (None, "2026-01-03T00:00:00", True),
    ],
)
def test_revisit_due(last_fetch, now, due):
    assert revisit_due(PUBLISHED, last_fetch, at(now), DEFAULT_STEPS) is due


def test_revisit_needs_an_anchor_and_steps():
    assert not revisit_due(None, None, at("2030-01-01T00:00:00"), DEFAULT_STEPS)
    assert not revisit_due(PUBLISHED, None, at("2030-01-01T00:00:00"), ())


@pytest.mark.parametrize(
    ("value", "steps"),
    [
        (None, DEFAULT_STEPS),
        ([30, 1, 7], (1.0, 7.0, 30.0)),
        ("1,7, 30", (1.0, 7.0, 30.0)),
        ("[2, 14]", (2.0, 14.0)),
        ([], ()),
    ],
)
def test_parse_steps(value, steps):
    assert parse_steps(value) == steps


def test_parse_steps_refuses_non_positive_days():
    with pytest.raises(ValueError):
        parse_steps([0, 7])


LIST = "https://x.gov.vn/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx"


@pytest.mark.parametrize(
    ("url", "number", "key"),
    [
        (f"{LIST}?l=TinTuc&lv=0&page=3", 3, f"{LIST}?l=TinTuc&lv=0"),
        (f"{LIST}?page=1&lv=0&l=TinTuc", 1, f"{LIST}?l=TinTuc&lv=0"),
        (f"{LIST}?l=TinTuc&lv=0", None, f"{LIST}?l=TinTuc&lv=0"),
        ("https://xa.vn/tin-tuc/trang-2.html", 2, "https://xa.vn/tin-tuc"),
        ("https://xa.vn/tin-tuc/", None, "https://xa.vn/tin-tuc"),
        ("https://xa.vn/category/tin/page/4/", 4, "https://xa.vn/category/tin"),
        ("https://xa.vn/", None, "https://xa.vn/"),
    ],
)
def test_page_number_and_listing_key(url, number, key):
    assert page_number(url) == number
    assert listing_key(url) == key


def test_next_pages_follows_the_next_page_and_new_listings_only():
    current = f"{LIST}?l=TinTuc&lv=0&page=2"
    links = [
        f"{LIST}?l=TinTuc&lv=0&page=1",
        f"{LIST}?l=TinTuc&lv=0&page=3",
        f"{LIST}?l=TinTuc&lv=0&page=9",
        f"{LIST}?l=KinhTe&lv=0&page=1",
        f"{LIST}?l=KinhTe&lv=0&page=4",
    ]
    following, others = next_pages(current, links)
    assert following == f"{LIST}?l=TinTuc&lv=0&page=3"
    assert others == [f"{LIST}?l=KinhTe&lv=0&page=1"]
    assert next_pages(f"{LIST}?l=TinTuc&lv=0&page=9", links[:3])[0] is None
