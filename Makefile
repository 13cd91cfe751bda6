# Every target that needs Python creates or reuses .venv first (pip, pinned by constraints.txt).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CODE   := $(wildcard src tests bench)

.DEFAULT_GOAL := help
.PHONY: help venv demo test test-fast lint typecheck fmt check sandbox serve worker bench bench-full chaos model clean

help:
	@echo "make demo       run the whole main job against the local simulators (SQLite)"
	@echo "make test       run the test suite"
	@echo "make lint | typecheck | fmt | check (lint+typecheck+test)"
	@echo "make sandbox    serve both vendor simulators on localhost"
	@echo "make serve      run the connector (web + worker + scheduler)"
	@echo "make bench      run the benchmarks at a size that takes minutes (bench-full: full size)"
	@echo "make chaos      run the full-size chaos suite"
	@echo "make model      run the model-based test of the POS invariant long (MODEL_EXAMPLES, MODEL_STEPS)"

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/tripleseat-revel demo

# 4 processes on 2 cores (most tests wait on sockets and child processes), handed one test at a
# time (--maxschedchunk 1) in the order of tests/conftest.py, the longest first: by default each
# process is given a block of consecutive tests up front, and one block would get all the long ones.
test: $(STAMP)
	$(BIN)/python -m pytest -n 4 --maxschedchunk 1

# The pure tiers (no served simulator, no browser, no database server), in one process: the
# edit-run loop. `make test` runs everything.
FAST_TIERS := tests/sync tests/kit tests/config tests/notify tests/integrations tests/metrics tests/test_architecture.py

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q $(FAST_TIERS) -m "not e2e and not browser and not slow and not chaos"

lint: $(STAMP)
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

fmt: $(STAMP)
	$(BIN)/ruff format $(CODE)
	$(BIN)/ruff check --fix $(CODE)

check: lint typecheck test

sandbox: $(STAMP)
	$(BIN)/tripleseat-revel sandbox

serve: $(STAMP)
	$(BIN)/tripleseat-revel serve

worker: $(STAMP)
	$(BIN)/tripleseat-revel worker

bench: $(STAMP)
	$(BIN)/python -m bench

bench-full: $(STAMP)
	$(BIN)/python -m bench --full

chaos: $(STAMP)
	CHAOS_SIZE=full $(BIN)/python -m pytest tests/chaos -s

MODEL_EXAMPLES ?= 200
MODEL_STEPS ?= 30
model: $(STAMP)
	@mkdir -p var
	MODEL_EXAMPLES=$(MODEL_EXAMPLES) MODEL_STEPS=$(MODEL_STEPS) MODEL_REPORT=var/model.json \
		$(BIN)/python -m pytest tests/model --timeout=0
	@cat var/model.json

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
