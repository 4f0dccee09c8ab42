"""Revisits, edits, new and gone articles: the cluster's second run is a local crawl's second run.

A generated district portal is crawled at NOW by one local ``crawl`` and by the cluster (writer
and two workers, into another archive). Then the portal changes: an article's views and title are
edited, one is taken down, one is published. Eight days later both crawl again. Both archives must
then hold the same articles, versions and view series, and both second runs the same counts:
revisits due, updated, new, gone.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from contextlib import ExitStack
from datetime import timedelta

import pytest
from cluster_helpers import (
    RUN_FIELDS,
    article_rows,
    local_registry,
    needs_redis,
    new_cluster,
    run_cluster,
    runs,
    version_rows,
)
from crawl_helpers import cli_env, run_cli, yenbai_registry_row
from crawl_machinery import NOW, make_site

from archive.db import open_archive
from portal_spider.cluster.local_redis import LocalRedis
from portal_spider.demo.generate import make_article
from portal_spider.demo.server import PortalServer
from portal_spider.registry import Portal

pytestmark = [pytest.mark.crawl, needs_redis]

logger = logging.getLogger(__name__)

SLUG = "tramtau-r"
LATER = NOW + timedelta(days=8)
SETTINGS = {"DOWNLOAD_DELAY": 0.01, "AUTOTHROTTLE_ENABLED": False}


@pytest.fixture(scope="module")
def archives(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cluster-revisits")
    site = make_site(24)
    with ExitStack() as stack:
        redis_url = stack.enter_context(LocalRedis()).url
        server = stack.enter_context(PortalServer(site))
        portal = Portal(**yenbai_registry_row(SLUG, site, server.url))
        registry = local_registry(folder, [portal])
        local_db = folder / "local.db"
        cluster_db = None
        for when in (NOW, LATER):
            result = run_cli(
                "crawl", SLUG, "--db", str(local_db), "--delay", "0.01",
                "--set", "AUTOTHROTTLE_ENABLED=false", registry=registry, now=when,
            )  # fmt: skip
            assert result.returncode == 0, result.stderr[-3000:]
            cluster = new_cluster(redis_url, folder / f"cluster-{when:%d}")
            cluster.env = cli_env(when)
            if cluster_db is not None:
                cluster.db_path = cluster_db
            run_cluster(cluster, [portal], settings=SETTINGS)
            cluster_db = cluster.db_path
            if when == NOW:  # the portal changes before the second round
                newest = max(site.articles)
                site.edit_article(newest, views=site.articles[newest]["views"] + 500)
                site.edit_article(newest - 1, title="Tiêu đề đã được sửa lại")
                site.remove_article(newest - 2)
                site.add_article(make_article(9000, NOW + timedelta(days=3), random.Random(9)))
    return {"local": local_db, "cluster": cluster_db}


def test_the_second_runs_match_and_did_revisit(archives):
    def second_run(db_path):
        row = runs(db_path)[-1]
        return {name: row[name] for name in RUN_FIELDS}

    local, cluster = second_run(archives["local"]), second_run(archives["cluster"])
    assert cluster == local
    assert local["revisits"] > 0
    assert (local["articles_new"], local["articles_gone"]) == (1, 1)
    assert local["articles_updated"] >= 1  # the title edited


def test_articles_versions_and_views_match(archives):
    assert article_rows(archives["cluster"]) == article_rows(archives["local"])
    assert version_rows(archives["cluster"]) == version_rows(archives["local"])

    def views(db_path):
        return Counter(
            (row["article_id"], row["views"]) for row in open_archive(db_path)["article_views"].rows
        )

    assert views(archives["cluster"]) == views(archives["local"])
    gone = list(
        open_archive(archives["cluster"]).query("select id from articles where gone_at is not null")
    )
    assert len(gone) == 1
