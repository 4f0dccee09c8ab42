"""Listing discovery, pagination and URL rules of each platform family, on listing pages."""

from __future__ import annotations

import logging

import pytest

from portal_spider.demo.vendor_site import VendorSite
from portal_spider.demo.wordpress_site import WordPressSite
from portal_spider.platforms import detect_platform, get_platform

logger = logging.getLogger(__name__)

SIDEBAR = (
    '<div class="sidebar"><h3>Tin mới</h3><ul><li><a href="{other}">Tin ở trang khác</a></li></ul>'
    '<div class="counter">Lượt truy cập: 1.234.567</div></div>'
)
FOREIGN = "https://other-portal.example.gov.vn"


def listing_page(head: str, items: str, pager: str, other: str) -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>"
        f"<div class='menu'><a href='/'>Trang chủ</a></div>{items}{pager}"
        f"{SIDEBAR.format(other=other)}</body></html>"
    )


CASES = {
    "sharepoint": dict(
        url="https://sonlam.example.gov.vn/portal/Pages/tin-tuc.aspx?Cate=2",
        head="<script>var _spPageContextInfo = {webLanguage: 1066};</script>"
        "<link href='/_layouts/15/1066/styles/corev15.css' rel='stylesheet'>",
        items="<div class='news-list'>"
        "<div class='item'><a href='/portal/Pages/2024-3-12/Doi-thoai-nong-dan.aspx'>A</a> "
        "12/03/2024</div>"
        "<div class='item'><a href='/portal/Pages/tin-tuc.aspx?ItemID=811&amp;CateID=2'>B</a></div>"
        "</div>",
        pager="<div class='paging'><a href='/portal/Pages/tin-tuc.aspx?Cate=2&amp;Page=2'>2</a>"
        "</div>",
        articles=2,
        next_contains="Page=2",
    ),
    "liferay": dict(
        url="https://dongha.example.gov.vn/web/guest/tin-tuc",
        head="<script>Liferay.ThemeDisplay = {}; Liferay.authToken = 'x';</script>",
        items="<div class='portlet-boundary portlet-asset-publisher' id='p_p_id_101_INSTANCE_ab_'>"
        "<div class='asset-abstract'><h3 class='asset-title'><a href='/web/guest/tin-tuc/-/"
        "asset_publisher/ab/content/hien-mau?redirect=%2Fweb%2Fguest'>A</a></h3></div>"
        "<div class='asset-abstract'><h3 class='asset-title'><a href='/web/guest/tin-tuc/-/"
        "asset_publisher/ab/content/ra-quan?redirect=%2Fweb%2Fguest'>B</a></h3></div></div>",
        pager="<div class='taglib-page-iterator'><a href='/web/guest/tin-tuc?_101_INSTANCE_ab_"
        "cur=2'>Tiếp</a></div>",
        articles=2,
        next_contains="_cur=2",
    ),
    "dnn": dict(
        url="https://namluc.example.gov.vn/Default.aspx?tabid=87",
        head="<script src='/js/dnncore.js'></script>",
        items="<div id='dnn_ContentPane'><div class='news-list'>"
        "<a href='/Default.aspx?tabid=87&amp;ArticleId=3456'>A</a>"
        "<a href='/tabid/87/ArticleId/3455/Cau-treo.aspx'>B</a></div></div>",
        pager="<div class='pager'><a href='/Default.aspx?tabid=87&amp;currentpage=2'>2</a></div>",
        articles=2,
        next_contains="currentpage=2",
    ),
    "joomla": dict(
        url="https://phuclong.example.gov.vn/index.php?option=com_content&view=category"
        "&layout=blog&id=12&Itemid=130",
        head="<meta name='generator' content='Joomla! - Open Source Content Management'>",
        items="<div class='blog'><div class='items-row'><h2 itemprop='name'><a href='/index.php?"
        "option=com_content&amp;view=article&amp;id=245:bau-cu&amp;catid=12&amp;Itemid=130'>A</a>"
        "</h2></div><div class='items-row'><h2><a href='/tin-tuc/244-tap-huan.html'>B</a></h2>"
        "</div></div>",
        pager="<div class='pagination'><ul><li><a href='/index.php?option=com_content&amp;"
        "view=category&amp;layout=blog&amp;id=12&amp;Itemid=130&amp;start=5'>2</a></li></ul></div>",
        articles=2,
        next_contains="start=5",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_listing_articles_and_next_page(name):
    case = CASES[name]
    other = f"{FOREIGN}/tin-tuc/khac-12345.html"
    html = listing_page(case["head"], case["items"], case["pager"], other)
    platform = detect_platform(case["url"], html)
    assert platform.name == name
    listing = platform.parse_listing(case["url"], html)
    assert len(listing.article_urls) == case["articles"], listing.article_urls
    assert all(not url.startswith(FOREIGN) for url in listing.article_urls)
    assert any(case["next_contains"] in url for url in listing.next_urls), listing.next_urls


def test_wordpress_home_pages_through_posts():
    site = WordPressSite()
    url = "http://127.0.0.1:8001/"
    html = site.handle("/").body.decode()
    platform = detect_platform(url, html)
    assert platform.name == "wordpress"
    listing = platform.parse_listing(url, html)
    assert len(listing.article_urls) == 4
    assert "http://127.0.0.1:8001/page/2/" in listing.next_urls
    assert all(platform.is_article_url(u) for u in listing.article_urls)


def test_vendor_listing_pages_with_trang_n():
    site = VendorSite()
    url = "http://127.0.0.1:8002/tin-tuc.html"
    html = site.handle("/tin-tuc.html").body.decode()
    platform = detect_platform(url, html)
    assert platform.name == "vendor"
    listing = platform.parse_listing(url, html)
    assert len(listing.article_urls) == 3
    assert listing.next_urls == ["http://127.0.0.1:8002/tin-tuc/trang-2.html"]


@pytest.mark.parametrize(
    ("name", "url", "item_id"),
    [
        ("sharepoint", "https://x.example.gov.vn/Pages/tin-tuc.aspx?ItemID=812&CateID=3", "812"),
        ("liferay", "https://x.example.gov.vn/web/x/chi-tiet?_news_WAR_news_articleId=77", "77"),
        ("dnn", "https://x.example.gov.vn/tabid/120/ArticleId/5678/Tiem-chung.aspx", "5678"),
        ("wordpress", "https://x.example.gov.vn/?p=2311", "2311"),
        (
            "joomla",
            "https://x.example.gov.vn/index.php?option=com_content&view=article&id=245:a",
            "245",
        ),
        ("vendor", "https://x.example.gov.vn/tin-tuc/hoi-nghi-tong-ket-20457.html", "20457"),
    ],
)
def test_article_urls_and_ids(name, url, item_id):
    platform = get_platform(name)
    assert platform.is_article_url(url)
    assert platform.item_id(url) == item_id


@pytest.mark.parametrize(
    ("name", "first", "second"),
    [
        (
            "sharepoint",
            "https://x.example.gov.vn/Pages/tin-tuc.aspx?ItemID=812&CateID=3",
            "https://x.example.gov.vn/Pages/tin-tuc.aspx?CateID=9&ItemID=812",
        ),
        (
            "liferay",
            "https://x.example.gov.vn/web/guest/-/asset_publisher/ab/content/hien-mau?redirect=%2F",
            "https://x.example.gov.vn/web/guest/-/asset_publisher/ab/content/hien-mau",
        ),
        (
            "dnn",
            "https://x.example.gov.vn/Default.aspx?tabid=87&ArticleId=3456&mid=520",
            "https://x.example.gov.vn/Default.aspx?ArticleId=3456&tabid=87",
        ),
        (
            "joomla",
            "https://x.example.gov.vn/index.php?option=com_content&view=article&id=245:a&Itemid=9",
            "https://x.example.gov.vn/index.php?option=com_content&view=article&id=245&catid=12",
        ),
    ],
)
def test_one_article_many_urls_one_canonical_url(name, first, second):
    platform = get_platform(name)
    assert platform.canonical_article_url(first) == platform.canonical_article_url(second)


@pytest.mark.parametrize(
    "url",
    [
        "https://x.example.gov.vn/category/tin-tuc/page/2/",
        "https://x.example.gov.vn/tin-tuc/trang-2.html",
        "https://x.example.gov.vn/",
    ],
)
def test_listing_urls_are_not_articles(url):
    for name in ("wordpress", "vendor"):
        assert not get_platform(name).is_article_url(url)
