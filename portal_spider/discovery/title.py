"""The site's name around a portal's ``<title>``, learned across its pages.

Software no page object knows often prints ``<title>`` as "headline | site name", or as the site's
name alone. :class:`TitleAffixes` learns the prefix or suffix every ``<title>`` of one portal
shares (its name), so that what is left is a strong cue for the headline; a portal whose
``<title>`` is the site's name alone gives no cue. (The engine's rule that a meta line such as
``Số lần xem: 312`` is never the headline is
:func:`portal_spider.extraction.landmarks.is_label_line`.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from portal_spider.extraction.vocabulary import TITLE_SEPARATORS


@dataclass
class TitleAffixes:
    """The prefix or suffix a portal's ``<title>`` texts share: its name."""

    prefix: str | None = None
    suffix: str | None = None
    samples: list[str] = field(default_factory=list)

    def observe(self, title: str | None) -> None:
        """Learn from one more page's ``<title>`` (once three differ or agree)."""
        if not title:
            return
        self.samples.append(title)
        if len(self.samples) < 3:
            return
        recent = self.samples[-20:]
        if len(set(recent)) == 1:
            self.prefix, self.suffix = None, recent[0]
            return
        parts = [TITLE_SEPARATORS.split(sample) for sample in recent]
        firsts = {p[0] for p in parts if len(p) > 1}
        lasts = {p[-1] for p in parts if len(p) > 1}
        if len(lasts) == 1 and all(len(p) > 1 for p in parts):
            self.suffix = lasts.pop()
        if len(firsts) == 1 and all(len(p) > 1 for p in parts):
            self.prefix = firsts.pop()

    def headline(self, title: str | None) -> str | None:
        """``title`` without the site's name; None when nothing else is left, or before the
        site's name is learned (a ``<title>`` may be the site's name alone)."""
        if not title or (self.prefix is None and self.suffix is None):
            return None
        text = title.strip()
        if self.suffix and text == self.suffix:
            return None
        if self.suffix and text.endswith(self.suffix):
            text = text[: -len(self.suffix)].rstrip(" |-–—:»")
        if self.prefix and text.startswith(self.prefix):
            text = text[len(self.prefix) :].lstrip(" |-–—:»")
        text = text.strip()
        return text or None
