# Two commands do everything on a fresh clone (only Python 3.11+ needed):
#   make demo   - train a small network and write the animation and report
#   make test   - run the whole test suite (and ruff), as CI does; the browser tests need
#                 Debian's chromium (`apt-get install chromium`) and skip without it
#   make quick  - the inner loop: the same without the tests marked slow
# The page's JavaScript is linted by ESLint and unit-tested by `node --test` (Node 20.19+ and
# npm: `npm ci` installs the pinned ESLint into node_modules when package-lock.json changes).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: demo test quick extras lint js-test bench bench-quick clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,browser]"
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $(NODE_STAMP)

# The optional engines (PyTorch, ONNX, Dask) and the playground server: their tests skip
# without them; CI installs them.
extras: $(STAMP)
	$(BIN)/pip install --quiet -e ".[test,browser,torch,export,sweep,serve]"

demo: $(STAMP)
	$(BIN)/backproplab demo

lint: $(STAMP) $(NODE_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	node_modules/.bin/eslint --max-warnings 0 .

js-test: $(NODE_STAMP)
	node --test tests/js/*.test.js

test: $(STAMP) lint js-test
	$(BIN)/python -m pytest -q

quick: $(STAMP) lint js-test
	$(BIN)/python -m pytest -q -m "not slow"

bench: $(STAMP)
	$(BIN)/python -m benchmarks.training

bench-quick: $(STAMP)
	$(BIN)/python -m benchmarks.training --quick

clean:
	rm -rf $(VENV) node_modules backproplab-demo .pytest_cache
