# Two commands on a fresh machine: `make demo` and `make test`. Everything else builds on .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= ../shared/data

.PHONY: install demo test lint eval clean

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
	$(BIN)/ruff check dedup tests evaluation
	$(BIN)/ruff format --check dedup tests evaluation
	$(BIN)/mypy dedup

eval: $(STAMP)
	$(BIN)/python evaluation/run.py --data $(DATA)
	$(BIN)/python evaluation/align.py --data $(DATA)

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
