# Keyaccount: `make run` starts the demo, `make test` runs the whole suite.
# Both create .venv and install the pinned dependencies on first use.

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
# The demo runs with DEBUG=1 and SQLite under var/; production settings come from the environment (docs/deploy.md).
DEV := DEBUG=1

.PHONY: help install run test lint checks schema bench clean

help:
	@echo "make run      start the demo on http://127.0.0.1:$(PORT)/ (PORT=... to change) with a task worker and the scheduler"
	@echo "make test     run the whole test suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make lint     ruff check, ruff format --check, the import layers (lint-imports) and the types (mypy)"
	@echo "make checks   missing migrations, check --deploy, OpenAPI schema drift"
	@echo "make schema   regenerate docs/openapi.yaml"
	@echo "make bench    time seed_demo for 50 and 200 accounts; portfolio query counts"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Keyaccount needs Python 3.11 or newer; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a requirements file changes.
$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

install: $(STAMP)

var:
	@mkdir -p var

# One shell recipe, so the trap stops the worker and the scheduler whenever the web server stops (Ctrl+C included).
run: install | var
	$(DEV) $(PY) manage.py migrate --noinput -v 0
	$(DEV) $(PY) manage.py seed_demo --if-empty
	@set -e; \
	$(DEV) $(PY) manage.py db_worker --no-reload -v 0 & worker=$$!; \
	$(DEV) $(PY) manage.py scheduler -v 0 & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null || true; wait $$worker $$scheduler 2>/dev/null || true' EXIT INT TERM; \
	echo ""; \
	echo "Keyaccount: http://127.0.0.1:$(PORT)/  (Ctrl+C stops the server, the worker and the scheduler)"; \
	echo "Sign in as am1@demo-agency.example, head1@demo-agency.example, admin1@demo-agency.example"; \
	echo "or specialist1@demo-agency.example; every demo user's password is: demo"; \
	echo ""; \
	$(DEV) $(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

# DATABASE_URL, when set, is passed through: the suite then runs on that database.
# The suite runs on every core (pytest-xdist); PYTEST_ARGS="-n 0 -k ..." runs a part in one process.
PYTEST_ARGS ?= -n auto
test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	DEBUG=1 $(VENV)/bin/mypy keyaccount

# Production-like settings for check --deploy: a fresh random key each run, a real host name, HSTS preload on.
checks: install | var
	$(DEV) $(PY) manage.py makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		ALLOWED_HOSTS=keyaccount.example SECURE_HSTS_PRELOAD=1 \
		$(PY) manage.py check --deploy --fail-level WARNING
	$(DEV) $(PY) manage.py spectacular --file var/openapi.yaml
	diff -u docs/openapi.yaml var/openapi.yaml

schema: install
	$(DEV) $(PY) manage.py spectacular --file docs/openapi.yaml

# On demand, not in the suite: seed_demo timings and the portfolio's query budget on a throwaway SQLite database.
bench: install
	$(PY) bench/seed_demo.py

clean:
	rm -rf $(VENV) var/openapi.yaml
