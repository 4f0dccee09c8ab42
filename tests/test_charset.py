"""Pages in a wrong or odd charset are read right, or their record says which encoding it assumed.

Every fixture page is served in each way portals get charsets wrong (windows-1258 labelled UTF-8
or unlabelled, UTF-8 labelled windows-1258 or latin-1, UTF-16/32 with a byte order mark, halves
in two encodings, UTF-8 saved twice); the decoded text must be the page's own text, and the parsed
title the clean page's title, unless a ``charset:`` problem names the encoding assumed.
"""

from __future__ import annotations

import codecs
import functools
import json
import unicodedata
from pathlib import Path

import pytest
from charset_samples import META_CHARSET, labelled, mislabelled_variants, to_cp1258
from click.testing import CliRunner
from hostile_profiles import FULL
from hypothesis import given, settings
from hypothesis import strategies as st
from reliability_figures import record

from portal_spider.cli import main
from portal_spider.normalize.charset import decode_page, looks_like_mojibake
from portal_spider.normalize.text import strip_controls
from portal_spider.offline.fixtures import find_cases
from portal_spider.offline.parse import parse_page

CASES = find_cases(Path(__file__).parent / "fixtures" / "pages")
QUICK_PLATFORMS = {"yenbai", "wordpress", "sharepoint", "generic"}
# the parsing checks (slower): every page in the full run, else a page of four platforms
ONE_PER_PLATFORM = list({case.path.parent.name: case for case in CASES}.values())
PARSED = CASES if FULL else [c for c in ONE_PER_PLATFORM if c.path.parent.name in QUICK_PLATFORMS]
BY_NAME = {case.name: case for case in CASES}
VARIANTS = sorted(mislabelled_variants("<html><head></head><body></body></html>"))
TITLE = "Hội nghị sơ kết công tác tuyên giáo 6 tháng đầu năm"


@functools.cache
def variants_of(name: str) -> dict[str, tuple[bytes, str]]:
    """The mislabelled variants of a fixture page (built once)."""
    return mislabelled_variants(BY_NAME[name].html)


@functools.cache
def clean_title(name: str) -> str | None:
    """The title parsed from the fixture page as saved (UTF-8)."""
    case = BY_NAME[name]
    return parse_page(case.html, case.url, use_registry=False).title


def charset_problems(problems: list[str]) -> list[str]:
    return [p for p in problems if p.startswith("charset:")]


def best_possible(html: str, variant: str) -> str:
    """The page's text as its variant can carry it (windows-1258 lacks a few characters)."""
    page = META_CHARSET.sub("", html)
    if variant.startswith("cp1258"):
        page = to_cp1258(page).decode("cp1258")
    return strip_controls(unicodedata.normalize("NFC", page))


@pytest.mark.reliability
@pytest.mark.parametrize("variant", VARIANTS)
def test_every_fixture_page_decodes_to_its_own_text(variant):
    wrong = 0
    for case in CASES:
        body, content_type = variants_of(case.name)[variant]
        page = decode_page(body, content_type)
        if variant.startswith("mixed"):
            assert charset_problems(page.problems), case.name
            continue
        if META_CHARSET.sub("", page.text) != best_possible(case.html, variant):
            wrong += 1
            assert charset_problems(page.problems), f"{case.name}: wrong text, no problem"
    record("hostile_inputs", len(CASES), kind="charset variant", variant=variant)
    assert wrong == 0


@pytest.mark.reliability
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("case", PARSED, ids=lambda c: c.name)
def test_mislabelled_page_gives_the_right_title_or_names_the_encoding(case, variant):
    title = clean_title(case.name)
    body, content_type = variants_of(case.name)[variant]
    item = parse_page(decode_page(body, content_type), case.url, use_registry=False)
    assert title
    if item.title != title:
        assert charset_problems(item.problems), (item.title, item.problems)
    else:
        assert not looks_like_mojibake(item.title)
    record("hostile_inputs", kind="mislabelled charset page", variant=variant)


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        (codecs.BOM_UTF16_LE + TITLE.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TITLE.encode("utf-16-be"), "utf-16-be"),
        (codecs.BOM_UTF32_LE + TITLE.encode("utf-32-le"), "utf-32-le"),
        (codecs.BOM_UTF32_BE + TITLE.encode("utf-32-be"), "utf-32-be"),
        (codecs.BOM_UTF8 + TITLE.encode("utf-8"), "utf-8"),
    ],
    ids=["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-8"],
)
def test_byte_order_mark_decides_the_encoding(body, encoding):
    page = decode_page(body, "text/html; charset=windows-1258")
    assert (page.text, page.encoding, page.problems) == (TITLE, encoding, [])


def test_windows_1258_tones_come_out_precomposed():
    page = decode_page(to_cp1258(TITLE), "text/html; charset=utf-8")
    assert page.text == TITLE
    assert page.encoding == "cp1258"
    assert unicodedata.is_normalized("NFC", page.text)


def test_utf8_labelled_windows_1258_is_not_read_as_mojibake():
    assert decode_page(TITLE.encode(), "text/html; charset=windows-1258").text == TITLE
    assert decode_page(TITLE.encode(), "text/html; charset=latin-1").text == TITLE


def test_mojibake_is_recognised():
    assert looks_like_mojibake("Há»™i nghá»‹")
    assert looks_like_mojibake(TITLE.encode().decode("cp1252", errors="replace"))
    assert not looks_like_mojibake(TITLE)
    assert not looks_like_mojibake("café, © 2024 – “Đảng ủy”")


def test_mojibake_saved_as_utf8_is_repaired_in_place():
    mojibake = "Hội nghị".encode().decode("cp1252")
    body = f"<p>Xã Phú Thọ: {mojibake}</p>".encode()
    assert decode_page(body, "text/html; charset=utf-8").text == "<p>Xã Phú Thọ: Hội nghị</p>"


def test_control_characters_are_removed_from_the_text():
    page = decode_page("a\x00b\x07c\x1bd\x7fe\x9ff\tg\nh".encode(), "text/html; charset=utf-8")
    assert page.text == "abcdef\tg\nh"


def test_undecodable_bytes_give_a_problem_naming_the_encoding():
    noise = bytes(range(0x80, 0x100)) * 4
    page = decode_page(b"<p>" + noise + b"</p>", "text/html; charset=utf-8")
    assert page.text.startswith("<p>")
    problems = charset_problems(page.problems)
    assert problems and page.encoding in problems[0]


def test_unknown_declared_charset_is_ignored():
    page = decode_page(TITLE.encode(), "text/html; charset=x-no-such-charset")
    assert (page.text, page.encoding, page.problems) == (TITLE, "utf-8", [])


@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_parse_command_reads_a_page_with_a_byte_order_mark(tmp_path, codec):
    case = PARSED[0]
    path = tmp_path / "page.html"
    path.write_bytes(labelled(case.html, None).encode(codec))  # Python writes the BOM
    result = CliRunner().invoke(main, ["parse", str(path), "--url", case.url])
    assert result.exit_code == 0, result.output
    expected = parse_page(case.html, case.url)
    assert json.loads(result.output)["title"] == expected.title


MOJIBAKE_PIECES = ["Hội", "ươ", "Đà", "\u00a0", "“", "–", "a", " ", "Há»™i", "Ä‘", "Ã©", "â€œ"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(MOJIBAKE_PIECES), max_size=16).map("".join))
def test_mojibake_test_skips_only_runs_that_cannot_be_utf8(text: str) -> None:
    """Runs without a character of a UTF-8 continuation byte are not tried: same verdict as
    trying every run."""
    from portal_spider.normalize.charset import (
        MOJIBAKE_RUN_RE,
        MOJIBAKE_RUNS_CHECKED,
        _repaired_run,
        looks_like_mojibake,
    )

    runs = list(MOJIBAKE_RUN_RE.finditer(text))[:MOJIBAKE_RUNS_CHECKED]
    assert looks_like_mojibake(text) == any(_repaired_run(run) != run.group(0) for run in runs)
