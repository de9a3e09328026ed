# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
BENCHES := retrieval guardrails

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install run test lint format bench services browser clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Start Parley with the demo business on embedded defaults (SQLite, Qdrant Edge, in-process queue, no LLM key).
run: install
	$(BIN)/parley db upgrade
	$(BIN)/parley db seed
	$(BIN)/parley serve

## Install what is needed (Chromium for the browser tests too), start PostgreSQL and Redis if they are down,
## run the whole suite on both databases.
test: install services browser
	$(BIN)/pytest

services:
	./scripts/services.sh

## Debian's chromium and chromium-driver for tests/browser/ (apt-get, only when missing).
browser:
	./scripts/browser.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Run every benchmark: each prints a table and writes bench/results/NAME.json.
bench: install
	@for name in $(BENCHES); do echo "== bench.$$name"; $(BIN)/python -m bench.$$name || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
