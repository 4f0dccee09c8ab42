"""The Yên Bái page object on listing pages, the home page and the "Các tin khác" list."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from portal_spider.demo.yenbai_site import ARTICLE_PATH, PAGE_SIZE, YenBaiSite
from portal_spider.extraction.html_tree import parse_html
from portal_spider.platforms.yenbai import YenBaiPlatform

BASE = "https://tramtau.yenbai.gov.vn"
FIXTURES = Path(__file__).parent / "fixtures" / "pages" / "yenbai"


@pytest.fixture(scope="module")
def site():
    return YenBaiSite()


@pytest.fixture(scope="module")
def platform():
    return YenBaiPlatform()


def page(site, target: str) -> str:
    reply = site.handle(target)
    assert reply.status == 200
    return reply.body.decode("utf-8")


def test_listing_page_links_its_articles_newest_first(site, platform):
    target = site.listing_url("TinTuc", 1)
    listing = platform.parse_listing(BASE + target, page(site, target))
    expected = [a["item_id"] for a in site.live_articles("TinTuc")[:PAGE_SIZE]]
    assert [int(platform.item_id(u)) for u in listing.article_urls] == expected


def test_listing_page_links_the_other_pages_of_its_list_only(site, platform):
    target = site.listing_url("KinhTe", 2)
    listing = platform.parse_listing(BASE + target, page(site, target))
    pages = len(site.live_articles("KinhTe")) // PAGE_SIZE + 1
    assert sorted(u.rsplit("page=", 1)[1] for u in listing.next_urls) == sorted(
        str(n) for n in range(1, pages + 1) if n != 2
    )
    assert all("l=KinhTe" in u for u in listing.next_urls)


def test_listing_dates_come_from_each_item(site, platform):
    target = site.listing_url("TinTuc", 1)
    listing = platform.parse_listing(BASE + target, page(site, target))
    first = site.live_articles("TinTuc")[0]
    assert listing.article_dates[listing.article_urls[0]] == first["published_raw"].split()[0]


def test_home_page_leads_to_every_list(site, platform):
    listing = platform.parse_listing(BASE + "/", page(site, "/"))
    lists = {u.split("l=")[1].split("&")[0] for u in listing.next_urls}
    assert lists == set(site.categories)


def test_related_list_of_an_article(site, platform):
    target = f"{ARTICLE_PATH}?ItemID=4001&l=TinTuc"
    related = platform.parse_related(BASE + target, page(site, target))
    others = [a["item_id"] for a in site.live_articles("TinTuc") if a["item_id"] != 4001]
    assert [int(platform.item_id(u)) for u in related.article_urls] == others[:5]
    assert related.next_urls and all(platform.item_id(u) == "4001" for u in related.next_urls)


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}{ARTICLE_PATH}?ItemID=4001&l=TinTuc",
        f"{BASE}{ARTICLE_PATH}?l=ChinhTri&ItemID=4001",
        f"http://www.tramtau.yenbai.gov.vn{ARTICLE_PATH}?ItemID=4001&l=TinTuc&page=3#top",
        f"{BASE}{ARTICLE_PATH}?itemid=4001&Source=%2F&utm_source=zalo",
    ],
)
def test_one_canonical_url_per_item(platform, url):
    assert platform.canonical_article_url(url, base_url=BASE + "/") == (
        f"{BASE}{ARTICLE_PATH}?ItemID=4001"
    )


def article_pages(site):
    """Generated article pages and the family's fixture pages: (url, text)."""
    for article in site.live_articles()[:12]:
        target = site.article_url(article)
        yield BASE + target, page(site, target)
    for folder in sorted(FIXTURES.iterdir()):
        url = (folder / "url.txt").read_text(encoding="utf-8").strip()
        yield url, (folder / "page.html").read_text(encoding="utf-8")


def test_record_leaves_the_tree_the_related_list_reads_as_parsed(site):
    """The article's tree is handed to parse_related of the same page: the record's rules must
    not change it, and the related list read from it is the one read from a fresh parse."""
    platform = YenBaiPlatform()
    checked = 0
    for url, html in article_pages(site):
        platform.parse_article(url, html)
        given, tree = platform.spare_trees[url]
        assert given is html
        assert etree.tostring(tree) == etree.tostring(parse_html(html))
        shared = platform.parse_related(url, html)
        assert url not in platform.spare_trees  # handed over once
        fresh = platform.parse_related(url, html)
        assert (shared.article_urls, shared.next_urls) == (fresh.article_urls, fresh.next_urls)
        checked += bool(fresh.article_urls)
    assert checked >= 12


def test_a_tree_is_handed_over_only_for_the_same_page_text(site, platform):
    target = site.article_url(site.live_articles()[0])
    html = page(site, target)
    platform.parse_article(BASE + target, html)
    # the same page with its related list gone: read from its own text, not from the tree kept
    other = html.replace("other-news", "x").replace("Các tin khác", "Xem thêm")
    assert platform.parse_related(BASE + target, other).article_urls == []
    assert platform.parse_related(BASE + target, html).article_urls
