"""The crawl's defaults: polite to small government servers, no remote-control endpoint."""

from __future__ import annotations

import gc

from portal_spider.crawl.runner import CRAWL_GC_THRESHOLD, crawl_gc, crawl_settings


def test_scrapy_remote_control_and_telnet_are_off(tmp_path):
    settings = crawl_settings(tmp_path / "a.db")
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False


def test_polite_defaults(tmp_path):
    settings = crawl_settings(tmp_path / "a.db")
    assert settings.getbool("ROBOTSTXT_OBEY") is True
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    assert settings.getfloat("DOWNLOAD_DELAY") >= 1.0
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is True
    user_agent = settings.get("USER_AGENT")
    assert user_agent.startswith("portal-archive/") and "+https://" in user_agent


def test_overrides_and_archive_path_apply(tmp_path):
    settings = crawl_settings(tmp_path / "a.db", {"DOWNLOAD_DELAY": 3})
    assert settings.get("PORTAL_ARCHIVE_DB") == str(tmp_path / "a.db")
    assert settings.getfloat("DOWNLOAD_DELAY") == 3


def test_callbacks_return_nothing_so_scrapys_per_call_check_can_stay_off(tmp_path):
    import inspect

    from scrapy.utils.misc import is_generator_with_return_value

    from portal_spider.spiders.portal import PortalSpider

    settings = crawl_settings(tmp_path / "a.db")
    assert settings.getbool("WARN_ON_GENERATOR_RETURN_VALUE") is False
    generators = [
        function
        for _, function in inspect.getmembers(PortalSpider, inspect.isfunction)
        if inspect.isgeneratorfunction(function)
    ]
    assert any(function.__name__ == "parse_article" for function in generators)
    assert [f.__name__ for f in generators if is_generator_with_return_value(f)] == []


def test_middlewares_turned_off_have_nothing_to_do(tmp_path):
    """Offsite filtering and HTTP auth are off: the spider names no allowed_domains (the boundary
    middleware keeps each portal's hosts, and stays on) and no http_user."""
    from scrapy.utils.conf import build_component_list

    from portal_spider.spiders.portal import PortalSpider

    settings = crawl_settings(tmp_path / "a.db")
    enabled = build_component_list(settings.getwithbase("DOWNLOADER_MIDDLEWARES"))
    assert "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware" not in enabled
    assert "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware" not in enabled
    assert "portal_spider.crawl.downloader.boundary.PortalBoundaryMiddleware" in enabled
    assert "portal_spider.crawl.downloader.robots.PortalRobotsTxtMiddleware" in enabled
    assert not getattr(PortalSpider, "allowed_domains", None)
    assert not getattr(PortalSpider, "http_user", None)


def test_stats_are_scrapys_as_plain_calls(tmp_path):
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.misc import load_object
    from scrapy.utils.test import get_crawler

    from portal_spider.spiders.portal import PortalSpider

    settings = crawl_settings(tmp_path / "a.db")
    stats_class = load_object(settings.get("STATS_CLASS"))
    assert issubclass(stats_class, MemoryStatsCollector)
    stats = stats_class(get_crawler(PortalSpider))
    stats.inc_value("pages")
    stats.inc_value("pages", 2)
    stats.max_value("depth", 3)
    stats.set_value("reason", "finished")
    assert stats.get_stats() == {"pages": 3, "depth": 3, "reason": "finished"}
    assert stats.inc_value.__func__ is MemoryStatsCollector.inc_value  # no wrapper around it


def test_a_crawl_collects_garbage_cycles_less_often_and_gives_the_thresholds_back():
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        with crawl_gc():
            assert gc.get_threshold() == (CRAWL_GC_THRESHOLD, 10, 10)
        assert gc.get_threshold() == (700, 10, 10)
        gc.set_threshold(20_000, 5, 5)  # a process tuned higher already keeps its own
        with crawl_gc():
            assert gc.get_threshold() == (20_000, 5, 5)
    finally:
        gc.set_threshold(*before)
