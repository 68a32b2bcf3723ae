# Two commands on a fresh machine: `make demo` and `make test`. Everything else builds on .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= ../shared/data
SIZES ?= 10k,100k,1M
BENCH_TIMEOUT ?= 3600

.PHONY: install demo test lint eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/dedup scan fixtures/ --format table

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check dedup tests evaluation bench
	$(BIN)/ruff format --check dedup tests evaluation bench
	$(BIN)/mypy dedup

eval: $(STAMP)
	$(BIN)/python evaluation/run.py --data $(DATA)
	$(BIN)/python evaluation/align.py --data $(DATA)

# A benchmark, not a test: builds corpora under build/bench (once) and times `dedup scan` on them.
# `make bench SIZES=10k,100k` skips the 1M corpus, which takes long.
bench: $(STAMP)
	$(BIN)/python bench/run.py --data $(DATA) --sizes $(SIZES) --timeout $(BENCH_TIMEOUT)

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
