"""Generated district portals of any size, for tests and benchmarks of the crawl machinery.

``generate_site_data(n)`` returns the data :class:`~portal_spider.demo.yenbai_site.YenBaiSite`
serves: portal facts, categories and ``n`` articles, varied (lists, lengths, sources, authors,
images, attachments, views) and deterministic (the same ``n``, ``seed`` and ``newest`` give the same
articles), with publication dates going back from ``newest`` so listings have a stable order.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import Any

VN_TZ = timezone(timedelta(hours=7))
CATEGORIES = [
    {"list": "TinTucSuKien", "name": "Tin tức - Sự kiện"},
    {"list": "ChinhTri", "name": "Chính trị"},
    {"list": "KinhTe", "name": "Kinh tế"},
    {"list": "VanHoaXaHoi", "name": "Văn hóa - Xã hội"},
]
PORTAL = {
    "name": "Cổng thông tin điện tử huyện Thử Nghiệm",
    "province": "Yên Bái",
    "unit": "Thử Nghiệm",
}
SUBJECTS = [
    "Hội nghị sơ kết công tác tuyên giáo",
    "Kiểm tra tiến độ xây dựng nông thôn mới",
    "Tập huấn kỹ thuật trồng chè shan tuyết",
    "Ra quân tổng vệ sinh môi trường",
    "Trao quà cho hộ nghèo dịp Tết",
    "Khai mạc giải bóng chuyền các dân tộc",
    "Triển khai tiêm vắc xin cho trẻ em",
    "Đối thoại với thanh niên về khởi nghiệp",
    "Phòng chống cháy rừng mùa khô",
    "Tổng kết năm học và khen thưởng học sinh giỏi",
]
PLACES = [
    "xã Tà Xi Láng",
    "xã Bản Công",
    "thị trấn Trạm Tấu",
    "xã Pá Lau",
    "xã Xà Hồ",
    "xã Túc Đán",
]
SOURCES = ["Ban Tuyên giáo Huyện ủy", "Trung tâm Truyền thông và Văn hóa", "UBND huyện", None]
AUTHORS = [("Tin, ảnh:", "Minh Anh"), ("Bài, ảnh:", "Thu Hà"), ("Tác giả:", "Văn Long"), None]


def vi_timestamp(moment: datetime) -> str:
    """.NET's vi-VN form of a local time: ``14/07/2023 8:00:02 SA`` (SA before noon, CH after)."""
    hour = moment.hour % 12 or 12
    suffix = "SA" if moment.hour < 12 else "CH"
    return f"{moment:%d/%m/%Y} {hour}:{moment:%M:%S} {suffix}"


def make_article(
    item_id: int, published: datetime, rng: random.Random, list_name: str | None = None
) -> dict[str, Any]:
    """One article in the shape YenBaiSite serves, published at ``published`` (Vietnam time)."""
    published = published.astimezone(VN_TZ).replace(microsecond=0)
    subject = rng.choice(SUBJECTS)
    place = rng.choice(PLACES)
    paragraphs = [
        f"Ngày {published:%d/%m}, tại {place}, {subject.lower()} năm {published:%Y} "
        f"(bài số {item_id}).",
    ]
    for index in range(rng.randint(1, 4)):
        paragraphs.append(
            f"Đoạn {index + 2}: cán bộ và nhân dân {place} thống nhất các giải pháp thực hiện "
            f"nhiệm vụ, bảo đảm tiến độ và chất lượng; tổng kinh phí {rng.randint(10, 900)} "
            "triệu đồng."
        )
    author = rng.choice(AUTHORS)
    images = []
    if rng.random() < 0.6:
        images.append({"file": f"anh-{item_id}.jpg", "caption": f"Quang cảnh {subject.lower()}"})
    attachments = []
    if rng.random() < 0.15:
        attachments.append(
            {"file": f"van-ban-{item_id}.pdf", "title": f"Kế hoạch số {item_id}/KH-UBND"}
        )
    return {
        "item_id": item_id,
        "list": list_name or rng.choice(CATEGORIES)["list"],
        "title": f"{subject} tại {place} ({item_id})",
        "published_raw": vi_timestamp(published),
        "published_at": published.isoformat(timespec="seconds"),
        "views": rng.randint(50, 9000),
        "paragraphs": paragraphs,
        "source": rng.choice(SOURCES),
        "author": author[1] if author else None,
        "author_label": author[0] if author else None,
        "images": images,
        "attachments": attachments,
    }


def generate_site_data(
    n: int, *, newest: datetime | None = None, seed: int = 4, spacing_hours: float = 30.0
) -> dict[str, Any]:
    """Portal facts, categories and ``n`` articles, the newest published at ``newest``."""
    newest = newest or datetime(2025, 6, 1, 9, 0, tzinfo=VN_TZ)
    rng = random.Random(seed)
    articles = [
        make_article(1000 + index, newest - timedelta(hours=spacing_hours * index), rng)
        for index in range(n)
    ]
    return {
        "portal": dict(PORTAL),
        "categories": [dict(c) for c in CATEGORIES],
        "articles": articles,
    }
