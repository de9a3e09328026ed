# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
BENCHES := retrieval guardrails intent overhead tokens channels

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install run test evals tau2 lint format bench services browser dovecot clean

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

## Install what is needed (Chromium and dovecot for the browser and e-mail tests too), start PostgreSQL and
## Redis if they are down, run the whole suite on both databases, then the offline scenario suite against its
## baseline.
test: install services browser dovecot
	$(BIN)/pytest
	$(MAKE) --no-print-directory evals

## The offline scenario suite against the stored baseline: fails naming each scenario that regressed; reports
## (table, JSON, JUnit, HTML) in var/evals/.
evals: install
	$(BIN)/parley eval run evals/suites --baseline evals/baseline.json --report-dir var/evals

## Replay the 114 tau2-bench retail tasks through Parley's operations (about 2 minutes).
tau2: install
	$(BIN)/parley eval tau2 --report-dir var/evals

services:
	./scripts/services.sh

## Debian's chromium and chromium-driver for tests/browser/ (apt-get, only when missing).
browser:
	./scripts/browser.sh

## Debian's dovecot for the e-mail round-trip test (apt-get, only when missing).
dovecot:
	./scripts/dovecot.sh

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
