"""What a portal's answer says about it: active, frozen, redirected, offline or gone.

* ``gone``: the domain no longer resolves, or a parking page (a domain for sale, an expired
  domain, a registrar's placeholder) answers in the portal's place, or the home page is 404/410;
* ``offline``: no answer (connection refused, timeout, TLS failure), redirects without end, or a
  server error (5xx, other 4xx): the host may come back;
* ``redirected``: the home page now leads to another host (``target``: the registry portal it
  lands on, such as the province's, or else the URL);
* ``frozen``: the portal answers, but the newest article date seen (on its home page, or in the
  archive) is older than ``frozen_days``;
* ``active``: the portal answers and shows a recent article, or no date at all (or its robots.txt
  answers and forbids the home page: the server is up, the page is not asked).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from lxml import html as lxml_html

from portal_spider.liveness.probe import Answer
from portal_spider.normalize.dates_vi import find_dates, parse_vi_datetime, to_iso
from portal_spider.registry import Portal, find_portal

PARKED_TEXT = re.compile(
    r"domain\s+(name\s+)?(is|may\s+be)\s+for\s+sale|buy\s+this\s+domain|"
    r"this\s+domain\s+(has\s+expired|is\s+parked)|parked\s+(free|domain)|domain\s+parking|"
    r"tên\s+miền\s+(này\s+)?(đang\s+)?(được\s+)?(rao\s+bán|chờ\s+bán|hết\s+hạn)|"
    r"sedoparking|parkingcrew|bodis\.com|afternic",
    re.IGNORECASE,
)
PAGE_DATES_READ = 200  # dates read off one home page at most


@dataclass
class Verdict:
    status: str
    target: str | None = None
    redirect_portal: str | None = None
    parked: bool = False
    newest_article: str | None = None


def page_text(answer: Answer) -> str:
    """The visible text of an answered page ('' when it has none)."""
    raw = answer.text()
    if not raw.strip():
        return ""
    try:
        tree = lxml_html.fromstring(raw)
    except (ValueError, lxml_html.etree.ParserError):
        return raw
    for node in tree.xpath("//script|//style"):
        node.drop_tree()
    return " ".join(tree.text_content().split())


def is_parked(answer: Answer, text: str | None = None) -> bool:
    """Whether the page is a parking or domain-for-sale page."""
    return bool(PARKED_TEXT.search(text if text is not None else page_text(answer)))


def newest_date_on_page(text: str, now: datetime) -> str | None:
    """The newest date printed on a page that is not in the future (ISO 8601), or None."""
    newest = None
    for raw in find_dates(text)[:PAGE_DATES_READ]:
        when = parse_vi_datetime(raw)
        if when is None or when > now + timedelta(days=1):
            continue
        if newest is None or when > newest:
            newest = when
    return to_iso(newest) if newest else None


def judge(
    answer: Answer,
    portal: Portal,
    registry: list[Portal],
    *,
    now: datetime,
    frozen_days: float,
    archived_newest: str | None = None,
) -> Verdict:
    """The status ``answer`` gives ``portal``."""
    if answer.error == "dns":
        return Verdict("gone")
    if answer.error == "robots":  # robots.txt answered and shuts the page out: the server is up
        return Verdict("active", newest_article=archived_newest)
    if not answer.answered or answer.error == "other":  # no answer, or endless redirects
        return Verdict("offline")
    text = page_text(answer)
    if is_parked(answer, text):
        return Verdict("gone", parked=True)
    if not portal.owns(answer.final_url):
        landed = find_portal(answer.final_url, registry)
        target = landed.slug if landed else answer.final_url
        return Verdict("redirected", target=target, redirect_portal=landed.slug if landed else None)
    code = answer.status_code or 0
    if code in (404, 410):
        return Verdict("gone")
    if code >= 400:
        return Verdict("offline")
    seen = newest_date_on_page(text, now)
    newest = max((d for d in (seen, archived_newest) if d), default=None)
    if newest is not None:
        newest_dt = datetime.fromisoformat(newest)
        if now - newest_dt > timedelta(days=frozen_days):
            return Verdict("frozen", newest_article=newest)
    return Verdict("active", newest_article=newest)
