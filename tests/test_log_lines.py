"""Scrapy's per-response DEBUG lines are built only when a handler shows them."""

from __future__ import annotations

import logging

import pytest
import scrapy
from scrapy.http import HtmlResponse

from portal_spider.crawl.log_lines import QuietLogFormatter, shown


@pytest.fixture()
def logger_tree():
    """A logger below one with its own handler, not propagating further (outside logging's
    registry, so that no test fixture adds handlers to them)."""
    parent = logging.Logger("log_lines_test", logging.DEBUG)
    parent.propagate = False
    handler = logging.NullHandler()
    parent.addHandler(handler)
    child = logging.Logger("log_lines_test.child")
    child.parent = parent
    return child, handler


def test_a_record_is_shown_only_when_a_handler_takes_its_level(logger_tree):
    logger, handler = logger_tree
    handler.setLevel(logging.WARNING)
    assert not shown(logger, logging.DEBUG)
    assert not shown(logger, logging.INFO)
    assert shown(logger, logging.WARNING)
    handler.setLevel(logging.DEBUG)
    assert shown(logger, logging.DEBUG)


def test_a_logger_not_enabled_for_the_level_shows_nothing(logger_tree):
    logger, handler = logger_tree
    handler.setLevel(logging.DEBUG)
    logger.setLevel(logging.INFO)
    try:
        assert not shown(logger, logging.DEBUG)
    finally:
        logger.setLevel(logging.NOTSET)


def test_crawled_and_scraped_lines_follow_the_handlers(caplog):
    request = scrapy.Request("https://x.gov.vn/a")
    response = HtmlResponse("https://x.gov.vn/a", body=b"<html></html>", request=request)
    formatter = QuietLogFormatter()
    spider = scrapy.Spider("s")
    caplog.set_level(logging.DEBUG)  # pytest's handler takes DEBUG records: lines as Scrapy's
    assert formatter.crawled(request, response, spider)["msg"].startswith("Crawled")
    assert formatter.scraped({"a": 1}, response, spider)["msg"].startswith("Scraped")
    root = logging.getLogger()
    levels = [(handler, handler.level) for handler in root.handlers]
    try:
        for handler, _ in levels:
            handler.setLevel(logging.INFO)
        assert formatter.crawled(request, response, spider) is None
        assert formatter.scraped({"a": 1}, response, spider) is None
    finally:
        for handler, level in levels:
            handler.setLevel(level)


def test_the_project_settings_use_it():
    from portal_spider import settings

    assert settings.LOG_FORMATTER == "portal_spider.crawl.log_lines.QuietLogFormatter"
