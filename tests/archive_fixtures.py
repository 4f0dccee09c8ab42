"""Small archives for the researcher-side tests, built with sqlite-utils on a fresh open_archive.

Imported by tests as ``from archive_fixtures import ...`` (pytest puts tests/ on sys.path).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import socket
import struct
import subprocess
import sys
import time
import unicodedata
import urllib.request
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from archive.db import open_archive

logger = logging.getLogger(__name__)

SEED_ID = "tramtau-ban-tuyen-giao-2023-07-14"
SEED_TITLE = "Hội nghị sơ kết công tác tuyên giáo, Ban Chỉ đạo 35 huyện 6 tháng đầu năm 2023"
SEED_BODY = (
    "Chiều ngày 12/7, Ban Tuyên giáo Huyện ủy Trạm Tấu tổ chức hội nghị sơ kết công tác "
    "Tuyên giáo của Đảng bộ huyện 6 tháng đầu năm 2023.\n\n"
    "Hội nghị đánh giá kết quả thực hiện nghị quyết của Đảng ủy các xã, thị trấn và bàn nhiệm vụ "
    "6 tháng cuối năm, xây dựng quê hương Trạm Tấu mến yêu..."
)
XSS_ID = "tramtau-xss-test"
XSS_TITLE = "Tin thử <script>window.__xss=4</script> tuyên truyền"
XSS_HTML = (
    "<p>Bài thử nghiệm tuyên truyền.</p><script>window.__xss=1</script>"
    '<img src=x onerror="window.__xss=2">'
    '<a href="javascript:window.__xss=3">link</a>'
)

PORTALS = [
    {
        "slug": "tramtau",
        "name": "Cổng thông tin điện tử huyện Trạm Tấu",
        "level": "huyện",
        "province": "Yên Bái",
        "base_url": "https://tramtau.yenbai.gov.vn",
        "platform": "yenbai-sharepoint",
        "status": "frozen",
    },
    {
        "slug": "mucangchai",
        "name": "Cổng thông tin điện tử huyện Mù Cang Chải",
        "level": "huyện",
        "province": "Yên Bái",
        "base_url": "https://mucangchai.yenbai.gov.vn",
        "platform": "yenbai-sharepoint",
        "status": "frozen",
    },
    {
        "slug": "dongcuong",
        "name": "Cổng thông tin điện tử xã Đông Cuông",
        "level": "xã",
        "province": "Lào Cai",
        "base_url": "https://dongcuong.vanyen.yenbai.gov.vn",
        "platform": "yenbai-sharepoint",
        "status": "active",
    },
]


def article(id_: str, portal: str, title: str, published_at: str, views: int, **extra) -> dict:
    """An articles row with sensible defaults for the columns a test does not care about."""
    row = {
        "id": id_,
        "portal": portal,
        "item_id": id_.rsplit("-", 1)[-1],
        "canonical_url": f"https://{portal}.yenbai.gov.vn/tin/{id_}",
        "url": f"https://{portal}.yenbai.gov.vn/tin/{id_}",
        "platform": "yenbai-sharepoint",
        "category": "Tin tức - Sự kiện",
        "title": title,
        "published_at": published_at,
        "published_raw": published_at,
        "views": views,
        "views_raw": f"{views} lượt xem",
        "body_text": f"{title}. Nội dung bài viết.",
        "body_html": f"<p>{title}. Nội dung bài viết.</p>",
        "source": None,
        "author": None,
        "images": "[]",
        "attachments": "[]",
        "extraction": "{}",
        "problems": "[]",
        "status": "ok",
        "content_hash": f"hash-{id_}",
        "version": 1,
        "first_seen_at": "2025-06-01T10:00:00+07:00",
        "last_seen_at": "2025-06-20T10:00:00+07:00",
        "fetched_at": "2025-06-20T10:00:00+07:00",
        "gone_at": None,
        "capture_id": None,
    }
    row.update(extra)
    return row


def seed_article() -> dict:
    """The Trạm Tấu article of seeds/ (title, date, views, source as the page shows them)."""
    return article(
        SEED_ID,
        "tramtau",
        SEED_TITLE,
        "2023-07-14T08:00:02+07:00",
        4829,
        category="Tin hoạt động",
        body_text=SEED_BODY,
        body_html="".join(f"<p>{p}</p>" for p in SEED_BODY.split("\n\n")),
        source="Ban Tuyên giáo Huyện ủy",
        views_raw="4829 lượt xem",
        published_raw="14/07/2023 8:00:02 SA",
        version=2,
    )


OTHER_ARTICLES = [
    article(
        "mucangchai-1001",
        "mucangchai",
        "Mù Cang Chải triển khai nhiệm vụ phát triển du lịch",
        "2023-07-20T09:15:00+07:00",
        1200,
        category="Kinh tế",
        body_text="Huyện Mù Cang Chải triển khai kế hoạch phát triển du lịch ruộng bậc thang.",
        source="Phòng Văn hóa và Thông tin",
    ),
    article(
        "mucangchai-1002",
        "mucangchai",
        "Đại hội Đoàn thanh niên xã La Pán Tẩn",
        "2023-08-02T14:00:00+07:00",
        350,
        category="Tin hoạt động",
        body_text="Đại hội đại biểu Đoàn TNCS Hồ Chí Minh xã nhiệm kỳ 2023 - 2028.",
    ),
    article(
        "dongcuong-7",
        "dongcuong",
        "Xã Đông Cuông ra quân làm đường giao thông nông thôn",
        "2024-03-05T07:30:00+07:00",
        90,
        category="Nông thôn mới",
        body_text="Nhân dân xã Đông Cuông góp công làm đường bê tông.",
    ),
]


def insert_article(db: Database, row: dict) -> None:
    """Insert one articles row (the triggers index it for search)."""
    db["articles"].insert(row)


def build_archive(path: Path, *, xss: bool = False, captures: bool = False) -> Database:
    """A fresh archive with three portals, the seed article and three others, the seed's view
    series and versions and two crawl runs; with ``xss`` also an article with script payloads;
    with ``captures`` the seed's captured page and photo (see add_captures)."""
    db = open_archive(path)
    db["portals"].insert_all(PORTALS)
    for row in [seed_article(), *OTHER_ARTICLES]:
        insert_article(db, row)
    if xss:
        insert_article(
            db,
            article(
                XSS_ID,
                "tramtau",
                XSS_TITLE,
                "2023-09-01T08:00:00+07:00",
                7,
                body_text="Bài thử nghiệm tuyên truyền. window.__xss",
                body_html=XSS_HTML,
                url="javascript:window.__xss=5",
                source='<img src=x onerror="window.__xss=6">',
            ),
        )
    db["article_views"].insert_all(
        {"article_id": SEED_ID, "observed_at": observed, "views": views}
        for observed, views in [
            ("2025-06-01T10:00:00+07:00", 4700),
            ("2025-06-10T10:00:00+07:00", 4790),
            ("2025-06-20T10:00:00+07:00", 4829),
        ]
    )
    db["article_versions"].insert_all(
        [
            {
                "article_id": SEED_ID,
                "version": 1,
                "content_hash": "hash-v1",
                "title": "Hội nghị sơ kết công tác tuyên giáo 6 tháng đầu năm 2023",
                "published_at": "2023-07-14T08:00:02+07:00",
                "body_text": SEED_BODY.split("\n\n")[0],
                "observed_at": "2025-06-01T10:00:00+07:00",
            },
            {
                "article_id": SEED_ID,
                "version": 2,
                "content_hash": f"hash-{SEED_ID}",
                "title": SEED_TITLE,
                "published_at": "2023-07-14T08:00:02+07:00",
                "body_text": SEED_BODY,
                "observed_at": "2025-06-10T10:00:00+07:00",
            },
        ]
    )
    db["crawl_runs"].insert_all(
        [
            {
                "id": 1,
                "portal": "tramtau",
                "started_at": "2025-06-20T09:00:00+07:00",
                "finished_at": "2025-06-20T09:30:00+07:00",
                "status": "ok",
                "mode": "full",
                "pages_fetched": 120,
            },
            {
                "id": 2,
                "portal": "mucangchai",
                "started_at": "2025-06-21T09:00:00+07:00",
                "finished_at": "2025-06-21T09:10:00+07:00",
                "status": "failed",
                "mode": "incremental",
                "pages_fetched": 12,
            },
        ]
    )
    if captures:
        add_captures(db)
    return db


SYLLABLES = [
    "Đảng",
    "ủy",
    "nhân",
    "dân",
    "tuyên",
    "giáo",
    "đường",
    "nông",
    "thôn",
    "mới",
    "hội",
    "nghị",
    "phường",
    "xã",
    "huyện",
    "Yên",
    "Bái",
    "Trạm",
    "Tấu",
    "đổi",
]


def vietnamese_text(n: int, words: int) -> str:
    """Deterministic Vietnamese-looking text, different for each ``n``."""
    return " ".join(SYLLABLES[(n * 7 + i * 3) % len(SYLLABLES)] for i in range(words))


def bulk_articles(count: int, *, body_words: int = 30, nfd_every: int = 0) -> list[dict]:
    """``count`` articles spread over the three portals and 2022-2024. With ``nfd_every``, every
    n-th title is given in NFD (as some portals serve it) and normalised to NFC on the way in, as
    the crawler does."""
    rows = []
    for n in range(count):
        portal = PORTALS[n % len(PORTALS)]["slug"]
        title = f"Bài {n}: {vietnamese_text(n, 8)}"
        if nfd_every and n % nfd_every == 0:
            title = unicodedata.normalize("NFD", title)
        rows.append(
            article(
                f"{portal}-bulk-{n:06d}",
                portal,
                unicodedata.normalize("NFC", title),
                f"{2022 + n % 3}-{1 + n % 12:02d}-{1 + n % 28:02d}T08:00:00+07:00",
                n * 3,
                body_text=vietnamese_text(n + 1, body_words),
                source="Ban Tuyên giáo" if n % 2 else "Đài Truyền thanh",
            )
        )
    return rows


ROOT = Path(__file__).resolve().parent.parent
SEED_PAGE = ROOT / "tests" / "fixtures" / "seed" / "tramtau-2023-07-14-hoi-nghi-tuyen-giao.html"
PORTAL_BASE = "https://tramtau.yenbai.gov.vn"
SEED_CAPTURE_URL = f"{PORTAL_BASE}/tin/{SEED_ID}"
SEED_IMAGE_URL = f"{PORTAL_BASE}/noidung/tintuc/PublishingImages/hoi-nghi-tuyen-giao-1.jpg"
LINKED_ID = "tramtau-4070"
LINKED_URL = f"{PORTAL_BASE}/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx?ItemID=4070&l=TinTuc"
# Planted in the seed capture: each would set window.__planted (or the title) if it ran.
PLANTED_SCRIPTS = (
    "<script>window.__planted = 1; document.title = 'SCRIPT RAN';</script>"
    '<img src="data:," onerror="window.__planted = 2">'
    '<div id="planted" onclick="window.__planted = 3">planted</div>'
)


def tiny_png(width: int = 8, height: int = 6) -> bytes:
    """A valid grey PNG image of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def capture_row(url: str, body: bytes, content_type: str, fetched_at: str) -> dict:
    """A captures row for ``body`` as fetched from ``url``."""
    return {
        "portal": "tramtau",
        "run_id": 1,
        "url": url,
        "fetched_at": fetched_at,
        "http_status": 200,
        "content_type": content_type,
        "headers": "{}",
        "sha256": hashlib.sha256(body).hexdigest(),
        "size": len(body),
        "body_gz": gzip.compress(body, mtime=0),
    }


def add_captures(db: Database) -> int:
    """The seed article's page (the real one, with scripts planted) and its photo as captures,
    and a second Trạm Tấu article its page links to. Returns the seed capture's id."""
    page = SEED_PAGE.read_text(encoding="utf-8").replace("</body>", PLANTED_SCRIPTS + "</body>")
    fetched = "2025-06-20T10:00:00+07:00"
    seed = (
        db["captures"]
        .insert(
            capture_row(SEED_CAPTURE_URL, page.encode("utf-8"), "text/html; charset=utf-8", fetched)
        )
        .last_pk
    )
    db["captures"].insert(capture_row(SEED_IMAGE_URL, tiny_png(), "image/png", fetched))
    db["articles"].update(
        SEED_ID,
        {
            "capture_id": seed,
            "images": json.dumps(
                [{"url": SEED_IMAGE_URL, "caption": "Quang cảnh hội nghị"}], ensure_ascii=False
            ),
        },
    )
    insert_article(
        db,
        article(
            LINKED_ID,
            "tramtau",
            "Thông báo về việc dừng cập nhật thông tin trên Cổng thông tin điện tử huyện Trạm Tấu",
            "2025-06-30T09:00:00+07:00",
            120,
            url=LINKED_URL,
            canonical_url=LINKED_URL,
        ),
    )
    return int(seed)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (datasette cannot take port 0)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    """Poll ``url`` until it answers 200; fail early if ``process`` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@contextmanager
def running_server(path: Path, log_path: Path) -> Iterator[str]:
    """``serve`` on the archive at ``path`` (127.0.0.1, a free port) in a subprocess; yields its
    base URL and stops it on exit. The server's output goes to ``log_path``."""
    port = free_port()
    command = [sys.executable, "-m", "archive.cli", "serve", "--db", str(path), "--port", str(port)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(f"{base}/-/versions.json", process)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
