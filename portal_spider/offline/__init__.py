"""What runs on saved pages, without a crawl: parse, reparse, fixture cases and the benchmarks."""
