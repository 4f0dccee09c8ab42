"""Derive article records again from their raw captures, with today's page objects.

Every article keeps the page it was extracted from (``captures``), so when a parser improves the
archive is corrected without fetching anything again: each capture goes through the same platform
code and normaliser as a crawl. Fields the crawl observed (when an article was seen, fetched or
found gone) are kept; a content change becomes a new version whose cause is ``reparse``.

Each record is written in one transaction (:meth:`archive.store.ArchiveStore.rederive_article`):
its new version and its article row are kept together, so a reparse killed at any point leaves
every article as it was or as reparsed, and running it again finishes the work.
"""

from __future__ import annotations

import gzip
import logging
from collections import Counter
from dataclasses import dataclass, field

from sqlite_utils import Database

from archive.store import ArchiveStore, utc_now
from portal_spider.crawl.safe_parse import parse_article_safely
from portal_spider.normalize.article import normalize_article
from portal_spider.normalize.charset import decode_page
from portal_spider.offline.parse import choose_platform
from portal_spider.registry import find_portal, load_registry

logger = logging.getLogger(__name__)

COMPARED = ("title", "published_at", "views", "body_text", "source", "author", "category")


@dataclass
class ReparseReport:
    """What a reparse found: articles read, changed, without capture; changes per field."""

    checked: int = 0
    changed: int = 0
    without_capture: int = 0
    field_changes: Counter[str] = field(default_factory=Counter)


def _day_first(slug: str) -> bool:
    try:
        portal = find_portal(slug, load_registry())
    except (OSError, ValueError) as error:
        logger.warning("registry not read, dates read day first: %s", error)
        return True
    return portal.day_first if portal is not None else True


ARTICLE_AND_CAPTURE = (
    "select a.id, a.portal, a.url, a.item_id, a.canonical_url, "
    "coalesce(nullif(p.platform, 'auto'), p.detected_platform) as platform, "
    "c.body_gz, c.content_type from articles a "
    "left join portals p on p.slug = a.portal "
    "left join captures c on c.id = a.capture_id where a.id = ?"
)


def rederived_record(row: dict, day_first: bool) -> dict:
    """The record an article's capture gives with today's page object and normaliser."""
    page = decode_page(gzip.decompress(row["body_gz"]), row["content_type"])
    platform = choose_platform(row["url"], page.text, row["platform"])
    item = parse_article_safely(platform, row["url"], page)
    item.portal = row["portal"]
    item.item_id, item.canonical_url = row["item_id"], row["canonical_url"]
    return normalize_article(item, day_first=day_first).to_record()


def reparse_archive(
    db: Database,
    portals: tuple[str, ...] = (),
    *,
    dry_run: bool = False,
    when: str | None = None,
) -> ReparseReport:
    """Re-derive the articles of ``portals`` (all when empty) from their captures.

    ``when`` is the time the new versions are observed at (now by default).
    """
    store = ArchiveStore(db)
    report = ReparseReport()
    where = f"where portal in ({', '.join('?' * len(portals))})" if portals else ""
    ids = [r["id"] for r in db.query(f"select id from articles {where} order by rowid", portals)]
    day_first: dict[str, bool] = {}
    when = when or utc_now()
    for aid in ids:
        row = next(db.query(ARTICLE_AND_CAPTURE, [aid]))
        if row["body_gz"] is None:
            report.without_capture += 1
            continue
        report.checked += 1
        if row["portal"] not in day_first:
            day_first[row["portal"]] = _day_first(row["portal"])
        record = rederived_record(row, day_first[row["portal"]])
        before = db["articles"].get(aid)
        differing = [name for name in COMPARED if before[name] != record[name]]
        report.field_changes.update(differing)
        if dry_run:
            report.changed += bool(differing)
        elif store.rederive_article(aid, record, when):
            report.changed += 1
    return report
