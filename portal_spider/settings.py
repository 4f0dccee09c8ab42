"""Scrapy settings: polite defaults for small government servers, and the pipeline order.

Paths come from the environment here and nowhere else: ``PORTAL_ARCHIVE_DB`` (the SQLite archive).
Every value can be overridden per run (``portal-archive crawl --set NAME=VALUE``).
"""

from __future__ import annotations

import os

BOT_NAME = "portal-archive"
SPIDER_MODULES = ["portal_spider.spiders"]
NEWSPIDER_MODULE = "portal_spider.spiders"
# our `scrapy crawl`: the portal spider refuses to start without -a portal=... or -a url=...
COMMANDS_MODULE = "portal_spider.commands"

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
# per-host limit; a lower value is raised to portal_spider.crawl.politeness.MIN_DOWNLOAD_DELAY.
# A portal's registry row may set its own delay, concurrency, obey_robots and user_agent.
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50 % around the delay
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# A request that gets no answer in this many seconds fails (and is retried): small servers answer
# in a few seconds or not at all. A portal's registry row may set its own (download_timeout).
DOWNLOAD_TIMEOUT = 20
# Scrapy's default cap is 1 GiB: a page far beyond any article is dropped (and logged) instead.
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# the spider logs each page that failed for good in one line; Scrapy's own line is for debugging
RETRY_GIVE_UP_LOG_LEVEL = "INFO"
# A host whose pages get no answer (timeout, refused, DNS): after this many different pages in a
# row, its other requests wait for the next run (portal_spider.crawl.downloader.circuit; 0 turns it
# off).
PORTAL_ARCHIVE_BREAKER_FAILURES = 5
# Retry-After of a 429/503 is honoured (the host's requests wait) up to this many seconds.
PORTAL_ARCHIVE_RETRY_AFTER_MAX = 120

# An archiver runs unattended: no remote code execution endpoints.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

# Scrapy reads the source of a generator callback at every call to warn of a `return value` in it
# (its cache misses for bound methods): 10 ms a page for the spider's long callbacks. The spider's
# callbacks return nothing (tests/test_settings_defaults.py checks this setting stays off).
WARN_ON_GENERATOR_RETURN_VALUE = False

# Scrapy starts this many tasks for the output of every callback; the pipelines write to SQLite
# synchronously, so more than a few only cost task switches (Scrapy's 100: 7 ms a page).
CONCURRENT_ITEMS = 4

# the same stats as Scrapy's, without a deprecation check wrapped around every call
STATS_CLASS = "portal_spider.crawl.stats.PlainStatsCollector"
# Scrapy's DEBUG line for every response and item is not built when no handler shows it
LOG_FORMATTER = "portal_spider.crawl.log_lines.QuietLogFormatter"

COOKIES_ENABLED = False
HTTPCACHE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# Incremental, scheduled crawling (docs/OPERATIONS.md). PORTAL_ARCHIVE_NOW (ISO time) makes a run
# act as if it ran then: for tests and replays only.
PORTAL_ARCHIVE_NOW = os.environ.get("PORTAL_ARCHIVE_NOW") or None
PORTAL_ARCHIVE_FULL = False  # True: walk every listing to its end (--full)
PORTAL_ARCHIVE_OVERLAP_PAGES = 1  # pages walked past the first page of only known articles
PORTAL_ARCHIVE_REVISIT_DAYS = [1, 7, 30, 90]  # re-fetch articles this many days after publication
PORTAL_ARCHIVE_MAX_ATTEMPTS = 5  # runs that retry a failed article page before giving up
# Limits of one run (portal_spider.crawl.limits; 0 turns one off; a registry row may set the first
# three). A walk stopped by a limit is continued by the next run from the page it reached.
PORTAL_ARCHIVE_MAX_LISTING_PAGES = 300  # listing pages of one listing walked in one run
PORTAL_ARCHIVE_MAX_REQUESTS = 20_000  # requests to one portal in one run, listings and articles
PORTAL_ARCHIVE_TRAP_PAGES = 50  # pages of a listing family without a new article: a trap, cut off
PORTAL_ARCHIVE_LISTINGS_IN_FLIGHT = 2  # listing requests of a portal out at once (others wait)
# Monitoring: warn when the newest article is older than this, a field is missing on more than
# this percent of a run's article pages, or more than this percent of requests failed.
PORTAL_ARCHIVE_MONITOR_STALE_DAYS = 30
PORTAL_ARCHIVE_MONITOR_FIELDS = {"title": 5, "published_at": 5, "body_text": 5, "views": 50}
PORTAL_ARCHIVE_MONITOR_ERROR_PCT = 10
PORTAL_ARCHIVE_MONITOR_MIN_PAGES = 5
# Per-host limits also per IP address: portals that are virtual hosts of one server share one
# download slot (portal_spider.crawl.ip_slots). PORTAL_ARCHIVE_RESOLVE maps host names to
# addresses without DNS ({"tramtau.yenbai.gov.vn": "127.0.0.1"}: tests, demos, a moved server).
PORTAL_ARCHIVE_SLOTS_PER_IP = True
PORTAL_ARCHIVE_RESOLVE: dict[str, str] = {}
TWISTED_DNS_RESOLVER = "portal_spider.crawl.ip_slots.OverrideResolver"
# Liveness (portal_checks): a portal that answers but whose newest article is older than this many
# days is "frozen" (each crawl records a check; `check-sites --frozen-days` for the command).
PORTAL_ARCHIVE_FROZEN_DAYS = 90
# Files an article links (portal_spider.crawl.capture): attachments always, images unless off;
# a file over its cap is not downloaded (cancelled at its announced size) and recorded as skipped.
PORTAL_ARCHIVE_IMAGES = True
PORTAL_ARCHIVE_MAX_ATTACHMENT_SIZE = 50 * 1024 * 1024
PORTAL_ARCHIVE_MAX_IMAGE_SIZE = 5 * 1024 * 1024
PORTAL_ARCHIVE_PROGRESS = True  # a live line on a terminal, a summary line per portal in logs
PORTAL_ARCHIVE_PROGRESS_INTERVAL = 2.0

DOWNLOADER_MIDDLEWARES = {
    # each request and redirect hop stays on its portal's hosts, before robots.txt is asked for
    "portal_spider.crawl.downloader.boundary.PortalBoundaryMiddleware": 40,
    # the download slot of the host's IP address: per-host limits hold per server
    "portal_spider.crawl.ip_slots.IpSlotMiddleware": 45,
    # robots.txt checked for every request, also those queued while it loads (Scrapy's is replaced)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "portal_spider.crawl.downloader.robots.PortalRobotsTxtMiddleware": 100,
    # a portal's own download timeout, before Scrapy's DownloadTimeoutMiddleware (350)
    "portal_spider.crawl.downloader.timeouts.PortalTimeoutMiddleware": 340,
    # a portal's own User-Agent, before Scrapy's UserAgentMiddleware (500) fills the default
    "portal_spider.crawl.politeness.PortalUserAgentMiddleware": 450,
    # the per-host circuit breaker sees every failed try: above RetryMiddleware (550)
    "portal_spider.crawl.downloader.circuit.HostBreakerMiddleware": 560,
    # every response that is neither an article nor a linked file kept as a raw capture, decoded
    # (below HttpCompressionMiddleware, 590) and after redirects (600): crawl/capture.py
    "portal_spider.crawl.capture.CaptureMiddleware": 585,
    # Scrapy's with nothing to do here, off (each ran on every request): the spider names no
    # allowed_domains (the boundary middleware keeps each portal's hosts) and no http_user
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
}
EXTENSIONS = {
    "portal_spider.crawl.lock.ArchiveLockExtension": 0,
    "portal_spider.crawl.downloader.connection_errors.OneLineConnectionErrorsExtension": 1,
    "portal_spider.crawl.downloader.retry_after.RetryAfterExtension": 100,
    "portal_spider.crawl.progress.ProgressExtension": 500,
}

# registry -> spider -> page object -> item -> normalise -> dedup -> store
ITEM_PIPELINES = {
    "portal_spider.pipelines.normalize.NormalizePipeline": 100,
    "portal_spider.pipelines.dedup.DedupPipeline": 200,
    "portal_spider.pipelines.store.StorePipeline": 300,
}
