"""One export in this process, for the export benchmark: ``python -m benchmarks.export_child DB
FORMAT`` writes the archive's articles to /dev/null as ``portal-archive export`` does and prints
one JSON line: rows, wall and CPU seconds of the export itself (process start left out), and
peak resident memory.
"""

from __future__ import annotations

import json
import os
import sys
import time

from archive.db import open_archive
from archive.export import export
from benchmarks.memory import peak_rss_mb


def main() -> None:
    path, fmt = sys.argv[1], sys.argv[2]
    db = open_archive(path)
    rss_before = peak_rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    with open(os.devnull, "w", encoding="utf-8", newline="") as out:
        rows = export(db, out, fmt)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = peak_rss_mb()
    figures = {"rows": rows, "seconds": seconds, "cpu_s": cpu}
    print(json.dumps({**figures, "rss_before_mb": rss_before, "peak_rss_mb": peak}))


if __name__ == "__main__":
    main()
