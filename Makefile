# Chehui: every target sets itself up on a fresh machine (a virtual environment under .venv).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-stamp
# Translation catalogues (.po) are committed; the compiled .mo files are build output.
CATALOGUES := $(wildcard locale/*/LC_MESSAGES/django.po)
COMPILED := $(CATALOGUES:.po=.mo)

.PHONY: run test lint typecheck pytest install node-packages lighthouse system-packages system-packages-test migrate seed services messages bench-sweep bench-queue bench-api bench-upload clean

# Debian packages: libmagic and gettext for everything, Chromium and CJK fonts for the tests.
system-packages:
	scripts/system-packages.sh run

system-packages-test:
	scripts/system-packages.sh test

$(STAMP): pyproject.toml | system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	$(PY) manage.py compilemessages --ignore=.venv
	touch $(STAMP)

# Recompile a catalogue whenever its .po changes.
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv --locale=$*

# The browser checks' npm packages (axe-core for the tests, Lighthouse), exactly as package-lock.json pins them.
NODE_STAMP := node_modules/.installed-stamp
$(NODE_STAMP): package.json package-lock.json | system-packages-test
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

install: system-packages $(STAMP) $(COMPILED)

# Only the tests and Lighthouse need them: `make run` stays free of npm.
node-packages: $(NODE_STAMP)

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## run: the application on http://127.0.0.1:8000 with a Celery worker and beat (embedded default
## without DATABASE_URL/REDIS_URL: SQLite and a filesystem broker under var/)
run: seed
	scripts/run-dev.sh

services:
	scripts/services-up.sh

## messages: refresh the Simplified Chinese catalogue from the source, then compile it
messages: install
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=tests --ignore=bench --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

## lighthouse: Lighthouse (mobile) over the portal's pages on a local server; fails below 95 in any category
lighthouse: install node-packages system-packages-test
	scripts/lighthouse.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy apps config

pytest: install node-packages system-packages-test services
	$(BIN)/pytest

## test: the whole suite against this machine's PostgreSQL and Redis, with ruff and mypy
test: lint typecheck pytest

## bench-sweep: one clock sweep of 10,000 due tickets among 100,000 and 1,000,000 open ones
bench-sweep: install services
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) -m bench.sweep

## bench-queue: p50/p95 server time of the agent queue and the dashboard with 1,000,000 tickets
bench-queue: install services
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) -m bench.queue

## bench-api: load the REST API through gunicorn as in production; creation and read rate and latency
bench-api: install services
	$(PY) -m bench.api

## bench-upload: the bounded evidence check on a 20 MB PDF, a 20 MB DOCX and a 100,000-page PDF
bench-upload: install services
	$(PY) -m bench.upload

clean:
	rm -rf $(VENV) var staticfiles $(COMPILED)
