"""One parsed article page and the landmarks found on it so far (title, body).

Page objects share it while they fill a record: the platform's selectors, the generic rules and
the body extraction all read the same tree, the same structured data and the same landmarks.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from portal_spider.extraction.chrome import ChromeVerdicts
from portal_spider.extraction.html_tree import parse_html
from portal_spider.extraction.page_text import PageText
from portal_spider.extraction.structured_data import StructuredData, read_structured
from portal_spider.normalize.text import nfc_without_controls


class Page:
    """One parsed page and the landmarks found on it so far."""

    def __init__(self, url: str, html: str, tree: HtmlElement | None = None) -> None:
        self.url = url
        # decomposed (NFD) pages read like precomposed ones; control characters are no text
        self.html = nfc_without_controls(html)
        self.tree = tree if tree is not None else parse_html(self.html)
        self.data: StructuredData = read_structured(self.tree)
        self.title: HtmlElement | None = None
        self.body_start: HtmlElement | None = None
        self.body_container: HtmlElement | None = None
        self.body_end: HtmlElement | None = None  # the body's last block, when located
        self._texts: PageText | None = None
        # each element's chrome verdict, judged once a page (chrome.in_chrome)
        self.chrome: ChromeVerdicts = {}

    @property
    def texts(self) -> PageText:
        """The text of every element of the tree, read once (the tree is not changed)."""
        if self._texts is None:
            self._texts = PageText(self.tree)
        return self._texts
