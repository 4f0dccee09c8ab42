"""What the crawler remembers between runs, kept in the archive itself.

* Listing walks (``crawl_state``): a walk of a listing begins by setting ``walk_open`` and ends,
  when it reached the listing's end or its incremental stop point with every listing page fetched,
  by clearing it and recording ``complete_at``. A run killed mid-walk leaves ``walk_open`` set: the
  next run then pages through that listing again instead of stopping at the first page it already
  knows, so a killed run never leaves a gap. A walk that did not reach the listing's end also
  keeps a resume point (``resume_page``, ``resume_url``, ``stopped_by``), written as the walk
  goes: the next run walks on from there once its first pages are known
  (:mod:`portal_spider.crawl.resume`); a completed walk clears it.
* Pending articles (``pending_articles``): article pages that failed; later runs retry them until
  they are stored (which deletes the row) or run out of attempts.
* What is archived: the ids and URLs of a portal's articles, and when each was last fetched, for
  the incremental stop and the revisit schedule.

Each step (a walk begun, a walk completed, a failure counted, a refetch scheduled) is one
transaction; a caller may group several steps in an enclosing
:func:`~archive.transactions.write_transaction`. Plain SQL over sqlite-utils; no Scrapy here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from archive.transactions import write_transaction


@dataclass
class ListingState:
    """The remembered state of one listing of a portal."""

    portal: str
    listing: str
    walk_open: bool = False
    complete_at: str | None = None
    deepest_page: int | None = None
    resume_page: int | None = None  # where an unfinished walk continues
    resume_url: str | None = None
    stopped_by: str | None = None  # killed | max_listing_pages | max_requests | trap | failed

    @property
    def complete(self) -> bool:
        """A walk completed, and no walk began after it without completing (none was killed)."""
        return self.complete_at is not None and not self.walk_open


@dataclass
class KnownArticle:
    """An archived article as the revisit schedule sees it."""

    article_id: str
    url: str
    published_at: str | None
    first_seen_at: str | None
    fetched_at: str | None


def listing_states(db: Database, portal: str) -> dict[str, ListingState]:
    """Every listing of ``portal`` with a remembered state, by listing key."""
    rows = db.query(
        "select listing, walk_open, complete_at, deepest_page, resume_page, resume_url, stopped_by "
        "from crawl_state where portal = ?",
        [portal],
    )
    return {
        row["listing"]: ListingState(
            portal=portal,
            listing=row["listing"],
            walk_open=bool(row["walk_open"]),
            complete_at=row["complete_at"],
            deepest_page=row["deepest_page"],
            resume_page=row["resume_page"],
            resume_url=row["resume_url"],
            stopped_by=row["stopped_by"],
        )
        for row in rows
    }


def begin_walk(db: Database, portal: str, listing: str, first_url: str, when: str) -> None:
    """Record that a walk of ``listing`` begins (before any of its articles is stored)."""
    with write_transaction(db):
        db.execute(
            "insert into crawl_state (portal, listing, first_url, walk_started_at, walk_open, "
            "updated_at) values (?, ?, ?, ?, 1, ?) on conflict (portal, listing) do update set "
            "walk_started_at = excluded.walk_started_at, walk_open = 1, "
            "updated_at = excluded.updated_at",
            [portal, listing, first_url, when, when],
        )


def complete_walk(
    db: Database,
    portal: str,
    listing: str,
    *,
    when: str,
    mode: str,
    deepest_page: int,
    pages: int,
) -> None:
    """Record that a walk of ``listing`` completed (its resume point, if any, is cleared)."""
    with write_transaction(db):
        db.execute(
            "update crawl_state set walk_open = 0, complete_at = ?, complete_mode = ?, "
            "deepest_page = max(coalesce(deepest_page, 0), ?), pages_last_walk = ?, "
            "updated_at = ?, resume_page = null, resume_url = null, stopped_by = null "
            "where portal = ? and listing = ?",
            [when, mode, deepest_page, pages, when, portal, listing],
        )


def save_resume_point(
    db: Database,
    portal: str,
    listing: str,
    *,
    page: int,
    url: str,
    stopped_by: str,
    when: str,
) -> None:
    """Record where the unfinished walk of ``listing`` continues, and what stopped it."""
    with write_transaction(db):
        db.execute(
            "update crawl_state set resume_page = ?, resume_url = ?, stopped_by = ?, "
            "updated_at = ? where portal = ? and listing = ?",
            [page, url, stopped_by, when, portal, listing],
        )


def known_articles(db: Database, portal: str) -> tuple[set[str], set[str]]:
    """The ids of ``portal``'s archived articles, and every URL (canonical or seen) of them."""
    ids = {row["id"] for row in db.query("select id from articles where portal = ?", [portal])}
    urls: set[str] = set()
    for row in db.query(
        "select canonical_url, url from articles where portal = ? "
        "union all select u.url, null from article_urls u join articles a on a.id = u.article_id "
        "where a.portal = ?",
        [portal, portal],
    ):
        urls.update(value for value in (row["canonical_url"], row["url"]) if value)
    return ids, urls


def revisit_candidates(db: Database, portal: str, horizon_days: float) -> list[KnownArticle]:
    """Articles of ``portal`` not gone whose last fetch is younger than their last revisit step.

    ``horizon_days`` is the last step of the schedule: an article fetched after its publication
    (or first sighting) plus that many days never needs a revisit again.
    """
    rows = db.query(
        "select id, url, published_at, first_seen_at, fetched_at from articles "
        "where portal = ? and gone_at is null and (fetched_at is null or "
        "julianday(fetched_at) < julianday(coalesce(published_at, first_seen_at)) + ?)",
        [portal, horizon_days],
    )
    return [
        KnownArticle(
            article_id=row["id"],
            url=row["url"],
            published_at=row["published_at"],
            first_seen_at=row["first_seen_at"],
            fetched_at=row["fetched_at"],
        )
        for row in rows
    ]


def pending_articles(db: Database, portal: str, max_attempts: int) -> list[dict[str, Any]]:
    """Failed article pages of ``portal`` still worth retrying."""
    return list(
        db.query(
            "select article_id, url, attempts from pending_articles "
            "where portal = ? and attempts < ? order by first_failed_at",
            [portal, max_attempts],
        )
    )


# What a second write of one article's pending row changes, by the kind of write.
COUNT_A_FAILURE = (
    "update set attempts = attempts + 1, "
    "last_failed_at = excluded.last_failed_at, last_error = excluded.last_error"
)
KEEP_THE_ROW = "nothing"
NOTE_THE_REASON = "update set last_error = excluded.last_error"
STOP_RETRYING = (
    "update set attempts = max(attempts, excluded.attempts), "
    "last_failed_at = excluded.last_failed_at, last_error = excluded.last_error"
)


def write_pending(
    db: Database,
    article: tuple[str, str, str],
    note: str,
    when: str,
    attempts: int,
    on_conflict: str,
) -> bool:
    """The one writer of ``pending_articles``: a new row, or ``on_conflict`` on the article's row.

    ``article`` is ``(article_id, portal, url)``; ``attempts`` a new row's count, ``note`` its
    ``last_error``. Whether a row was written.
    """
    article_id, portal, url = article
    with write_transaction(db):
        cursor = db.execute(
            "insert into pending_articles (article_id, portal, url, first_failed_at, "
            "last_failed_at, attempts, last_error) values (?, ?, ?, ?, ?, ?, ?) "
            f"on conflict (article_id) do {on_conflict}",
            [article_id, portal, url, when, when, attempts, note],
        )
    return cursor.rowcount > 0


def record_failure(
    db: Database, *, article_id: str, portal: str, url: str, error: str, when: str
) -> None:
    """Remember an article page that failed, counting the attempts."""
    write_pending(db, (article_id, portal, url), error, when, 1, COUNT_A_FAILURE)


def schedule_refetch(
    db: Database, *, article_id: str, portal: str, url: str, reason: str, when: str
) -> bool:
    """Put an archived article in ``pending_articles`` so the next crawl fetches it again.

    Its attempts are left as they are (0 for a new row): a refetch is not a failure. Returns
    whether the article was not pending yet.
    """
    return write_pending(db, (article_id, portal, url), reason, when, 0, KEEP_THE_ROW)


def keep_pending(
    db: Database, *, article_id: str, portal: str, url: str, reason: str, when: str
) -> None:
    """Remember an article page this run did not fetch, without counting a try against it."""
    write_pending(db, (article_id, portal, url), reason, when, 0, NOTE_THE_REASON)


def give_up(
    db: Database, *, article_id: str, portal: str, url: str, reason: str, when: str, attempts: int
) -> None:
    """Remember an article page that no later run should retry (``attempts``: the maximum)."""
    write_pending(db, (article_id, portal, url), reason, when, attempts, STOP_RETRYING)


def given_up_articles(db: Database, portal: str, max_attempts: int, reason_prefix: str) -> set[str]:
    """Ids of ``portal``'s pending articles given up on for a reason starting ``reason_prefix``."""
    return {
        row["article_id"]
        for row in db.query(
            "select article_id from pending_articles where portal = ? and attempts >= ? "
            "and substr(last_error, 1, ?) = ?",
            [portal, max_attempts, len(reason_prefix), reason_prefix],
        )
    }
