# One obvious entry point. `make report` sets up and builds the default edition;
# `make test` sets up and runs the tests. Installation goes into ./.venv.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
EDITION ?= 2018
REGION ?= skane

.PHONY: install report all test lint bench clean

$(BIN)/kfsk: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(BIN)/kfsk

install: $(BIN)/kfsk

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

clean:
	rm -rf outputs/[0-9]* outputs/index.html outputs/.cache
