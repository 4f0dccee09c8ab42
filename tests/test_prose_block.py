"""The prose-block finder: which block of a page holds the article, and the region around it."""

from __future__ import annotations

from lxml import etree

from portal_spider.extraction.main_content.prose_block import (
    article_region,
    find_prose_block,
)
from portal_spider.extraction.main_content.units import parse_page

PARAGRAPHS = [
    "Sáng ngày 12/12/2024, Ủy ban nhân dân huyện Lục Yên tổ chức Hội nghị tổng kết công tác "
    "xây dựng nông thôn mới năm 2024 và triển khai nhiệm vụ trọng tâm năm 2025.",
    "Năm 2024, toàn huyện huy động được hơn 125 tỷ đồng để thực hiện Chương trình mục tiêu "
    "quốc gia xây dựng nông thôn mới, trong đó vốn ngân sách nhà nước chiếm 68%.",
    "Đến nay, huyện có 14 xã đạt chuẩn nông thôn mới, 3 xã đạt chuẩn nông thôn mới nâng cao, "
    "bình quân mỗi xã đạt 17,2 tiêu chí theo bộ tiêu chí quốc gia giai đoạn mới.",
]
# a teaser of another article: as long as a paragraph, but all of it a link
TEASER = (
    '<li><a href="/tin/{n}">Xã Minh Xuân ra quân tổng vệ sinh môi trường, khơi thông cống rãnh '
    "và trồng thêm hàng cây xanh dọc các tuyến đường liên thôn trong tháng {n}</a></li>"
)


def _page(body: str) -> etree._Element:
    tree = parse_page(f"<html><head><title>Tin tức</title></head><body>{body}</body></html>")
    assert tree is not None
    return tree


def _article(css: str = "noi-dung") -> str:
    paragraphs = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    return f'<div class="{css}"><h1>Hội nghị tổng kết</h1>{paragraphs}</div>'


def test_the_article_block_is_the_one_holding_the_prose() -> None:
    teasers = "".join(TEASER.format(n=n) for n in range(1, 9))
    tree = _page(f'<div class="sidebar"><ul>{teasers}</ul></div>{_article()}')
    found = find_prose_block(tree)
    assert found is not None
    assert found.element.get("class") == "noi-dung"
    assert found.prose_words == found.page_prose_words


def test_link_text_is_never_prose() -> None:
    teasers = "".join(TEASER.format(n=n) for n in range(1, 30))  # more words than the article
    tree = _page(f'<div class="tin-khac"><ul>{teasers}</ul></div>{_article()}')
    found = find_prose_block(tree)
    assert found is not None
    assert found.element.get("class") == "noi-dung"


def test_a_chrome_named_element_with_prose_is_left_out() -> None:
    # a sidebar of prose (a director's message) beside a longer article
    message = f"<p>{PARAGRAPHS[0]}</p>"
    tree = _page(f'<div class="wrap"><div class="sidebar">{message}</div>{_article()}</div>')
    found = find_prose_block(tree)
    assert found is not None
    assert found.element.get("class") == "noi-dung"
    assert found.page_prose_words == found.prose_words


def test_a_chrome_named_wrapper_of_most_prose_is_layout_not_chrome() -> None:
    tree = _page(f'<div class="container container-sidebar">{_article()}</div>')
    found = find_prose_block(tree)
    assert found is not None
    assert found.element.get("class") == "noi-dung"


def test_a_page_without_prose_has_no_block_and_its_region_is_the_page() -> None:
    tree = _page('<ul class="menu"><li><a href="/">Trang chủ</a></li></ul><p>Liên hệ</p>')
    assert find_prose_block(tree) is None
    assert article_region(tree) is tree


def test_the_region_is_a_copy_holding_the_block_and_its_surroundings() -> None:
    tree = _page(
        '<div id="khung"><div class="cot-giua"><div class="bai-viet">'
        f'<p class="sapo">Tóm tắt.</p>{_article()}</div></div></div><div class="footer">x</div>'
    )
    region = article_region(tree)
    assert region is not tree
    assert region.tag == "html"
    texts = " ".join(region.itertext())
    assert "Tóm tắt." in texts and PARAGRAPHS[-1] in texts
    assert region.find(".//div[@class='footer']") is None
    region.find(".//div[@class='noi-dung']").clear()  # the page itself is not changed
    assert PARAGRAPHS[0] in " ".join(tree.itertext())
