# Two commands set everything up on a fresh machine with Python 3.11:
#   make run   - virtualenv, dependencies, migrations, demo practice, server on 127.0.0.1:5000
#   make test  - the same set-up, then the whole test-suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app tracker
PYTEST_WORKERS ?= 2

.PHONY: run test setup install migrate seed lint format bench translations clean

run: setup
	$(FLASK) run --host 127.0.0.1 --port 5000

test: setup
	$(BIN)/pytest -n $(PYTEST_WORKERS)

setup: seed

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .

bench: setup
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/report_bench.py

translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -o translations/messages.pot .

clean:
	rm -rf $(VENV) .pytest_cache
