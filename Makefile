# Two commands for a new user: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
# The streaming replica .ci/start-replica.sh starts (issue 15 item 3): used when it answers.
PG_REPLICA_URL ?= $(subst :5432/,:5433/,$(PG_URL))

.PHONY: run test lint types check pytest pytest-postgres bench clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

# DEBUG off by default, so users see the Swedish 404 page and never Django's list of every
# URL; --insecure lets runserver still serve the static files. `make run DEBUG=1` for
# Django's debug pages while developing.
# The audit sealer (`seal_audit --loop`, ADR 0109) and the indicator summary's keeper
# (`indicator_summary --loop`, ADR 0112) run beside the server and stop with it.
DEBUG ?= 0
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py seal_audit --loop & sealer=$$!; \
	$(BIN)/python manage.py indicator_summary --loop & summary=$$!; \
	trap 'kill $$sealer $$summary 2>/dev/null' EXIT INT TERM; \
	DEBUG=$(DEBUG) $(BIN)/python manage.py runserver $(if $(filter 0,$(DEBUG)),--insecure) 127.0.0.1:8000

test: lint types check pytest pytest-postgres

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with django-stubs: strict on rules, services and selectors, ordinary elsewhere (pyproject).
types: $(VENV)/.installed
	$(BIN)/mypy .

check: $(VENV)/.installed
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run

# Both passes include tests/api/test_schemathesis.py: Schemathesis against the committed
# api/openapi.yaml through the WSGI app, a fixed number of examples per operation (issue 16).
# pytest-xdist: one worker per core, each with its own test database (test_<name>_gwN).
XDIST ?= -n auto
pytest: $(VENV)/.installed
	$(BIN)/pytest $(XDIST)

# PostgreSQL is the production engine: required under CI=true, skipped with a notice otherwise.
# The browser tests exercise the web layer once, in the SQLite pass. With a standby answering
# at PG_REPLICA_URL, the report tests read it too (tests/test_replica_reads.py).
pytest-postgres: $(VENV)/.installed
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		if $(BIN)/python -c "import psycopg; c = psycopg.connect('$(PG_REPLICA_URL)', connect_timeout=3); assert c.execute('select pg_is_in_recovery()').fetchone()[0]" 2>/dev/null; then \
			export DATABASE_REPLICA_URL=$(PG_REPLICA_URL); \
		else echo "No streaming replica at $(PG_REPLICA_URL): the replica tests are skipped."; fi; \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest $(XDIST) --ignore=tests/browser; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL at $(PG_URL) does not answer, and CI=true requires it." >&2; exit 1; \
	else \
		echo "SKIPPED: PostgreSQL at $(PG_URL) does not answer; the PostgreSQL tests did not run."; \
	fi

# Regenerate docs/screenshots/ by driving headless Chromium over demo data.
screenshots: $(VENV)/.installed
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest tests/browser/test_screenshots.py -q

# A benchmark, never a timed test. Scale and engines: see bench/run.py (BENCH_ROWS, BENCH_PG_URL, …).
bench: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/db.sqlite3
