# portal-archive: the README's commands. Every target bootstraps .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo cluster-demo test test-fast reliability lint format bench bench-cluster clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: setup
	$(BIN)/portal-archive demo

# redis-server (Debian package) on 127.0.0.1 in a temporary directory, two workers, one writer
cluster-demo: setup
	$(BIN)/python -m portal_spider.cluster.demo demo-archive/cluster.db

# two test processes (pytest-xdist): the crawl tests mostly wait on their servers' delays; the
# slowest tests are listed at the end (the suite's budget is 10 minutes on 2 cores)
test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q -n 2 --durations=15

# the tests that start no crawl, server or browser: under a minute
test-fast: setup
	$(BIN)/python -m pytest -q -m "not crawl and not browser and not slow"

# the fault and hostile-input tests, with the long hypothesis profile, then their figures
FIGURES := .reliability-figures.jsonl
reliability: setup
	rm -f $(FIGURES)
	PORTAL_ARCHIVE_FIGURES=$(CURDIR)/$(FIGURES) HYPOTHESIS_PROFILE=ci \
	  $(BIN)/python -m pytest -q -m reliability -p no:cacheprovider; status=$$?; \
	  $(BIN)/python tests/reliability_report.py $(FIGURES) && exit $$status

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# every speed figure beside its reference, in one run (benchmarks/README.md); BENCH_SCALE=small
# for a run of a few minutes. The public benchmark pages are read from DATASET when present.
BENCH_SCALE ?= full
bench: setup
	$(BIN)/python -m benchmarks.run --scale $(BENCH_SCALE) \
	  --dataset $(or $(DATASET),../shared/benchmarks/article-extraction-benchmark)

# pages per second of one cluster worker against two, on the same local portals
bench-cluster: setup
	$(BIN)/python -m portal_spider.cluster.bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache demo-archive $(FIGURES) \
	  .bench bench-results.json
