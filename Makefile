# The two commands of the README contract: `make demo` and `make test`.
# Each sets everything up on a fresh machine (a .venv, the package, a browser) and then runs.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
BROWSER_READY := $(VENV)/.browser-ready
DB_READY := $(VENV)/.db-ready
# Four test processes on two cores: a robot run also waits (page loads, leases, the
# real-latency tier), and the extra processes fill those waits. Measured on this two-core
# machine (whose speed drifts by about 40% within an hour): 2 processes kept the cores 81%
# busy and 3 kept them 96% busy, the suite taking 10-20% less time per unit of a speed
# probe. From 3 to 4 (/proc/stat around two back-to-back whole suites): idle core-seconds
# fell from 80 to 31 with the same 1,243-1,258 busy, and the suite took 650 s against 675 s.
PYTEST_WORKERS ?= 4
# pytest, with Python allowed to keep compiled modules (__pycache__, ignored by git). Some
# machines set PYTHONDONTWRITEBYTECODE, and then every test process rewrote and compiled
# every test module again while collecting, on every run: 5.1 CPU-seconds a process
# instead of 2.0-2.3 once they are kept (a clean checkout's first run still compiles).
PYTEST := PYTHONDONTWRITEBYTECODE= $(PY) -m pytest
# What must be ready before the tests, as one parallel make: after the install, the
# browser and database set-up, the lint and the type check do not depend on each other,
# and none uses both cores (the type check alone takes about 10 s on one). Each step's
# output is printed whole when it ends.
PREPARE := $(MAKE) --no-print-directory -j 4 --output-sync=target

.PHONY: demo test check lint typecheck setup clean bench floor

# The demo practice holds requests that need review by design: exit 3 ("finished, some
# items need review") is its expected ending, anything else is a failure.
demo: setup
	$(VENV)/bin/billing-robot demo || [ $$? -eq 3 ]

# The suite CI runs (.ci/run): every test, the end-to-end runs included. Whole files go to
# the workers in the order tests/conftest.py sets (long end-to-end files first); xdist's
# default would re-sort them by test count and leave the long one-test files for last.
test:
	$(PREPARE) setup lint typecheck
	$(PYTEST) -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder -q

# The inner loop: lint, types and every test that needs no browser (about a minute).
check:
	$(PREPARE) lint typecheck
	$(PYTEST) -n $(PYTEST_WORKERS) -q -m "not browser"

lint: $(INSTALLED)
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports

typecheck: $(INSTALLED)
	$(PY) -m mypy --strict robot pages flows cli

bench: setup
	$(PY) -m cli.benchmark

# The robot beside a replay of only its own clicks (the speed goal: at most 1.5x).
floor: setup
	$(PY) -m cli.floor

setup: $(INSTALLED) $(BROWSER_READY) $(DB_READY)

# The pip that venv bundles with Python 3.11 (22.3 or later) installs this project as it
# is (PEP 660 editable installs need 21.3); upgrading it first cost every clean checkout
# about 3 s for nothing.
$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
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
