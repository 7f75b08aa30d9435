# Chehui: every target sets itself up on a fresh machine (a virtual environment under .venv).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck pytest install migrate seed services messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

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

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy apps config

pytest: install services
	$(BIN)/pytest

## test: the whole suite against this machine's PostgreSQL and Redis, with ruff and mypy
test: lint typecheck pytest

clean:
	rm -rf $(VENV) var staticfiles
