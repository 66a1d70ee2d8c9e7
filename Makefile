# Breinaald — `make help` lists the targets. Two commands do everything on a fresh
# machine: `make run` (serve with demo content) and `make test` (the whole suite).

SHELL := /bin/bash
.DEFAULT_GOAL := help
export UV_PYTHON_DOWNLOADS := never
export PYTHONDONTWRITEBYTECODE := 1

# A Python >= 3.12 that works as it is: on PATH, or straight from pyenv's versions
# (pyenv's shims fail for versions that are not selected, so those are skipped).
PYENV_ROOT ?= $(shell pyenv root 2>/dev/null || echo $$HOME/.pyenv)
PYTHON ?= $(shell for candidate in python3.13 python3.12 $(PYENV_ROOT)/versions/3.13*/bin/python3.13 $(PYENV_ROOT)/versions/3.12*/bin/python3.12 python3; do \
	if "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
		command -v "$$candidate"; break; fi; done)
UV ?= $(shell command -v uv 2>/dev/null || echo var/tools/bin/uv)
PY := .venv/bin/python
EMBEDDED_DB := $(PY) -m platform_site.embedded_db
# Stop the embedded PostgreSQL when a target ends (only when we started it).
STOP_DB := if [ -z "$$DATABASE_URL" ]; then $(EMBEDDED_DB) stop; fi
# Run at the start of a recipe: stop the database on exit, Ctrl-C or TERM alike.
CLEANUP := trap '$(STOP_DB)' EXIT; trap 'exit 130' INT TERM
DEV_ENV := DJANGO_DEBUG=true MAIL_FILE_DIR=var/mail
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` serves the demo the way production does (debug off, gunicorn, hashed static
# files through WhiteNoise, the site's own error pages). Only these differ, and it says so:
# plain HTTP on this machine, local host names, and no second factor for the demo's staff.
RUN_ENV := DJANGO_DEBUG=false DJANGO_HTTPS=false ADMIN_REQUIRE_MFA=false MAIL_FILE_DIR=var/mail \
	DJANGO_ALLOWED_HOSTS=$(HOST),127.0.0.1,localhost
# The demo's secret key: made once, kept in var/ (ignored by git), readable by you alone.
SECRET_KEY_FILE := var/secret_key

.PHONY: help install run dev test lint format seed reset-db messages db-start db-stop worker

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

var/tools/bin/uv:
	@test -n "$(PYTHON)" || { echo "No Python >= 3.12 found (tried PATH and pyenv)." >&2; exit 1; }
	$(PYTHON) -m venv var/tools
	var/tools/bin/pip install --quiet uv

.venv/.installed: pyproject.toml uv.lock | $(UV)
	@test -n "$(PYTHON)" || { echo "No Python >= 3.12 found (tried PATH and pyenv)." >&2; exit 1; }
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: .venv/.installed node_modules/.installed messages ## Create the environment and install everything

messages: .venv/.installed ## Compile the translation catalogues
	@DJANGO_DEBUG=true $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=var -v 0

$(SECRET_KEY_FILE): | .venv/.installed
	@mkdir -p $(@D)
	@umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@.tmp && mv $@.tmp $@

# gunicorn runs in a session of its own and is stopped the way production stops it: one TERM
# to its master, which drains and stops the workers. Ctrl-C would otherwise reach every
# worker directly as well as through the master, and a worker hit by both at once can hang
# until the master kills it a graceful timeout later.
run: install $(SECRET_KEY_FILE) ## Serve the demo like production (gunicorn, debug off) on http://127.0.0.1:8000
	@$(CLEANUP); \
	export $(RUN_ENV) SITE_URL=http://$(HOST):$(PORT) GUNICORN_BIND=$(HOST):$(PORT) \
		DJANGO_SECRET_KEY="$$(cat $(SECRET_KEY_FILE))"; \
	$(PY) manage.py migrate --noinput -v 0 && \
	$(PY) manage.py collectstatic --noinput -v 0 && \
	$(PY) manage.py seed_demo --allow-without-debug && \
	echo "" && \
	echo "  Breinaald runs at http://$(HOST):$(PORT)/  (English: http://$(HOST):$(PORT)/en/)" && \
	echo "  Served like production: gunicorn, debug off, hashed static files, the task worker beside it." && \
	echo "  Log in as the local admin: admin@breinaald.localhost / breinaald-admin" && \
	echo "  Demo people (password breinaald-demo): marieke@breinaald.localhost (Gemeente Tilburg)," && \
	echo "    redactie@breinaald.localhost (editor), verbinder@breinaald.localhost (facilitator)" && \
	echo "  This demo turns the staff second factor OFF (ADMIN_REQUIRE_MFA=false), so its editors" && \
	echo "    reach the admin with their password alone; production keeps it on." && \
	echo "  Emails are written to var/mail/. Stop with Ctrl-C. For code changes: make dev." && \
	echo "" && \
	{ $(PY) manage.py db_worker & worker=$$!; } && \
	{ setsid $(PY) -m gunicorn -c platform_site/gunicorn_conf.py & server=$$!; } && \
	trap 'kill -TERM $$server 2>/dev/null; wait $$server 2>/dev/null; \
		kill $$worker 2>/dev/null; wait $$worker 2>/dev/null; $(STOP_DB)' EXIT && \
	wait $$server

dev: install ## Develop: runserver with debug and autoreload on http://127.0.0.1:8000
	@$(CLEANUP); \
	export $(DEV_ENV) SITE_URL=http://$(HOST):$(PORT); \
	$(PY) manage.py migrate --noinput -v 0 && \
	$(PY) manage.py seed_demo --allow-without-debug && \
	echo "" && \
	echo "  Breinaald (debug, autoreload) runs at http://$(HOST):$(PORT)/  (English: http://$(HOST):$(PORT)/en/)" && \
	echo "  Log in as the local admin: admin@breinaald.localhost / breinaald-admin" && \
	echo "  Demo people (password breinaald-demo): marieke@breinaald.localhost (Gemeente Tilburg)," && \
	echo "    redactie@breinaald.localhost (editor), verbinder@breinaald.localhost (facilitator)" && \
	echo "  Emails are written to var/mail/. Stop with Ctrl-C." && \
	echo "" && \
	{ $(PY) manage.py db_worker & worker=$$!; } && \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null; $(STOP_DB)' EXIT && \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install ## Lint, type-check, check migrations and run the whole test suite
	@$(CLEANUP); \
	$(PY) -m ruff check . && \
	$(PY) -m ruff format --check . && \
	DJANGO_DEBUG=true $(PY) -m mypy && \
	DJANGO_DEBUG=true $(PY) manage.py makemigrations --check --dry-run && \
	$(PY) -m pytest $(PYTEST_ARGS)

lint: .venv/.installed ## ruff check, format check and mypy
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DJANGO_DEBUG=true $(PY) -m mypy

format: .venv/.installed ## Format the code and fix what ruff can
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

worker: install ## Run the background task worker (emails, notifications) on its own
	@$(CLEANUP); export $(DEV_ENV); $(PY) manage.py db_worker

seed: install ## Load the demo content (idempotent)
	@$(CLEANUP); export $(DEV_ENV); \
	$(PY) manage.py migrate --noinput -v 0 && $(PY) manage.py seed_demo --allow-without-debug

reset-db: .venv/.installed ## Drop the local database and recreate it with demo content
	@$(CLEANUP); export $(DEV_ENV); \
	$(PY) manage.py reset_db --yes && \
	$(PY) manage.py migrate --noinput -v 0 && $(PY) manage.py seed_demo --allow-without-debug

db-start: .venv/.installed ## Start the embedded PostgreSQL (when DATABASE_URL is not set)
	$(EMBEDDED_DB) start

db-stop: .venv/.installed ## Stop the embedded PostgreSQL
	$(EMBEDDED_DB) stop
