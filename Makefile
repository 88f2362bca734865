# redac: two commands for a newcomer.
#   make demo   install into .venv, build the demo site on SQLite, serve it on http://127.0.0.1:8000
#   make test   install test dependencies and run the whole suite (SQLite, then PostgreSQL if it answers)
#   make test-fast  the inner loop: SQLite only, no browser, no real servers (-m "not slow")

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/redac
export REDAC_DATA_DIR ?= $(CURDIR)/data
# The address printed for the admin login matches where `make demo` serves.
export REDAC_SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: demo serve install install-test test test-fast test-sqlite test-postgres lint bench clean security-scan

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# PYTHONWARNINGS=ignore: setuptools prints a boxed warning about editable installs that says
# nothing to someone who types `make demo`.
$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	PYTHONWARNINGS=ignore $(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	PYTHONWARNINGS=ignore $(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# axe-core for the browser tests (tests/support/browser.py), pinned by package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test node_modules/.package-lock.json

# The demo says X-Cache: HIT/MISS (docs/scaling.md); a production server does not.
demo: install
	$(BIN)/redac demo
	REDAC_X_CACHE_HEADER=1 $(BIN)/redac serve --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/redac serve --host $(HOST) --port $(PORT)

test: install-test test-sqlite test-postgres

test-sqlite: install-test
	env -u DATABASE_URL $(BIN)/python -m pytest -n 2 --dist loadgroup -q

# The inner loop: tests marked slow (tests/system, tests/browser, real servers, subprocesses) left
# out, SQLite only. PYTEST_ARGS adds options (e.g. PYTEST_ARGS=--durations=30).
test-fast: install-test
	env -u DATABASE_URL $(BIN)/python -m pytest -n 2 --dist loadgroup -q -m "not slow and not browser" $(PYTEST_ARGS)

# PostgreSQL: runs when the server answers; otherwise says why and skips (CI=true makes it fail).
test-postgres: install-test
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.replace('/redac','/postgres'), connect_timeout=3).close()" 2>/dev/null; then \
		echo "== PostgreSQL run ($(PG_URL)) =="; \
		DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -n 2 --dist loadgroup -q; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(PG_URL): CI must run the PostgreSQL suite"; exit 1; \
	else \
		echo "SKIPPED: PostgreSQL run (no server answers at $(PG_URL); set PG_URL to use another)"; \
	fi

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install-test
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Offline scanner (wapiti, own venv) against the demo served on 127.0.0.1; see docs/security.md.
security-scan: install
	scripts/security-scan.sh

clean:
	rm -rf $(VENV) build *.egg-info node_modules
