# One obvious entry point. `make report` sets up and builds the default edition;
# `make test` sets up and runs the tests. Installation goes into ./.venv, made with
# $(PYTHON) (Python >= 3.11; choose another with `make PYTHON=python3.12 report`).
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
EDITION ?= 2018
REGION ?= skane
# exit status 0 when the interpreter running it is new enough
PY_NEW_ENOUGH := import sys; sys.exit(sys.version_info < (3, 11))

.PHONY: install venv-python report all test lint bench bench-national clean distclean

# A .venv made by an older Python (say a first try with 3.10) is removed, so the next
# step recreates it with $(PYTHON) instead of failing again the same way.
venv-python:
	@if [ -x $(BIN)/python ] && ! $(BIN)/python -c "$(PY_NEW_ENOUGH)" 2>/dev/null; then \
		echo "removing $(VENV): its Python ($$($(BIN)/python --version 2>&1)) is older than 3.11"; \
		rm -rf $(VENV); \
	fi

$(BIN)/kfsk: pyproject.toml
	@$(PYTHON) -c "$(PY_NEW_ENOUGH)" 2>/dev/null || { \
		echo "error: kfsk-research needs Python >= 3.11, but PYTHON=$(PYTHON) is" \
		"'$$($(PYTHON) --version 2>&1)'; choose another, e.g." \
		"make PYTHON=python3.12 $(or $(MAKECMDGOALS),install)" >&2; exit 1; }
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	@echo "installing into $(VENV), about a minute"
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(BIN)/kfsk

install: venv-python $(BIN)/kfsk

report: install
	$(BIN)/kfsk build --edition $(EDITION) --region $(REGION)

all: install
	$(BIN)/kfsk build --edition all --region all

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python benchmarks/bench_build.py

# every edition × every region cold, then again with nothing changed (30–60 min on 2 cores)
bench-national: install
	$(BIN)/python benchmarks/bench_national.py

# built reports, hand-run scratch outputs, the cache (Parquet, kernelspec, lock files)
# and lock files older versions left beside the reports; outputs/README.md stays
clean:
	rm -rf outputs/[0-9]* outputs/index.html outputs/scratch outputs/.cache outputs/.*.lock

distclean: clean
	rm -rf $(VENV)
