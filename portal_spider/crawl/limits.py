"""How much one run may fetch from one portal: the limits, the request budget, the traps.

* ``max_listing_pages``: listing pages of one listing walked in one run
  (``PORTAL_ARCHIVE_MAX_LISTING_PAGES``);
* ``max_requests``: requests to one portal in one run, listings and articles together
  (``PORTAL_ARCHIVE_MAX_REQUESTS``);
* ``trap_pages``: listing pages of one URL family in a row without a new article before the
  family is cut off (``PORTAL_ARCHIVE_TRAP_PAGES``, :mod:`portal_spider.crawl.traps`);
* ``listings_in_flight``: listing requests of one portal out at once; the others wait in the
  spider (``PORTAL_ARCHIVE_LISTINGS_IN_FLIGHT``, :mod:`portal_spider.crawl.frontier`).

0 turns a limit off. A portal's registry row may set its own ``max_listing_pages``,
``max_requests`` and ``trap_pages``. A walk stopped by a limit is not complete: the archive
remembers the page it reached and the next run continues from there
(:mod:`portal_spider.crawl.resume`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapy.settings import BaseSettings

from portal_spider.crawl.frontier import ListingFrontier, ListingLink
from portal_spider.crawl.traps import TrapDetector
from portal_spider.registry import Portal

DEFAULTS = {
    "max_listing_pages": 300,
    "max_requests": 20_000,
    "trap_pages": 50,
    "listings_in_flight": 2,
}
SETTING_NAMES = {name: f"PORTAL_ARCHIVE_{name.upper()}" for name in DEFAULTS}
PORTAL_FIELDS = ("max_listing_pages", "max_requests", "trap_pages")


@dataclass(frozen=True)
class Limits:
    """The limits of one portal in one run (0: no limit)."""

    max_listing_pages: int = DEFAULTS["max_listing_pages"]
    max_requests: int = DEFAULTS["max_requests"]
    trap_pages: int = DEFAULTS["trap_pages"]
    listings_in_flight: int = DEFAULTS["listings_in_flight"]

    @classmethod
    def for_portal(cls, settings: BaseSettings, portal: Portal) -> Limits:
        """The settings' limits, with the values the portal's registry row sets instead."""
        values = {
            name: max(0, settings.getint(setting, DEFAULTS[name]))
            for name, setting in SETTING_NAMES.items()
        }
        for name in PORTAL_FIELDS:
            own = getattr(portal, name, None)
            if own is not None:
                values[name] = int(own)
        values["listings_in_flight"] = max(1, values["listings_in_flight"])
        return cls(**values)


@dataclass
class RequestBudget:
    """Requests one portal may still receive in this run."""

    limit: int  # 0: no limit
    used: int = 0
    refused: int = 0

    @property
    def exhausted(self) -> bool:
        return bool(self.limit) and self.used >= self.limit

    def remaining(self) -> int | None:
        """Requests left, or None without a limit."""
        return max(0, self.limit - self.used) if self.limit else None

    def take(self) -> bool:
        """Spend one request; False (and counted as refused) when none is left."""
        if self.exhausted:
            self.refused += 1
            return False
        self.used += 1
        return True


@dataclass
class PortalLimits:
    """The limits of one portal and their running state in this run."""

    limits: Limits
    budget: RequestBudget = field(init=False)
    traps: TrapDetector = field(init=False)
    frontier: ListingFrontier = field(init=False)
    budget_reported: bool = False

    def __post_init__(self) -> None:
        self.budget = RequestBudget(self.limits.max_requests)
        self.traps = TrapDetector(self.limits.trap_pages)
        # first pages beyond the request budget could never be requested: not kept waiting
        self.frontier = ListingFrontier(
            self.limits.listings_in_flight, self.limits.max_requests or None
        )

    def queue(self, link: ListingLink) -> str | None:
        """Let a listing link wait its turn; the reason when it is left out instead."""
        if self.traps.is_cut(link.family):
            self.traps.dropped(link.family)
            return "trap"
        if not self.frontier.push(link):
            return "max_requests"
        return None

    def cut(self, family: str) -> list[ListingLink]:
        """Cut a trap family off: its waiting links, taken out (the family was just cut)."""
        dropped = self.frontier.remove(lambda link: link.family == family)
        self.traps.dropped(family, len(dropped))
        return dropped

    def release(self) -> tuple[list[ListingLink], list[ListingLink]]:
        """The links that may be requested now (each spends a request), and, once the request
        budget is spent, every link left out for that reason."""
        released: list[ListingLink] = []
        while (link := self.frontier.take()) is not None:
            if not self.budget.take():
                self.frontier.give_back()
                return released, [link, *self.frontier.drain()]
            released.append(link)
        return released, []

    def listing_pages_reached(self, pages: int) -> bool:
        """Whether a walk of ``pages`` pages in this run has reached the listing page limit."""
        return bool(self.limits.max_listing_pages) and pages >= self.limits.max_listing_pages
