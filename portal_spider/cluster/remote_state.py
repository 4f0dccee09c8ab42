"""A worker's crawl state: the plan from its job, the crawl-memory writes sent to the writer.

The spider runs exactly as in a local crawl (:class:`~portal_spider.crawl.plan.CrawlState` does
the walks' bookkeeping); only where it reads its plan and where its writes go differ. A group of
writes a local crawl keeps in one transaction (the end of the run's walks) travels as one stream
entry, which the writer applies in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from portal_spider.cluster.snapshot import plan_from_data
from portal_spider.crawl.clock import Clock
from portal_spider.crawl.plan import MEMORY_STEPS, CrawlState, PortalPlan
from portal_spider.registry import Portal

logger = logging.getLogger(__name__)


class MemorySink(Protocol):
    """Where a worker sends its crawl-memory writes."""

    def send_memory(self, steps: list[list[Any]]) -> None: ...


class RemoteCrawlState(CrawlState):
    """The crawl state of a job: its plan read from the job, its writes sent on."""

    def __init__(
        self,
        sink: MemorySink,
        plan_data: dict[str, Any],
        clock: Clock,
        *,
        full: bool,
        max_attempts: int,
        default_steps: tuple[float, ...],
    ) -> None:
        # no archive here: the writer opened it and read the plan
        self.db = None
        self.clock = clock
        self.full = full
        self.max_attempts = max_attempts
        self.default_steps = default_steps
        self.plans: dict[str, PortalPlan] = {}
        self.walks = {}
        self.sink = sink
        self.plan_data = plan_data
        self.group: list[list[Any]] | None = None

    def plan(self, portal: Portal, steps: tuple[float, ...] | None = None) -> PortalPlan:
        plan = plan_from_data(portal, self.plan_data)
        self.plans[portal.slug] = plan
        logger.info(
            "portal %s: %d articles archived, %d listings known, %d revisits due, %d pending "
            "(plan of the job)",
            portal.slug,
            len(plan.known_ids),
            len(plan.listings),
            len(plan.revisits),
            len(plan.pending),
        )
        return plan

    def site_model(self, slug: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        return self.plan_data.get("site_model"), list(self.plan_data.get("schedule") or [])

    def remember(self, step: str, **fields: Any) -> None:
        if step not in MEMORY_STEPS:
            raise KeyError(f"no crawl-memory step {step!r}")
        if self.group is not None:
            self.group.append([step, fields])
        else:
            self.sink.send_memory([[step, fields]])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        outer = self.group is None
        if outer:
            self.group = []
        try:
            yield
            if outer and self.group:
                self.sink.send_memory(self.group)
        finally:
            if outer:
                self.group = None

    def close(self) -> None:
        return None
