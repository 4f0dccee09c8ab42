"""A portal's site model: what the crawler learned about software it has no page object for.

Per portal: the shapes of its article and listing pages (the article URL template is the most
common article shape), the query parameters that do not change a page, the site's name as it
appears around every ``<title>``, its sitemaps and feeds, the URLs that were not articles, and the
schedule of its listings. A listing walk that found no new article is due again only after a
wait that grows with each such walk in a row (:data:`IDLE_WAIT_DAYS`); a walk that found one
puts it back on every run. The model is read from the archive at the start of a run and written
back at its end (:mod:`archive.site_models`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from portal_spider.discovery.canonical import CanonicalRules
from portal_spider.discovery.shapes import path_shape
from portal_spider.discovery.title import TitleAffixes

# days a listing waits after 1, 2, 3 … walks in a row that found no new article
IDLE_WAIT_DAYS = (3, 7, 14, 30)


@dataclass
class ScheduledListing:
    """One listing's record: its walks, the idle ones in a row, and when it is due."""

    listing: str
    url: str
    walks: int = 0
    empty_walks: int = 0
    last_walked_at: str | None = None
    last_new_at: str | None = None
    due_at: str | None = None

    def due(self, now: datetime) -> bool:
        return self.due_at is None or datetime.fromisoformat(self.due_at) <= now

    def walked(self, new_articles: int, now: datetime) -> None:
        """Record a walk that found ``new_articles`` new articles."""
        self.walks += 1
        self.last_walked_at = now.isoformat(timespec="seconds")
        if new_articles:
            self.empty_walks = 0
            self.last_new_at = self.last_walked_at
            self.due_at = None
            return
        self.empty_walks += 1
        wait = IDLE_WAIT_DAYS[min(self.empty_walks, len(IDLE_WAIT_DAYS)) - 1]
        self.due_at = (now + timedelta(days=wait)).isoformat(timespec="seconds")


@dataclass
class SiteModel:
    """What one portal's pages taught the crawler."""

    portal: str
    article_shapes: Counter = field(default_factory=Counter)
    listing_shapes: Counter = field(default_factory=Counter)
    canonical: CanonicalRules = field(default_factory=CanonicalRules)
    titles: TitleAffixes = field(default_factory=TitleAffixes)
    sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    not_articles: set[str] = field(default_factory=set)
    schedule: dict[str, ScheduledListing] = field(default_factory=dict)
    platform: str = "generic"

    @property
    def article_template(self) -> str | None:
        """The most common shape of the portal's article pages."""
        common = self.article_shapes.most_common(1)
        return common[0][0] if common else None

    def known_article_shapes(self) -> set[str]:
        """Shapes seen on at least two article pages and never on a listing page."""
        return {
            shape
            for shape, count in self.article_shapes.items()
            if count >= 2 and not self.listing_shapes.get(shape)
        }

    def add_listing_source(self, url: str, kind: str) -> None:
        """Remember a sitemap or feed of the portal."""
        target = self.sitemaps if kind == "sitemap" else self.feeds
        if url not in target:
            target.append(url)

    # --- storage -------------------------------------------------------------------------------
    @classmethod
    def from_rows(
        cls, portal: str, row: dict[str, Any] | None, schedule: list[dict[str, Any]]
    ) -> SiteModel:
        model = cls(portal)
        if row:
            model.platform = row.get("platform") or "generic"
            model.article_shapes = Counter(row.get("article_shapes") or {})
            model.listing_shapes = Counter(row.get("listing_shapes") or {})
            model.canonical = CanonicalRules(set(row.get("dropped_params") or ()))
            model.titles = TitleAffixes(row.get("title_prefix"), row.get("title_suffix"))
            model.sitemaps = list(row.get("sitemaps") or ())
            model.feeds = list(row.get("feeds") or ())
            model.not_articles = set(row.get("not_articles") or ())
        for entry in schedule:
            model.schedule[entry["listing"]] = ScheduledListing(
                listing=entry["listing"],
                url=entry["url"],
                walks=entry.get("walks") or 0,
                empty_walks=entry.get("empty_walks") or 0,
                last_walked_at=entry.get("last_walked_at"),
                last_new_at=entry.get("last_new_at"),
                due_at=entry.get("due_at"),
            )
        return model

    def to_rows(self, now: datetime) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        article_shapes = self.known_article_shapes()
        row = {
            "portal": self.portal,
            "platform": self.platform,
            "article_template": self.article_template,
            "article_shapes": dict(self.article_shapes),
            "listing_shapes": dict(self.listing_shapes),
            "dropped_params": sorted(self.canonical.all_dropped),
            "title_prefix": self.titles.prefix,
            "title_suffix": self.titles.suffix,
            "sitemaps": self.sitemaps,
            "feeds": self.feeds,
            # a URL of the article template refused early in a run is tried again next run
            "not_articles": sorted(
                url for url in self.not_articles if path_shape(url) not in article_shapes
            ),
            "updated_at": now.isoformat(timespec="seconds"),
        }
        schedule = [{"portal": self.portal, **entry.__dict__} for entry in self.schedule.values()]
        return row, schedule
