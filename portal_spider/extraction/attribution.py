"""Who wrote an article and where it comes from: author and source lines, signatures.

:func:`record_attribution` is the one writer of author and source values and of the rule that
found them (their provenance).
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from portal_spider.extraction.vocabulary import AUTHOR_RE, NAME_WORD_RE, SOURCE_RE, THEO_RE
from portal_spider.items import ArticleItem
from portal_spider.normalize.text import clean_text

ATTRIBUTION_LINE_CHARS = 160  # a longer line is a sentence of the body, not an attribution
THEO_NAME_WORDS = 12  # "Theo <name>" with a longer name is a sentence ("Theo kế hoạch, ...")
SIGNATURE_WORDS = 6  # a signature is a name of at most this many words...
PLAIN_SIGNATURE_WORDS = 4  # ... and of at most this many when it is right-aligned but not bold


def read_attribution_line(line: str) -> tuple[str, str] | None:
    """``("author", name)`` or ``("source", name)`` when ``line`` is an attribution line."""
    text = clean_text(line) or ""
    if not text or len(text) > ATTRIBUTION_LINE_CHARS:
        return None
    source = SOURCE_RE.match(text)
    if source:
        return "source", source.group("name").strip("() ").rstrip(".").strip()
    author = AUTHOR_RE.match(text)
    if author:
        name = author.group("name").strip().rstrip(".")
        bare_label = author.group(1).lower() in {"bài", "tin", "ảnh", "pv"}
        # "Ảnh: Lãnh đạo huyện trao quà" is a caption, "Ảnh: Minh Tuấn" a credit
        if bare_label and not all(NAME_WORD_RE.match(w) for w in re.split(r"[\s,\-–]+", name) if w):
            return None
        return "author", name
    theo = THEO_RE.match(text)
    if (
        theo
        and len(theo.group("name").split()) <= THEO_NAME_WORDS
        and _looks_like_name(theo.group("name"))
    ):
        return "source", theo.group("name").strip()
    return None


def _looks_like_name(text: str) -> bool:
    """A proper name: its first word is capitalised ("Báo Yên Bái", "Cổng TTĐT tỉnh")."""
    words = text.split()
    return bool(words) and words[0][:1].isupper()


def looks_like_signature(element: HtmlElement) -> bool:
    """A short right-aligned name (often bold) at the end of a body: the author's signature."""
    text = clean_text(element.text_content()) or ""
    words = [w for w in re.split(r"[\s,\-–]+", text) if w]
    if (
        not 1 <= len(words) <= SIGNATURE_WORDS
        or any(ch.isdigit() for ch in text)
        or text.endswith((".", ":"))
    ):
        return False
    if not all(NAME_WORD_RE.match(word) for word in words):
        return False
    style = (element.get("style") or "").replace(" ", "").lower()
    right = "text-align:right" in style or (element.get("align") or "").lower() == "right"
    right = right or "right" in (element.get("class") or "").lower()
    bold_children = element.xpath("./strong|./b|./em/strong|./strong/em|./b/i|./i/b")
    bold = bool(bold_children) and clean_text(bold_children[0].text_content()) == text
    return right and (bold or len(words) <= PLAIN_SIGNATURE_WORDS)


def record_attribution(item: ArticleItem, field: str, value: str | None, rule: str) -> bool:
    """Set ``item``'s ``field`` (``"author"`` or ``"source"``) and the rule that found it.

    Only a field still empty is set: the first rule to find a value keeps it. Whether it was set.
    """
    if getattr(item, field) is not None:
        return False
    setattr(item, field, value)
    item.note(field, rule)
    return True


def note_attribution(
    item: ArticleItem, author: str | None, source: str | None, how: str, where: str
) -> None:
    """Record an author and/or source read from a labelled line (only fields still empty)."""
    if source:
        record_attribution(item, "source", source, f"{how}:label Nguồn/Theo ({where})")
    if author:
        record_attribution(item, "author", author, f"{how}:author label ({where})")
