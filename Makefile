# ZVP consultation platform. The two commands that matter:
#   make run    install what is missing, migrate, load the demo, serve http://127.0.0.1:5000
#   make test   lint, type check, then the test suite on SQLite and on PostgreSQL
# `make help` lists the rest.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV  := .venv
BIN   := $(VENV)/bin
STAMP := $(VENV)/.setup-stamp

HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=
BENCH_ARGS ?=
MUTATION_MODULES ?=
MUTATION_ARGS ?=
PYTEST := $(BIN)/python -m pytest -n $(PYTEST_WORKERS) -p no:cacheprovider

PYBABEL_KEYWORDS := -k _l -k lazy_gettext -k lazy_ngettext:1,2
LOCALE ?=

# Headless charts, and a writable matplotlib cache outside the home directory.
export MPLBACKEND := Agg
export MPLCONFIGDIR ?= $(or $(TMPDIR),/tmp)/zvp-survey-mpl-$(shell id -u)

.PHONY: help setup run test lint typecheck fmt bench mutation \
        i18n i18n-extract i18n-update i18n-compile i18n-init clean distclean

help:
	@echo "make run           install what is missing, migrate, load the demo, serve on http://$(HOST):$(PORT)"
	@echo "make test          lint, mypy, compile translations, pytest on SQLite, then on PostgreSQL"
	@echo "make setup         run scripts/setup.sh if .venv is missing or pyproject.toml changed"
	@echo "make lint          ruff check + ruff format --check"
	@echo "make typecheck     mypy survey"
	@echo "make fmt           ruff check --fix + ruff format"
	@echo "make bench         run the benchmarks (python -m bench); BENCH_ARGS=\"--quick\" for a smoke run"
	@echo "make mutation      mutation testing of the statistics and privacy core (slow; not in"
	@echo "                   make test); MUTATION_MODULES=\"ranking\" for some modules only,"
	@echo "                   MUTATION_ARGS=\"--minutes 20\" to stop each after 20 minutes"
	@echo "make i18n          extract + update + compile the translation catalogs"
	@echo "make i18n-init LOCALE=de   start a catalog for a new language"
	@echo "make clean         remove caches and compiled catalogs; make distclean also removes .venv"

# scripts/setup.sh writes the hash of pyproject.toml + scripts/setup.sh into the stamp;
# rerun it when that hash changed or the system packages the tests need are gone.
setup:
	@want=$$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1); \
	if [ ! -x $(BIN)/python ] || [ "$$(cat $(STAMP) 2>/dev/null)" != "$$want" ] \
	   || ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null \
	   || ! command -v zbarimg >/dev/null \
	   || ! command -v redis-server >/dev/null || [ ! -x /usr/sbin/nginx ]; then \
		bash scripts/setup.sh; \
	fi

run: export SURVEY_ENV ?= development
run: export SURVEY_PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
run: setup i18n-compile
	$(BIN)/flask --app survey db upgrade
	$(BIN)/flask --app survey demo
	$(BIN)/flask --app survey run --host $(HOST) --port $(PORT)

# The SQLite run includes the browser tests (Chromium); the PostgreSQL run, where the
# test conftest starts a throwaway server through scripts/pgserver.py, skips them.
test: lint typecheck i18n-compile
	env -u SURVEY_TEST_DATABASE $(PYTEST) $(PYTEST_ARGS)
	SURVEY_TEST_DATABASE=postgresql $(PYTEST) -m "not browser" $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy survey

fmt: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench:
	@if [ -f bench/__main__.py ]; then \
		$(MAKE) setup && $(BIN)/python -m bench $(BENCH_ARGS); \
	else \
		echo "no benchmarks yet"; \
	fi

# Slow (minutes per module on two cores), so not part of `make test`; writes
# bench/results/mutation.md. docs/mutation-testing.md says how to read it.
mutation: setup
	$(BIN)/python scripts/mutation.py $(MUTATION_ARGS) $(MUTATION_MODULES)

# --- translations (.mo files are built, never committed) ----------------------
# --no-location keeps diffs of messages.pot and the .po files small and stable.
i18n: i18n-extract i18n-update i18n-compile

i18n-extract: setup
	mkdir -p translations
	$(BIN)/pybabel extract -F babel.cfg $(PYBABEL_KEYWORDS) --no-location \
		--ignore-dirs '.* ._ node_modules instance' -o translations/messages.pot .

i18n-update: setup
	$(BIN)/pybabel update -i translations/messages.pot -d translations \
		--no-fuzzy-matching --ignore-obsolete

i18n-compile: setup
	@if [ -d translations ] && find translations -name '*.po' -print -quit | grep -q .; then \
		echo "$(BIN)/pybabel -q compile -d translations -f"; \
		$(BIN)/pybabel -q compile -d translations -f; \
	fi

i18n-init: setup
	@[ -n "$(LOCALE)" ] || { echo "usage: make i18n-init LOCALE=xx" >&2; exit 2; }
	$(BIN)/pybabel init -i translations/messages.pot -d translations -l $(LOCALE)

clean:
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	find translations -name '*.mo' -delete 2>/dev/null || true
	rm -rf .mypy_cache .ruff_cache .pytest_cache test-results build dist *.egg-info
	rm -rf "$(MPLCONFIGDIR)"

distclean: clean
	rm -rf $(VENV)
