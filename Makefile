# Two commands do everything on a fresh clone (only Python 3.11+ needed):
#   make demo   - train a small network and write the animation and report
#   make test   - run the whole test suite (and ruff), as CI does; the browser tests need
#                 Debian's chromium (`apt-get install chromium`) and skip without it
#   make quick  - the inner loop: the same without the tests marked slow
#   make docs   - build the documentation site into docs/_build/html (executes its examples)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test quick extras lint bench bench-quick clean docs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,browser]"
	touch $(STAMP)

# The optional engines (PyTorch, ONNX, Dask) and the playground server: their tests skip
# without them; CI installs them.
extras: $(STAMP)
	$(BIN)/pip install --quiet -e ".[test,browser,torch,export,sweep,serve]"

demo: $(STAMP)
	$(BIN)/backproplab demo

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

test: $(STAMP) lint
	$(BIN)/python -m pytest -q

quick: $(STAMP) lint
	$(BIN)/python -m pytest -q -m "not slow"

bench: $(STAMP)
	$(BIN)/python -m benchmarks.training

bench-quick: $(STAMP)
	$(BIN)/python -m benchmarks.training --quick

# The documentation site, into docs/_build/html: the walkthrough and the gallery are executed
# (MyST-NB caches the walkthrough's pages until their code changes); warnings are errors.
DOCS_STAMP := $(VENV)/.docs-installed
$(DOCS_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e ".[docs,serve,sweep]"
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

clean:
	rm -rf $(VENV) backproplab-demo .pytest_cache docs/_build docs/_generated docs/api \
		docs/auto_examples docs/walkthrough/_notebooks
