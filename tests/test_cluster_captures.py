"""Linked files in the cluster: the request budget pays for them, and what a run left pending the
next run fetches, as in a local crawl.

One district portal on 127.0.0.1 (each article linking a PDF) is crawled twice by one worker and
the writer. The first run has images off and a request budget of 30: the server must see exactly
30 requests besides robots.txt, files among them, and the images of the articles stored wait as
``pending``. The
second run (images on, no budget) fetches each pending file once, never a file the first run
kept (the job's plan tells the worker which files are done), and leaves nothing pending.
"""

from __future__ import annotations

import logging
from collections import Counter

import pytest
from cluster_helpers import FAST, needs_redis, new_cluster, run_cluster

from archive.db import open_archive
from portal_spider.cluster.demo import portal_row
from portal_spider.cluster.local_redis import LocalRedis
from portal_spider.demo.server import PortalServer
from portal_spider.demo.yenbai_site import FILE_PATH, IMAGE_PATH, YenBaiSite, load_demo_data

pytestmark = [pytest.mark.crawl, needs_redis]

logger = logging.getLogger(__name__)

SLUG = "tramtau-f"
BUDGET = 30


def is_file(target: str) -> bool:
    return target.startswith((IMAGE_PATH, FILE_PATH))


def district_site() -> YenBaiSite:
    """The demo district portal (its first 24 articles), each linking a document of its own."""
    data = load_demo_data()
    data["articles"] = data["articles"][:24]
    site = YenBaiSite(data)
    for item_id in site.articles:
        document = {"file": f"van-ban-{item_id}.pdf", "title": "Văn bản kèm theo"}
        site.edit_article(item_id, attachments=[document])
    return site


def test_budget_and_pending_files_behave_as_locally(tmp_path):
    site = district_site()
    with LocalRedis() as redis_server, PortalServer(site) as server:
        portal = portal_row(SLUG, site, server.url)
        first = new_cluster(redis_server.url, tmp_path / "first")
        settings = {
            **FAST,
            "PORTAL_ARCHIVE_IMAGES": False,
            "PORTAL_ARCHIVE_MAX_REQUESTS": BUDGET,
        }
        run_cluster(first, [portal], workers=1, settings=settings)
        served_first = [t for t in server.log.targets if t != "/robots.txt"]
        db = open_archive(first.db_path)
        pending = {
            row["url"] for row in db.query("select url from article_files where status = 'pending'")
        }
        kept_first = {
            row["url"] for row in db.query("select url from captures where kind = 'attachment'")
        }
        server.log.clear()
        second = new_cluster(redis_server.url, tmp_path / "second")
        second.db_path = first.db_path
        run_cluster(second, [portal], workers=1, settings=FAST)
        files_second = [server.url + t for t in server.log.targets if is_file(t)]
    # the budget: every request of the portal counted, files too
    assert len(served_first) == BUDGET
    assert [t for t in served_first if t.startswith(FILE_PATH)], "no attachment paid for"
    assert not [t for t in served_first if t.startswith(IMAGE_PATH)]  # images were off
    assert kept_first
    # the second run: each pending file fetched once, nothing kept before fetched again
    assert pending and any(IMAGE_PATH in url for url in pending)
    fetched = Counter(files_second)
    assert set(fetched.values()) == {1}
    assert pending <= set(fetched)
    assert not kept_first & set(fetched)
    db = open_archive(first.db_path)
    statuses = Counter(row["status"] for row in db["article_files"].rows)
    assert statuses["pending"] == 0 and statuses["stored"] > 0, statuses
    assert db["captures"].count_where("kind = 'image'") > 0
