"""Where an interrupted listing walk continues: the resume point of a walk.

A walk stopped before the listing's end (a limit reached, a trap, a killed run, a listing page
that failed) leaves a *resume point* in ``crawl_state``: a listing page such that every article
linked from the pages before it is settled (stored, recorded as gone, or kept in
``pending_articles``). It is the lowest page one of whose articles is not settled yet, or, when
all are, the last page the walk fetched (fetched again next time: a page of overlap in case the
portal removed articles in between).

The next run walks the listing from page 1 as usual, to find what was published since; once its
incremental stop condition holds (pages of only known articles), it jumps to the resume point
and walks on from there, without stopping early, to the end or to the next limit.

During a run the resume point is written whenever it moves, after each listing page, so that a
run killed with SIGKILL is continued too; at the end of the run it is written once more, exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class WalkProgress:
    """The pages a walk fetched in this run, the articles they revealed, and its resume point."""

    resume_page: int | None = None  # the resume point left by an earlier run
    resume_url: str | None = None
    resumed: bool = False  # the walk reached (or jumped to) that resume point
    last_page: int = 0
    last_url: str | None = None
    urls: dict[int, str] = field(default_factory=dict)
    outstanding: dict[int, set[str]] = field(default_factory=dict)
    unrequested: set[int] = field(default_factory=set)  # pages with articles never requested
    written: tuple[int, str] | None = None

    @property
    def jump_pending(self) -> bool:
        """An earlier run left a resume point this walk has not reached yet."""
        return self.resume_url is not None and not self.resumed

    def fetched(self, page: int, url: str) -> None:
        """A listing page of the walk was fetched."""
        self.urls.setdefault(page, url)
        self.last_page, self.last_url = page, url
        if self.resume_page is not None and page >= self.resume_page:
            self.resumed = True

    def requested(self, page: int, article: str) -> None:
        """An article linked from ``page`` was requested."""
        self.outstanding.setdefault(page, set()).add(article)

    def not_requested(self, page: int) -> None:
        """An article linked from ``page`` could not be requested (the request limit)."""
        self.unrequested.add(page)

    def settled(self, page: int, article: str) -> None:
        """An article linked from ``page`` was stored, found gone, or kept as pending."""
        waiting = self.outstanding.get(page)
        if waiting is not None:
            waiting.discard(article)
            if not waiting:
                del self.outstanding[page]

    def first_unsettled(self) -> int | None:
        """The lowest page with an article not settled, or None."""
        pages = [*self.outstanding, *self.unrequested]
        return min(pages) if pages else None

    def point(self) -> tuple[int, str] | None:
        """The resume point now: (page, URL), or None before the walk fetched a page."""
        page = self.first_unsettled()
        if page is not None and page in self.urls:
            return page, self.urls[page]
        if self.last_url is None:
            return None
        return self.last_page, self.last_url

    def moved(self) -> tuple[int, str] | None:
        """The resume point when it differs from the one written last, else None."""
        point = self.point()
        if point is None or point == self.written:
            return None
        return point
