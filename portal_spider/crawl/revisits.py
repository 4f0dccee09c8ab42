"""The revisit schedule: when an archived article is fetched again.

Young articles change: their view counter climbs and they get corrected. An article is revisited
on a slowing schedule counted from its publication (or, without a date, from when the archive first
saw it): with the default steps ``[1, 7, 30, 90]`` days it is due once a step has passed that no
fetch covered yet, that is when its last fetch happened before ``anchor + step <= now``. After the
last step it is never due again. The steps are data: the ``PORTAL_ARCHIVE_REVISIT_DAYS`` setting,
or a portal's ``revisit_days`` in the registry.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta

from portal_spider.crawl.clock import parse_time

DEFAULT_STEPS = (1.0, 7.0, 30.0, 90.0)


def parse_steps(value: object) -> tuple[float, ...]:
    """Revisit steps in days from a setting: a list, a JSON list, or ``"1,7,30"``; sorted."""
    if value is None or value == "":
        return DEFAULT_STEPS
    if isinstance(value, str):
        text = value.strip()
        items: Iterable[object] = json.loads(text) if text.startswith("[") else text.split(",")
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        raise ValueError(f"revisit days must be a list of numbers, not {value!r}")
    steps = sorted(float(str(item).strip()) for item in items if str(item).strip())
    if any(step <= 0 for step in steps):
        raise ValueError(f"revisit days must be positive: {value!r}")
    return tuple(steps)


def revisit_due(
    anchor: str | None, last_fetch: str | None, now: datetime, steps: tuple[float, ...]
) -> bool:
    """Whether an article anchored at ``anchor`` and last fetched at ``last_fetch`` is due."""
    if not anchor or not steps:
        return False
    start = parse_time(anchor)
    passed = [start + timedelta(days=step) for step in steps if start + timedelta(days=step) <= now]
    if not passed:
        return False
    return last_fetch is None or parse_time(last_fetch) < passed[-1]
