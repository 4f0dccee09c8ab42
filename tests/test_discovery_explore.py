"""``portal-archive explore`` on the three demo portals in unknown software prints their site model.

The exploration runs over real HTTP against the portals served on 127.0.0.1 and is checked against
what each portal is: its listings and their page counts, its article URL template, the parameters
that do not change a page, and the fields of the sampled articles as the portal shows them.
"""

from __future__ import annotations

import pytest
from crawl_helpers import run_cli
from unnamed_sites import article_number

from portal_spider.demo.feed_site import FeedSite
from portal_spider.demo.menu_site import MenuSite
from portal_spider.demo.server import PortalServer
from portal_spider.demo.webforms_site import WebFormsSite
from portal_spider.demo.yenbai_site import Reply, YenBaiSite
from portal_spider.discovery.explore import describe, explore, http_fetcher


def explored(site, pages: int = 30):
    with PortalServer(site) as server:
        site.base = server.url
        report = explore(server.url + "/", http_fetcher(0), max_pages=pages)
        requests = len(server.log.targets)
    return report, requests, server.url


def assert_sampled_articles_are_read_right(site, report):
    assert len(report.articles) >= 3
    expected = site.expected()
    for sample in report.articles:
        number = article_number(site, sample.url)
        assert number is not None, sample.url
        fields = {name: value for name, (value, _) in sample.fields.items()}
        assert fields["title"] == expected[number]["title"]
        assert str(expected[number]["views"]) in fields["views"].replace(".", "")
        assert fields["body_text"].startswith(expected[number]["body_start"][:40])
        assert all(rule.startswith("generic:") for _, rule in sample.fields.values())


def test_explore_webforms_portal():
    site = WebFormsSite()
    report, requests, base = explored(site)
    assert requests == report.pages_fetched <= 30
    assert report.platform == "generic"
    pages = {s.url.removeprefix(base): (s.pages, s.pages_complete, s.pager)
             for s in report.listings.values()}  # fmt: skip
    for cid in (1, 2, 3):
        assert pages[f"/TinTuc.aspx?cid={cid}"] == (6, True, "postback")
    # the "Tin mới nhất" column on every page is not counted as a listing's articles
    linked = {s.url.removeprefix(base): s.articles for s in report.listings.values()}
    assert linked == {"/": 12, "/TinTuc.aspx?cid=1": 10, "/TinTuc.aspx?cid=2": 10,
                      "/TinTuc.aspx?cid=3": 10}  # fmt: skip
    assert report.article_template == "/ChiTietTin.aspx?id={n}"
    assert report.dropped_params == ["cid"]
    assert report.sitemaps == [] and report.feeds == []
    assert "no sitemap (robots.txt names none)" in report.not_found
    assert "author on 5 of 5 articles" in report.not_found
    assert_sampled_articles_are_read_right(site, report)
    text = describe(report)
    assert "pages: 6 (pager: postback)" in text
    assert "article URL template: /ChiTietTin.aspx?id={n}" in text


def test_explore_menu_portal():
    site = MenuSite()
    report, requests, base = explored(site)
    assert requests <= 30
    listings = {s.url.removeprefix(base): s for s in report.listings.values()}
    assert {"/chuyen-muc/tin-tuc", "/chuyen-muc/thong-bao", "/chuyen-muc/kinh-te"} <= set(listings)
    for key in ("tin-tuc", "thong-bao", "kinh-te"):
        summary = listings[f"/chuyen-muc/{key}"]
        total = -(-len(site.in_category(key)) // 10)
        assert summary.pager == "offset"
        assert summary.pages == total if summary.pages_complete else 1 <= summary.pages < total
    assert not [u for u in listings if u in ("/gioi-thieu", "/lien-he", "/van-ban")]
    assert report.article_template == "/bai-viet/{slug}.html"
    assert set(report.dropped_params) == {"cid", "from"}
    assert report.title_affix == site.name
    assert_sampled_articles_are_read_right(site, report)


def test_explore_feed_portal():
    site = FeedSite()
    report, requests, base = explored(site)
    assert requests <= 30
    assert report.sitemaps[0] == base + "/sitemap.xml"
    assert report.feeds == [base + "/rss/tin-moi.rss"]
    listings = {s.url.removeprefix(base): s for s in report.listings.values()}
    years = {a.published.year for a in site.articles}
    for year in years:
        count = sum(1 for a in site.articles if a.published.year == year)
        assert listings[f"/sitemaps/tin-tuc-{year}.xml"].articles == count
    assert listings["/rss/tin-moi.rss"].articles == 20
    assert listings["/sitemaps/trang.xml"].articles == 0  # pages and PDFs, no article
    assert report.article_template == "/tin-tuc/chi-tiet.html?id={n}"
    assert report.article_links == len(site.articles)
    assert_sampled_articles_are_read_right(site, report)


@pytest.mark.crawl
def test_the_explore_command_prints_the_site_model():
    site = WebFormsSite(count=40)
    with PortalServer(site) as server:
        result = run_cli("explore", server.url + "/", "--pages", "12", "--delay", "0")
        requests = len(server.log.targets)
    assert result.returncode == 0, result.stderr[-2000:]
    assert requests <= 12
    assert "platform: generic" in result.stdout
    assert "[page] pages: 2 (pager: postback)" in result.stdout
    assert "views: Số lần xem:" in result.stdout


def test_explore_refuses_a_bad_url():
    result = run_cli("explore", "not-a-url")
    assert result.returncode == 2
    assert "is not an http(s) URL" in result.stderr


def test_explore_reads_a_known_platform_with_its_page_object():
    site = YenBaiSite()
    report, requests, base = explored(site)
    assert report.platform == "yenbai"
    numbered = [s for s in report.listings.values() if s.pager == "numbered" and s.pages_complete]
    assert len(numbered) >= 5
    assert report.article_template == "/noidung/tintuc/Pages/{slug}.aspx?ItemID={n}"
    assert len(report.articles) == 5
    assert all(a.fields["title"][1].startswith("platform:yenbai") for a in report.articles)


class GuardedWebFormsSite(WebFormsSite):
    """The WebForms portal with its categories closed to robots."""

    def handle(self, target: str):
        if target == "/robots.txt":
            return Reply(200, "text/plain", b"User-agent: *\nDisallow: /TinTuc.aspx\n")
        return super().handle(target)


def test_explore_obeys_robots_txt():
    site = GuardedWebFormsSite(count=40)
    with PortalServer(site) as server:
        report = explore(server.url + "/", http_fetcher(0), max_pages=30)
        targets = list(server.log.targets)
    assert not [t for t in targets if t.startswith("/TinTuc.aspx")]
    assert report.robots == "fetched"
    assert not [s for s in report.listings.values() if "TinTuc.aspx" in s.url]
