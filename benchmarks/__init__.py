"""``make bench``: the project's speed, measured side by side in one run (benchmarks/README.md)."""
