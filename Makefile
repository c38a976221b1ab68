# Setia: `make run` and `make test` are all a fresh machine needs (Python 3.11+ and make).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install compiled-messages run test lint format messages clean

install: $(STAMP)

# Re-installs when the dependency pins change; otherwise a no-op.
$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Setia needs Python 3.11 or newer; $(PYTHON) is " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

compiled-messages: $(STAMP)
	@$(BIN)/python scripts/compile_messages.py

run: install compiled-messages
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py load_demo
	@echo
	@echo "  Setia is starting on http://127.0.0.1:$(PORT)/"
	@echo "  Demo logins are listed above (password: setia-demo)."
	@echo
	@# The job runner (imports, sends, the schedule) runs beside the web server and stops with it.
	@DEBUG=$${DEBUG:-1} $(BIN)/python manage.py run_jobs & runner=$$!; \
	trap 'kill $$runner 2>/dev/null; wait $$runner 2>/dev/null' EXIT INT TERM; \
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install compiled-messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext (xgettext); only for developers who add strings.
messages: install
	$(BIN)/python manage.py makemessages --locale id --locale en --no-obsolete --ignore ".venv/*" --ignore "staticfiles/*"
	$(BIN)/python scripts/compile_messages.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm
