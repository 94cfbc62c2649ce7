# Two commands: `make run` (set up and serve) and `make test` (set up and test).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 5000
DATABASE_URL_PG ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export FLASK_APP := wsgi
CATALOGS := $(wildcard marketplace/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: run test test-pg test-e2e setup db translations extract-messages bench evaluate clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) translations

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

translations: $(COMPILED)

extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o marketplace/translations/messages.pot marketplace
	$(BIN)/pybabel update -i marketplace/translations/messages.pot -d marketplace/translations

db: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask seed reference
	$(BIN)/flask seed demo

run: db
	@echo "Serving on http://127.0.0.1:$(PORT)"
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: setup
	$(BIN)/python -m pytest -q

test-pg: setup
	TEST_DATABASE_URL="$${DATABASE_URL:-$(DATABASE_URL_PG)}" $(BIN)/python -m pytest -q -p no:randomly

bench: setup
	$(BIN)/python -m marketplace.matching.bench --seekers 100000 --postings 10000 --k 20

evaluate: setup
	$(BIN)/python -m marketplace.matching.evaluate tests/data/eval --k 10 --baselines

clean:
	rm -rf $(VENV) build *.egg-info
