"""Hostile strings through every normaliser: dates, view counts, text, URLs and charsets.

Generated inputs mix the Vietnamese labels, digits and separators the normalisers look for with
control characters, odd Unicode and huge numbers. A normaliser returns its documented type or
None; it never raises, never hangs (5 s per example) and never lets a control character through.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from hostile_profiles import Tally, examples
from hypothesis import given
from hypothesis import strategies as st

from portal_spider.normalize.charset import decode_page, looks_like_mojibake
from portal_spider.normalize.dates_vi import find_dates, normalize_published, parse_vi_datetime
from portal_spider.normalize.numbers_vi import parse_view_count
from portal_spider.normalize.text import (
    clean_multiline,
    clean_text,
    fold_vietnamese,
    strip_controls,
    strip_label,
)
from portal_spider.normalize.urls import absolute_url, canonical_url, host_of, same_site

pytestmark = pytest.mark.reliability
TALLY = Tally()
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# pieces of what portals print around dates, counts and labels
DATE_PIECES = st.sampled_from(
    [
        "Ngày",
        "ngày",
        "tháng",
        "năm",
        "lúc",
        "giờ",
        "phút",
        "Thứ Hai",
        "Chủ nhật",
        "SA",
        "CH",
        "AM",
        "PM",
        "GMT+7",
        "+07:00",
        "Z",
        "T",
        "/",
        "-",
        ".",
        ":",
        ",",
        " ",
        "(",
        ")",
        "0",
        "00",
        "1",
        "12",
        "13",
        "29",
        "31",
        "32",
        "99",
        "2024",
        "1900",
        "9999",
        "99999999999",
        "10000000000000000000000",
        "2024-02-30",
        "31/12/2023",
        "24:61",
        "Cập nhật",
        "Đăng ngày",
        "\u00a0",
        "\u200b",
        "\x00",
        "\x1f",
        "\u2028",
        "١٢",
        "２０２４",
    ]
)
NUMBER_PIECES = st.sampled_from(
    [
        "Lượt xem",
        "lượt xem:",
        "Số lần xem",
        "Đã xem",
        "views",
        "(",
        ")",
        ":",
        ".",
        ",",
        " ",
        "0",
        "1",
        "999",
        "1.000",
        "1,000",
        "1.234.567",
        "9" * 40,
        "-",
        "+",
        "e",
        "k",
        "K",
        "nghìn",
        "triệu",
        "\u00a0",
        "٣",
        "①",
        "\x00",
        "½",
    ]
)


def hostile_text(pieces: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Joined pieces and arbitrary characters (no lone surrogates: decoded text has none)."""
    chars = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
    return st.lists(st.one_of(pieces, chars), max_size=30).map("".join)


URL_PIECES = st.sampled_from(
    [
        "http://",
        "https://",
        "//",
        "ftp://",
        "javascript:",
        "mailto:",
        "data:",
        "xa.gov.vn",
        "[::1]",
        "127.0.0.1",
        ":80",
        ":99999",
        ":-1",
        "@",
        "/",
        "?",
        "#",
        "&",
        "=",
        "%",
        "%zz",
        "%00",
        "..",
        ".",
        "ItemID=1",
        "utm_source=x",
        "Trang chủ",
        " ",
        "\t",
        "\n",
        "\\",
        "xn--",
        "đà-nẵng.vn",
        "\x00",
        "[",
        "]",
    ]
)


def run(call):
    return TALLY.run(call)


@pytest.fixture(scope="module", autouse=True)
def figures():
    yield
    TALLY.record("normalizers")


@examples(full=1500, quick=30)
@given(hostile_text(DATE_PIECES), st.booleans())
def test_dates_never_raise(raw, day_first):
    TALLY.tried()
    published = run(lambda: normalize_published(raw, day_first=day_first))
    assert published is None or isinstance(published, str)
    parsed = run(lambda: parse_vi_datetime(raw, day_first=day_first))
    assert parsed is None or isinstance(parsed, datetime)
    found = run(lambda: find_dates(raw))
    assert all(isinstance(date, str) for date in found)


@examples(full=1500, quick=30)
@given(hostile_text(NUMBER_PIECES))
def test_view_counts_never_raise(raw):
    TALLY.tried()
    views = run(lambda: parse_view_count(raw))
    assert views is None or (isinstance(views, int) and views >= 0)


@examples(full=1500, quick=30)
@given(hostile_text(st.sampled_from(["Nguồn:", "Theo", "Tác giả", "Đ", "đ", "\u0301", "e"])))
def test_text_cleaning_never_raises_and_drops_controls(raw):
    TALLY.tried()
    for clean in (clean_text, clean_multiline, fold_vietnamese, strip_controls):
        value = run(lambda clean=clean: clean(raw))
        assert isinstance(value, str)
        if clean is not fold_vietnamese:
            assert not CONTROLS.search(value), (clean.__name__, value)
    assert isinstance(run(lambda: strip_label(raw, ("Nguồn:", "Theo", raw[:5]))), str)


@examples(full=1500, quick=30)
@given(hostile_text(URL_PIECES), hostile_text(URL_PIECES))
def test_urls_never_raise(href, base):
    TALLY.tried()
    absolute = run(lambda: absolute_url(href, base))
    assert absolute is None or isinstance(absolute, str)
    for call in (
        lambda: canonical_url(href),
        lambda: canonical_url(href, base_url=base),
        lambda: host_of(href),
        lambda: same_site(href, base),
    ):
        run(call)


CONTENT_TYPES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "text/html",
            "text/html; charset=utf-8",
            "text/html; charset=windows-1258",
            "text/html; charset=latin-1",
            "text/html; charset=utf-16",
            "text/html; charset=",
            "text/html; charset=x-nonsense",
            "text/html; charset=utf-32be",
            "text/html;;;",
            'text/html; charset="utf-8',
            "application/octet-stream",
        ]
    ),
    st.text(max_size=60),
)
BYTE_PIECES = st.sampled_from(
    [
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"\xfe\xff",
        b"\xff\xfe\x00\x00",
        b"\x00\x00\xfe\xff",
        b"<meta charset='windows-1258'>",
        b"<meta http-equiv='Content-Type' content='text/html; charset=iso-8859-1'>",
        "Hội nghị".encode(),
        "Hội nghị".encode("utf-16-le"),
        b"H\xf4\xd2i ngh\xec\xf2",
        b"\xc3",
        b"\xe1\xbb",
        b"\x00",
        b"<\x00h\x00",
        b"\x80\x81\x8d",
        b"<p>",
        b"</p>",
    ]
)


@examples(full=1500, quick=30)
@given(st.lists(st.one_of(BYTE_PIECES, st.binary(max_size=60)), max_size=30), CONTENT_TYPES)
def test_any_bytes_decode_to_clean_nfc_text(pieces, content_type):
    TALLY.tried()
    body = b"".join(pieces)
    page = run(lambda: decode_page(body, content_type))
    assert isinstance(page.text, str)
    assert not CONTROLS.search(page.text)
    assert all(p.startswith("charset:") for p in page.problems)
    run(lambda: looks_like_mojibake(page.text))
