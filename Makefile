# Two commands: `make run` (set up and serve) and `make test` (set up and test).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 5000
# The web, scheduler and CLI processes of `make run` read it (default BASE_URL = http://127.0.0.1:$PORT).
export PORT
DATABASE_URL_PG ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export FLASK_APP := wsgi
CATALOGS := $(wildcard marketplace/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: run test test-pg test-e2e setup db translations extract-messages bench evaluate clean load load-pg

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	# Word vectors for the meaning channel (marketplace/matching/vectors.py reads its files with numpy).
	# --no-deps: its own pins want spaCy and SudachiPy<0.7, neither of which the engine imports.
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -c constraints.txt ja-ginza==5.3.0
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
	$(BIN)/flask match refresh
	$(BIN)/flask seed pipeline

# The scheduler (digests, outbox, expiry, reminders) and a matcher (keeps suggestions fresh)
# run beside the dev server and stop with it. The dev server runs a request's after-answer mail only
# when the browser lets go of the connection, so here the scheduler sends the outbox every 10 s.
run: db
	@echo "Serving on http://127.0.0.1:$(PORT) (scheduler and matcher in the background)"
	@OUTBOX_SEND_INTERVAL_SECONDS=$${OUTBOX_SEND_INTERVAL_SECONDS:-10} $(BIN)/flask scheduler run & scheduler=$$!; \
	$(BIN)/flask match worker & matcher=$$!; \
	trap 'kill $$scheduler $$matcher 2>/dev/null; wait $$scheduler $$matcher 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: setup
	$(BIN)/python -m pytest -q

test-pg: setup
	TEST_DATABASE_URL="$${DATABASE_URL:-$(DATABASE_URL_PG)}" $(BIN)/python -m pytest -q -p no:randomly

# Browser journeys (tests/e2e): Debian's chromium driven by Playwright, axe-core and the W3C Nu HTML
# validator (vnu-jar) from npm, the validator run by Debian's Java 17.
# Never `playwright install`: the browser is the distribution's package. --ignore-scripts: vnu-jar's
# postinstall would download a Java runtime of its own; the distribution's package serves instead.
E2E_NODE := tests/e2e/node
.PHONY: e2e-deps

e2e-deps: $(E2E_NODE)/node_modules/.installed
	@missing=""; \
	command -v chromium >/dev/null || missing="chromium"; \
	command -v java >/dev/null || missing="$$missing openjdk-17-jre-headless"; \
	fc-list :lang=ja 2>/dev/null | grep -q . || missing="$$missing fonts-ipafont-gothic"; \
	if [ -n "$$missing" ]; then apt-get update && apt-get install -y $$missing; fi

$(E2E_NODE)/node_modules/.installed: $(E2E_NODE)/package.json $(E2E_NODE)/package-lock.json
	npm ci --prefix $(E2E_NODE) --no-audit --no-fund --ignore-scripts
	touch $@

test-e2e: setup e2e-deps
	E2E=1 $(BIN)/python -m pytest -q tests/e2e

bench: setup
	$(BIN)/python -m marketplace.matching.bench --seekers 100000 --postings 10000 --k 20

evaluate: setup
	$(BIN)/python -m marketplace.matching.evaluate tests/data/eval --k 10 --baselines
	$(BIN)/python -m marketplace.matching.evaluate tests/data/eval_hard --k 10 --baselines
	$(BIN)/python -m marketplace.matching.evaluate tests/data/eval_hard/holdout --k 10 --baselines
	$(BIN)/python -m marketplace.matching.evaluate tests/data/eval_semantic --k 10 --baselines
	$(BIN)/python -m marketplace.matching.evaluate tests/data/eval_semantic/holdout --k 10 --baselines
	$(BIN)/python -m marketplace.matching.evaluate tests/data/eval_ruletwin --k 10 --baselines

# Security audit: bandit over the application code (accepted findings carry `# nosec` with a reason),
# then pip-audit over every pin of constraints.txt. A vulnerable pin fails; so does a package that
# could not be audited, unless AUDIT_DEPS_ARGS=--allow-unreachable (see scripts/audit_dependencies.py).
AUDIT_DEPS_ARGS ?=
.PHONY: audit audit-code audit-deps

audit: audit-code audit-deps

audit-code: setup
	$(BIN)/bandit -q -r marketplace -c pyproject.toml

audit-deps: setup
	$(BIN)/python scripts/audit_dependencies.py $(AUDIT_DEPS_ARGS)

# Load figures (README, "Load figures"): fresh database with the demo scaled to 10,000 candidates and
# 2,000 postings, gunicorn with 2 workers per core, locust headless. Not part of `make test`.
# Options: LOAD_ARGS="--users 50 --run-time 80s --workers 4"; PostgreSQL server: LOAD_PG_URL.
LOAD_ARGS ?=

load: setup
	$(BIN)/python scripts/load_test.py --database sqlite $(LOAD_ARGS)

load-pg: setup
	$(BIN)/python scripts/load_test.py --database postgresql $(LOAD_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
