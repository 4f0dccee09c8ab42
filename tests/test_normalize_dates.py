"""Table tests for portal_spider.normalize.dates_vi (Vietnamese portal dates -> +07:00 ISO)."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta, timezone

import pytest

from portal_spider.normalize.dates_vi import (
    VN_TZ,
    find_dates,
    normalize_published,
    parse_vi_datetime,
    to_iso,
)


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # .NET vi-VN 12-hour clock: SA = AM, CH = PM.
        ("14/07/2023 8:00:02 SA", "2023-07-14T08:00:02+07:00"),
        ("14/07/2023 8:00:02 CH", "2023-07-14T20:00:02+07:00"),
        ("14/07/2023 12:05:00 CH", "2023-07-14T12:05:00+07:00"),
        ("14/07/2023 12:30:00 SA", "2023-07-14T00:30:00+07:00"),
        ("14/07/2023 11:59:59 CH", "2023-07-14T23:59:59+07:00"),
        ("14/07/2023 12:00:00 SA", "2023-07-14T00:00:00+07:00"),
        ("14/07/2023 12:00:00 CH", "2023-07-14T12:00:00+07:00"),
        ("14/07/2023 8:00 AM", "2023-07-14T08:00:00+07:00"),
        ("14/07/2023 8:00 PM", "2023-07-14T20:00:00+07:00"),
        ("14/07/2023 8:00 sáng", "2023-07-14T08:00:00+07:00"),
        ("14/07/2023 3:15 chiều", "2023-07-14T15:15:00+07:00"),
        ("14/07/2023 8:00:02 sa", "2023-07-14T08:00:02+07:00"),
        # 24-hour forms.
        ("14/07/2023 08:00", "2023-07-14T08:00:00+07:00"),
        ("14/07/2023 20:15", "2023-07-14T20:15:00+07:00"),
        ("14/07/2023 08h30", "2023-07-14T08:30:00+07:00"),
        ("4/7/2023 8:05", "2023-07-04T08:05:00+07:00"),
        # Weekdays, separators, labels.
        ("Thứ Sáu, 14/07/2023 - 08:00", "2023-07-14T08:00:00+07:00"),
        ("Chủ nhật, 16/07/2023 - 20:15", "2023-07-16T20:15:00+07:00"),
        ("Thứ 6, 14/07/2023, 08:00", "2023-07-14T08:00:00+07:00"),
        ("14-07-2023 | 08:00", "2023-07-14T08:00:00+07:00"),
        ("14.07.2023", "2023-07-14T00:00:00+07:00"),
        ("Cập nhật: 14/07/2023 08:00 (GMT+7)", "2023-07-14T08:00:00+07:00"),
        ("Ngày đăng: 14/07/2023", "2023-07-14T00:00:00+07:00"),
        ("Đăng ngày 14/07/2023 lúc 09:10", "2023-07-14T09:10:00+07:00"),
        ("Ngày cập nhật 14/07/2023 08:00 GMT+7", "2023-07-14T08:00:00+07:00"),
        ("Đăng lúc 08:00 ngày 14/07/2023", "2023-07-14T08:00:00+07:00"),
        ("08:00 - 14/07/2023", "2023-07-14T08:00:00+07:00"),
        # Date only -> midnight.
        ("14/07/2023", "2023-07-14T00:00:00+07:00"),
        ("2023/07/14", "2023-07-14T00:00:00+07:00"),
        # Vietnamese words.
        ("Ngày 14 tháng 7 năm 2023", "2023-07-14T00:00:00+07:00"),
        ("ngày 04 tháng 07 năm 2023", "2023-07-04T00:00:00+07:00"),
        ("14 Tháng Bảy, 2023", "2023-07-14T00:00:00+07:00"),
        ("14 tháng 07, 2023", "2023-07-14T00:00:00+07:00"),
        ("14 tháng Giêng, 2024", "2024-01-14T00:00:00+07:00"),
        ("3 Tháng Một, 2024", "2024-01-03T00:00:00+07:00"),
        ("14 Tháng Tư, 2023", "2023-04-14T00:00:00+07:00"),
        ("14 Tháng Năm, 2023", "2023-05-14T00:00:00+07:00"),
        ("14 Tháng Mười, 2023", "2023-10-14T00:00:00+07:00"),
        ("1 tháng Mười Một năm 2023", "2023-11-01T00:00:00+07:00"),
        ("25 Tháng Mười Hai, 2023", "2023-12-25T00:00:00+07:00"),
        ("20 tháng Chạp, 2023", "2023-12-20T00:00:00+07:00"),
        ("Thứ Sáu, ngày 14 tháng 7 năm 2023 lúc 08:00", "2023-07-14T08:00:00+07:00"),
        # ISO 8601 (meta tags), converted to +07:00.
        ("2023-07-14T08:00:02+07:00", "2023-07-14T08:00:02+07:00"),
        ("2023-07-14T01:00:02Z", "2023-07-14T08:00:02+07:00"),
        ("2023-07-14T01:00:02+00:00", "2023-07-14T08:00:02+07:00"),
        ("2023-07-13T20:00:00-05:00", "2023-07-14T08:00:00+07:00"),
        ("2023-07-14 08:00:02.123+0700", "2023-07-14T08:00:02+07:00"),
        ("2023-07-14T08:00:02", "2023-07-14T08:00:02+07:00"),
        ("2023-07-14", "2023-07-14T00:00:00+07:00"),
        # Non-breaking spaces and stray whitespace.
        ("  14/07/2023\u00a08:00:02\u00a0SA \n", "2023-07-14T08:00:02+07:00"),
        # A header block with other words: the first date wins.
        ("Tin mới 15/07/2023 | Các tin khác 13/07/2023", "2023-07-15T00:00:00+07:00"),
        ("Hội nghị sơ kết 14/07/2023 8:00:02 SA 4829 lượt xem", "2023-07-14T08:00:02+07:00"),
        # Left to dateparser: two-digit year.
        ("14/07/23 08:00", "2023-07-14T08:00:00+07:00"),
    ],
)
def test_normalize_published(raw: str, expected: str) -> None:
    assert normalize_published(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (nfd("Thứ Sáu, 14/07/2023 - 08:00"), "2023-07-14T08:00:00+07:00"),
        (nfd("Ngày 14 tháng 7 năm 2023"), "2023-07-14T00:00:00+07:00"),
        (nfd("14 Tháng Bảy, 2023"), "2023-07-14T00:00:00+07:00"),
        (nfd("Cập nhật: 14/07/2023 3:15:00 chiều"), "2023-07-14T15:15:00+07:00"),
    ],
)
def test_nfd_input(raw: str, expected: str) -> None:
    assert normalize_published(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        "8:00",
        "08:00:02 SA",
        "Lượt truy cập",
        "Tổng lượt truy cập: 1.234.567",
        "Hôm nay",
        "Hôm qua",
        "4829 lượt xem",
        "1-5 of 57",
        "1 2 2023",
        "Quyết định số 12/2023/QĐ-UBND",
        "tháng 7 năm 2023",
        "14 tháng 7",
        "31/02/2023",
        "14/13/2023",
        "Tin mới | Các tin khác | Tin cùng chuyên mục",
        "In Đọc bài",
    ],
)
def test_no_date_gives_none(raw: str | None) -> None:
    assert parse_vi_datetime(raw) is None
    assert normalize_published(raw) is None


@pytest.mark.parametrize(
    ("raw", "day_first", "expected"),
    [
        ("07/14/2023 8:00 PM", False, "2023-07-14T20:00:00+07:00"),
        ("07/08/2023", False, "2023-07-08T00:00:00+07:00"),
        ("07/08/2023", True, "2023-08-07T00:00:00+07:00"),
        # An impossible date under the portal's order is not silently swapped.
        ("07/14/2023", True, None),
        ("14/07/2023", False, None),
        # Order does not affect unambiguous forms.
        ("Ngày 14 tháng 7 năm 2023", False, "2023-07-14T00:00:00+07:00"),
        ("2023-07-14T08:00:02+07:00", False, "2023-07-14T08:00:02+07:00"),
    ],
)
def test_day_first_setting(raw: str, day_first: bool, expected: str | None) -> None:
    assert normalize_published(raw, day_first=day_first) == expected


def test_parse_returns_aware_datetime_at_plus_seven() -> None:
    result = parse_vi_datetime("14/07/2023 8:00:02 SA")
    assert result == datetime(2023, 7, 14, 8, 0, 2, tzinfo=VN_TZ)
    assert result is not None
    assert result.utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize(
    ("dt", "expected"),
    [
        (None, None),
        (datetime(2023, 7, 14, 8, 0, 2, tzinfo=VN_TZ), "2023-07-14T08:00:02+07:00"),
        (datetime(2023, 7, 14, 8, 0, tzinfo=VN_TZ), "2023-07-14T08:00:00+07:00"),
        (datetime(2023, 7, 14, 1, 0, 2, tzinfo=timezone.utc), "2023-07-14T08:00:02+07:00"),
        (datetime(2023, 7, 14, 8, 0, 2, 500000, tzinfo=VN_TZ), "2023-07-14T08:00:02+07:00"),
        (datetime(2023, 7, 14, 8, 0, 2), "2023-07-14T08:00:02+07:00"),
    ],
)
def test_to_iso(dt: datetime | None, expected: str | None) -> None:
    assert to_iso(dt) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hội nghị ... 14/07/2023 8:00:02 SA 4829 lượt xem", ["14/07/2023 8:00:02 SA"]),
        ("Thứ Sáu, 14/07/2023 - 08:00", ["14/07/2023 - 08:00"]),
        ("Cập nhật: 14/07/2023 08:00 (GMT+7)", ["14/07/2023 08:00 (GMT+7)"]),
        ("Đăng lúc 08:00 ngày 14/07/2023", ["08:00 ngày 14/07/2023"]),
        ("Ban hành Ngày 14 tháng 7 năm 2023 tại", ["Ngày 14 tháng 7 năm 2023"]),
        ("meta 2023-07-14T01:00:02Z end", ["2023-07-14T01:00:02Z"]),
        (
            "Tin mới: Hội nghị A (15/07/2023) Hội nghị B (13-07-2023)",
            ["15/07/2023", "13-07-2023"],
        ),
        ("Lượt truy cập 123456 | 1-5 of 57 | 8:00", []),
        ("", []),
    ],
)
def test_find_dates(text: str, expected: list[str]) -> None:
    assert find_dates(text) == expected


def test_find_dates_nfd_returns_nfc_substrings() -> None:
    assert find_dates(nfd("Ngày 14 tháng Bảy năm 2023")) == ["Ngày 14 tháng Bảy năm 2023"]
