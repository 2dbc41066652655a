# Haven: `make demo` to try it, `make test` to check it.
# Needs only Python 3.11+ with venv (Debian/Ubuntu: apt-get install python3-venv).
# Browser tests also use Chromium (apt-get install chromium) and npm (apt-get install npm);
# without them `make test` says so and skips those tests.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HAVEN := $(BIN)/haven
AXE := node_modules/axe-core/axe.min.js
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install messages lint typecheck checks pytest bench bench-casework clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Haven needs Python 3.11 or newer; this is " + sys.version.split()[0] + ".")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
		echo "Could not create a virtual environment. On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) messages .env

# A source checkout is a local trial: `haven ...` commands use the demo profile
# (data under var/). Deployments set HAVEN_ENV=production and SECRET_KEY in
# their environment, which always wins over this file.
.env:
	@printf '# Read by Haven at start-up; environment variables win over it.\nHAVEN_ENV=demo\n' > .env

messages: $(STAMP)
	@HAVEN_ENV=test $(HAVEN) compilemessages --verbosity 0

$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; \
	else echo "npm is missing: browser accessibility checks are skipped (Debian/Ubuntu: sudo apt-get install npm)."; fi

demo: install
	@mkdir -p var
	HAVEN_ENV=demo $(HAVEN) migrate --no-input --verbosity 0
	HAVEN_ENV=demo $(HAVEN) createcachetable
	HAVEN_ENV=demo $(HAVEN) demo load
	@echo
	@echo "Haven is starting on http://$(HOST):$(PORT)/  (stop it with Ctrl+C)."
	@echo "Sign in at http://$(HOST):$(PORT)/accounts/login/ with an account above."
	@echo "Officials then enter their current code, printed in a second terminal by:"
	@echo "    HAVEN_ENV=demo $(HAVEN) demo totp EMAIL"
	@echo
	HAVEN_ENV=demo $(HAVEN) runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/bandit --configfile pyproject.toml --recursive src --quiet

typecheck: $(STAMP)
	HAVEN_ENV=test $(BIN)/mypy

# A model changed without its migration fails here.
checks: $(STAMP)
	HAVEN_ENV=test $(HAVEN) makemigrations --check --dry-run

pytest: install $(AXE)
	@if [ ! -x /usr/bin/chromium ]; then echo "NOTE: /usr/bin/chromium is missing, so the browser tests are skipped (Debian/Ubuntu: sudo apt-get install chromium)."; fi
	HAVEN_ENV=test $(BIN)/pytest

test: lint typecheck checks pytest

# Benchmarks: figures to quote, nothing asserted.
bench: install
	HAVEN_ENV=test $(BIN)/python bench/rules_eligibility.py
	$(BIN)/python bench/signup_timing.py

# The casework pages under load: needs PostgreSQL on 127.0.0.1:5432 (user postgres, or
# BENCH_DATABASE_URL) and wrk (Debian/Ubuntu: sudo apt-get install wrk), for this only.
# Recreates the database haven_bench; takes a few minutes.
bench-casework: install
	@command -v wrk >/dev/null 2>&1 || { echo "wrk is missing: sudo apt-get install wrk (needed for this benchmark only)."; exit 1; }
	@$(BIN)/python -c 'import gunicorn' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/casework_load.py

clean:
	rm -rf $(VENV) node_modules var/test-*
