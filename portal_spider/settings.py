"""Scrapy settings: polite defaults for small government servers, and the pipeline order.

Paths come from the environment here and nowhere else: ``PORTAL_ARCHIVE_DB`` (the SQLite archive).
Every value can be overridden per run (``portal-archive crawl --set NAME=VALUE``).
"""

from __future__ import annotations

import os

BOT_NAME = "portal-archive"
SPIDER_MODULES = ["portal_spider.spiders"]
NEWSPIDER_MODULE = "portal_spider.spiders"

PORTAL_ARCHIVE_DB = os.environ.get("PORTAL_ARCHIVE_DB", "archive.db")
PORTAL_ARCHIVE_CONTACT = os.environ.get(
    "PORTAL_ARCHIVE_CONTACT", "https://github.com/portal-archive/portal-archive"
)
USER_AGENT = f"portal-archive/0.1 (+{PORTAL_ARCHIVE_CONTACT}; archiving public records)"

# Politeness: government servers are small.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Keep above 0: with the asyncio reactor and no delay, Scrapy 2.19 was seen to exceed the
# per-host limit.
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50 % around the delay
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# An archiver runs unattended: no remote code execution endpoints.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

COOKIES_ENABLED = False
HTTPCACHE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# registry -> spider -> page object -> item -> normalise -> dedup -> store
ITEM_PIPELINES = {
    "portal_spider.pipelines.normalize.NormalizePipeline": 100,
    "portal_spider.pipelines.dedup.DedupPipeline": 200,
    "portal_spider.pipelines.store.StorePipeline": 300,
}
