"""``scrapy crawl``, refusing to run the portal spider without naming what to crawl.

Without arguments the spider would have to guess; it used to crawl every active portal, which on
the full registry is hours of requests that nobody asked for (a Scrapyd job scheduled without its
``portal`` argument did the same). Like ``portal-archive crawl`` without ``--all``, the command now
refuses with a usage error (exit status 2) unless ``-a portal=<slug>``, ``-a portal=all`` or
``-a url=<listing URL>`` is given. Other spiders run as with Scrapy's own command.
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

PORTAL_SPIDER = "portal"
TARGET_ARGUMENTS = ("portal", "url")


class Command(ScrapyCrawlCommand):
    """Scrapy's ``crawl``; the portal spider needs ``-a portal=...`` or ``-a url=...``."""

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        spider_arguments = getattr(opts, "spargs", {}) or {}
        if args[:1] == [PORTAL_SPIDER] and not any(
            spider_arguments.get(name) for name in TARGET_ARGUMENTS
        ):
            raise UsageError(
                "name the portals to crawl: -a portal=<slug>, -a portal=all (every active "
                "portal of the registry) or -a url=<listing URL>",
                print_help=False,
            )
        super().run(args, opts)
