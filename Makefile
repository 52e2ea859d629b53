# The two commands: `make run` and `make test`. Both create .venv and install what they need.
# `make serve` runs the app as in production (gunicorn, DEBUG off); `make backup` / `make restore FILE=...` save and
# restore the database.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Tests always use the test settings (fast password hasher); DATABASE_URL picks the database.
TEST_ENV := DJANGO_SETTINGS_MODULE=config.test_settings

.PHONY: run test lint format bench install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# DEBUG is off unless set: local use turns it on here (and so gets the demo accounts).
# The background-task worker (django-tasks' database backend: fits of FSRS parameters) runs beside the
# server and is stopped when the server stops (Ctrl+C, or an error), by the trap.
run: export DEBUG = True
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/), with a task worker"
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# pytest exits non-zero (5) when it collects no tests, so an empty run fails here too.
# pytest-xdist runs the tests on every core (TEST_WORKERS=0 runs them in one process, e.g. to debug).
TEST_WORKERS ?= auto
test: install-dev
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/pytest -n $(TEST_WORKERS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# As in production: DEBUG off, so a real SECRET_KEY and ALLOWED_HOSTS are required (said first, before anything runs);
# static files collected (hashed, compressed, served by WhiteNoise), migrations applied, then gunicorn with
# config/gunicorn.conf.py: WEB_CONCURRENCY workers on HOST:PORT (default 127.0.0.1:8000).
.PHONY: serve
serve: export DEBUG = False
serve: export PORT := $(PORT)
serve:
	@test -n "$$SECRET_KEY" || { echo "make serve: SECRET_KEY is not set. DEBUG is off here, so the app needs a real key:" \
		"SECRET_KEY=\$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))') make serve" >&2; exit 2; }
	@$(MAKE) --no-print-directory --silent install
	@$(BIN)/python -m config.preflight
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py migrate --noinput
	exec $(BIN)/gunicorn --config config/gunicorn.conf.py config.wsgi

# The database (DATABASE_URL, as the app uses it) to backups/<UTC time>.sqlite3 or .dump, and back. restore asks
# before it replaces anything; it refuses without FILE.
.PHONY: backup restore
backup: install
	$(BIN)/python manage.py backup_db

restore:
	@test -n "$(FILE)" || { echo "make restore: say which backup to restore: make restore FILE=backups/<time>.sqlite3 (or .dump)" >&2; exit 2; }
	@$(MAKE) --no-print-directory --silent install
	$(BIN)/python manage.py restore_db "$(FILE)"

bench: install-dev
	$(BIN)/python -m bench

# The load and fault test (bench/load/): a PostgreSQL database of its own and `make serve` with 4 workers, LOAD_USERS
# students (locust) for LOAD_SECONDS, then the review log against the acknowledged ratings; the last line is JSON.
# FAULTS=1 kills a gunicorn worker every 20 s and restarts PostgreSQL once. Only this target installs locust.
$(VENV)/.installed-load: requirements-load.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-load.txt
	touch $@

.PHONY: load
load: $(VENV)/.installed-load
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
