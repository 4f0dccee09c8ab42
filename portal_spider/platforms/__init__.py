"""The platforms (CMS families) the crawler knows, and detection of a page's platform.

A platform is a module here with a :class:`~portal_spider.platforms.base.Platform` subclass that
sets a ``name`` and a ``priority``; it is found without being listed. Adding a portal on a known
platform is a registry row. See ``README.md`` in this folder for the detection priority table.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from functools import cache

from portal_spider.platforms.base import DETECTION_THRESHOLD, Platform
from portal_spider.platforms.generic import GenericPlatform

logger = logging.getLogger(__name__)


@cache  # the package's modules do not change while the process runs
def page_object_classes() -> tuple[type[Platform], ...]:
    """Every page object class of this package, highest detection priority first."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    found: list[type[Platform]] = []
    pending = list(Platform.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.priority is not None and cls.__module__.startswith(f"{__name__}."):
            found.append(cls)
    return tuple(sorted(set(found), key=lambda cls: (-(cls.priority or 0), cls.name)))


def all_platforms() -> dict[str, Platform]:
    """A fresh instance of every platform, by name, highest priority first (generic last)."""
    platforms = [cls() for cls in page_object_classes()]
    return {p.name: p for p in platforms}


def get_platform(name: str) -> Platform:
    """The platform called ``name``; raises KeyError with the known names otherwise."""
    platforms = all_platforms()
    if name not in platforms:
        raise KeyError(f"unknown platform {name!r}; known: {', '.join(sorted(platforms))}")
    return platforms[name]


def detect_platform(url: str, html: str | None) -> Platform:
    """The best-matching platform for a page, or the generic fallback.

    The highest score wins; of equal scores, the platform of higher ``priority``.
    """
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
