# Two commands do all the set-up on a fresh machine with Python 3.11 and make:
#   make site   build the real site from datapackages/ into site/
#   make test   the whole test suite, browser tests included
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: site check test lint unit serve golden addresses bench clean

$(BIN)/.core-installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e .
	touch $@

$(BIN)/.test-installed: $(BIN)/.core-installed
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $@

site: $(BIN)/.core-installed
	@scripts/system-deps.sh fonts
	$(BIN)/python build.py

check: $(BIN)/.core-installed
	$(BIN)/python build.py --check --strict

test: $(BIN)/.test-installed
	@scripts/system-deps.sh browser
	$(BIN)/ruff check .
	$(BIN)/mypy
	@[ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ] \
		|| npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python -m pytest

# The fast lane of the edit-test loop: lint, types and every test that needs neither the real site nor a browser.
# Its golden build and shared test builds keep their cache in .cache/tests between runs (keyed by content and code).
unit: $(BIN)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/mypy
	DATASITE_TEST_CACHE=.cache/tests $(BIN)/python -m pytest -q -n 2 -m "not slow and not browser"

serve: $(BIN)/.core-installed
	@scripts/system-deps.sh fonts
	$(BIN)/python build.py serve

# After adding pages or files: record the addresses the site now publishes (datapackages/addresses.txt; commit it).
addresses: $(BIN)/.core-installed
	@scripts/system-deps.sh fonts
	$(BIN)/python build.py --record-addresses

golden: $(BIN)/.test-installed
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest tests/test_golden.py -q

bench: $(BIN)/.core-installed
	$(BIN)/python bench/run.py --quick

clean:
	rm -rf $(VENV) site .site.* .mypy_cache .ruff_cache .pytest_cache *.egg-info
