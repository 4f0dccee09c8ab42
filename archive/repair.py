"""Articles left half-written by an earlier version of the crawler, found and repaired.

Before article writes were one transaction, a process killed between two inserts could leave an
article row without the rows written after it. The schema shows four such traces:

* ``version``: no ``article_versions`` row for the article's current version (killed after the
  article row was inserted or updated, before its version);
* ``url``: no ``article_urls`` row for the URL the article was first fetched from;
* ``views``: the article's view count is in no ``article_views`` row of it;
* ``stray_version``: a version row newer than the article (a reparse killed after writing the
  version, before updating the article): that version never became the article's state.

The article row itself is always whole (one ``INSERT`` or ``UPDATE``), so the missing rows are
written again from it, exactly as the interrupted write would have written them, and a stray
version is removed. Each repaired article is also put in ``pending_articles``, so the next crawl
fetches its page again and records what the portal serves now. :func:`repair_half_written` runs
when a crawl opens the archive, with the archive lock held, as one transaction.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from sqlite_utils import Database

from archive.crawl_memory import schedule_refetch
from archive.transactions import write_transaction

logger = logging.getLogger(__name__)

TRACES = ("version", "url", "views", "stray_version")

_TRACE_SQL = {
    "version": "not exists (select 1 from article_versions v "
    "where v.article_id = a.id and v.version = coalesce(a.version, 1))",
    "url": "not exists (select 1 from article_urls u where u.url = a.url)",
    "views": "(a.views is not null and not exists (select 1 from article_views w "
    "where w.article_id = a.id and w.views = a.views))",
    "stray_version": "exists (select 1 from article_versions v "
    "where v.article_id = a.id and v.version > coalesce(a.version, 1))",
}

REFETCH_REASON = "half-written by an earlier crawl ({traces}): refetch"


@dataclass(frozen=True)
class HalfWritten:
    """One article with the traces of an interrupted write."""

    article_id: str
    portal: str
    url: str
    traces: tuple[str, ...]


@dataclass
class RepairReport:
    """What the check found: articles per portal, and how often each trace was seen."""

    articles: list[HalfWritten] = field(default_factory=list)
    traces: Counter[str] = field(default_factory=Counter)
    refetches: int = 0

    def by_portal(self) -> Counter[str]:
        """How many half-written articles each portal had."""
        return Counter(article.portal for article in self.articles)


def find_half_written(db: Database, portals: tuple[str, ...] = ()) -> list[HalfWritten]:
    """The articles of ``portals`` (all when empty) that show a trace of an interrupted write."""
    columns = ", ".join(f"{sql} as trace_{name}" for name, sql in _TRACE_SQL.items())
    where = " or ".join(_TRACE_SQL.values())
    params: list[str] = []
    if portals:
        where = f"a.portal in ({', '.join('?' * len(portals))}) and ({where})"
        params = list(portals)
    rows = db.query(
        f"select a.id, a.portal, a.url, {columns} from articles a where {where} order by a.rowid",
        params,
    )
    return [
        HalfWritten(
            article_id=row["id"],
            portal=row["portal"],
            url=row["url"],
            traces=tuple(name for name in TRACES if row[f"trace_{name}"]),
        )
        for row in rows
    ]


def _complete(db: Database, article: HalfWritten) -> None:
    """Write the rows the interrupted write left out, from the article row."""
    aid = [article.article_id]
    if "stray_version" in article.traces:
        db.execute(
            "delete from article_versions where article_id = ? and "
            "version > (select coalesce(version, 1) from articles where id = ?)",
            aid * 2,
        )
    if "version" in article.traces:
        db.execute(
            "insert into article_versions (article_id, version, content_hash, title, "
            "published_at, body_text, body_html, source, author, observed_at, capture_id, cause) "
            # the current version's text is the article's own (archive.versions)
            "select id, coalesce(version, 1), content_hash, title, published_at, null, "
            "null, source, author, fetched_at, capture_id, 'crawl' from articles where id = ?",
            aid,
        )
    if "url" in article.traces:
        db.execute(
            "insert or ignore into article_urls (url, article_id, first_seen_at) "
            "select url, id, first_seen_at from articles where id = ?",
            aid,
        )
    if "views" in article.traces:
        db.execute(
            "insert or replace into article_views (article_id, observed_at, views) "
            "select id, fetched_at, views from articles where id = ?",
            aid,
        )


def repair_half_written(db: Database, portals: tuple[str, ...], when: str) -> RepairReport:
    """Complete every half-written article of ``portals`` and schedule its refetch."""
    report = RepairReport()
    with write_transaction(db):
        report.articles = find_half_written(db, portals)
        for article in report.articles:
            _complete(db, article)
            report.traces.update(article.traces)
            report.refetches += schedule_refetch(
                db,
                article_id=article.article_id,
                portal=article.portal,
                url=article.url,
                reason=REFETCH_REASON.format(traces=", ".join(article.traces)),
                when=when,
            )
    for portal, count in sorted(report.by_portal().items()):
        logger.warning(
            "portal %s: %d article(s) left half-written by an earlier crawl were completed "
            "and will be fetched again",
            portal,
            count,
        )
    return report
