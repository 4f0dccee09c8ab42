"""The trafilatura pass's precise run gives what ``trafilatura.bare_extraction`` gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import trafilatura
from lxml import etree
from trafilatura.xpaths import (
    RAW_TREE_PRUNE_XPATH,
    REMOVE_COMMENTS_AND_LISTS_XPATH,
    REMOVE_COMMENTS_XPATH,
)

from portal_spider.extraction.main_content import trafilatura_pass
from portal_spider.extraction.main_content.prose_block import article_region
from portal_spider.extraction.main_content.trafilatura_pass import _precise_body, possible_prunes
from portal_spider.extraction.main_content.units import parse_page, units_words
from portal_spider.extraction.vocabulary import word_count

FIXTURE_PAGES = sorted((Path(__file__).parent / "fixtures" / "pages").glob("**/page.html"))
SENTENCE = (
    "Ủy ban nhân dân huyện Lục Yên tổ chức hội nghị tổng kết công tác xây dựng nông thôn mới, "
    "triển khai nhiệm vụ trọng tâm của năm tới với sự tham dự của các phòng ban chuyên môn."
)
ARTICLE = "".join(f"<p>{SENTENCE} Đoạn {n}.</p>" for n in range(6))
# one page per prune of trafilatura's precise sequence, and pages where the quick test sees a
# possible match the prune itself does not make
EXTRAS = {
    "plain": "",
    "comment-div": f"<div id='comments'><p>{SENTENCE} Bình luận.</p></div>",
    "comment-class": f"<section class='comment-list'><p>{SENTENCE} Ý kiến.</p></section>",
    "comment-list": f"<ol class='comments'><li>{SENTENCE} Một.</li><li>{SENTENCE} Hai.</li></ol>",
    "article-comments": f"<div class='post-comments'><p>{SENTENCE} Ba.</p></div>",
    "disqus": "<div id='disqus_thread'><p>Bình luận qua Disqus</p></div>",
    "disqus-list": f"<ul id='dsq-comments'><li>{SENTENCE} Bốn.</li><li>{SENTENCE} Năm.</li></ul>",
    "commentary": f"<div class='commentary'><p>{SENTENCE} Bình luận chuyên gia.</p></div>",
    "infinite-scroll": f"<div class='infinite-scroll'><h2>Tin khác</h2><p>{SENTENCE}</p></div>",
    "share-buttons": "<div class='elementor-share-buttons'><a href='#'>Chia sẻ</a></div>",
    "forum": '<script type=\'application/ld+json\'>{"@type": "DiscussionForumPosting"}</script>'
    f"<div class='comment'><p>{SENTENCE} Bài trả lời.</p></div>",
}
PUBLIC_OPTIONS: dict[str, object] = {
    "favor_precision": True,
    "fast": True,
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
    "with_metadata": False,
    "output_format": "html",
}


def _serialized(body: etree._Element | None) -> bytes | None:
    return None if body is None else etree.tostring(body, encoding="utf-8")


def _assert_same_as_trafilatura(tree: etree._Element, url: str) -> None:
    before = etree.tostring(tree)
    document = trafilatura.bare_extraction(tree, url=url, **PUBLIC_OPTIONS)
    expected = None if document is None else _serialized(document.body)
    assert _serialized(_precise_body(tree, url)) == expected
    assert etree.tostring(tree) == before  # the caller's tree is left unchanged


def _page(extra: str) -> etree._Element:
    tree = parse_page(
        "<html><body><div class='main'><h1>Tiêu đề bài viết</h1>"
        f"<div class='content'>{ARTICLE}{EXTRAS[extra]}</div></div></body></html>"
    )
    assert tree is not None
    return tree


@pytest.mark.parametrize("extra", sorted(EXTRAS))
def test_quick_test_sees_every_prune_match(extra: str) -> None:
    tree = _page(extra)
    scroll, comments = possible_prunes(tree)
    if any(xpath(tree) for xpath in RAW_TREE_PRUNE_XPATH):
        assert scroll
    lists = etree.fromstring(
        etree.tostring(tree).replace(b"<ul", b"<list").replace(b"</ul", b"</list")
    )
    if any(
        xpath(t)
        for t in (tree, lists)
        for xpath in REMOVE_COMMENTS_AND_LISTS_XPATH + REMOVE_COMMENTS_XPATH
    ):
        assert comments
    assert (scroll or comments) == (extra != "plain")


@pytest.mark.parametrize("extra", sorted(EXTRAS))
def test_precise_body_matches_bare_extraction(extra: str) -> None:
    tree = _page(extra)
    assert tree is not None
    _assert_same_as_trafilatura(tree, "http://127.0.0.1/tin-tuc/bai-viet.html")
    document = trafilatura.bare_extraction(tree, **PUBLIC_OPTIONS)
    assert document is not None and SENTENCE in " ".join(document.body.itertext())


@pytest.mark.parametrize("page", FIXTURE_PAGES, ids=lambda p: str(p.parent.name))
def test_precise_body_matches_bare_extraction_on_fixture_regions(page: Path) -> None:
    tree = parse_page(page.read_text(encoding="utf-8"))
    assert tree is not None
    _assert_same_as_trafilatura(article_region(tree), "http://127.0.0.1/bai-viet.html")
    _assert_same_as_trafilatura(tree, "http://127.0.0.1/bai-viet.html")


def test_fixture_pages_found() -> None:
    assert len(FIXTURE_PAGES) >= 20


def test_balanced_run_skipped_only_when_it_cannot_win(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = trafilatura_pass._balanced_body

    def counting(tree: etree._Element, url: str | None) -> etree._Element | None:
        calls.append("balanced")
        return real(tree, url)

    monkeypatch.setattr(trafilatura_pass, "_balanced_body", counting)
    short = parse_page(f"<html><body><div><p>{SENTENCE}</p><p>Một dòng.</p></div></body></html>")
    assert short is not None
    units, method = trafilatura_pass.trafilatura_units(short, None)
    assert (method, calls) == ("trafilatura", [])  # 41 words: no result triples its 39 of prose
    assert units_words(units) == word_count(SENTENCE) + 2
    menu = "".join(f"<li><a href='/tin/{n}'>{SENTENCE}</a></li>" for n in range(8))
    long = parse_page(f"<html><body><p>{SENTENCE}</p><ul class='menu'>{menu}</ul></body></html>")
    assert long is not None
    trafilatura_pass.trafilatura_units(long, None)
    assert calls == ["balanced"]


def test_words_at_most_counts_every_text_node() -> None:
    tree = parse_page("<html><body><p>hai<b>từ</b> ba</p><script>x y</script></body></html>")
    assert tree is not None
    assert trafilatura_pass._words_at_most(tree, 5)
    assert not trafilatura_pass._words_at_most(tree, 4)
    math = parse_page("<html><body><p>một</p><math alttext='x + y'><mi>x</mi></math></body></html>")
    assert math is not None
    assert not trafilatura_pass._words_at_most(math, 100)
