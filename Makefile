# Two commands do everything on a fresh clone (only Python 3.11+ needed):
#   make demo   - train a small network and write the animation and report
#   make test   - run the whole default test suite (and ruff); the browser tests need
#                 Debian's chromium (`apt-get install chromium`) and skip without it
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-all lint bench bench-quick clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,browser,torch,export,sweep]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/backproplab demo

lint: $(STAMP)
	$(BIN)/ruff check src tests

test: $(STAMP) lint
	$(BIN)/python -m pytest -q -m "not slow"

test-all: $(STAMP) lint
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m backproplab.bench

bench-quick: $(STAMP)
	$(BIN)/python -m backproplab.bench --quick

clean:
	rm -rf $(VENV) backproplab-demo .pytest_cache
