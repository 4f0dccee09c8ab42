"""The article record that flows from a page object through the pipelines into the archive.

A page object fills the raw strings (``published_raw``, ``views_raw``) and records, per
field, how it was found (``extraction``). The normalise pipeline derives the parsed values
(``published_at``, ``views``) from the raw strings, so a record can always be derived again
from its raw capture.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any

# The fields a page object extracts from an article page: what the generic rules fill when a
# page object's own selectors miss them, and what the crawl counts as missing per record.
RECORD_FIELDS = ("title", "published_at", "views", "body_text", "source", "author", "category")


@dataclass
class Image:
    """An image of the article body: absolute URL and its caption or alt text."""

    url: str
    caption: str | None = None


@dataclass
class Attachment:
    """A downloadable file linked from the article: absolute URL and the link text."""

    url: str
    title: str | None = None


@dataclass
class ArticleItem:
    """One article page as extracted: raw strings beside parsed values, plus provenance."""

    url: str
    portal: str | None = None
    canonical_url: str | None = None
    item_id: str | None = None
    platform: str | None = None
    category: str | None = None
    title: str | None = None
    published_raw: str | None = None
    published_at: str | None = None
    views_raw: str | None = None
    views: int | None = None
    body_text: str | None = None
    body_html: str | None = None
    source: str | None = None
    author: str | None = None
    images: list[Image] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    fetched_at: str | None = None
    http_status: int | None = None
    # field name -> how it was found, e.g. "platform:yenbai .ms-rteCustom-ArticleTitle" or
    # "generic:og:title"
    extraction: dict[str, str] = field(default_factory=dict)
    # human-readable reasons why the record is incomplete, e.g. "published_at: no date found"
    problems: list[str] = field(default_factory=list)
    # the raw capture this record was derived from (bytes, not stored on the item row itself)
    raw_body: bytes | None = field(default=None, repr=False)
    raw_headers: dict[str, str] = field(default_factory=dict, repr=False)
    raw_request_headers: dict[str, str] = field(default_factory=dict, repr=False)
    # why the page gave nothing of the article (an empty page, every parser failed): the record
    # is stored, and the page stays pending so a later run fetches it again; not stored itself
    refetch_reason: str | None = field(default=None, repr=False)

    def to_record(self) -> dict[str, Any]:
        """The JSON-ready record (no raw capture bytes, no crawl instructions): ``asdict`` of
        the record's fields, without copying the raw capture first only to drop it."""
        return {name: _plain(getattr(self, name)) for name in _RECORD_NAMES}

    def note(self, field_name: str, how: str) -> None:
        """Record how a field was found."""
        self.extraction[field_name] = how

    def problem(self, reason: str) -> None:
        """Record why the record is incomplete; the record is kept, not dropped."""
        if reason not in self.problems:
            self.problems.append(reason)


# the fields of ArticleItem.to_record: all but the raw capture and the refetch instruction
_RECORD_NAMES = tuple(
    f.name
    for f in fields(ArticleItem)
    if f.name not in {"raw_body", "raw_headers", "raw_request_headers", "refetch_reason"}
)


def _plain(value: Any) -> Any:
    """A field value as ``asdict`` gives it: records as dicts, containers copied."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, list):
        return [_plain(element) for element in value]
    if isinstance(value, dict):
        return {_plain(key): _plain(element) for key, element in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return deepcopy(value)


@dataclass
class GoneArticle:
    """An archived article its portal no longer serves: 404/410, or a redirect to the home page.

    The store pipeline marks the article gone (never deletes it); ``reason`` says what was seen.
    """

    portal: str
    article_id: str
    url: str
    reason: str
    observed_at: str
