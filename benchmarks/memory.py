"""Peak resident memory of this process.

``getrusage``'s ``ru_maxrss`` carries over the parent's peak into a child started by fork and
exec on Linux, so a child would report its parent's memory; ``VmHWM`` of /proc/self/status is the
peak of this process's own address space. Elsewhere ``ru_maxrss`` is all there is.
"""

from __future__ import annotations

import resource
from pathlib import Path

STATUS = Path("/proc/self/status")


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB."""
    if STATUS.exists():
        for line in STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
