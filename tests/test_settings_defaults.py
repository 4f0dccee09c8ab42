"""The crawl's defaults: polite to small government servers, no remote-control endpoint."""

from __future__ import annotations

from portal_spider.crawl.runner import crawl_settings


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
