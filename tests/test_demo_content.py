"""Checks on the content of the bundled offline demo portal (portal_spider/demo/articles.json)."""

import json
import re
import unicodedata
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

import portal_spider

DEMO_JSON = Path(portal_spider.__file__).parent / "demo" / "articles.json"

RAW_RE = re.compile(r"^\d{2}/\d{2}/\d{4} \d{1,2}:\d{2}:\d{2} (SA|CH)$")
IMAGE_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\.jpg$")
LISTS = {"TinTuc", "ChinhTri", "KinhTe", "VanHoaXaHoi", "QuocPhongAnNinh"}
AUTHOR_LABELS = {"Tin, ảnh:", "Tác giả:", "Bài, ảnh:", "Tin và ảnh:"}


@pytest.fixture(scope="module")
def doc():
    return json.loads(DEMO_JSON.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def articles(doc):
    return doc["articles"]


def to_iso(raw: str) -> str:
    """vi-VN 'dd/MM/yyyy h:mm:ss tt' -> ISO 8601 at UTC+7, with an explicit 12-hour rule."""
    day_part, time_part, marker = raw.split(" ")
    dd, mm, yyyy = (int(x) for x in day_part.split("/"))
    h, mi, s = (int(x) for x in time_part.split(":"))
    assert 1 <= h <= 12, raw
    # 12 SA is midnight (00), 12 CH is noon (12); otherwise CH adds 12 hours.
    hour = h % 12 + (12 if marker == "CH" else 0)
    return f"{yyyy:04d}-{mm:02d}-{dd:02d}T{hour:02d}:{mi:02d}:{s:02d}+07:00"


def test_to_iso_helper():
    assert to_iso("14/07/2023 8:00:02 SA") == "2023-07-14T08:00:02+07:00"
    assert to_iso("01/01/2024 12:05:00 CH") == "2024-01-01T12:05:00+07:00"
    assert to_iso("01/01/2024 12:30:00 SA") == "2024-01-01T00:30:00+07:00"
    assert to_iso("01/01/2024 9:15:00 CH") == "2024-01-01T21:15:00+07:00"


def iter_strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from iter_strings(k)
            yield from iter_strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from iter_strings(v)


def test_file_is_pretty_utf8_nfc():
    text = DEMO_JSON.read_bytes().decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert "\\u" not in text  # ensure_ascii=False
    assert text.startswith('{\n  "portal"')


def test_all_strings_nfc_and_clean(doc):
    for s in iter_strings(doc):
        assert unicodedata.is_normalized("NFC", s), s[:60]
        assert s == s.strip(), s[:60]
        assert "<" not in s and ">" not in s, s[:60]
        assert "lorem" not in s.lower()


def test_portal_and_categories(doc, articles):
    assert doc["portal"] == {
        "slug": "tramtau",
        "name": "Cổng thông tin điện tử huyện Trạm Tấu",
        "province": "Yên Bái",
        "host": "tramtau.yenbai.gov.vn",
    }
    assert {c["list"] for c in doc["categories"]} == LISTS
    counts = Counter(a["list"] for a in articles)
    assert set(counts) == LISTS
    assert all(n >= 8 for n in counts.values()), counts
    assert counts.most_common(1)[0][0] == "TinTuc"
    assert all(counts["TinTuc"] > n for k, n in counts.items() if k != "TinTuc")


def test_article_count_and_ids(articles):
    assert len(articles) == 64
    ids = [a["item_id"] for a in articles]
    assert len(set(ids)) == 64
    assert all(isinstance(i, int) and 3001 <= i <= 4100 for i in ids)


def test_article_fields(articles):
    keys = {
        "item_id",
        "list",
        "title",
        "published_raw",
        "published_at",
        "views",
        "paragraphs",
        "source",
        "author",
        "author_label",
        "images",
        "attachments",
    }
    for a in articles:
        assert set(a) == keys, a["item_id"]
        assert a["title"]
        assert 3 <= len(a["paragraphs"]) <= 7, a["item_id"]
        assert all(p for p in a["paragraphs"])
        assert isinstance(a["views"], int) and 0 <= a["views"] <= 25000
        assert a["source"] is None or a["source"]
        if a["author"] is None:
            assert a["author_label"] is None
        else:
            assert a["author_label"] in AUTHOR_LABELS
        assert len(a["images"]) <= 2


def test_published_raw_format_and_iso(articles):
    for a in articles:
        raw = a["published_raw"]
        assert RAW_RE.match(raw), raw
        hour = raw.split(" ")[1].split(":")[0]
        assert not hour.startswith("0"), raw
        assert a["published_at"] == to_iso(raw), raw
        dt = datetime.fromisoformat(a["published_at"])
        assert dt.tzinfo is not None and dt.utcoffset() == timedelta(hours=7)
        assert date(2023, 1, 1) <= dt.date() <= date(2025, 6, 30), raw


def test_timestamps_distinct_varied_and_unsorted(articles):
    stamps = [a["published_at"] for a in articles]
    assert len(set(stamps)) == len(stamps)
    assert stamps != sorted(stamps) and stamps != sorted(stamps, reverse=True)
    raws = [a["published_raw"] for a in articles]
    assert sum(r.endswith(" SA") for r in raws) >= 10
    assert sum(r.endswith(" CH") for r in raws) >= 10
    assert sum(" 12:" in r and r.endswith(" CH") for r in raws) >= 2
    assert sum(" 12:" in r and r.endswith(" SA") for r in raws) >= 1
    assert sum(len(r.split(" ")[1].split(":")[0]) == 1 for r in raws) >= 5
    years = Counter(s[:4] for s in stamps)
    assert set(years) == {"2023", "2024", "2025"}


def test_views_distribution(articles):
    views = [a["views"] for a in articles]
    assert sum(v > 1000 for v in views) >= 5
    assert sum(200 <= v <= 6000 for v in views) >= len(views) // 2
    assert min(views) >= 0 and max(views) <= 25000


def test_sources_authors_images(articles):
    null_sources = sum(a["source"] is None for a in articles)
    assert 10 <= null_sources <= 16
    assert len({a["source"] for a in articles if a["source"]}) >= 8
    authors = sum(a["author"] is not None for a in articles)
    assert 24 <= authors <= 40
    with_images = sum(bool(a["images"]) for a in articles)
    assert 34 <= with_images <= 46


def test_image_files_unique_and_ascii(articles):
    files = [img["file"] for a in articles for img in a["images"]]
    assert len(files) == len(set(files))
    for f in files:
        assert IMAGE_RE.match(f), f
    for a in articles:
        for img in a["images"]:
            assert img["caption"]


def test_exactly_one_pdf_attachment(articles):
    with_att = [a for a in articles if a["attachments"]]
    assert len(with_att) == 1
    (a,) = with_att
    assert len(a["attachments"]) == 1
    att = a["attachments"][0]
    assert att["file"].endswith(".pdf") and att["title"]
    assert re.search(r"kế hoạch|quyết định", a["title"].lower())


def test_no_repeated_paragraphs(articles):
    paras = [p for a in articles for p in a["paragraphs"]]
    assert len(paras) == len(set(paras))
    titles = [a["title"] for a in articles]
    assert len(titles) == len(set(titles))


def test_seed_article(articles):
    (seed,) = [a for a in articles if a["item_id"] == 4001]
    assert seed["list"] == "TinTuc"
    assert seed["title"] == (
        "Hội nghị sơ kết công tác tuyên giáo, Ban Chỉ đạo 35 huyện 6 tháng đầu năm 2023"
    )
    assert seed["published_raw"] == "14/07/2023 8:00:02 SA"
    assert seed["published_at"] == "2023-07-14T08:00:02+07:00"
    assert seed["views"] == 4829
    assert seed["source"] == "Ban Tuyên giáo Huyện ủy"
    assert seed["author"] is None and seed["author_label"] is None
    assert len(seed["images"]) == 1
    assert seed["attachments"] == []
    paras = seed["paragraphs"]
    assert len(paras) == 6
    assert paras[0].startswith("Chiều ngày 12/7, Thường trực Huyện ủy đã tổ chức Hội nghị")
    assert paras[0].endswith("Phó Bí thư Thường trực Huyện uỷ chủ trì Hội nghị.")
    assert paras[2].startswith("Tuy nhiên, công tác tổ chức phổ biến")
    assert paras[-1].startswith("Về những nhiệm vụ trọng tâm trong 6 tháng cuối năm 2023")
    assert paras[-1].endswith("Hương Sen Việt, Tâm Sáng, Trạm Tấu mến yêu...")
    assert "“lấy cái đẹp dẹp cái xấu”" in paras[-1]
