# The two commands a newcomer needs: `make run` and `make test`. Only Python 3.11+ assumed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# npm packages pinned in package-lock.json (axe-core for the browser tests), installed by `npm ci`.
NODE_STAMP := node_modules/.package-lock.json

.PHONY: run test demo lint format migrate sweep clean lock

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Rebound needs Python 3.11 or newer; this is " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

## run: set up, migrate, then run web + Celery worker + Celery beat in the foreground (Ctrl-C stops all)
# Settings come from the shell environment; .env belongs to docker compose (production
# values), so honcho is told not to load it.
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start --env /dev/null --no-prefix -p $(PORT) 2>&1 || test $$? -eq 130

## test: lint, check the apps' import layers and that migrations are complete, run every test
test: $(STAMP) $(NODE_STAMP)
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
	rm -rf $(VENV) var node_modules

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
