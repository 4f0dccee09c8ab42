"""Pages a known platform takes for listings but that link no article are not walked every run.

On the vendor family, one-segment paths linked from the home page (``/gioi-thieu/``,
``/van-ban/``, ``/lien-he/``) are taken as section listings. They list no article: after one walk
they wait for the listing schedule instead of costing requests on every unchanged run.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from crawl_machinery import NOW, crawl

from archive.db import open_archive
from portal_spider.demo.server import PortalServer
from portal_spider.demo.vendor_site import VendorSite
from portal_spider.demo.yenbai_site import Reply

pytestmark = pytest.mark.crawl

PAGES = ("/gioi-thieu/", "/van-ban/", "/lien-he/")


class VendorSiteWithPages(VendorSite):
    """The vendor ward portal with an about, a documents and a contact page in its home page."""

    def handle(self, target: str) -> Reply:
        if target in PAGES:
            html = f"<html><head><title>{self.name}</title></head><body><h1>{target}</h1>"
            html += "<p>Trang thông tin của phường.</p></body></html>"
            return Reply(200, "text/html; charset=utf-8", html.encode())
        reply = super().handle(target)
        if target == "/":
            links = "".join(f'<a href="{page}">{page.strip("/")}</a>' for page in PAGES)
            reply = Reply(reply.status, reply.content_type, reply.body.replace(
                b"</body>", links.encode() + b"</body>"))  # fmt: skip
        return reply


def test_pages_without_articles_wait_for_the_schedule(tmp_path):
    site = VendorSiteWithPages(visitors=1000)
    db_path = tmp_path / "archive.db"
    targets = []
    with PortalServer(site) as server:
        url = server.url + "/"
        for day, mode in ((0, ()), (1, ()), (2, ("--full",))):
            args = (url, *mode, "--db", str(db_path), "--delay", "0.005")
            result = crawl(*args, now=NOW + timedelta(days=day))
            assert result.returncode in (0, 1), result.stderr[-3000:]
            targets.append(list(server.log.targets))
            server.log.clear()
    first, second, backfill = targets
    assert set(PAGES) <= set(first)
    assert not set(PAGES) & set(second), second
    assert set(PAGES) <= set(backfill)  # --full walks every listing, the schedule aside
    db = open_archive(db_path)
    rows = {row["listing"].removeprefix(server.url): row for row in db["listing_schedule"].rows}
    assert all(rows[page.rstrip("/")]["empty_walks"] == 2 for page in PAGES)
    assert db["site_models"].get(rows["/lien-he"]["portal"])["platform"] == "vendor"
