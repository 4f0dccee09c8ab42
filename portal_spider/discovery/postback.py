"""ASP.NET WebForms pagers: pages reached by a postback of the page's form, not by a link.

Older portals page their lists with ``javascript:__doPostBack('ctl00$Main$gvTin','Page$2')``:
the browser posts the page's form (``__VIEWSTATE`` and the rest) with ``__EVENTTARGET`` and
``__EVENTARGUMENT`` set. The crawler does the same: form2request (the successor of Scrapy's
``FormRequest.from_response``, deprecated in Scrapy 2.19) builds the request from the form.
A listing walk needs one URL per page, so a postback page is named by the listing's URL with a
fragment, ``…/TinTuc.aspx?cid=1#postback-page-2``: the fragment never reaches the server, the
listing key drops it, and :func:`postback_page` reads the page number from it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from form2request import form2request
from lxml.html import HtmlElement
from scrapy.http import TextResponse

from portal_spider.extraction.vocabulary import NEXT_PAGE_WORDS

logger = logging.getLogger(__name__)

POSTBACK = re.compile(r"__doPostBack\(\s*['\"]([^'\"]+)['\"]\s*,\s*['\"]([^'\"]*)['\"]\s*\)")
PAGE_ARGUMENT = re.compile(r"^Page\$(\d+|Next|Last|First|Prev)$", re.IGNORECASE)
PSEUDO_PAGE = re.compile(r"#postback-page-(\d+)$")
STATE_FORM = "//form[.//input[@name='__VIEWSTATE' or @name='__EVENTTARGET']]"


def postback_page(url: str) -> int | None:
    """The page number of a postback page's URL (``…#postback-page-3`` -> 3), else None."""
    match = PSEUDO_PAGE.search(url)
    return int(match.group(1)) if match else None


def page_url(listing_url: str, page: int) -> str:
    """The URL naming page ``page`` of the postback listing at ``listing_url``."""
    base = listing_url.split("#", 1)[0]
    return base if page == 1 else f"{base}#postback-page-{page}"


def postback_pager(tree: HtmlElement, current: int) -> dict[int, tuple[str, str]]:
    """The pages a postback pager offers: page number -> (event target, event argument)."""
    pages: dict[int, tuple[str, str]] = {}
    for link in tree.iter("a"):
        match = POSTBACK.search(link.get("href") or "")
        if not match:
            continue
        target, argument = match.groups()
        text = " ".join(link.text_content().split()).lower()
        paged = PAGE_ARGUMENT.match(argument)
        if paged and paged.group(1).isdigit():
            number = int(paged.group(1))
        elif text.isdigit():
            number = int(text)
        elif text in NEXT_PAGE_WORDS or (paged and paged.group(1).lower() == "next"):
            number = current + 1
        else:
            continue
        pages.setdefault(number, (target, argument))
    return pages


@dataclass(frozen=True)
class Postback:
    """The request a postback sends: URL, method, headers and form body."""

    url: str
    method: str
    headers: dict[str, str]
    body: bytes


def postback_request(response: TextResponse, target: str, argument: str) -> Postback | None:
    """The POST that a click on ``__doPostBack(target, argument)`` sends, or None without a form."""
    forms = response.xpath(STATE_FORM)
    if not forms:
        logger.debug("%s: no postback form", response.url)
        return None
    try:
        data = form2request(
            forms[0], {"__EVENTTARGET": target, "__EVENTARGUMENT": argument}, click=False
        )
    except (ValueError, NotImplementedError) as error:  # a form it cannot submit
        logger.debug("%s: postback form not usable: %s", response.url, error)
        return None
    return Postback(data.url, data.method, dict(data.headers), data.body)
