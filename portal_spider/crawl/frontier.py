"""The listing pages of one portal waiting their turn, so that article requests are never starved.

A listing page can link thousands of other listings (a calendar does). Handing them all to
Scrapy's scheduler at once, ahead of the articles (listings have the higher priority), starves the
article requests: the crawl walks calendars and archives nothing. The spider keeps them here
instead and releases at most ``in_flight`` listing requests per portal at a time; the article
requests the listing pages reveal go straight to the scheduler. The next page of a walk goes
ahead of the first pages of other listings, so walks end before new ones begin.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class ListingLink:
    """A listing page to request: its walk, page number, and the all-known streak so far."""

    url: str
    walk: str  # the listing's key (paging.listing_key)
    family: str  # traps.listing_family
    page: int
    streak: int = 0
    continuation: bool = False  # the next page of a walk begun (or resumed) in this run


class ListingFrontier:
    """Waiting listing links of one portal, and how many of its listing requests are out."""

    def __init__(self, in_flight: int, capacity: int | None = None) -> None:
        self.max_in_flight = max(1, in_flight)
        self.capacity = capacity  # first pages kept waiting at most (None: no bound)
        self.in_flight = 0
        self.continuations: deque[ListingLink] = deque()
        self.first_pages: deque[ListingLink] = deque()

    def __len__(self) -> int:
        return len(self.continuations) + len(self.first_pages)

    def push(self, link: ListingLink) -> bool:
        """Queue a link; False when a first page finds the frontier full (a walk's next page
        always fits: there is at most one per walk)."""
        if link.continuation:
            self.continuations.append(link)
            return True
        if self.capacity is not None and len(self) >= self.capacity:
            return False
        self.first_pages.append(link)
        return True

    def take(self) -> ListingLink | None:
        """The next link to request when a listing request may go out now, else None."""
        if self.in_flight >= self.max_in_flight:
            return None
        queue = self.continuations or self.first_pages
        if not queue:
            return None
        self.in_flight += 1
        return queue.popleft()

    def give_back(self) -> None:
        """A link taken was not requested after all (the request limit was reached)."""
        self.in_flight = max(0, self.in_flight - 1)

    def answered(self) -> None:
        """A listing request came back (answered, failed or dropped): a slot is free."""
        self.in_flight = max(0, self.in_flight - 1)

    def remove(self, predicate: Callable[[ListingLink], bool]) -> list[ListingLink]:
        """Take out and return the waiting links ``predicate`` selects."""
        removed: list[ListingLink] = []
        for queue in (self.continuations, self.first_pages):
            kept = deque()
            for link in queue:
                (removed if predicate(link) else kept).append(link)
            queue.clear()
            queue.extend(kept)
        return removed

    def drain(self) -> Iterator[ListingLink]:
        """Take out every waiting link."""
        while self.continuations or self.first_pages:
            yield (self.continuations or self.first_pages).popleft()
