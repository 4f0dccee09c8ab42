"""Table tests for portal_spider.normalize.text (NFC, whitespace, folding, labels)."""

from __future__ import annotations

import unicodedata

import pytest

from portal_spider.normalize.text import (
    clean_multiline,
    clean_text,
    fold_vietnamese,
    nfc,
    strip_label,
)


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


SOURCE_LABELS = ("Nguồn:", "Theo")
AUTHOR_LABELS = ("Tác giả:", "Tin, ảnh:", "Tin và ảnh:", "Bài, ảnh:")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", ""),
        ("   \n\t ", ""),
        ("  Hội nghị  sơ kết  ", "Hội nghị sơ kết"),
        ("Hội\u00a0nghị\u202fsơ kết", "Hội nghị sơ kết"),
        ("Tuyên\u200b giáo\ufeff", "Tuyên giáo"),
        ("tuyên\u00adgiáo", "tuyêngiáo"),
        ("Hội nghị\n   sơ kết\r\n", "Hội nghị sơ kết"),
        (nfd("Đảng ủy Trạm Tấu"), "Đảng ủy Trạm Tấu"),
    ],
)
def test_clean_text(raw: str | None, expected: str | None) -> None:
    result = clean_text(raw)
    assert result == expected
    if result is not None:
        assert result == unicodedata.normalize("NFC", result)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", ""),
        (" \n \n ", ""),
        ("Một đoạn.", "Một đoạn."),
        ("\n\n  Đoạn 1  \n\n\n\n  Đoạn 2 \n\n", "Đoạn 1\n\nĐoạn 2"),
        ("Dòng 1  \r\n  dòng   2\n\nĐoạn 2", "Dòng 1\ndòng 2\n\nĐoạn 2"),
        ("A\n \u00a0\t\nB", "A\n\nB"),
        ("A\r\rB", "A\n\nB"),
        ("A\u2029B", "A\nB"),
        (
            "Chiều\u00a0ngày\u200b 12/7,\n\n" + nfd("Trạm Tấu mến yêu..."),
            "Chiều ngày 12/7,\n\nTrạm Tấu mến yêu...",
        ),
    ],
)
def test_clean_multiline(raw: str | None, expected: str | None) -> None:
    assert clean_multiline(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (nfd("Đảng ủy"), "Đảng ủy"),
        ("Đảng ủy", "Đảng ủy"),
        ("plain ascii", "plain ascii"),
    ],
)
def test_nfc(raw: str, expected: str) -> None:
    assert nfc(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", ""),
        ("Đảng ủy", "Dang uy"),
        ("tuyên giáo", "tuyen giao"),
        (nfd("Đảng ủy"), "Dang uy"),
        (nfd("tuyên giáo"), "tuyen giao"),
        ("Trạm Tấu mến yêu", "Tram Tau men yeu"),
        ("ĐỒNG ĐỨC ƯƠNG Ơ", "DONG DUC UONG O"),
        ("Huyện ủy Mù Cang Chải", "Huyen uy Mu Cang Chai"),
        ("Yên Bái 2023", "Yen Bai 2023"),
    ],
)
def test_fold_vietnamese(raw: str | None, expected: str | None) -> None:
    assert fold_vietnamese(raw) == expected


@pytest.mark.parametrize(
    ("raw", "labels", "expected"),
    [
        ("Nguồn: Ban Tuyên giáo Huyện ủy", SOURCE_LABELS, "Ban Tuyên giáo Huyện ủy"),
        ("Nguồn : Ban Tuyên giáo", SOURCE_LABELS, "Ban Tuyên giáo"),
        ("Nguồn:Báo Yên Bái", SOURCE_LABELS, "Báo Yên Bái"),
        ("NGUỒN: Báo Yên Bái", SOURCE_LABELS, "Báo Yên Bái"),
        ("nguồn báo Yên Bái", SOURCE_LABELS, "báo Yên Bái"),
        ("Theo Báo Yên Bái", SOURCE_LABELS, "Báo Yên Bái"),
        ("theo: TTXVN", SOURCE_LABELS, "TTXVN"),
        (nfd("Nguồn: Ban Tuyên giáo"), SOURCE_LABELS, "Ban Tuyên giáo"),
        ("Nguồn: Ban Tuyên giáo", [nfd("Nguồn:")], "Ban Tuyên giáo"),
        ("  Tác giả:  Minh Anh ", AUTHOR_LABELS, "Minh Anh"),
        ("Tin, ảnh: Hoàng Giang", AUTHOR_LABELS, "Hoàng Giang"),
        ("Tin và ảnh: Hà Thu", AUTHOR_LABELS, "Hà Thu"),
        # No label: text comes back cleaned of surrounding spaces only.
        ("Ban Tuyên giáo Huyện ủy", SOURCE_LABELS, "Ban Tuyên giáo Huyện ủy"),
        ("Theodore", SOURCE_LABELS, "Theodore"),
        ("Nguon: Ban Tuyên giáo", SOURCE_LABELS, "Nguon: Ban Tuyên giáo"),
        ("Ban Tuyên giáo. Nguồn: X", SOURCE_LABELS, "Ban Tuyên giáo. Nguồn: X"),
        ("Nguồn:", SOURCE_LABELS, ""),
        ("Nguồn: X", [], "Nguồn: X"),
    ],
)
def test_strip_label(raw: str, labels: tuple[str, ...] | list[str], expected: str) -> None:
    assert strip_label(raw, labels) == expected
