# Kaoping: `make run` to try it, `make test` to check it. Needs only Python 3.11 and make.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)
export KAOPING_DATA_DIR ?= $(CURDIR)/data

.PHONY: setup run demo-reset test test-postgres lint format bench messages clean

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

format: setup
	$(BIN)/ruff format kaoping conftest.py
	$(BIN)/ruff check --fix kaoping conftest.py

messages: setup
	cd kaoping && ../$(BIN)/kaoping makemessages -l zh_Hans --no-obsolete --no-location
	$(BIN)/kaoping compiletranslations

clean:
	rm -rf $(VENV) build *.egg-info
