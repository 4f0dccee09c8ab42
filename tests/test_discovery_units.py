"""The parts of discovery, each on real pages of the demo portals or on small real inputs."""

from __future__ import annotations

from datetime import datetime, timedelta

from scrapy.http import HtmlResponse

from archive.db import open_archive
from archive.site_models import load_schedule, load_site_model, save_site_model
from portal_spider.crawl.paging import listing_key, next_pages, page_number
from portal_spider.demo.feed_site import FeedSite
from portal_spider.demo.menu_site import MenuSite
from portal_spider.demo.webforms_site import WebFormsSite
from portal_spider.discovery.canonical import CanonicalRules, item_number
from portal_spider.discovery.classify import classify_page
from portal_spider.discovery.feeds import read_machine_listing
from portal_spider.discovery.model import ScheduledListing, SiteModel
from portal_spider.discovery.postback import page_url, postback_pager, postback_request
from portal_spider.discovery.shapes import (
    is_calendar_url,
    is_document_url,
    is_print_view,
    path_shape,
    url_shape,
)
from portal_spider.discovery.title import TitleAffixes
from portal_spider.extraction.html_tree import parse_html
from portal_spider.extraction.landmarks import is_label_line
from portal_spider.platforms.discovery import DiscoveryPlatform
from portal_spider.platforms.generic import GenericPlatform

BASE = "http://portal.example"


def page(site, target: str) -> str:
    reply = site.handle(target)
    assert reply.status == 200, target
    return reply.body.decode("utf-8")


# --- URL shapes and links never followed ---------------------------------------------------------
def test_documents_print_views_and_calendars_are_recognised():
    assert is_document_url(f"{BASE}/Uploads/files/2024/12/ke-hoach-12.pdf")
    assert is_document_url(f"{BASE}/van-ban/qd.DOCX")
    assert not is_document_url(f"{BASE}/ChiTietTin.aspx?id=5&file=x.pdf")
    assert is_print_view(f"{BASE}/InTin.aspx?id=5")
    assert is_print_view(f"{BASE}/bai-viet/a-b-c.html?print=1")
    assert is_print_view(f"{BASE}/tin-tuc/in.html?id=5")
    assert not is_print_view(f"{BASE}/tin-tuc/index.html")
    assert not is_print_view(f"{BASE}/tin-tuc/chi-tiet.html?id=5")
    assert is_calendar_url(f"{BASE}/LichCongTac.aspx?ngay=2024-12-01")
    assert is_calendar_url(f"{BASE}/lich?thang=12&nam=2024")
    assert not is_calendar_url(f"{BASE}/TinTuc.aspx?cid=1")


def test_shapes_group_the_urls_of_one_kind():
    assert (
        path_shape(f"{BASE}/bai-viet/xa-tan-phong-to-chuc-dot-10.html") == "/bai-viet/{slug}.html"
    )
    assert path_shape(f"{BASE}/tin-tuc/hoi-nghi-tong-ket-98713.html") == "/tin-tuc/{slug}.html"
    assert path_shape(f"{BASE}/news/2024/12/5") == "/news/{n}/{n}/{n}"
    assert url_shape(f"{BASE}/ChiTietTin.aspx?id=5&cid=2") == "/ChiTietTin.aspx?cid={n}&id={n}"


# --- paging: offsets, Liferay's _cur and postback pages ------------------------------------------
def test_offsets_are_walked_page_after_page():
    url = f"{BASE}/chuyen-muc/tin-tuc"
    assert listing_key(f"{url}?start=20") == listing_key(url)
    following, others = next_pages(
        f"{url}?start=10", [f"{url}?start=0", f"{url}?start=30", f"{url}?start=20"]
    )
    assert following == f"{url}?start=20"
    assert others == []


def test_liferay_cur_is_a_page_number():
    url = f"{BASE}/web/guest/tin-tuc?_101_INSTANCE_ab_cur=3"
    assert page_number(url) == 3
    assert listing_key(url) == listing_key(f"{BASE}/web/guest/tin-tuc")


def test_a_postback_page_is_named_by_a_fragment():
    url = page_url(f"{BASE}/TinTuc.aspx?cid=1", 3)
    assert url == f"{BASE}/TinTuc.aspx?cid=1#postback-page-3"
    assert page_number(url) == 3
    assert listing_key(url) == listing_key(f"{BASE}/TinTuc.aspx?cid=1")
    assert next_pages(page_url(url, 2), [url])[0] == url


def test_a_postback_pager_becomes_the_form_post_a_click_sends():
    site = WebFormsSite(count=40)
    html = page(site, "/TinTuc.aspx?cid=1")
    pages = postback_pager(parse_html(html), 1)
    assert sorted(pages) == [2]
    target, argument = pages[2]
    assert (target, argument) == ("ctl00$MainContent$gvTin", "Page$2")
    response = HtmlResponse(f"{BASE}/TinTuc.aspx?cid=1", body=html.encode(), encoding="utf-8")
    request = postback_request(response, target, argument)
    assert request is not None and request.method == "POST"
    assert request.url == f"{BASE}/TinTuc.aspx?cid=1"
    body = request.body.decode()
    assert "__EVENTARGUMENT=Page%242" in body and "__VIEWSTATE=%2FwE" in body
    second = site.handle_post("/TinTuc.aspx?cid=1", request.body)
    numbers = [a.number for a in site.in_category("tin-tuc")]
    assert f"ChiTietTin.aspx?id={numbers[10]}".encode() in second.body


# --- what a page is ------------------------------------------------------------------------------
def test_pages_are_classified_from_their_structure():
    webforms, menu, feed = WebFormsSite(count=40), MenuSite(count=40), FeedSite(count=40)
    cases = {
        ("/", "listing"): webforms,
        ("/TinTuc.aspx?cid=2", "listing"): webforms,
        (f"/ChiTietTin.aspx?id={webforms.articles[3].number}", "article"): webforms,
        ("/LienHe.aspx", "listing"): webforms,  # its "Tin mới nhất" column lists articles
        ("/chuyen-muc/kinh-te", "listing"): menu,
        (menu.article_path(menu.articles[5]), "article"): menu,
        ("/lien-he", "other"): menu,
        ("/", "other"): feed,  # its list is drawn by a script
        (feed.article_path(feed.articles[1]), "article"): feed,
    }
    for (target, kind), site in cases.items():
        assert classify_page(parse_html(page(site, target)), BASE + target) == kind, target


def test_listing_links_skip_documents_print_views_and_calendars():
    site = WebFormsSite(count=40)
    platform = DiscoveryPlatform()
    listing = platform.parse_listing(f"{BASE}/", page(site, "/"))
    assert len(listing.article_urls) == 12
    assert all("ChiTietTin.aspx?id=" in url for url in listing.article_urls)
    assert f"{BASE}/TinTuc.aspx?cid=3" in listing.next_urls
    assert not [u for u in listing.next_urls if "ngay=" in u or "thang=" in u or ".pdf" in u]
    documents = platform.parse_listing(f"{BASE}/VanBan.aspx", page(site, "/VanBan.aspx"))
    assert not [u for u in documents.article_urls if u.endswith(".pdf")]


def test_menu_entries_lead_to_the_categories():
    site = MenuSite(count=40)
    listing = DiscoveryPlatform().parse_listing(f"{BASE}/", page(site, "/"))
    for key in ("tin-tuc", "thong-bao", "kinh-te"):
        assert f"{BASE}/chuyen-muc/{key}" in listing.next_urls
    category = DiscoveryPlatform().parse_listing(
        f"{BASE}/chuyen-muc/tin-tuc", page(site, "/chuyen-muc/tin-tuc")
    )
    assert len(category.article_urls) == 10
    assert next_pages(f"{BASE}/chuyen-muc/tin-tuc", category.next_urls)[0].endswith("start=10")


# --- sitemaps and feeds --------------------------------------------------------------------------
def test_robots_sitemaps_and_feeds_are_listings():
    site = FeedSite(count=30)
    site.base = BASE
    robots = read_machine_listing(f"{BASE}/robots.txt", site.handle("/robots.txt").body)
    assert robots.next_urls == [f"{BASE}/sitemap.xml"]
    index = read_machine_listing(f"{BASE}/sitemap.xml", site.handle("/sitemap.xml").body)
    assert f"{BASE}/sitemaps/trang.xml" in index.next_urls and not index.article_urls
    year = site.articles[0].published.year
    target = f"/sitemaps/tin-tuc-{year}.xml"
    sitemap = read_machine_listing(BASE + target, site.handle(target).body)
    assert sitemap.article_urls[0] == BASE + site.article_path(site.articles[0])
    feed = read_machine_listing(f"{BASE}/rss/tin-moi.rss", site.handle("/rss/tin-moi.rss").body)
    assert len(feed.article_urls) == 20
    assert "cid=" in feed.article_urls[0]


# --- canonical URLs ------------------------------------------------------------------------------
def test_parameters_that_do_not_change_a_page_are_dropped_from_the_next_run_on():
    rules = CanonicalRules()
    assert rules.learn_duplicate(f"{BASE}/ct.aspx?id=5&cid=2", f"{BASE}/ct.aspx?id=5") == {"cid"}
    assert rules.apply(f"{BASE}/ct.aspx?id=7&cid=3") == f"{BASE}/ct.aspx?cid=3&id=7"  # this run
    later = CanonicalRules(rules.all_dropped)
    assert later.apply(f"{BASE}/ct.aspx?id=7&cid=3") == f"{BASE}/ct.aspx?id=7"
    declared = CanonicalRules()
    declared.learn_declared(f"{BASE}/bai-viet/a-b-c.html?from=home", f"{BASE}/bai-viet/a-b-c.html")
    assert declared.apply(f"{BASE}/bai-viet/a-b-c.html?from=home") == f"{BASE}/bai-viet/a-b-c.html"
    assert declared.all_dropped == {"from"}
    assert item_number(f"{BASE}/ct.aspx?cid=2&ID=5") == "5"
    assert item_number(f"{BASE}/bai-viet/to-chuc-dot-10.html") is None


# --- titles --------------------------------------------------------------------------------------
def test_meta_lines_are_never_headlines():
    lines = ["Số lần xem: 312", "Lượt xem: 1.234", "4829 lượt xem", "14/07/2023 8:00:02 SA"]
    lines += ["Thứ Sáu, 14/07/2023 - 08:00", "Nguồn: Ban Tuyên giáo", "Cập nhật: 14-07-2023"]
    for line in lines:
        assert is_label_line(line), line
    for headline in ("Cập nhật tình hình mưa lũ trên địa bàn huyện",
                     "Hội nghị sơ kết công tác tuyên giáo 6 tháng đầu năm 2023"):  # fmt: skip
        assert not is_label_line(headline), headline


def test_the_generic_title_skips_the_meta_line_before_the_body():
    site = WebFormsSite(count=40)
    article = site.articles[7]
    item = GenericPlatform().parse_article(
        f"{BASE}/ChiTietTin.aspx?id={article.number}",
        page(site, f"/ChiTietTin.aspx?id={article.number}"),
    )
    assert item.title == article.title
    assert item.views_raw == f"Số lần xem: {article.views}"


def test_the_site_name_around_titles_is_learned():
    affixes = TitleAffixes()
    for title in (
        "Tin một | Cổng TTĐT xã A",
        "Tin hai dài hơn | Cổng TTĐT xã A",
        "Ba | Cổng TTĐT xã A",
    ):
        # before three titles the site's name is not known: no cue yet
        assert affixes.headline(title) is None
        affixes.observe(title)
    assert affixes.suffix == "Cổng TTĐT xã A"
    assert affixes.headline("Tin bốn | Cổng TTĐT xã A") == "Tin bốn"
    same = TitleAffixes()
    for _ in range(3):
        same.observe("UBND huyện Văn Bàn")
    assert same.headline("UBND huyện Văn Bàn") is None


# --- the schedule and the stored model -----------------------------------------------------------
def test_an_idle_listing_waits_longer_after_each_idle_walk():
    now = datetime(2026, 1, 10, 9, 0)
    entry = ScheduledListing("k", f"{BASE}/gioi-thieu")
    entry.walked(0, now)
    assert not entry.due(now + timedelta(days=1)) and entry.due(now + timedelta(days=3))
    entry.walked(0, now)
    assert not entry.due(now + timedelta(days=6)) and entry.due(now + timedelta(days=7))
    entry.walked(2, now)
    assert entry.due(now) and entry.empty_walks == 0


def test_the_site_model_is_kept_in_the_archive(tmp_path):
    db = open_archive(tmp_path / "archive.db")
    model = SiteModel("xa-a")
    model.article_shapes["/ChiTietTin.aspx"] = 3
    model.canonical.learn_duplicate(f"{BASE}/ct.aspx?id=5&cid=2", f"{BASE}/ct.aspx?id=5")
    model.add_listing_source(f"{BASE}/sitemap.xml", "sitemap")
    entry = model.schedule.setdefault("k", ScheduledListing("k", f"{BASE}/lien-he"))
    entry.walked(0, datetime(2026, 1, 10, 9, 0))
    save_site_model(db, *model.to_rows(datetime(2026, 1, 10, 9, 0)))
    again = SiteModel.from_rows("xa-a", load_site_model(db, "xa-a"), load_schedule(db, "xa-a"))
    assert again.article_template == "/ChiTietTin.aspx"
    assert again.canonical.dropped == {"cid"}
    assert again.sitemaps == [f"{BASE}/sitemap.xml"]
    assert again.schedule["k"].due_at == "2026-01-13T09:00:00"
