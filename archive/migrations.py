"""The archive schema, owned by sqlite-utils migrations.

Every change to the schema is a new migration function appended here; applied migrations are
recorded in ``_sqlite_migrations`` so an archive of any age is brought up to date on open.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from archive import versions
from archive.search_index import (
    FOLDED_LETTERS,
    FTS_COLUMNS,
    RECENT_ARTICLES,
    RECENT_STEP,
)

migrations = Migrations("portal-archive")


@migrations()
def m001_core_tables(db: Database) -> None:
    """Portals, raw captures, articles, the URLs that reached them, crawl runs."""
    db["portals"].create(
        {
            "slug": str,
            "name": str,
            "level": str,
            "province": str,
            "base_url": str,
            "platform": str,
            "detected_platform": str,
            "status": str,
            "successor": str,
            "unit_code": str,
            "entry_points": str,  # JSON list of listing URLs
            "notes": str,
            "updated_at": str,
        },
        pk="slug",
    )
    db["captures"].create(
        {
            "id": int,
            "portal": str,
            "run_id": int,
            "url": str,
            "fetched_at": str,
            "http_status": int,
            "content_type": str,
            "headers": str,  # JSON object
            "sha256": str,
            "size": int,
            "body_gz": bytes,  # gzip of the body exactly as received (after transfer decoding)
        },
        pk="id",
    )
    db["captures"].create_index(["url"])
    db["captures"].create_index(["sha256"])
    db["articles"].create(
        {
            "id": str,  # stable identity: see archive.store.article_id
            "portal": str,
            "item_id": str,
            "canonical_url": str,
            "url": str,  # the first URL the article was fetched from
            "platform": str,
            "category": str,
            "title": str,
            "published_at": str,
            "published_raw": str,
            "views": int,
            "views_raw": str,
            "body_text": str,
            "body_html": str,
            "source": str,
            "author": str,
            "images": str,  # JSON list of {url, caption}
            "attachments": str,  # JSON list of {url, title}
            "extraction": str,  # JSON object field -> how it was found
            "problems": str,  # JSON list of reasons the record is incomplete
            "status": str,  # ok | incomplete | gone
            "content_hash": str,
            "version": int,
            "first_seen_at": str,
            "last_seen_at": str,
            "fetched_at": str,
            "gone_at": str,
            "capture_id": int,
        },
        pk="id",
        foreign_keys=[("portal", "portals", "slug"), ("capture_id", "captures", "id")],
    )
    db["articles"].create_index(["portal", "published_at"])
    db["articles"].create_index(["canonical_url"])
    db["article_urls"].create(
        {"url": str, "article_id": str, "first_seen_at": str},
        pk="url",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["article_urls"].create_index(["article_id"])
    db["article_versions"].create(
        {
            "article_id": str,
            "version": int,
            "content_hash": str,
            "title": str,
            "published_at": str,
            "body_text": str,
            "body_html": str,
            "source": str,
            "author": str,
            "observed_at": str,
            "capture_id": int,
        },
        pk=("article_id", "version"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["article_views"].create(
        {"article_id": str, "observed_at": str, "views": int},
        pk=("article_id", "observed_at"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["crawl_runs"].create(
        {
            "id": int,
            "portal": str,
            "started_at": str,
            "finished_at": str,
            "status": str,  # running | ok | partial | failed | interrupted
            "mode": str,  # incremental | full
            "pages_fetched": int,
            "articles_new": int,
            "articles_updated": int,
            "articles_unchanged": int,
            "articles_gone": int,
            "pages_failed": int,
            "fields_missing": str,  # JSON object field -> count of pages without it
            "duration_s": float,
            "error": str,
        },
        pk="id",
    )
    db["crawl_runs"].create_index(["portal", "started_at"])


_FTS_COLUMNS = FTS_COLUMNS  # indexed twice: as stored, then with FOLDED_LETTERS folded


def _fold_sql(expr: str) -> str:
    """SQL that folds ``expr`` with FOLDED_LETTERS, in plain SQL so every connection can run it."""
    for letter, plain in FOLDED_LETTERS.items():
        expr = f"replace({expr}, '{letter}', '{plain}')"
    return expr


def _fts_values(row: str) -> str:
    """Indexed values of ``row`` (``new`` or ``old``): the text columns, then their folded forms."""
    plain = [f"{row}.{column}" for column in _FTS_COLUMNS]
    return ", ".join(plain + [_fold_sql(value) for value in plain])


@migrations()
def m002_search_index(db: Database) -> None:
    """Full-text search over articles' title, body and source, with and without diacritics.

    ``articles_fts`` is an FTS5 index whose content is the view ``articles_fts_content``: the three
    text columns as stored, then the same columns with đ/Đ folded to d/D. With the unicode61
    tokenizer's ``remove_diacritics 2`` a query matches with or without diacritics, and ``dang uy``
    finds ``Đảng ủy`` through the folded columns. Triggers on ``articles`` keep the index in sync in
    plain SQL, so rows written by any SQLite client are indexed. ``article_list`` is the view
    researchers browse: one row per article with its portal's name, province and month.
    """
    folded = [f"{_fold_sql(column)} AS {column}_folded" for column in _FTS_COLUMNS]
    db.execute(
        "CREATE VIEW articles_fts_content AS SELECT rowid AS article_rowid, "
        + ", ".join(_FTS_COLUMNS + tuple(folded))
        + " FROM articles"
    )
    fts_columns = ", ".join(_FTS_COLUMNS + tuple(f"{c}_folded" for c in _FTS_COLUMNS))
    db.execute(
        f"CREATE VIRTUAL TABLE articles_fts USING fts5({fts_columns}, "
        "content='articles_fts_content', content_rowid='article_rowid', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    insert_new = (
        f"INSERT INTO articles_fts(rowid, {fts_columns}) VALUES (new.rowid, {_fts_values('new')});"
    )
    delete_old = (
        f"INSERT INTO articles_fts(articles_fts, rowid, {fts_columns}) "
        f"VALUES ('delete', old.rowid, {_fts_values('old')});"
    )
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in _FTS_COLUMNS)
    db.execute(f"CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN {insert_new} END")
    db.execute(f"CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN {delete_old} END")
    db.execute(
        "CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, body_text, source ON articles "
        f"WHEN {changed} BEGIN {delete_old} {insert_new} END"
    )
    db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
    db.execute(
        """
        CREATE VIEW article_list AS
        SELECT
            a.id,
            a.title,
            a.published_at,
            substr(a.published_at, 1, 7) AS month,
            substr(a.published_at, 1, 4) AS year,
            a.portal,
            p.name AS portal_name,
            p.province,
            p.level,
            a.category,
            a.views,
            a.source,
            a.author,
            a.status,
            a.url,
            a.rowid AS article_rowid
        FROM articles AS a
        LEFT JOIN portals AS p ON p.slug = a.portal
        """
    )


@migrations()
def m003_crawl_state(db: Database) -> None:
    """What incremental, resumable crawling remembers between runs, and what a run reports.

    ``crawl_state``: one row per listing of a portal (its URL without the page number): whether a
    walk is open (begun, not completed) and when a walk last completed, so an incremental run may
    stop early only after a complete walk. ``pending_articles``: article pages that failed,
    retried by later runs.
    ``run_warnings``: what the monitor found at the end of a run. ``crawl_runs`` gains the pages
    fetched by kind and the number of revisits.
    """
    db["crawl_state"].create(
        {
            "portal": str,
            "listing": str,  # the listing URL without its page number
            "first_url": str,
            "walk_started_at": str,
            "walk_open": int,  # 1 from a walk's start to its completion: 1 left = walk killed
            "complete_at": str,  # when a walk last reached its end or its stop point
            "complete_mode": str,  # full | incremental
            "deepest_page": int,
            "pages_last_walk": int,
            "updated_at": str,
        },
        pk=("portal", "listing"),
    )
    db["pending_articles"].create(
        {
            "article_id": str,
            "portal": str,
            "url": str,
            "first_failed_at": str,
            "last_failed_at": str,
            "attempts": int,
            "last_error": str,
        },
        pk="article_id",
    )
    db["pending_articles"].create_index(["portal"])
    db["run_warnings"].create(
        {
            "id": int,
            "run_id": int,
            "portal": str,
            "kind": str,  # stale | field_missing | error_rate | no_articles
            "message": str,
            "value": float,
            "threshold": float,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("run_id", "crawl_runs", "id")],
    )
    db["run_warnings"].create_index(["run_id"])
    db["run_warnings"].create_index(["portal", "created_at"])
    for column in ("listing_pages", "article_pages", "revisits"):
        db["crawl_runs"].add_column(column, int)


@migrations()
def m004_version_cause(db: Database) -> None:
    """Why a version exists: ``crawl`` (the portal's page changed) or ``reparse`` (our parser did).

    Researchers studying edits by the portals filter on ``cause = 'crawl'``; a version written by
    ``portal-archive reparse`` comes from the same capture read with improved extraction code.
    """
    db["article_versions"].add_column("cause", str)
    db.execute("UPDATE article_versions SET cause = 'crawl'")


@migrations()
def m005_walk_resume(db: Database) -> None:
    """Where an unfinished listing walk continues, and what stopped it.

    ``crawl_state`` gains the resume point of a walk that did not reach the listing's end (a run
    killed, a limit reached, a trap cut off): ``resume_page`` and ``resume_url``, the listing page
    the next run walks on from (after checking the first pages for new articles), and
    ``stopped_by``. A completed walk clears them.
    """
    db["crawl_state"].add_column("resume_page", int)
    db["crawl_state"].add_column("resume_url", str)
    db["crawl_state"].add_column("stopped_by", str)


@migrations()
def m006_reading_room_indexes(db: Database) -> None:
    """Indexes for the reading room's sorts, facets and portal pages on large archives.

    ``published_at`` orders the article tables; ``category``, ``status`` and the publication
    month (the expression ``article_list`` uses) are facets; ``(portal, category)`` and
    ``(portal, views)`` answer a portal page's category counts and view total from the index;
    ``url`` finds the article an archived page links to, ``capture_id`` the article a capture
    belongs to. ``article_list`` is rebuilt with the
    same columns, its portal's name, province and level read by subqueries.
    """
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_published_at ON articles(published_at)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_category ON articles(category)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_status ON articles(status)")
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_articles_month ON articles(substr(published_at, 1, 7))"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_articles_portal_category ON articles(portal, category)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_portal_views ON articles(portal, views)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_url ON articles(url)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_capture_id ON articles(capture_id)")
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_article_versions_capture_id ON article_versions(capture_id)"
    )
    # article_list takes its portal's columns from scalar subqueries instead of a join, so that a
    # query using only the article's columns (a month or category facet) reads just an index.
    db.execute("DROP VIEW IF EXISTS article_list")
    db.execute(
        """
        CREATE VIEW article_list AS
        SELECT
            a.id,
            a.title,
            a.published_at,
            substr(a.published_at, 1, 7) AS month,
            substr(a.published_at, 1, 4) AS year,
            a.portal,
            (SELECT p.name FROM portals AS p WHERE p.slug = a.portal) AS portal_name,
            (SELECT p.province FROM portals AS p WHERE p.slug = a.portal) AS province,
            (SELECT p.level FROM portals AS p WHERE p.slug = a.portal) AS level,
            a.category,
            a.views,
            a.source,
            a.author,
            a.status,
            a.url,
            a.rowid AS article_rowid
        FROM articles AS a
        """
    )


@migrations()
def m007_reading_room_search(db: Database) -> None:
    """The search index declared over ``articles`` itself, so that any SQLite tool finds it;
    counts per portal and month kept up to date; an index for the most viewed articles.

    ``articles`` gains ``title_folded``, ``body_text_folded`` and ``source_folded``: virtual
    generated columns (computed when read, nothing stored) with đ/Đ folded to d/D, the values the
    view ``articles_fts_content`` computed. ``articles_fts`` is rebuilt with ``content="articles"``,
    the declaration datasette and sqlite-utils look for, so plain ``datasette archive.db`` offers
    its search box on ``articles`` and ``sqlite-utils search archive.db articles`` works. The
    columns, the tokenizer and the triggers are those of m002; the view is dropped.

    ``article_months`` holds the number of articles and their summed view counters per portal and
    publication month (``''`` when unknown), kept right by triggers on ``articles`` in plain
    SQL, so "articles per portal per month" reads a few hundred rows instead of every article.
    ``idx_articles_views_portal`` lists the most viewed articles from an index.
    """
    for column in _FTS_COLUMNS:
        db.execute(
            f"ALTER TABLE articles ADD COLUMN {column}_folded TEXT "
            f"GENERATED ALWAYS AS ({_fold_sql(column)}) VIRTUAL"
        )
    db.execute("DROP TABLE IF EXISTS articles_fts")
    db.execute("DROP VIEW IF EXISTS articles_fts_content")
    fts_columns = ", ".join(_FTS_COLUMNS + tuple(f"{c}_folded" for c in _FTS_COLUMNS))
    # Double quotes around the content table: the form datasette and sqlite-utils recognise.
    db.execute(
        f"CREATE VIRTUAL TABLE articles_fts USING fts5({fts_columns}, "
        'content="articles", content_rowid="rowid", '
        "tokenize='unicode61 remove_diacritics 2')"
    )
    db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
    # The most viewed articles, on every portal or one, read from an index in views order.
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_views_portal ON articles(views, portal)")
    _article_months(db)


# An article's key in article_months: its portal and publication month ('' when unknown).
_MONTH_KEY = "coalesce({row}.portal, ''), coalesce(substr({row}.published_at, 1, 7), '')"


def _article_months(db: Database) -> None:
    """``article_months``: articles and summed views per portal and month, kept by triggers."""
    db.execute(
        "CREATE TABLE article_months (portal TEXT NOT NULL, month TEXT NOT NULL, "
        "articles INTEGER NOT NULL, views INTEGER NOT NULL, PRIMARY KEY (portal, month))"
    )
    add = (
        "INSERT INTO article_months (portal, month, articles, views) "
        f"VALUES ({_MONTH_KEY.format(row='new')}, 1, coalesce(new.views, 0)) "
        "ON CONFLICT (portal, month) DO UPDATE SET articles = articles + 1, "
        "views = views + excluded.views;"
    )
    key_old = (
        "portal = coalesce(old.portal, '') AND month = coalesce(substr(old.published_at, 1, 7), '')"
    )
    remove = (
        "UPDATE article_months SET articles = articles - 1, views = views - coalesce(old.views, 0) "
        f"WHERE {key_old}; DELETE FROM article_months WHERE {key_old} AND articles = 0;"
    )
    db.execute(f"CREATE TRIGGER article_months_ai AFTER INSERT ON articles BEGIN {add} END")
    db.execute(f"CREATE TRIGGER article_months_ad AFTER DELETE ON articles BEGIN {remove} END")
    db.execute(
        "CREATE TRIGGER article_months_au AFTER UPDATE OF portal, published_at, views ON articles "
        "WHEN old.portal IS NOT new.portal OR old.published_at IS NOT new.published_at "
        f"OR old.views IS NOT new.views BEGIN {remove} {add} END"
    )
    db.execute(
        "INSERT INTO article_months (portal, month, articles, views) "
        f"SELECT {_MONTH_KEY.format(row='a')}, count(*), coalesce(sum(a.views), 0) "
        "FROM articles AS a GROUP BY 1, 2"
    )


@migrations()
def m008_portal_checks(db: Database) -> None:
    """Liveness history: one row per portal per check (``check-sites`` or a crawl).

    Each row keeps what the portal's home page answered (status code, final URL after redirects,
    the error when there was no answer) and the status derived from it: ``active``, ``frozen``
    (up, but no new article for a number of days), ``redirected`` (``target`` says where),
    ``offline`` (no answer, or a server error) or ``gone`` (domain lost or parked). The
    ``portal_status`` view gives each portal's latest status and when it was last seen alive.
    """
    db["portal_checks"].create(
        {
            "id": int,
            "portal": str,
            "checked_at": str,
            "source": str,
            "run_id": int,
            "url": str,
            "status_code": int,
            "final_url": str,
            "redirect_portal": str,
            "error": str,
            "error_detail": str,
            "newest_article": str,
            "parked": int,
            "status": str,
            "target": str,
        },
        pk="id",
        if_not_exists=True,
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_portal_checks_portal "
        "ON portal_checks(portal, checked_at, id)"
    )
    db.execute("DROP VIEW IF EXISTS portal_status")
    db.execute(
        """
        CREATE VIEW portal_status AS
        SELECT
            c.portal,
            c.status,
            c.target,
            c.checked_at,
            (SELECT max(a.checked_at) FROM portal_checks AS a
             WHERE a.portal = c.portal AND a.status IN ('active', 'frozen')) AS last_seen_alive,
            (SELECT count(*) FROM portal_checks AS n WHERE n.portal = c.portal) AS checks
        FROM portal_checks AS c
        WHERE c.id = (SELECT l.id FROM portal_checks AS l WHERE l.portal = c.portal
                      ORDER BY l.checked_at DESC, l.id DESC LIMIT 1)
        """
    )


# Prefix lengths the search index keeps ready-made doclists for (FTS5 ``prefix``): a query word
# ending in * of up to this many letters reads one doclist instead of merging every word that
# starts so. Vietnamese syllables are short: "n*" or "tuy*" would otherwise merge thousands.
FTS_PREFIXES = "1 2 3"


@migrations()
def m009_search_prefixes(db: Database) -> None:
    """The search index again, with prefix indexes (``FTS_PREFIXES``) for ``word*`` queries.

    The one index of the archive, as m007 declared it: the same columns, content table
    (``content="articles"``, so datasette's search box, ``sqlite-utils search`` and the reading
    room's table search find it), tokenizer and triggers (they name the index, so they keep
    working once it is recreated); only ``prefix`` is added, and the index is rebuilt from the
    articles. Migrations run in order, so on an older archive m007 has moved the index onto
    ``articles`` before this adds the prefixes.
    """
    row = db.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").fetchone()
    if row is None or "prefix=" in row[0]:
        return
    definition = row[0].replace(" tokenize=", f" prefix='{FTS_PREFIXES}', tokenize=", 1)
    db.execute("DROP TABLE articles_fts")
    db.execute(definition)
    db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")


@migrations()
def m010_captures_everything(db: Database) -> None:
    """Every response of a crawl kept once; files linked from articles; lean versions.

    ``captures`` gains ``kind`` (what the response was: ``article``, ``listing``, ``home``,
    ``robots``, ``sitemap``, ``feed``, ``attachment``, ``image`` or ``other``), ``revisit_of``
    (a fetch whose payload is byte for byte one already kept points at that capture and keeps no
    body: a revisit),
    ``request_headers`` (the request as sent, for WARC request records) and ``mime`` (the type
    sniffed from the payload's first bytes). ``files``: each distinct attachment or image, once
    by SHA-256. ``article_files``: which article links which file URL, and what became of it.
    ``article_versions`` keeps the text of a version only once it is no longer the current one
    (the current version's text is the article's, see archive.versions).
    """
    db["captures"].add_column("kind", str)
    db["captures"].add_column("revisit_of", int)
    db["captures"].add_column("request_headers", str)
    db["captures"].add_column("mime", str)
    db.execute("UPDATE captures SET kind = 'article'")
    db["captures"].create_index(["revisit_of"])
    db["captures"].create_index(["kind"])
    db["files"].create(
        {
            "sha256": str,
            "capture_id": int,
            "mime": str,
            "size": int,
            "filename": str,
            "url": str,
            "first_seen_at": str,
        },
        pk="sha256",
        foreign_keys=[("capture_id", "captures", "id")],
    )
    db["article_files"].create(
        {
            "article_id": str,
            "url": str,
            "kind": str,  # attachment | image
            "title": str,
            "status": str,  # pending | stored | skipped | failed
            "sha256": str,
            "size": int,
            "note": str,
            "updated_at": str,
        },
        pk=("article_id", "url"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["article_files"].create_index(["url"])
    db["article_files"].create_index(["sha256"])
    versions.create_view(db)
    versions.share_current_text(db)


@migrations()
def m011_cluster(db: Database) -> None:
    """What the cluster writer (``portal-archive ingest``) has written from the shared stream.

    ``cluster_ingested`` keeps one row per stream entry committed, in the same transaction as the
    entry's own writes: an entry delivered again after the writer was killed between its commit
    and its acknowledgement is recognised and not written twice. Its ``outcome`` per run gives a
    restarted writer the run's article counts.
    """
    db["cluster_ingested"].create(
        {
            "entry_id": str,
            "run_id": int,
            "kind": str,
            "outcome": str,
            "ingested_at": str,
        },
        pk="entry_id",
        if_not_exists=True,
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_cluster_ingested_run ON cluster_ingested(run_id, outcome)"
    )


@migrations()
def m012_site_model(db: Database) -> None:
    """What the crawler learned about a portal in software it has no page object for.

    ``site_models`` holds, per portal, the article URL template and the shapes of its listing
    and article pages, the query parameters that do not change a page, the site name's affix in
    ``<title>``, the sitemaps and feeds found, and the URLs that turned out not to be articles.
    ``listing_schedule`` holds, per listing, how many walks in a row found no new article and
    when it is due again, so an unchanged portal costs a handful of requests.
    """
    db["site_models"].create(
        {
            "portal": str,
            "platform": str,
            "article_template": str,
            "article_shapes": str,  # JSON object: shape -> pages seen
            "listing_shapes": str,  # JSON object: shape -> pages seen
            "dropped_params": str,  # JSON list
            "title_prefix": str,
            "title_suffix": str,
            "sitemaps": str,  # JSON list
            "feeds": str,  # JSON list
            "not_articles": str,  # JSON list of URLs
            "updated_at": str,
        },
        pk="portal",
        if_not_exists=True,
    )
    db["listing_schedule"].create(
        {
            "portal": str,
            "listing": str,
            "url": str,
            "walks": int,
            "empty_walks": int,
            "last_walked_at": str,
            "last_new_at": str,
            "due_at": str,
        },
        pk=("portal", "listing"),
        if_not_exists=True,
    )


@migrations()
def m013_search_speed(db: Database) -> None:
    """A second, small search index that ranks the most recently archived articles.

    ``articles_recent_fts``: the columns and tokenizer of ``articles_fts``, contentless
    (``content=''``: it stores no text, and datasette and sqlite-utils, which look for an index
    declared on ``articles``, keep using ``articles_fts``), holding the articles whose rowid is
    above ``search_recent.floor``: the ``RECENT_ARTICLES`` most recently archived ones and up to
    ``RECENT_STEP`` more. Triggers on ``articles`` add new articles, follow changes and deletions,
    and, once it holds ``RECENT_ARTICLES + RECENT_STEP``, take the oldest ``RECENT_STEP`` out and
    raise the floor. ``archive.search`` ranks there first: FTS5's bm25 counts every row of the
    index that holds a query word, a cost that grows with the archive when it is the whole one.
    """
    columns = ", ".join(_FTS_COLUMNS + tuple(f"{c}_folded" for c in _FTS_COLUMNS))
    db.execute(
        "CREATE TABLE search_recent (id INTEGER PRIMARY KEY CHECK (id = 1), floor INTEGER NOT NULL)"
    )
    (newest,) = db.execute("SELECT coalesce(max(rowid), 0) FROM articles").fetchone()
    floor = max(0, newest - RECENT_ARTICLES)
    db.execute("INSERT INTO search_recent (id, floor) VALUES (1, ?)", [floor])
    db.execute(
        f"CREATE VIRTUAL TABLE articles_recent_fts USING fts5({columns}, content='', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    db.execute(
        f"INSERT INTO articles_recent_fts(rowid, {columns}) "
        f"SELECT a.rowid, {_fts_values('a')} FROM articles AS a WHERE a.rowid > ?",
        [floor],
    )
    recent = "(SELECT floor FROM search_recent)"
    insert_new = (
        f"INSERT INTO articles_recent_fts(rowid, {columns}) "
        f"VALUES (new.rowid, {_fts_values('new')});"
    )
    delete_old = (
        f"INSERT INTO articles_recent_fts(articles_recent_fts, rowid, {columns}) "
        f"VALUES ('delete', old.rowid, {_fts_values('old')});"
    )
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in _FTS_COLUMNS)
    db.execute(
        "CREATE TRIGGER articles_recent_ai AFTER INSERT ON articles "
        f"WHEN new.rowid > {recent} BEGIN {insert_new} END"
    )
    db.execute(
        "CREATE TRIGGER articles_recent_prune AFTER INSERT ON articles "
        f"WHEN new.rowid - {recent} > {RECENT_ARTICLES + RECENT_STEP} BEGIN "
        f"INSERT INTO articles_recent_fts(articles_recent_fts, rowid, {columns}) "
        f"SELECT 'delete', a.rowid, {_fts_values('a')} FROM articles AS a "
        f"WHERE a.rowid > {recent} AND a.rowid <= new.rowid - {RECENT_ARTICLES}; "
        f"UPDATE search_recent SET floor = new.rowid - {RECENT_ARTICLES}; END"
    )
    db.execute(
        "CREATE TRIGGER articles_recent_ad AFTER DELETE ON articles "
        f"WHEN old.rowid > {recent} BEGIN {delete_old} END"
    )
    db.execute(
        "CREATE TRIGGER articles_recent_au AFTER UPDATE OF title, body_text, source ON articles "
        f"WHEN old.rowid > {recent} AND ({changed}) BEGIN {delete_old} {insert_new} END"
    )


@migrations()
def m014_files_by_url(db: Database) -> None:
    """An index on ``files.url``: each file an article links is looked up by its address when the
    article is stored (is it fetched already?), which without it reads the whole table."""
    db["files"].create_index(["url"], if_not_exists=True)
