"""The platforms (CMS families) the crawler knows, and detection of a page's platform.

Adding a platform is adding a module with a :class:`~portal_spider.platforms.base.Platform`
subclass and listing it here; adding a portal on a known platform is a registry row.
"""

from __future__ import annotations

import logging

from portal_spider.platforms.base import Platform
from portal_spider.platforms.dnn import DnnPlatform
from portal_spider.platforms.generic import GenericPlatform
from portal_spider.platforms.joomla import JoomlaPlatform
from portal_spider.platforms.liferay import LiferayPlatform
from portal_spider.platforms.sharepoint import SharePointPlatform
from portal_spider.platforms.vendor import VendorPlatform
from portal_spider.platforms.wordpress import WordPressPlatform
from portal_spider.platforms.yenbai import YenBaiPlatform

logger = logging.getLogger(__name__)

DETECTION_THRESHOLD = 40


def all_platforms() -> dict[str, Platform]:
    """A fresh instance of every platform, by name (generic last)."""
    platforms: list[Platform] = [
        YenBaiPlatform(),
        SharePointPlatform(),
        LiferayPlatform(),
        DnnPlatform(),
        WordPressPlatform(),
        JoomlaPlatform(),
        VendorPlatform(),
        GenericPlatform(),
    ]
    return {p.name: p for p in platforms}


def get_platform(name: str) -> Platform:
    """The platform called ``name``; raises KeyError with the known names otherwise."""
    platforms = all_platforms()
    if name not in platforms:
        raise KeyError(f"unknown platform {name!r}; known: {', '.join(sorted(platforms))}")
    return platforms[name]


def detect_platform(url: str, html: str | None) -> Platform:
    """The best-matching platform for a page, or the generic fallback."""
    best: Platform | None = None
    best_score = 0
    for platform in all_platforms().values():
        score = platform.detect(url, html)
        if score > best_score:
            best, best_score = platform, score
    if best is None or best_score < DETECTION_THRESHOLD:
        return GenericPlatform()
    logger.debug("detected platform %s (score %d) for %s", best.name, best_score, url)
    return best
