"""``portal-archive parse`` on a page in the seed's layout (the Trạm Tấu article of 14/07/2023)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal_spider.cli import main

PAGE = Path(__file__).parent / "fixtures" / "seed" / "tramtau-2023-07-14-hoi-nghi-tuyen-giao.html"
URL = (
    "https://tramtau.yenbai.gov.vn/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx?ItemID=4001&l=TinTuc"
)
WIDGETS = ["In", "Đọc bài", "đã tặng", "Các tin khác", "Thư viện ảnh", "Lượt truy cập"]


@pytest.fixture(scope="module")
def record() -> dict:
    result = CliRunner().invoke(main, ["parse", str(PAGE), "--url", URL])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_title(record):
    assert record["title"] == (
        "Hội nghị sơ kết công tác tuyên giáo, Ban Chỉ đạo 35 huyện 6 tháng đầu năm 2023"
    )


def test_published_at(record):
    assert record["published_at"] == "2023-07-14T08:00:02+07:00"
    assert record["published_raw"] == "14/07/2023 8:00:02 SA"


def test_views_are_the_article_counter_not_the_site_counter(record):
    assert record["views"] == 4829
    assert "Lượt truy cập" in PAGE.read_text(encoding="utf-8")


def test_source_without_its_label(record):
    assert record["source"] == "Ban Tuyên giáo Huyện ủy"


def test_body_runs_from_first_to_last_paragraph(record):
    assert record["body_text"].startswith("Chiều ngày 12/7, Thường trực Huyện ủy")
    assert record["body_text"].endswith("Trạm Tấu mến yêu...")
    assert record["body_text"].count("\n\n") == 5


@pytest.mark.parametrize("widget", WIDGETS)
def test_body_has_no_widget(record, widget):
    lines = record["body_text"].split("\n")
    assert widget not in lines
    if widget != "In":  # "In" is also a syllable of ordinary words
        assert widget not in record["body_text"]


def test_identity_and_provenance(record):
    assert record["item_id"] == "4001"
    assert record["platform"] == "yenbai"
    assert record["canonical_url"] == (
        "https://tramtau.yenbai.gov.vn/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx?ItemID=4001"
    )
    assert record["extraction"]["views"].startswith("platform:yenbai")
    assert record["problems"] == []


def test_images_are_absolute(record):
    assert record["images"][0]["url"].startswith(
        "https://tramtau.yenbai.gov.vn/noidung/tintuc/PublishingImages/"
    )
    assert record["images"][0]["caption"]


def test_output_is_utf8_json_not_escaped():
    result = CliRunner().invoke(main, ["parse", str(PAGE), "--url", URL])
    assert "Hội nghị sơ kết" in result.output
