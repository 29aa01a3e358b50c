# The two commands a newcomer needs: `make run` and `make test`. Only Python 3.11+ assumed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test demo lint format migrate sweep clean lock vendor

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Rebound needs Python 3.11 or newer; this is " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $(STAMP)

## vendor: the JavaScript the tests use (axe-core), from npm, exactly as package-lock.json pins it.
# The app ships no npm package. Without npm (a newcomer's laptop) the browser tests skip the
# accessibility audit; CI (CI=true) needs it.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch $(AXE); \
	elif [ "$${CI:-}" = true ]; then echo "npm is needed to vendor axe-core (apt-get install npm)" >&2; exit 1; \
	else echo "npm not found: the browser tests will skip the axe-core audit"; fi

vendor: $(AXE)

## run: set up, migrate, then run web + Celery worker + Celery beat in the foreground (Ctrl-C stops all)
# Settings come from the shell environment; .env belongs to docker compose (production
# values), so honcho is told not to load it.
run: $(STAMP) vendor
	$(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start --env /dev/null --no-prefix -p $(PORT) 2>&1 || test $$? -eq 130

## test: lint, check the apps' import layers and that migrations are complete, run every test
test: $(STAMP) vendor
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## demo: load a demo data set (a physiotherapist, patients, workouts and logs)
demo: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py link_demo_patients

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

clean:
	rm -rf $(VENV) var node_modules bench/lighthouse/node_modules

## lock: recompile requirements.txt and requirements-dev.txt (every package pinned, with hashes)
## from requirements.in and requirements-dev.in, with pip-tools in a throwaway venv.
# Python 3.11, the version the image runs. Resolves against the package index pip is set up for;
# index and find-links options are kept out of the files. Existing pins are kept where they
# still resolve; `make lock LOCK_ARGS=--upgrade` (or `--upgrade-package NAME`) moves them.
LOCK_PYTHON ?= $(PYTHON)
PIP_TOOLS := pip-tools==7.6.2
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
lock:
	@$(LOCK_PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "make lock compiles with Python 3.11 (the image'"'"'s); this is " + sys.version.split()[0] + ": set LOCK_PYTHON")'
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(LOCK_PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet $(PIP_TOOLS); \
	echo "pip-compile requirements.in -> requirements.txt"; \
	CUSTOM_COMPILE_COMMAND="make lock" "$$tmp/venv/bin/pip-compile" $(LOCK_FLAGS) $(LOCK_ARGS) \
		--output-file requirements.txt requirements.in; \
	echo "pip-compile requirements-dev.in -> requirements-dev.txt"; \
	CUSTOM_COMPILE_COMMAND="make lock" "$$tmp/venv/bin/pip-compile" $(LOCK_FLAGS) $(LOCK_ARGS) \
		--output-file requirements-dev.txt requirements-dev.in
