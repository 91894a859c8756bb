# Kaoping: `make run` to try it, `make test` to check it. Needs only Python 3.11 and make.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)
export KAOPING_DATA_DIR ?= $(CURDIR)/data

.PHONY: setup run demo-reset test test-postgres lint format bench bench-load bench-ballots loadtest messages mutate clean

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

setup: $(STAMP)
	@$(BIN)/kaoping compiletranslations

run: setup
	$(BIN)/kaoping migrate --noinput
	$(BIN)/kaoping demo --if-empty
	$(BIN)/kaoping serve

demo-reset: setup
	$(BIN)/kaoping migrate --noinput
	$(BIN)/kaoping demo --reset

test: setup
	$(BIN)/kaoping makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: setup
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kaoping} $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check kaoping conftest.py
	$(BIN)/ruff format --check kaoping conftest.py
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo

format: setup
	$(BIN)/ruff format kaoping conftest.py
	$(BIN)/ruff check --fix kaoping conftest.py

# The city-scale benchmark (docs/performance.md): once on SQLite in a throw-away data directory, once on
# a throw-away PostgreSQL database; nothing is written to the repository. BENCH_ARGS="--towns 5" to try it.
BENCH_ARGS ?=
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
BENCH_PG_DB ?= kaoping_bench

bench: setup
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	export KAOPING_DATA_DIR="$$tmp"; unset DATABASE_URL; \
	echo "== SQLite, in $$tmp"; \
	$(BIN)/kaoping migrate --noinput -v0; \
	$(BIN)/kaoping bench $(BENCH_ARGS)
	@set -e; tmp=$$(mktemp -d); \
	createdb --maintenance-db="$(BENCH_PG)/postgres" $(BENCH_PG_DB); \
	trap 'dropdb --maintenance-db="$(BENCH_PG)/postgres" $(BENCH_PG_DB); rm -rf "$$tmp"' EXIT; \
	export KAOPING_DATA_DIR="$$tmp" DATABASE_URL="$(BENCH_PG)/$(BENCH_PG_DB)"; \
	echo "== PostgreSQL, database $(BENCH_PG_DB)"; \
	$(BIN)/kaoping migrate --noinput -v0; \
	$(BIN)/kaoping bench $(BENCH_ARGS)

# The published month's pages under concurrent load (docs/performance.md): wrk (else locust) against `kaoping serve`
# on loopback, on a throw-away SQLite data directory and a throw-away PostgreSQL database.
BENCH_LOAD_ARGS ?=
BENCH_LOAD_PG_DB ?= kaoping_bench_load
# The loopback port of the server under load (0: a free one); a fixed one when ports are shared out.
BENCH_LOAD_PORT ?= 0

bench-load: setup
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
	  echo "wrk is not installed (Debian: apt-get install wrk): locust loads the pages instead"
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	export KAOPING_DATA_DIR="$$tmp"; unset DATABASE_URL; \
	echo "== SQLite, in $$tmp"; \
	$(BIN)/kaoping migrate --noinput -v0; \
	$(BIN)/kaoping benchload --port $(BENCH_LOAD_PORT) $(BENCH_LOAD_ARGS)
	@set -e; tmp=$$(mktemp -d); \
	createdb --maintenance-db="$(BENCH_PG)/postgres" $(BENCH_LOAD_PG_DB); \
	trap 'dropdb --maintenance-db="$(BENCH_PG)/postgres" $(BENCH_LOAD_PG_DB); rm -rf "$$tmp"' EXIT; \
	export KAOPING_DATA_DIR="$$tmp" DATABASE_URL="$(BENCH_PG)/$(BENCH_LOAD_PG_DB)"; \
	echo "== PostgreSQL, database $(BENCH_LOAD_PG_DB)"; \
	$(BIN)/kaoping migrate --noinput -v0; \
	$(BIN)/kaoping benchload --port $(BENCH_LOAD_PORT) $(BENCH_LOAD_ARGS)

# The ballot benchmark (docs/performance-ballots.md): a whole town votes at once against `kaoping serve`
# on loopback, on a throw-away SQLite data directory and a throw-away PostgreSQL database.
BENCH_BALLOTS_ARGS ?= --server 2x4 --server 4x4
BENCH_BALLOTS_PG_DB ?= kaoping_bench_ballots

bench-ballots: setup
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	export KAOPING_DATA_DIR="$$tmp"; unset DATABASE_URL; \
	echo "== SQLite, in $$tmp"; \
	$(BIN)/kaoping migrate --noinput -v0; \
	$(BIN)/kaoping benchballots $(BENCH_BALLOTS_ARGS)
	@set -e; tmp=$$(mktemp -d); \
	createdb --maintenance-db="$(BENCH_PG)/postgres" $(BENCH_BALLOTS_PG_DB); \
	trap 'dropdb --maintenance-db="$(BENCH_PG)/postgres" $(BENCH_BALLOTS_PG_DB); rm -rf "$$tmp"' EXIT; \
	export KAOPING_DATA_DIR="$$tmp" DATABASE_URL="$(BENCH_PG)/$(BENCH_BALLOTS_PG_DB)"; \
	echo "== PostgreSQL, database $(BENCH_BALLOTS_PG_DB)"; \
	$(BIN)/kaoping migrate --noinput -v0; \
	$(BIN)/kaoping benchballots $(BENCH_BALLOTS_ARGS)

# The load test (docs/performance.md): a town's 300 cadres browsing, scorers saving grids, the office
# publishing a month and the whole town voting, at once, against `kaoping serve` on loopback; on a throw-away
# SQLite data directory, then a throw-away PostgreSQL database with 4 app processes. LOAD_TIME seconds each;
# it prints p50/p95/p99 and errors per request, then PASS or FAIL per target (fails if any is not met).
LOAD_TIME ?= 150
LOAD_ARGS ?=
LOAD_PG_DB ?= kaoping_load_run
LOAD_PORT ?= 0

loadtest: setup
	@status=0; tmp=$$(mktemp -d); \
	echo "== SQLite, in $$tmp"; \
	( export KAOPING_DATA_DIR="$$tmp"; unset DATABASE_URL; \
	  $(BIN)/kaoping migrate --noinput -v0 && \
	  $(BIN)/kaoping loadtest --run-time $(LOAD_TIME) --port $(LOAD_PORT) $(LOAD_ARGS) ) || status=1; \
	rm -rf "$$tmp"; tmp=$$(mktemp -d); \
	echo "== PostgreSQL, database $(LOAD_PG_DB)"; \
	createdb --maintenance-db="$(BENCH_PG)/postgres" $(LOAD_PG_DB) || exit 1; \
	( export KAOPING_DATA_DIR="$$tmp" DATABASE_URL="$(BENCH_PG)/$(LOAD_PG_DB)"; \
	  $(BIN)/kaoping migrate --noinput -v0 && \
	  $(BIN)/kaoping loadtest --run-time $(LOAD_TIME) --port $(LOAD_PORT) $(LOAD_ARGS) ) || status=1; \
	dropdb --maintenance-db="$(BENCH_PG)/postgres" --force $(LOAD_PG_DB); rm -rf "$$tmp"; \
	exit $$status

# Mutation testing of the pure modules with their own tests (docs/testing.md); not part of `make test`.
# [tool.mutmut] in pyproject.toml names the modules and the tests. Bounded: it stops after MUTATE_TIME
# seconds, and a later run carries on where it stopped (the state is kept in mutants/).
MUTATE_TIME ?= 5400

mutate: setup
	-timeout --foreground $(MUTATE_TIME) $(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results

messages: setup
	cd kaoping && ../$(BIN)/kaoping makemessages -l zh_Hans --no-obsolete --no-location
	$(BIN)/kaoping compiletranslations

clean:
	rm -rf $(VENV) build *.egg-info
