"""Hostile pages through every platform's page object, as text and as bytes off the wire.

Generated pages are made of the markup the page objects look for (titles, dates, counters, body
classes, pagers, JSON-LD) broken every way: unclosed, nested wrong, commented out, with control
characters, invalid character references, XML declarations, CDATA, right-to-left marks and
arbitrary text. Every platform's ``detect``, URL rules, ``parse_listing``, ``parse_related`` and
``parse_article`` must answer (a page with nothing to parse may raise ``EmptyPage``, which the
crawler records); the crawl path (bytes decoded, platform detected, record normalised) never
raises and stores no control character. 5 s per example at most.
"""

from __future__ import annotations

import re

import pytest
from hostile_profiles import Tally, examples
from hypothesis import given
from hypothesis import strategies as st

from portal_spider.crawl.safe_parse import parse_article_safely, parse_listing_safely
from portal_spider.extraction.html_tree import EmptyPage
from portal_spider.extraction.listing_links import Listing
from portal_spider.normalize.article import normalize_article
from portal_spider.normalize.charset import decode_page
from portal_spider.pipelines.normalize import strip_record_controls
from portal_spider.platforms import all_platforms, detect_platform

pytestmark = pytest.mark.reliability
TALLY = Tally()
PLATFORMS = sorted(all_platforms())
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

FRAGMENTS = st.sampled_from(
    [
        "<!DOCTYPE html>",
        "<?xml version='1.0' encoding='utf-8'?>",
        "<html>",
        "</html>",
        "<head>",
        "</head>",
        "<body>",
        "</body>",
        "<body class='postid-12'>",
        "<title>Hội nghị tổng kết</title>",
        "<h1>",
        "</h1>",
        "<h2 class='news-title'>",
        "</h2>",
        "<h1 class='entry-title'>",
        "<div class='entry-content'>",
        "<div class='news-content ms-rtestate-field'>",
        "<div class='ms-rteCustom-ArticleTitle'>",
        "<div id='content'>",
        "<article class='post type-post'>",
        "</article>",
        "<div class='item-page'>",
        "</div>",
        "<span class='news-date'>",
        "</span>",
        "<time class='entry-date published' datetime='2024-13-45T99:00'>",
        "</time>",
        "Ngày 31/02/2024 lúc 25:61",
        "Cập nhật: ",
        "08:30 12/7/2023",
        "Lượt xem: ",
        "99999999999999999999999",
        "Số lần xem (1.234)",
        "<p>",
        "</p>",
        "<p style='text-align:right'><strong>",
        "</strong>",
        "<br>",
        "<br/>",
        "<table class='image-caption'><tr><td>",
        "</td></tr></table>",
        "<td>",
        "<tr>",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<script>",
        "</script>",
        "<style>",
        "</style>",
        "<script type='application/ld+json'>",
        '{"@type":"NewsArticle","headline":',
        '"datePublished":"x"}',
        '[{"@graph":[',
        "]}",
        "<a href='",
        "'>",
        "</a>",
        "<a href='http://[::1'>x</a>",
        "<a href='javascript:void(0)'>",
        "<a href='?page=2'>2</a>",
        "<a href='/page/3/'>Trang sau</a>",
        "<a href='?ItemID=7&l=TinTuc'>Tin</a>",
        "<a href='/tin-tuc/bai-viet-123.html'>",
        '<a href="//evil.example/?p=5">',
        "<img src='data:,' width='1'>",
        "<img src='/a.jpg' alt='Ảnh'>",
        "<figure><figcaption>",
        "</figcaption></figure>",
        "<meta property='og:title' content='",
        "<meta name='generator' content='WordPress 6'>",
        "<link href='/wp-content/x.css'>",
        "/wp-includes/",
        "<meta itemprop='datePublished' content='9999-99-99'>",
        "&#0;",
        "&#x110000;",
        "&#128;",
        "&#xD800;",
        "&nbsp;",
        "&amp",
        "&lt;p&gt;",
        "<svg><foreignObject>",
        "<math><mi>",
        "<template>",
        "<noscript>",
        "<frameset>",
        "<iframe src='x'>",
        "<select><option>",
        "<textarea>",
        "<plaintext>",
        "<xmp>",
        "Nguồn: ",
        "Tác giả: ",
        "Theo ",
        "Các tin khác",
        "Trang chủ » Tin tức » ",
        "<ul class='pagination'><li>",
        "<div class='breadcrumb'>",
        "<span id='ctl00_PlaceHolderMain_lblDate'>",
        "\x00",
        "\x0b",
        "\x1b[31m",
        "\u202e",
        "\u200b",
        "\ufeff",
        "\u0301\u0323\u0309",
        "Hội nghị",
        "Đảng ủy xã",
        "x" * 300,
    ]
)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
HOSTILE_HTML = st.lists(st.one_of(FRAGMENTS, FRAGMENTS, TEXT), max_size=80).map("".join)
URLS = st.one_of(
    st.sampled_from(
        [
            "https://xa.example.gov.vn/tin-tuc/bai-1.html",
            "https://tramtau.yenbai.gov.vn/Pages/tin-tuc.aspx?ItemID=12&l=TinTuc",
            "https://xa.example.gov.vn/?p=42",
            "https://xa.example.gov.vn/2024/03/12/bai/",
            "http://[::1]/x",
            "https://xa.example.gov.vn:99999/",
            "https://xa.example.gov.vn/%zz",
            "https://xa.example.gov.vn/?page=-1&page=99999999999999999999",
        ]
    ),
    st.builds(lambda tail: "https://xa.example.gov.vn/" + tail, TEXT),
)


@pytest.fixture(scope="module", autouse=True)
def figures():
    yield
    TALLY.record("pages")


def allowing_empty(call):
    """``call()``, or None when the page has nothing to parse (the documented refusal)."""
    try:
        return TALLY.run(call, allowed=(EmptyPage,))
    except EmptyPage:
        return None


@pytest.mark.parametrize("name", PLATFORMS)
@examples(full=400, quick=6)
@given(html=HOSTILE_HTML, url=URLS)
def test_every_platform_answers_hostile_html(name, html, url):
    TALLY.tried()
    platform = all_platforms()[name]
    score = TALLY.run(lambda: platform.detect(url, html))
    assert 0 <= score <= 100
    TALLY.run(lambda: (platform.is_article_url(url), platform.item_id(url)))
    assert isinstance(TALLY.run(lambda: platform.canonical_article_url(url, base_url=url)), str)
    listing = allowing_empty(lambda: platform.parse_listing(url, html))
    assert listing is None or isinstance(listing, Listing)
    related = allowing_empty(lambda: platform.parse_related(url, html))
    assert related is None or isinstance(related, Listing)
    item = allowing_empty(lambda: platform.parse_article(url, html))
    if item is not None:
        assert item.url == url
        assert not [p for p in item.problems if "extraction failed" in p], item.problems


CODECS = st.sampled_from(["utf-8", "utf-16", "utf-32", "cp1258", "cp1252", "latin-1", "utf-8-sig"])
CONTENT_TYPES = st.sampled_from(
    [
        None,
        "text/html",
        "text/html; charset=utf-8",
        "text/html; charset=windows-1258",
        "text/html; charset=iso-8859-1",
        "text/html; charset=utf-16",
        "text/html; charset=bogus",
    ]
)


@examples(full=1000, quick=15)
@given(
    html=HOSTILE_HTML,
    codec=CODECS,
    noise=st.binary(max_size=40),
    content_type=CONTENT_TYPES,
    url=URLS,
)
def test_crawl_path_turns_any_bytes_into_a_clean_record(html, codec, noise, content_type, url):
    TALLY.tried()
    body = html.encode(codec, errors="replace") + noise

    def crawl_path():
        page = decode_page(body, content_type)
        platform = detect_platform(url, page.text)
        listing, _ = parse_listing_safely(platform, url, page.text)
        item = parse_article_safely(platform, url, page)
        return listing, strip_record_controls(normalize_article(item))

    listing, item = TALLY.run(crawl_path)
    assert isinstance(listing, Listing)
    for name in ("title", "body_text", "body_html", "source", "author", "category"):
        assert not CONTROLS.search(getattr(item, name) or ""), name
    assert item.refetch_reason is None or any(p.startswith("parse:") for p in item.problems)
