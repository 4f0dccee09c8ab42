"""A postback listing whose walk stopped at a limit resumes at the page it reached.

A WebForms grid has no URL per page: the walk names page N ``…#postback-page-N``. When the next
run has checked the first pages (all known), it goes straight to the page the last walk reached
with the pager's form and ``__EVENTARGUMENT=Page$N``, without posting the pages in between.
(Every article is archived by the first run anyway, through the articles' "Các tin khác" lists:
what is tested is the walk.)
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from crawl_machinery import NOW, crawl

from portal_spider.demo.server import PortalServer
from portal_spider.demo.webforms_site import WebFormsSite

pytestmark = pytest.mark.crawl


class RecordingWebFormsSite(WebFormsSite):
    """The WebForms portal, remembering which grid page each postback asked for."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.posted: list[tuple[str, str]] = []

    def handle_post(self, target: str, form: bytes):
        argument = parse_qs(form.decode()).get("__EVENTARGUMENT", [""])[-1]
        self.posted.append((target, argument))
        return super().handle_post(target, form)


def test_a_stopped_postback_walk_resumes_where_it_stopped(tmp_path):
    site = RecordingWebFormsSite(count=180)
    db_path = tmp_path / "archive.db"
    with PortalServer(site) as server:
        url = server.url + "/"
        args = ("--db", str(db_path), "--delay", "0.005")
        first = crawl(url, *args, "--set", "PORTAL_ARCHIVE_MAX_LISTING_PAGES=4", now=NOW)
        assert first.returncode == 0, first.stderr[-3000:]
        posted_first = list(site.posted)
        site.posted.clear()
        second = crawl(url, *args, now=NOW + timedelta(hours=1))
        assert second.returncode == 0, second.stderr[-3000:]
        posted_second = list(site.posted)
    grid = "/TinTuc.aspx?cid=1"
    assert [a for t, a in posted_first if t == grid] == ["Page$2", "Page$3", "Page$4"]
    # pages 1 and 2 checked (known), then straight to page 4, the last page the stopped walk
    # reached, and on to the end: page 3 is not posted again
    assert [a for t, a in posted_second if t == grid] == ["Page$2", "Page$4", "Page$5", "Page$6"]
