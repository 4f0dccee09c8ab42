"""Hypothesis settings of the hostile-input tests: a quick default, the full run for reliability.

``HYPOTHESIS_PROFILE=ci`` (what ``make reliability`` sets) runs the full number of generated
inputs (more than 10,000 over the hostile-input suites); the default profile runs a few per test
so ``make test`` stays fast. Every example has a 5 s deadline: one that takes longer is a hang.
:class:`Tally` counts the inputs tried, the crashes and the hangs of a test module and records
them as reliability figures when the module ends.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from reliability_figures import record

HANG_SECONDS = 5.0
COMMON = {
    "deadline": timedelta(seconds=HANG_SECONDS),
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "print_blob": True,
}
settings.register_profile("default", max_examples=25, **COMMON)
settings.register_profile("ci", max_examples=1500, **COMMON)
settings.register_profile("dev", max_examples=200, **COMMON)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
settings.load_profile(PROFILE)
FULL = PROFILE == "ci"


def examples(full: int, quick: int) -> Any:
    """Settings for one test: ``full`` examples under the ci profile, else ``quick``."""
    return settings(max_examples=full if FULL else quick)


class Tally:
    """Inputs tried, crashes (exceptions escaping) and hangs (over 5 s) of one test module."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def tried(self) -> None:
        """Count one generated input (an example; it may make several calls)."""
        self.counts["hostile_inputs"] += 1

    def run(self, call: Callable[[], Any], allowed: tuple[type[Exception], ...] = ()) -> Any:
        """Call ``call`` on a hostile input, counting its crash (an exception other than the
        ``allowed`` ones, which are documented refusals) or its hang."""
        started = time.monotonic()
        try:
            return call()
        except allowed:
            raise
        except Exception:
            self.counts["crashes"] += 1
            raise
        finally:
            if time.monotonic() - started > HANG_SECONDS:
                self.counts["hangs"] += 1

    def record(self, suite: str) -> None:
        """Record the figures (zero included) for ``make reliability``."""
        for name in ("hostile_inputs", "crashes", "hangs"):
            record(name, self.counts[name], suite=suite)
