# The two commands of the README contract: `make demo` and `make test`.
# Each sets everything up on a fresh machine (a .venv, the package, a browser) and then runs.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
BROWSER_READY := $(VENV)/.browser-ready
DB_READY := $(VENV)/.db-ready
PYTEST_WORKERS ?= 2

.PHONY: demo test test-all lint typecheck unit setup browser clean bench

demo: setup
	$(VENV)/bin/billing-robot demo

# The suite CI runs: everything but the long end-to-end runs (under 5 minutes on 2 cores).
test: setup lint typecheck
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile -q -m "not slow"

# Everything, including the whole demo practice end to end (about 12 minutes on 2 cores).
test-all: setup lint typecheck
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile -q

lint: $(INSTALLED)
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports

typecheck: $(INSTALLED)
	$(PY) -m mypy --strict robot pages flows cli

unit: $(INSTALLED)
	$(PY) -m pytest -q tests/unit

bench: setup
	$(PY) -m cli.benchmark

setup: $(INSTALLED) $(BROWSER_READY) $(DB_READY)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# Tries Playwright's own Chromium first; on a closed network falls back to a system
# Chromium (installing Debian's `chromium` with apt-get when running as root).
$(BROWSER_READY): $(INSTALLED)
	$(PY) -m robot.browser_setup
	touch $@

# PostgreSQL's programs for the ledger tests' throwaway server (apt-get as root if missing).
$(DB_READY): $(INSTALLED)
	$(PY) -m robot.db_setup
	touch $@

clean:
	rm -rf $(VENV) runs .pytest_cache .mypy_cache .ruff_cache
