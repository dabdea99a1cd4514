# Two commands set everything up on a fresh machine with Python 3.11:
#   make run   - virtualenv, dependencies, migrations, demo practice, server on 127.0.0.1:5000
#   make test  - the same set-up, then the whole test-suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app tracker
PYTEST_WORKERS ?= 2

.PHONY: run test setup system-packages install migrate seed lint format bench throughput translations compile-translations clean

run: setup
	$(FLASK) run --host 127.0.0.1 --port 5000

test: setup
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -n $(PYTEST_WORKERS)

setup: system-packages seed compile-translations

# WeasyPrint (PDF reports) needs Pango and HarfBuzz's subsetter (font subsetting; without
# it WeasyPrint warns, and warnings are errors in the tests) from the system; the browser
# tests need Chromium (optional: they are skipped with a message when it is missing). As
# root on Debian the packages are installed; otherwise the command to run is printed.
PDF_LIBS := $(shell ldconfig -p 2>/dev/null | grep -o -e 'libpango-1.0.so.0' -e 'libharfbuzz-subset.so.0' | sort -u | wc -l)
system-packages:
	@if [ "$(PDF_LIBS)" -lt 2 ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Pango and HarfBuzz for PDF reports (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; \
	  else \
	    echo "PDF reports need Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"; exit 1; \
	  fi; \
	fi

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

# Every page's throughput as a share of a Flask hello-world's (about 45 minutes with
# wrk; `apt-get install wrk`, otherwise a Python load client). See README "Speed".
throughput: setup
	$(BIN)/python benchmarks/throughput.py $(THROUGHPUT_ARGS)

# Refresh the template and the German catalogue after changing user-facing strings.
# --ignore-dirs: pybabel skips directories starting with '_' by default (templates/_macros).
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --ignore-dirs ".* __pycache__" --no-location --sort-output -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -l de --no-fuzzy-matching

compile-translations: install
	$(BIN)/pybabel compile -d translations --statistics

clean:
	rm -rf $(VENV) .pytest_cache
