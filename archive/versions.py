"""The text of a version stored once: the current version's text is the article's own.

``article_versions`` keeps ``body_text`` and ``body_html`` only for versions that are no longer
current. The current version's are ``NULL`` there and read from ``articles``; when a new version
replaces it, :func:`keep_replaced_text` copies the article's text into the replaced version's row
first (inside the same write transaction). The view ``article_version_texts`` (migration m010)
shows every version with its text filled in, for readers and researchers.
"""

from __future__ import annotations

from sqlite_utils import Database

TEXT_COLUMNS = ("body_text", "body_html")
VIEW = "article_version_texts"


def keep_replaced_text(db: Database, article_id: str) -> None:
    """Give the article's current version its own copy of the text it is about to lose."""
    db.execute(
        "update article_versions set "
        "body_text = (select a.body_text from articles as a where a.id = ?), "
        "body_html = (select a.body_html from articles as a where a.id = ?) "
        "where article_id = ? and body_text is null and body_html is null "
        "and version = (select coalesce(a.version, 1) from articles as a where a.id = ?)",
        [article_id] * 4,
    )


def create_view(db: Database) -> None:
    """``article_version_texts``: every version, the current one's text read from the article."""
    db.execute(f"DROP VIEW IF EXISTS {VIEW}")
    db.execute(
        f"""
        CREATE VIEW {VIEW} AS
        SELECT
            v.article_id, v.version, v.cause, v.content_hash, v.title, v.published_at,
            v.source, v.author, v.observed_at, v.capture_id,
            CASE WHEN v.body_text IS NULL AND v.body_html IS NULL AND v.version = a.version
                 THEN a.body_text ELSE v.body_text END AS body_text,
            CASE WHEN v.body_text IS NULL AND v.body_html IS NULL AND v.version = a.version
                 THEN a.body_html ELSE v.body_html END AS body_html
        FROM article_versions AS v
        JOIN articles AS a ON a.id = v.article_id
        """
    )


def share_current_text(db: Database) -> int:
    """Drop the copies the current versions keep of their article's text; returns the rows."""
    cursor = db.execute(
        "update article_versions set body_text = null, body_html = null "
        "where exists (select 1 from articles as a where a.id = article_versions.article_id "
        "and a.version = article_versions.version and a.body_text is article_versions.body_text "
        "and a.body_html is article_versions.body_html)"
    )
    return cursor.rowcount
