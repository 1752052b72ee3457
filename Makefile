# Two commands do everything on a fresh clone (only Python 3.11+ needed):
#   make demo   - train a small network and write the animation and report
#   make test   - run the whole test suite (and ruff), as CI does; the browser tests need
#                 Debian's chromium (`apt-get install chromium`) and skip without it
#   make quick  - the inner loop: the same without the tests marked slow
#   make play   - the live playground in the browser (`backproplab serve`)
# `make demo` and `make play` install only what the library needs; the test tools come
# with the first `make test`, `make quick` or `make lint`. Both installs go through uv,
# which the Makefile installs into the environment with pip first: a fresh clone's
# `make demo` took 9-21 s to a written report (11-15 s without any package cache) on two
# shared cores, where pip installing the test tools too took 51 s.
# The page's JavaScript is linted by ESLint and unit-tested by `node --test` (Node 20.19+ and
# npm: `npm ci` installs the pinned ESLint into node_modules when package-lock.json changes).
#   make docs   - build the documentation site into docs/_build/html (executes its examples)
PYTHON ?= python3
# Python's bytecode caches (__pycache__, ignored by git) are written even where the
# environment says PYTHONDONTWRITEBYTECODE: without them every Python process (each test
# run, each command-line test's child) compiles NumPy, matplotlib and scikit-learn from
# source again, which took a third of the test suite's CPU time.
unexport PYTHONDONTWRITEBYTECODE
# The test suite runs on JOBS processes (pytest-xdist; a test file stays on one of them,
# so its module-wide browser and server are started once); `make test JOBS=0` runs it in
# this process alone.
JOBS   ?= 2
VENV   := .venv
BIN    := $(VENV)/bin
PYTEST := $(BIN)/python -m pytest -q -n $(JOBS) --dist loadfile
UV     := $(BIN)/uv
INSTALL := $(UV) pip install --quiet --python $(BIN)/python
RUNTIME := $(VENV)/.installed-runtime
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: demo play test quick extras lint js-test bench bench-quick clean docs

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "uv>=0.5"

# One stamp per install set: the runtime (demo, play), and the runtime with the test tools.
$(RUNTIME): pyproject.toml | $(UV)
	$(INSTALL) -e .
	touch $@

$(STAMP): pyproject.toml | $(UV)
	$(INSTALL) -e ".[test,browser]"
	touch $@ $(RUNTIME)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $(NODE_STAMP)

# The optional engines (PyTorch, ONNX, Dask): their tests skip without them; CI installs
# them (with pip, which takes PyTorch's CPU wheel from where the machine's pip is told to look).
extras: $(STAMP)
	$(BIN)/pip install --quiet -e ".[test,browser,torch,export,sweep]"

demo: $(RUNTIME)
	$(BIN)/backproplab demo

play: $(RUNTIME)
	$(BIN)/backproplab serve

lint: $(STAMP) $(NODE_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	node_modules/.bin/eslint --max-warnings 0 .

js-test: $(NODE_STAMP)
	node --test tests/js/*.test.js

test: $(STAMP) lint js-test
	$(PYTEST)

quick: $(STAMP) lint js-test
	$(PYTEST) -m "not slow"

bench: $(STAMP)
	$(BIN)/python -m benchmarks.training

bench-quick: $(STAMP)
	$(BIN)/python -m benchmarks.training --quick

# The documentation site, into docs/_build/html: the walkthrough and the gallery are executed
# (MyST-NB caches the walkthrough's pages until their code changes); warnings are errors.
DOCS_STAMP := $(VENV)/.docs-installed
$(DOCS_STAMP): $(STAMP) pyproject.toml
	$(INSTALL) -e ".[test,browser,docs,sweep]"
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

clean:
	rm -rf $(VENV) node_modules backproplab-demo .pytest_cache docs/_build docs/_generated \
		docs/api docs/auto_examples docs/walkthrough/_notebooks
