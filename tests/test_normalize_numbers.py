"""Table tests for portal_spider.normalize.numbers_vi (article view counters)."""

from __future__ import annotations

import unicodedata

import pytest

from portal_spider.normalize.numbers_vi import parse_view_count


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4829 lượt xem", 4829),
        ("4829 Lượt xem", 4829),
        ("Lượt xem: 1.234", 1234),
        ("Lượt xem:1.234", 1234),
        ("1,234", 1234),
        ("1.234.567", 1234567),
        ("Số lần xem: 12", 12),
        ("Lượt đọc: 305", 305),
        ("1 234", 1234),
        ("1\u00a0234 lượt xem", 1234),
        ("(56)", 56),
        ("[56]", 56),
        ("Đã xem 0", 0),
        ("0", 0),
        ("  4829  ", 4829),
        ("\uf06e 4829", 4829),  # icon-font eye glyph before the digits
        ("👁 4829", 4829),
        ("Views: 77", 77),
        (unicodedata.normalize("NFD", "Lượt xem: 1.234"), 1234),
        # A counter sitting in a longer info line.
        ("Lượt xem: 4.829 | 14/07/2023", 4829),
        ("14/07/2023 8:00:02 SA | 4829 lượt xem", 4829),
        # No count.
        ("", None),
        (None, None),
        ("   ", None),
        ("lượt xem", None),
        ("Lượt xem:", None),
        ("14/07/2023", None),
        ("8:00", None),
        ("Lượt xem: 14/07/2023", None),
        ("12.5", None),
        ("1.2345", None),
        ("1.234,5", None),
        ("Lượt truy cập 12345", None),
        ("Đang online: 12", None),
        ("Nguồn: Ban Tuyên giáo Huyện ủy", None),
    ],
)
def test_parse_view_count(raw: str | None, expected: int | None) -> None:
    assert parse_view_count(raw) == expected
