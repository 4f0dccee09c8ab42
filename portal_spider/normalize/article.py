"""Derive an article's parsed values from the raw strings a page object found.

One function, used by the normalise pipeline and by ``portal-archive parse``, so the crawler and
the command line always give the same record for the same page.
"""

from __future__ import annotations

from portal_spider.items import ArticleItem
from portal_spider.normalize.dates_vi import normalize_published
from portal_spider.normalize.numbers_vi import parse_view_count
from portal_spider.normalize.text import clean_multiline, clean_text

REQUIRED = {
    "title": "no title found on the page",
    "published_at": "no publication date found on the page",
    "body_text": "no article body found on the page",
}


def normalize_article(
    item: ArticleItem,
    *,
    canonical: str | None = None,
    day_first: bool = True,
) -> ArticleItem:
    """Clean text fields, parse the date and view count, and list what is missing, in place."""
    item.title = clean_text(item.title) or None
    item.category = clean_text(item.category) or None
    item.source = clean_text(item.source) or None
    item.author = clean_text(item.author) or None
    item.published_raw = clean_text(item.published_raw) or None
    item.body_text = clean_multiline(item.body_text) or None
    for image in item.images:
        image.caption = clean_text(image.caption) or None
    for attachment in item.attachments:
        attachment.title = clean_text(attachment.title) or None
    if canonical:
        item.canonical_url = canonical
    item.published_at = normalize_published(item.published_raw, day_first=day_first)
    if item.published_raw and item.published_at is None:
        item.problem(f"published_at: could not read the date {item.published_raw!r}")
    item.views = parse_view_count(item.views_raw)
    if item.views_raw and item.views is None:
        item.problem(f"views: could not read the count {item.views_raw!r}")
    for field_name, reason in REQUIRED.items():
        if getattr(item, field_name) is None and not any(
            p.startswith(f"{field_name}:") for p in item.problems
        ):
            item.problem(f"{field_name}: {reason}")
    return item
