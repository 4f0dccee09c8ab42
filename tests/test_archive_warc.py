"""export-warc: the raw captures as a WARC file that warcio reads back and ``warcio check`` passes.

Captures are written with the store the crawler uses; the export is read back record by record
with warcio's ArchiveIterator and compared with what was stored.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import logging
import random
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from sqlite_utils import Database
from warcio.archiveiterator import ArchiveIterator

from archive import cli
from archive.blobs import Capture, insert_capture
from archive.db import open_archive
from archive.store import ArchiveStore
from archive.warc import http_headers, payload_digest, warc_date, write_warc

logger = logging.getLogger(__name__)


def page(title: str, text: str) -> bytes:
    """A small Vietnamese article page, UTF-8."""
    html = (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><h1>{title}</h1><p>{text}</p></body></html>"
    )
    return html.encode("utf-8")


HTML = "text/html; charset=utf-8"
# the words of the bulk test's bodies, drawn at random
VOCABULARY = (
    "Đảng ủy Ủy ban nhân dân huyện xã thị trấn Trạm Tấu Mù Cang Chải tuyên giáo hội nghị "
    "nông thôn mới đồng bào Mông ruộng bậc thang kinh tế xã hội năm tháng kế hoạch"
)
# (portal, url, fetched_at, headers, body): stored in this order, so capture ids follow it
CAPTURES = [
    (
        "tramtau",
        "https://tramtau.yenbai.gov.vn/tin-tuc/hoi-nghi-so-ket-cong-tac-tuyen-giao-1",
        "2025-06-20T02:10:00+00:00",
        {"Content-Type": HTML, "Server": "Microsoft-IIS/10.0", "Content-Length": "512"},
        page(
            "Hội nghị sơ kết công tác tuyên giáo",
            "Ban Tuyên giáo Huyện ủy Trạm Tấu tổ chức hội nghị sơ kết 6 tháng đầu năm 2023.",
        ),
    ),
    (
        "mucangchai",
        "https://mucangchai.yenbai.gov.vn/tin-tuc/ruong-bac-thang-mua-nuoc-do-2",
        "2025-07-01T23:59:59+00:00",
        # stored after decompression: the body below is plain HTML, not gzip
        {
            "Content-Type": HTML,
            "Content-Encoding": "gzip",
            "Transfer-Encoding": "chunked",
            "Content-Length": "301",
            "Vary": "Accept-Encoding",
        },
        page(
            "Ruộng bậc thang Mù Cang Chải mùa nước đổ",
            "Đồng bào Mông ở xã La Pán Tẩn đổ nước vào ruộng, chuẩn bị gieo cấy vụ mùa.",
        ),
    ),
    (
        "dongcuong",
        "https://dongcuong.vanyen.yenbai.gov.vn/tin-tuc/dong-cuong-don-bang-cong-nhan-3",
        "2025-06-30T08:00:00+00:00",
        {"Content-Type": HTML},
        page(
            "Đông Cuông đón bằng công nhận xã nông thôn mới nâng cao",
            "Đảng ủy, chính quyền xã Đông Cuông phát động phong trào thi đua năm 2025.",
        ),
    ),
    (
        "tramtau",
        "https://tramtau.yenbai.gov.vn/tin-tuc/hoi-nghi-so-ket-cong-tac-tuyen-giao-1",
        "2025-07-02T01:00:00+00:00",
        {"Content-Type": HTML, "Content-Length": "9"},
        page(
            "Hội nghị sơ kết công tác tuyên giáo (cập nhật)",
            "Bài viết được cập nhật: bổ sung danh sách tập thể, cá nhân được khen thưởng.",
        ),
    ),
]


def build(path: Path) -> Database:
    """An archive holding CAPTURES, stored as the crawler stores them."""
    db = open_archive(path)
    store = ArchiveStore(db)
    for portal, url, fetched_at, headers, body in CAPTURES:
        store.save_capture(
            portal=portal,
            run_id=None,
            url=url,
            body=body,
            http_status=200,
            headers=headers,
            fetched_at=fetched_at,
        )
    return db


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    build(path).close()
    return path


def invoke(*args: str) -> Result:
    group = click.Group("portal-archive")
    cli.register(group)
    return CliRunner().invoke(group, list(args))


def read_warc(path: Path) -> list[dict]:
    """Every record of a WARC file: its WARC headers, HTTP headers and payload bytes."""
    records = []
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            records.append(
                {
                    "type": record.rec_type,
                    "warc": record.rec_headers,
                    "http": record.http_headers,
                    "raw": record.raw_stream.read(),
                }
            )
    return records


def warcio_command() -> str:
    """The warcio console script of the interpreter running the tests."""
    script = Path(sys.executable).parent / "warcio"
    found = str(script) if script.exists() else shutil.which("warcio")
    assert found, "warcio's console script is not installed"
    return found


def test_export_round_trips_every_capture(archive_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "captures.warc.gz"
    result = invoke("export-warc", "--db", str(archive_path), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "Wrote 4 capture(s)" in result.output
    assert not out.with_name(out.name + ".partial").exists()

    records = read_warc(out)
    # no request was recorded with these captures: a response and its metadata record each
    assert [r["type"] for r in records] == ["warcinfo"] + ["response", "metadata"] * len(CAPTURES)
    info = records[0]
    assert info["warc"].protocol == "WARC/1.0"
    assert info["warc"].get_header("WARC-Filename") == "captures.warc.gz"
    fields = info["raw"].decode("utf-8")
    assert "software: portal-archive/" in fields and "warcio/" in fields
    assert "format: WARC File Format 1.0" in fields
    assert "archive: archive.db" in fields

    info_id = info["warc"].get_header("WARC-Record-ID")
    ids = {r["warc"].get_header("WARC-Record-ID") for r in records}
    assert len(ids) == len(records) and all(i.startswith("<urn:uuid:") for i in ids)
    responses = [r for r in records if r["type"] == "response"]
    for record, (_, url, fetched_at, _, body) in zip(responses, CAPTURES, strict=True):
        warc = record["warc"]
        assert warc.get_header("WARC-Target-URI") == url
        assert warc.get_header("WARC-Date") == warc_date(fetched_at)
        assert warc.get_header("WARC-Warcinfo-ID") == info_id
        digest = payload_digest(hashlib.sha256(body).hexdigest())
        assert warc.get_header("WARC-Payload-Digest") == digest
        assert warc.get_header("WARC-Block-Digest").startswith("sha1:")
        assert record["http"].get_statuscode() == "200"
        assert record["http"].protocol == "HTTP/1.1"
        assert record["raw"] == body  # byte for byte as stored
        assert record["http"].get_header("Content-Length") == str(len(body))
        assert record["http"].get_header("Content-Type") == HTML
        assert not body.isascii()  # Vietnamese text, UTF-8


def test_warc_date_is_utc_to_the_second() -> None:
    assert warc_date("2025-06-20T02:10:00+00:00") == "2025-06-20T02:10:00Z"
    assert warc_date("2025-06-20T09:10:00+07:00") == "2025-06-20T02:10:00Z"
    assert warc_date("2025-06-20T02:10:00") == "2025-06-20T02:10:00Z"


def test_encoding_headers_are_fixed_up(archive_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "captures.warc.gz"
    write_warc(open_archive(archive_path), out)
    responses = [r for r in read_warc(out) if r["type"] == "response"]
    decoded = responses[1]  # the capture stored with Content-Encoding: gzip
    headers = decoded["http"]
    assert headers.get_header("Content-Encoding") is None
    assert headers.get_header("Transfer-Encoding") is None
    assert headers.get_header("Content-Length") == str(len(CAPTURES[1][4]))
    assert headers.get_header("Vary") == "Accept-Encoding"
    # replay tools read the payload through content_stream(), which would gunzip a gzip header
    with open(out, "rb") as stream:
        payloads = [
            r.content_stream().read() for r in ArchiveIterator(stream) if r.rec_type == "response"
        ]
    assert payloads[1] == CAPTURES[1][4]
    # the stored order is kept; the stale Content-Length is replaced by the body's, at the end
    first = responses[0]["http"].headers
    assert [name for name, _ in first] == ["Content-Type", "Server", "Content-Length"]


def test_a_body_still_gzipped_keeps_its_content_encoding() -> None:
    body = gzip.compress(b"<html><body>nguy\xc3\xaan v\xe1\xba\xb9n</body></html>")
    stored = {"Content-Type": "text/html", "Content-Encoding": "gzip", "Content-Length": "1"}
    headers = http_headers(200, stored, body)
    assert headers.get_header("Content-Encoding") == "gzip"
    assert headers.get_header("Content-Length") == str(len(body))
    plain = http_headers(200, stored, b"<html></html>")
    assert plain.get_header("Content-Encoding") is None


def test_headers_cannot_break_the_record() -> None:
    headers = http_headers(
        404, {"X-Note": "one\r\nX-Injected: two", "Set-Cookie": ["a=1", "b=2"]}, b""
    )
    assert headers.statusline == "404 Not Found"
    assert ("X-Note", "one X-Injected: two") in headers.headers
    assert [value for name, value in headers.headers if name == "Set-Cookie"] == ["a=1", "b=2"]
    assert http_headers(599, {}, b"x").statusline.startswith("599")


def test_warcio_check_passes(archive_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "captures.warc.gz"
    assert write_warc(open_archive(archive_path), out) == len(CAPTURES)
    result = subprocess.run(
        [warcio_command(), "check", "-v", str(out)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "digest pass" in result.stdout
    assert "fail" not in result.stdout.replace("digest pass", "")


def test_filters_by_portal_and_fetch_date(archive_path: Path, tmp_path: Path) -> None:
    def urls_and_dates(*args: str) -> list[tuple[str, str]]:
        out = tmp_path / "filtered.warc.gz"
        result = invoke("export-warc", "--db", str(archive_path), "-o", str(out), *args)
        assert result.exit_code == 0, result.output
        records = read_warc(out)
        assert records[0]["type"] == "warcinfo"
        return [
            (r["warc"].get_header("WARC-Target-URI"), r["warc"].get_header("WARC-Date"))
            for r in records[1:]
            if r["type"] == "response"
        ]

    def expected(indexes: list[int]) -> list[tuple[str, str]]:
        return [(CAPTURES[i][1], warc_date(CAPTURES[i][2])) for i in indexes]

    assert urls_and_dates("--portal", "tramtau") == expected([0, 3])
    assert urls_and_dates("--portal", "TramTau", "--portal", "dongcuong") == expected([0, 2, 3])
    assert urls_and_dates("--since", "2025-07") == expected([1, 3])
    assert urls_and_dates("--until", "2025-06") == expected([0, 2])
    assert urls_and_dates("--since", "2025-06-21", "--until", "2025-07-01") == expected([1, 2])
    assert urls_and_dates("--portal", "tramtau", "--since", "2025-07-02") == expected([3])
    assert urls_and_dates("--portal", "nowhere") == []

    db = open_archive(archive_path)
    sink = io.BytesIO()
    assert write_warc(db, sink, portal="mucangchai", since="2025", until="2025") == 1


def test_bad_date_is_refused(archive_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.warc.gz"
    result = invoke("export-warc", "--db", str(archive_path), "--since", "07/2025", "-o", str(out))
    assert result.exit_code == 2
    assert "YYYY" in result.output
    assert not out.exists()


def test_missing_db_is_a_one_line_error(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    out = tmp_path / "x.warc.gz"
    result = invoke("export-warc", "--db", str(missing), "-o", str(out))
    assert result.exit_code != 0
    assert result.output.strip() == f"Error: {missing}: no such archive"
    assert not missing.exists() and not out.exists()


def test_unwritable_output_is_a_one_line_error(archive_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "no-such-dir" / "x.warc.gz"
    result = invoke("export-warc", "--db", str(archive_path), "-o", str(out))
    assert result.exit_code != 0
    assert result.output.strip().count("\n") == 0 and result.output.startswith("Error: ")


@pytest.mark.slow
def test_export_is_in_capture_order_and_streams(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "big.db")
    store = ArchiveStore(db)
    count = 160
    words = VOCABULARY.split()
    rng = random.Random(7)  # words in random order: bodies that compress like real text
    for n in range(count):
        # later ids get earlier dates: the order must follow the id, not the date
        store.save_capture(
            portal="tramtau",
            run_id=None,
            url=f"https://tramtau.yenbai.gov.vn/tin-tuc/bai-{n}",
            body=page(f"Bài số {n}", " ".join(rng.choices(words, k=12_000))),
            http_status=200,
            headers={"Content-Type": HTML},
            fetched_at=f"2025-06-{28 - n % 28:02d}T0{n % 10}:00:00+00:00",
        )

    class Sink(io.RawIOBase):
        """Counts the bytes written to it and keeps none."""

        size = 0

        def writable(self) -> bool:
            return True

        def write(self, data: bytes) -> int:
            self.size += len(data)
            return len(data)

    sink = Sink()
    tracemalloc.start()
    try:
        assert write_warc(db, sink) == count
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    raw_bytes = db.execute("select sum(size) from captures").fetchone()[0]
    stored_bytes = db.execute("select sum(length(body_gz)) from captures").fetchone()[0]
    # holding the bodies, or even the stored gzip of all rows, would take far more than the peak
    assert raw_bytes > 10_000_000 and stored_bytes > 2_000_000
    assert peak < 1_500_000

    out = tmp_path / "big.warc.gz"
    write_warc(db, out)
    with open(out, "rb") as stream:
        urls = [
            r.rec_headers.get_header("WARC-Target-URI")
            for r in ArchiveIterator(stream)
            if r.rec_type == "response"
        ]
    assert urls == [f"https://tramtau.yenbai.gov.vn/tin-tuc/bai-{n}" for n in range(count)]


def test_a_refetch_is_a_revisit_with_its_request_and_metadata(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "archive.db")
    body = page("Danh sách tin", "Trang 1 của danh sách tin tức.")
    first_url = "https://tramtau.yenbai.gov.vn/tin-tuc?page=1"
    request = {"User-Agent": "portal-archive/0.1", "Accept-Language": "vi"}
    ids = []
    for url, when in ((first_url, "2025-06-20T02:10:00+00:00"),
                      (first_url + "&lv=0", "2025-06-27T02:10:00+00:00")):  # fmt: skip
        capture = Capture("tramtau", None, url, body, 200, {"Content-Type": HTML}, when,
                          kind="listing", request_headers=request)  # fmt: skip
        with db.conn:
            ids.append(insert_capture(db, capture))
    assert ids[1] == (ids[0][0] + 1, ids[0][0])  # the second row points at the first's bytes
    assert db["captures"].get(ids[1][0])["body_gz"] is None
    out = tmp_path / "listing.warc.gz"
    assert write_warc(db, out) == 2
    records = read_warc(out)
    assert [r["type"] for r in records] == [
        "warcinfo", "response", "request", "metadata", "revisit", "request", "metadata",
    ]  # fmt: skip
    response, revisit = records[1]["warc"], records[4]["warc"]
    assert revisit.get_header("WARC-Refers-To-Target-URI") == first_url
    assert revisit.get_header("WARC-Refers-To-Date") == "2025-06-20T02:10:00Z"
    assert revisit.get_header("WARC-Payload-Digest") == response.get_header("WARC-Payload-Digest")
    assert "identical-payload-digest" in revisit.get_header("WARC-Profile")
    assert records[4]["raw"] == b""  # no payload: the bytes are in the first record
    sent = records[5]["http"]
    assert sent.protocol == "GET" and sent.get_header("Host") == "tramtau.yenbai.gov.vn"
    assert sent.get_header("Accept-Language") == "vi"
    assert records[5]["warc"].get_header("WARC-Concurrent-To") == revisit.get_header(
        "WARC-Record-ID"
    )
    fields = records[6]["raw"].decode()
    assert "portal-archive-kind: listing" in fields
    assert f"portal-archive-revisit-of: {ids[0][0]}" in fields
    check = subprocess.run([warcio_command(), "check", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
