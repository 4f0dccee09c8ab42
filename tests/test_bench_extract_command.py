"""``portal-archive bench-extract`` scores a data set laid out like the benchmark and prints it."""

from __future__ import annotations

import gzip
import json
import logging
from pathlib import Path

from click.testing import CliRunner

from portal_spider.cli import main

logger = logging.getLogger(__name__)

BODY = (
    "Sáng ngày 12/3, Ủy ban nhân dân huyện tổ chức hội nghị triển khai kế hoạch phát triển kinh "
    "tế - xã hội năm 2024 với sự tham dự của lãnh đạo các phòng, ban và các xã, thị trấn.",
    "Năm 2024, huyện phấn đấu tốc độ tăng trưởng kinh tế đạt trên 8%, thu nhập bình quân đầu "
    "người đạt 52 triệu đồng và giảm tỷ lệ hộ nghèo từ 3 đến 4% so với năm trước.",
)


def page(body: tuple[str, ...]) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body)
    return (
        "<!DOCTYPE html><html><head><title>Hội nghị triển khai kế hoạch năm 2024</title></head>"
        "<body><nav><a href='/'>Trang chủ</a> <a href='/tin-tuc'>Tin tức</a></nav>"
        f"<article><h1>Hội nghị triển khai kế hoạch năm 2024</h1>{paragraphs}</article>"
        "<footer>Lượt truy cập: 1.234.567</footer></body></html>"
    )


def write_dataset(folder: Path) -> Path:
    (folder / "html").mkdir(parents=True)
    truth = {}
    for number in range(2):
        page_id = f"page{number}"
        raw = page(BODY).encode("utf-8")
        (folder / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(raw))
        truth[page_id] = {"articleBody": "\n".join(BODY), "url": f"https://example.org/{page_id}"}
    (folder / "ground-truth.json").write_text(json.dumps(truth, ensure_ascii=False), "utf-8")
    return folder


def test_bench_extract_prints_precision_recall_and_f1(tmp_path):
    dataset = write_dataset(tmp_path / "bench")
    result = CliRunner().invoke(main, ["bench-extract", "--dataset", str(dataset)])
    assert result.exit_code == 0, result.output
    assert "pages:           2" in result.output
    for label in ("precision:", "recall:", "F1 (mean P, R):"):
        assert label in result.output
    f1 = float(result.output.split("F1 (mean P, R):")[1].split()[0])
    assert f1 > 0.9


def test_bench_extract_floor_fails_the_command_when_not_met(tmp_path):
    dataset = write_dataset(tmp_path / "bench")
    result = CliRunner().invoke(
        main, ["bench-extract", "--dataset", str(dataset), "--min-f1", "1.1"]
    )
    assert result.exit_code == 1
    assert "below the floor" in result.output


def test_bench_extract_without_a_dataset_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(main, ["bench-extract", "--dataset", str(tmp_path / "missing")])
    assert result.exit_code != 0
    assert result.output.strip().count("\n") == 0
    assert result.output.startswith("Error: ") and "ground-truth.json" in result.output
