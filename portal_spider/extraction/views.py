"""The article's view count: a labelled count beside the article, never the site counter."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml.html import HtmlElement

from portal_spider.extraction.chrome import ChromeVerdicts, in_chrome, in_headline_list
from portal_spider.extraction.html_tree import short_text
from portal_spider.extraction.vocabulary import (
    SITE_COUNTER_RE,
    VIEWS_LABEL_FIRST_RE,
    VIEWS_NUMBER_FIRST_RE,
)
from portal_spider.normalize.text import clean_text

VIEWS_TEXT_CHARS = 120  # the text of an element read for a view count (a longer one: its start)
EYE_ICON_TEXT_CHARS = 40  # an eye icon's count stands in a text shorter than this


def views_in_text(text: str) -> str | None:
    """The labelled view count in ``text`` (``"Lượt xem: 1.234"``), unless it is a site counter."""
    if not text or SITE_COUNTER_RE.search(text):
        return None
    match = VIEWS_LABEL_FIRST_RE.search(text) or VIEWS_NUMBER_FIRST_RE.search(text)
    return match.group(0).strip() if match else None


def eye_icon_views(element: HtmlElement) -> str | None:
    """Digits right after an eye icon (``<i class="fa fa-eye"></i> 1.234``)."""
    for icon in element.xpath(".//*[contains(@class, 'eye') or contains(@class, 'view')]"):
        parent = icon.getparent()
        text = clean_text(
            (icon.tail or "") or (parent.text_content() if parent is not None else "")
        )
        match = re.fullmatch(r"[^\d]{0,3}(\d{1,3}(?:[.,]\d{3})+|\d+)\s*", text or "")
        if match and not SITE_COUNTER_RE.search(text or ""):
            return match.group(1)
    return None


def find_views(
    elements: Iterable[HtmlElement], verdicts: ChromeVerdicts | None = None
) -> tuple[str | None, HtmlElement | None]:
    """The first article view count among ``elements``.

    Chrome, site counters and the counts of other articles' headlines ("Tin xem nhiều") are
    skipped.
    """
    for element in elements:
        if not isinstance(element.tag, str) or element.tag in {"script", "style"}:
            continue
        if in_chrome(element, verdicts=verdicts) or in_headline_list(element):
            continue
        text = short_text(element, VIEWS_TEXT_CHARS)
        raw = views_in_text(text)
        if raw is None and len(text) < EYE_ICON_TEXT_CHARS:
            raw = eye_icon_views(element)
        if raw:
            return raw, element
    return None, None
