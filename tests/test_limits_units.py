"""The parts of the crawl's limits one by one: URL families, the trap detector, the listing
frontier, a walk's resume point, the limits of a portal, their warnings and their rows."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings

from archive import crawl_memory
from archive.db import open_archive
from portal_spider.crawl.frontier import ListingFrontier, ListingLink
from portal_spider.crawl.limits import Limits, PortalLimits
from portal_spider.crawl.monitor import limit_warnings
from portal_spider.crawl.resume import WalkProgress
from portal_spider.crawl.traps import TrapDetector, listing_family
from portal_spider.registry import Portal, validate

LIST = "https://xa.example.gov.vn/Pages/chi-tiet-tin-tuc.aspx"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (f"{LIST}?l=TinTuc&lv=0&ngay=2026-01-03", f"{LIST}?lv=0&ngay=2026-01-04&l=TinTuc"),
        (f"{LIST}?l=TinTuc&ngay=3&thang=1&nam=2026", f"{LIST}?l=TinTuc&ngay=28&thang=12&nam=2025"),
        (f"{LIST}?l=TinTuc&q=03/01/2026", f"{LIST}?l=TinTuc&q=14/02/2025"),
        (f"{LIST}?l=TinTuc&d=20260103", f"{LIST}?l=TinTuc&d=20251231&page=4"),
        (
            "https://xa.example.gov.vn/tin-tuc/2026/01/03/",
            "https://xa.example.gov.vn/tin-tuc/2025/12/",
        ),
        (
            "https://xa.example.gov.vn/lich/2026-01-03.html",
            "https://xa.example.gov.vn/lich/2024-07-30",
        ),
    ],
)
def test_dates_are_one_family(one, other):
    assert listing_family(one) == listing_family(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (f"{LIST}?l=TinTuc&lv=0", f"{LIST}?l=KinhTe&lv=0"),
        (f"{LIST}?l=TinTuc&ngay=2026-01-03", f"{LIST}?l=KinhTe&ngay=2026-01-03"),
        (
            "https://xa.example.gov.vn/Default.aspx?tabid=71",
            "https://xa.example.gov.vn/Default.aspx?tabid=72",
        ),
        ("https://xa.example.gov.vn/tin-tuc/", "https://xa.example.gov.vn/thong-bao/"),
    ],
)
def test_different_listings_are_different_families(one, other):
    assert listing_family(one) != listing_family(other)


def test_the_pages_of_a_listing_are_its_family():
    assert listing_family(f"{LIST}?l=TinTuc&lv=0&page=7") == listing_family(f"{LIST}?l=TinTuc&lv=0")


def test_a_family_is_cut_after_threshold_pages_in_a_row_without_a_new_article():
    traps = TrapDetector(3)
    assert [traps.observe("f", 0) for _ in range(2)] == [False, False]
    assert traps.observe("f", 2) is False  # a new article: the count starts again
    assert [traps.observe("f", 0) for _ in range(3)] == [False, False, True]
    assert traps.is_cut("f") and not traps.is_cut("g")
    assert traps.observe("f", 0) is False  # cut once
    traps.dropped("f", 5)
    assert traps.cut == {"f": 5}


def test_a_threshold_of_zero_never_cuts():
    traps = TrapDetector(0)
    assert not any(traps.observe("f", 0) for _ in range(1000))


def link(url: str, continuation: bool = False, family: str = "f") -> ListingLink:
    return ListingLink(url, url, family, 1, continuation=continuation)


def test_the_frontier_lets_out_at_most_its_in_flight_and_next_pages_first():
    frontier = ListingFrontier(2)
    for name in ("a", "b", "c"):
        frontier.push(link(name))
    frontier.push(link("a2", continuation=True))
    assert [frontier.take().url, frontier.take().url] == ["a2", "a"]
    assert frontier.take() is None  # two out already
    frontier.answered()
    assert frontier.take().url == "b"
    frontier.answered()
    frontier.give_back()
    assert [frontier.take().url, frontier.take()] == ["c", None]
    assert len(frontier) == 0


def test_the_frontier_keeps_first_pages_up_to_its_capacity_and_next_pages_always():
    frontier = ListingFrontier(1, capacity=2)
    assert [frontier.push(link(n)) for n in "abc"] == [True, True, False]
    assert frontier.push(link("a2", continuation=True)) is True
    removed = frontier.remove(lambda item: item.url in {"b", "a2"})
    assert [item.url for item in removed] == ["a2", "b"]
    assert [item.url for item in frontier.drain()] == ["a"]


def test_the_resume_point_waits_for_the_lowest_page_with_an_unsettled_article():
    progress = WalkProgress()
    assert progress.point() is None
    for page in (1, 2, 3):
        progress.fetched(page, f"u{page}")
    progress.requested(2, "x")
    progress.requested(3, "y")
    assert progress.point() == (2, "u2")
    progress.settled(2, "x")
    assert progress.point() == (3, "u3")
    progress.settled(3, "y")
    progress.settled(3, "y")  # settling twice changes nothing
    assert progress.point() == (3, "u3")  # everything settled: the last page fetched
    progress.not_requested(1)
    assert progress.point() == (1, "u1")  # an article never requested holds the walk there


def test_the_resume_point_is_written_only_when_it_moves():
    progress = WalkProgress()
    progress.fetched(1, "u1")
    assert progress.moved() == (1, "u1")
    progress.written = (1, "u1")
    assert progress.moved() is None
    progress.fetched(2, "u2")
    assert progress.moved() == (2, "u2")


def test_a_walk_with_a_resume_point_has_a_jump_pending_until_it_reaches_it():
    progress = WalkProgress(resume_page=6, resume_url="u6")
    progress.fetched(1, "u1")
    assert progress.jump_pending
    progress.fetched(6, "u6")
    assert not progress.jump_pending


def portal(**limits: int) -> Portal:
    return Portal(slug="xa", name="Xã", base_url="https://xa.example.gov.vn/", **limits)


def test_limits_come_from_the_settings_and_a_portal_row_overrides_them():
    settings = Settings({"PORTAL_ARCHIVE_MAX_LISTING_PAGES": 40, "PORTAL_ARCHIVE_TRAP_PAGES": 9})
    assert Limits.for_portal(settings, portal()) == Limits(40, 20_000, 9, 2)
    own = Limits.for_portal(settings, portal(max_listing_pages=0, max_requests=75))
    assert own == Limits(0, 75, 9, 2)
    limits = PortalLimits(own)
    assert not limits.listing_pages_reached(10_000)  # 0: no limit
    assert PortalLimits(Limits(3, 5, 9, 2)).listing_pages_reached(3)


def test_the_request_budget_refuses_beyond_the_limit_and_drops_what_waits():
    limits = PortalLimits(Limits(max_requests=3, listings_in_flight=5))
    # first pages beyond the budget are not kept waiting
    assert [limits.queue(link(name)) for name in "abcd"] == [None, None, None, "max_requests"]
    released, refused = limits.release()
    assert [item.url for item in released] == ["a", "b", "c"]
    assert limits.queue(link("c2", continuation=True)) is None  # a next page always waits
    released, refused = limits.release()
    assert (released, [item.url for item in refused]) == ([], ["c2"])
    assert limits.budget.exhausted and not limits.budget.take()
    assert limits.budget.refused == 2


def test_a_cut_family_leaves_out_its_waiting_and_later_links():
    limits = PortalLimits(Limits(trap_pages=1))
    limits.queue(link("day1", family="calendar"))
    limits.queue(link("list", family="list"))
    limits.traps.observe("calendar", 0)
    assert [item.url for item in limits.cut("calendar")] == ["day1"]
    assert limits.queue(link("day2", family="calendar")) == "trap"
    assert limits.traps.cut == {"calendar": 2}
    assert [item.url for item in limits.frontier.drain()] == ["list"]


@pytest.mark.parametrize("value", [-1, 2.5, True, "10"])
def test_a_limit_in_the_registry_must_be_a_whole_number(value):
    for name in ("max_listing_pages", "max_requests", "trap_pages"):
        problems = validate([portal(**{name: value})])
        assert problems and name in problems[0]
    assert validate([portal(max_listing_pages=0, max_requests=500, trap_pages=20)]) == []


def test_limit_and_trap_warnings_come_from_the_run_stats():
    stats = {
        "portal/xa/limits": {"max_listing_pages": 6, "max_requests": 25, "trap_pages": 5},
        "portal/xa/limit_reached/max_listing_pages": 2,
        "portal/xa/limit_reached/max_requests": 25,
        "portal/xa/requests_refused": 40,
        "portal/xa/trap_families": ["https://xa/lich?ngay={date}"],
        "portal/xa/listings_left_out/trap": 2990,
    }
    warnings = limit_warnings("xa", stats)
    assert [w.kind for w in warnings] == ["limit", "limit", "trap"]
    assert "2 listing walk(s)" in warnings[0].message and "(6 pages" in warnings[0].message
    assert "(25 requests per run; 40 more" in warnings[1].message
    assert "ngay={date}" in warnings[2].message and "2990 listing pages" in warnings[2].message
    assert limit_warnings("other", stats) == []


def test_a_resume_point_is_stored_and_a_completed_walk_clears_it(tmp_path):
    db = open_archive(tmp_path / "a.db")
    crawl_memory.begin_walk(db, "xa", "L", "L?page=1", "2026-01-10T09:00:00+07:00")
    crawl_memory.save_resume_point(
        db, "xa", "L", page=7, url="L?page=7", stopped_by="trap", when="2026-01-10T09:05:00+07:00"
    )
    state = crawl_memory.listing_states(db, "xa")["L"]
    assert (state.resume_page, state.resume_url, state.stopped_by) == (7, "L?page=7", "trap")
    assert state.walk_open and not state.complete
    crawl_memory.complete_walk(
        db, "xa", "L", when="2026-01-11T09:00:00+07:00", mode="incremental", deepest_page=9, pages=3
    )
    state = crawl_memory.listing_states(db, "xa")["L"]
    assert (state.resume_page, state.resume_url, state.stopped_by) == (None, None, None)
    assert state.complete
