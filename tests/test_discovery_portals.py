"""Three portals in software the project has no page object for, crawled from their home page only.

An older ASP.NET WebForms portal paged by postbacks, a commune portal whose news is reachable only
through its menu (offset paging, slug URLs), and a ward portal whose lists exist only in its
sitemaps and RSS feed — each with the traps of real portals: the site's name as ``<title>``, the
meta line ``Số lần xem: 312`` before the body, PDFs in dated paths, one article under several query
strings, print views and a work calendar. ``crawl --all``, with the portal's registry row naming
only its home page and ``platform = "auto"``, must archive at least 95% of the articles
with at least 95% of each field right, no row that is not an article, no duplicate; an unchanged
second run makes at most 5% of the first run's requests.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from unnamed_sites import FIELDS, crawl_twice, score

from archive.db import open_archive
from portal_spider.demo.feed_site import FeedSite
from portal_spider.demo.menu_site import MenuSite
from portal_spider.demo.webforms_site import WebFormsSite

pytestmark = pytest.mark.crawl

ARTICLE_REQUEST = re.compile(r"[?&]id=\d|/bai-viet/")

SITES = {"webforms": WebFormsSite, "menu": MenuSite, "feed": FeedSite}


@pytest.fixture(scope="module", params=sorted(SITES))
def runs(request, tmp_path_factory):
    site = SITES[request.param]()
    return crawl_twice(site, tmp_path_factory.mktemp(request.param) / "archive.db")


def test_at_least_95_percent_of_the_articles_are_archived(runs):
    result = score(runs)
    print(f"{type(runs.site).__name__}: {len(result.archived)} of {result.expected} articles")
    assert len(result.archived) >= 0.95 * result.expected


def test_at_least_95_percent_of_each_field_is_right(runs):
    result = score(runs)
    shares = {name: round(result.share(name), 3) for name in FIELDS}
    print(f"{type(runs.site).__name__}: {shares}; first wrong: {result.wrong[:3]}")
    assert all(share >= 0.95 for share in shares.values()), (shares, result.wrong[:5])


def test_no_row_is_anything_but_an_article_and_none_is_a_duplicate(runs):
    result = score(runs)
    assert result.not_articles == []
    assert result.duplicates == []
    assert len(runs.rows) == len(result.archived)


def test_no_document_or_print_view_was_requested_as_a_page(runs):
    # a document is fetched once, as a file an article links (kept as an attachment), not as a page
    documents = [t for t in runs.first if t.endswith(".pdf")]
    assert documents and len(documents) == len(set(documents))
    db = open_archive(runs.db_path)
    kept = db.execute("select url, kind from captures where url like '%.pdf'").fetchall()
    db.close()
    assert sorted(urlsplit(url).path for url, _ in kept) == sorted(documents)
    assert {kind for _, kind in kept} == {"attachment"}
    assert not [t for t in runs.first if "InTin.aspx" in t or "print=1" in t or "/in.html" in t]
    # the calendar's days and months are never walked
    assert not [t for t in runs.first if "ngay=" in t or "thang=" in t]


def test_an_unchanged_second_run_makes_at_most_5_percent_of_the_requests(runs):
    first, second = len(runs.first), len(runs.second)
    print(f"{type(runs.site).__name__}: first run {first} requests, second run {second}")
    assert second <= 0.05 * first, runs.second
    # no article page: every one is known, and none was published recently enough for a revisit
    assert not [t for t in runs.second if ARTICLE_REQUEST.search(t)]


def test_every_page_fetched_is_kept_and_named_for_what_it_was(runs):
    db = open_archive(runs.db_path)
    rows = db.execute("select url, kind from captures").fetchall()
    db.close()
    kept = {urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
            for url, _ in rows}  # fmt: skip
    assert set(runs.first) - kept == set()
    kinds = {kind for _, kind in rows}
    assert {"robots", "article", "attachment"} <= kinds
    if isinstance(runs.site, FeedSite):
        assert {"sitemap", "feed"} <= kinds
