"""One crawl in this process, for the crawl benchmark: the archive's crawl or a title-only spider.

Scrapy's reactor starts once per process, so the benchmark runs each crawl in a child process
(``python -m benchmarks.crawl_child``) while the portal is served by the parent. The child prints
one JSON line: pages fetched, seconds from start to close, CPU seconds of the process (Scrapy's
start included) and its peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor

from benchmarks.memory import peak_rss_mb

# The same pace for both crawls: one local host, requests as fast as the politeness floor allows.
PACE = {
    "DOWNLOAD_DELAY": 0.001,
    "DOWNLOAD_DELAY_JITTER": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "LOG_LEVEL": "WARNING",
}


class TitleSpider(scrapy.Spider):
    """The reference: follows the same listing pages and article links, keeps only each title."""

    name = "titles"
    custom_settings = {**PACE, "ROBOTSTXT_OBEY": True, "TELNETCONSOLE_ENABLED": False}

    def __init__(self, start: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = start
        self.links = LinkExtractor(
            allow=(r"ItemID=\d+", r"[?&]page=\d+"), deny=(r"ItemID=.*page=",)
        )

    def parse(self, response: scrapy.http.Response, **kwargs: Any) -> Any:
        yield {"title": response.css("title::text").get()}
        if "ItemID=" in response.url:
            return
        for link in self.links.extract_links(response):
            yield response.follow(link.url, self.parse)


def crawl_titles(start: list[str]) -> dict[str, Any]:
    """Run the title-only spider; Scrapy's stats."""
    process = CrawlerProcess({"LOG_LEVEL": "WARNING"})
    crawler = process.create_crawler(TitleSpider)
    process.crawl(crawler, start=start)
    process.start()
    return dict(crawler.stats.get_stats())


def crawl_archive(row: dict[str, Any], db: str, full: bool) -> dict[str, Any]:
    """Run the archive's own crawl of the portal ``row`` into ``db``; Scrapy's stats."""
    from portal_spider.crawl.runner import run_crawl
    from portal_spider.registry import Portal

    settings = {**PACE, "PORTAL_ARCHIVE_FULL": full, "PORTAL_ARCHIVE_PROGRESS": False}
    return run_crawl([Portal(**row)], db, settings).stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=("archive", "titles"))
    parser.add_argument("--portal", required=True, help="the portal's registry row, as JSON")
    parser.add_argument("--db", help="the archive (archive mode)")
    parser.add_argument("--incremental", action="store_true", help="not a --full crawl")
    args = parser.parse_args()
    row = json.loads(args.portal)
    started = time.perf_counter()
    if args.mode == "titles":
        base = row["base_url"].rstrip("/")
        stats = crawl_titles([base + path for path in row["entry_points"]])
    else:
        stats = crawl_archive(row, args.db, not args.incremental)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures = {
        "seconds": seconds,
        "requests": int(stats.get("downloader/request_count") or 0),
        "pages": int(stats.get("response_received_count") or 0),
        "items": int(stats.get("item_scraped_count") or 0),
        # images and attachments the archive keeps (the title-only spider fetches none)
        "files": sum(int(stats.get(f"captures/{kind}") or 0) for kind in ("image", "attachment")),
        "finish_reason": stats.get("finish_reason"),
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": peak_rss_mb(),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
