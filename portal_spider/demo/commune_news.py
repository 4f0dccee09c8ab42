"""News of an imaginary commune, generated in code, for the offline demo sites of other platforms.

``commune_articles(unit, count)`` gives ``count`` articles of a commune (or ward) with varied
subjects, dates (newest first, one or two days apart), view counts, sources, authors and images.
The same arguments always give the same articles, so tests can compare an archive with the site.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7))
CATEGORIES = (("tin-tuc", "Tin tức"), ("thong-bao", "Thông báo"), ("kinh-te", "Kinh tế"))
SUBJECTS = (
    ("tổ chức Hội nghị tổng kết công tác xây dựng nông thôn mới", "nông thôn mới"),
    ("ra quân tổng vệ sinh môi trường tại các thôn", "môi trường"),
    ("tập huấn kỹ thuật trồng và chăm sóc cây ăn quả", "nông nghiệp"),
    ("trao quà cho hộ nghèo và gia đình chính sách", "an sinh xã hội"),
    ("khai mạc giải bóng chuyền hơi người cao tuổi", "thể thao"),
    ("triển khai tiêm chủng mở rộng cho trẻ dưới 5 tuổi", "y tế"),
    ("đối thoại với thanh niên về lập thân, lập nghiệp", "thanh niên"),
    ("diễn tập phương án phòng cháy, chữa cháy rừng", "phòng cháy"),
    ("khánh thành nhà văn hóa thôn mới xây dựng", "văn hóa"),
    ("tổ chức lớp xóa mù chữ cho đồng bào dân tộc thiểu số", "giáo dục"),
    ("kiểm tra an toàn thực phẩm tại các cơ sở kinh doanh", "an toàn thực phẩm"),
    ("tuyên truyền Luật Đất đai năm 2024 đến người dân", "pháp luật"),
    ("nghiệm thu mô hình nuôi cá lồng trên hồ", "kinh tế"),
    ("phát động phong trào thi đua yêu nước năm 2024", "thi đua"),
)
VILLAGES = ("thôn Đồng Tâm", "thôn Khe Cỏ", "thôn Bản Mới", "thôn Làng Dạ", "thôn Trung Tâm")
SOURCES = ("Văn phòng HĐND và UBND xã", "Đài Truyền thanh xã", None, "Ủy ban MTTQ xã")
AUTHORS = (("Tin, ảnh:", "Hoàng Minh Tuấn"), None, ("Bài, ảnh:", "Lý Thị Hoa"), None)


@dataclass(frozen=True)
class NewsArticle:
    """One generated article."""

    number: int
    slug: str
    category: str
    category_name: str
    title: str
    published: datetime
    views: int
    paragraphs: tuple[str, ...]
    source: str | None
    author_label: str | None
    author: str | None
    image: str | None

    @property
    def published_iso(self) -> str:
        return self.published.isoformat(timespec="seconds")


def dotted(number: int) -> str:
    """A count as Vietnamese pages print it: ``1254873`` -> ``1.254.873``."""
    return f"{number:,}".replace(",", ".")


def slugify(text: str) -> str:
    """An ASCII URL slug of a Vietnamese phrase (``"Tổ chức Hội nghị"`` -> ``to-chuc-hoi-nghi``)."""
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(ch for ch in folded if unicodedata.category(ch) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def _paragraphs(unit: str, subject: str, topic: str, village: str, day: datetime) -> list[str]:
    return [
        f"Ngày {day.day}/{day.month}, Ủy ban nhân dân {unit} đã {subject}. Tham dự có đại diện "
        f"lãnh đạo Đảng ủy, HĐND, UBND, Ủy ban MTTQ {unit} và đông đảo nhân dân {village}.",
        f"Theo báo cáo, thời gian qua công tác {topic} trên địa bàn {unit} được triển khai "
        "đồng bộ, nhận được sự đồng tình, hưởng ứng của người dân; nhiều mô hình hay, cách làm "
        "hiệu quả được nhân rộng.",
        f"Bên cạnh kết quả đạt được, công tác {topic} vẫn còn một số hạn chế như nguồn lực còn "
        "ít, sự phối hợp giữa các thôn có lúc chưa chặt chẽ, việc tuyên truyền ở vùng sâu còn "
        "gặp khó khăn.",
        f"Phát biểu tại buổi làm việc, đồng chí Chủ tịch UBND {unit} đề nghị các ban, ngành, "
        f"đoàn thể và {village} tiếp tục phát huy vai trò, triển khai tốt nhiệm vụ trong thời "
        "gian tới.",
    ]


def commune_articles(
    unit: str,
    count: int,
    *,
    first_number: int = 100,
    newest: datetime | None = None,
) -> list[NewsArticle]:
    """``count`` articles of the commune ``unit`` (e.g. ``"xã Tân Phong"``), newest first."""
    moment = newest or datetime(2024, 5, 20, 9, 15, tzinfo=VN_TZ)
    articles = []
    for index in range(count):
        subject, topic = SUBJECTS[index % len(SUBJECTS)]
        village = VILLAGES[index % len(VILLAGES)]
        category, category_name = CATEGORIES[index % len(CATEGORIES)]
        author = AUTHORS[index % len(AUTHORS)]
        name = unit[0].upper() + unit[1:]
        title = f"{name} {subject}"
        if index >= len(SUBJECTS):
            title += f" (đợt {index // len(SUBJECTS) + 1})"
        articles.append(
            NewsArticle(
                number=first_number + count - index,
                slug=slugify(title),
                category=category,
                category_name=category_name,
                title=title,
                published=moment,
                views=120 + (index * 37) % 900,
                paragraphs=tuple(_paragraphs(unit, subject, topic, village, moment)),
                source=SOURCES[index % len(SOURCES)],
                author_label=author[0] if author else None,
                author=author[1] if author else None,
                image=f"{slugify(topic)}-{index + 1}.jpg" if index % 3 == 0 else None,
            )
        )
        moment -= timedelta(days=1 + index % 2, hours=index % 5, minutes=7 * (index % 4))
    return articles
