# PolicyHub developer commands. `make help` lists them.
# Every target does its own set-up, so each works on a fresh clone.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every package `make venv` installs, pinned with its hashes (pip-tools; `make lock` writes it).
LOCK := requirements/lock.txt
LOCK_TOOLS := .venv-lock
MANAGE := $(BIN)/python manage.py
GUNICORN_CONF := src/policyhub/config/gunicorn.conf.py

.PHONY: help venv lock run serve test lint fmt typecheck migrations-check pytest bench clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

venv: $(STAMP) ## create .venv and install requirements/lock.txt (hash-checked), then the project itself (only when pyproject.toml, the lock or the C sources changed)

# What `make venv` and `make run` need from Debian 12 (scripts/ensure-debian-packages installs only
# the missing ones, so with everything present it costs a few dpkg-query calls): python3-venv for
# `python3 -m venv`, WeasyPrint's Pango, and the Noto CJK font the PDFs embed.
DEBIAN_PACKAGES := python3-venv libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk

# The lock holds the dependencies and the [dev] and [scale] extras; the project goes in after
# them without resolving anything (--no-deps), so what is installed is exactly the lock.
$(STAMP): pyproject.toml $(LOCK)
	scripts/ensure-debian-packages $(DEBIAN_PACKAGES)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# pip-compile keeps the pins already in the lock and adds what pyproject.toml asks for anew;
# `make lock UPGRADE=1` moves every pin to the newest release the bounds allow. It resolves for
# the interpreter it runs on (3.11, CI's); tests/config/test_lock.py checks pyproject and the
# lock agree.
UPGRADE ?=
lock: ## regenerate requirements/lock.txt from pyproject.toml (pip-compile --generate-hashes; UPGRADE=1 to move every pin up)
	test -x $(LOCK_TOOLS)/bin/python || $(PYTHON) -m venv $(LOCK_TOOLS)
	$(LOCK_TOOLS)/bin/python -m pip install --quiet 'pip-tools>=7.5'
	$(LOCK_TOOLS)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links --extra dev --extra scale \
	  $(if $(UPGRADE),--upgrade) --output-file $(LOCK) pyproject.toml

# `make run PORT=8100` serves on another port. The demo happens on DEMO_TODAY (POLICYHUB_TODAY,
# policyhub.clock): inside the fund's budget years, the day the demo's last ended notices can be
# approved (demo/applications.py's TODAY); `make run DEMO_TODAY=` runs on the real day instead.
PORT ?= 8000
DEMO_TODAY ?= 2022-07-04
run: venv ## install the Debian packages it needs if missing, migrate, load the demo into an empty database (docs/demo.md), serve it on 127.0.0.1:$(PORT) (default 8000) with the demo day fixed
	scripts/ensure-debian-packages $(DEBIAN_PACKAGES)
	POLICYHUB_DEBUG=1 $(MANAGE) migrate --no-input
	POLICYHUB_DEBUG=1 $(MANAGE) load_demo --if-empty
	POLICYHUB_DEBUG=1 POLICYHUB_TODAY=$(DEMO_TODAY) $(MANAGE) runserver 127.0.0.1:$(PORT)

serve: venv ## run the production server (gunicorn, src/policyhub/config/gunicorn.conf.py)
	$(MANAGE) migrate --no-input
	$(MANAGE) collectstatic --no-input --verbosity 0
	$(BIN)/gunicorn -c $(GUNICORN_CONF)

# The two suites run side by side, one per core (CI has two): in a row they took 1,800 s of
# CI's 30 minutes. Everything that installs (venv, Chromium, PostgreSQL) runs before them, so
# no two apt-get ever race. --output-sync prints each suite's output whole when it ends.
test: lint typecheck migrations-check browsers ## everything CI runs: ruff, mypy, migrations check, then the suite on SQLite and its database tests on PostgreSQL side by side (browser tests in Chromium)
	scripts/ensure-postgres >/dev/null
	$(MAKE) -j2 --output-sync=target pytest pytest-pg

lint: venv ## ruff check
	$(BIN)/ruff check .

fmt: venv ## ruff format and fix what ruff can fix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: venv ## mypy --strict (with django-stubs) on the package and the benchmarks
	$(BIN)/mypy -p policyhub -p bench

migrations-check: venv ## fail when a model change has no migration
	$(MANAGE) makemigrations --check --dry-run

pytest: venv browsers ## the test suite (fails when no test is collected)
	$(BIN)/python -m pytest

.PHONY: pytest-pg
pytest-pg: venv browsers ## the suite's database tests again on PostgreSQL (--database-only: tests/conftest.py; scripts/ensure-postgres starts a server on 127.0.0.1)
	url=$$(scripts/ensure-postgres); DATABASE_URL=$$url $(BIN)/python -m pytest --database-only

# Python 3.12: pyenv's (these machines have 3.11 as python3, and pyenv's 3.12 beside it), else
# python3.12 on PATH. Not part of `make test`: CI runs the suite twice on 3.11 already.
PY312 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) \
	$(shell command -v python3.12 2>/dev/null))
VENV312 := .venv312
STAMP312 := $(VENV312)/.installed

$(STAMP312): pyproject.toml $(LOCK)
	@test -n "$(PY312)" || { echo "test-py312: no Python 3.12 found (pyenv install 3.12, or PY312=/path/to/python3.12)"; exit 1; }
	test -x $(VENV312)/bin/python || $(PY312) -m venv $(VENV312)
	$(VENV312)/bin/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(VENV312)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

.PHONY: test-py312
test-py312: $(STAMP312) browsers ## the test suite on Python 3.12 (pyenv's) on SQLite, in .venv312 from the same lock (not part of `make test`)
	env -u DATABASE_URL $(VENV312)/bin/python -m pytest

bench: venv ## the benchmarks: one table on screen and in build/bench.md
	$(BIN)/python -m bench

.PHONY: browsers messages
browsers: ## Debian chromium and CJK fonts for the browser and PDF tests (installs only what is missing)
	scripts/ensure-browsers

messages: venv ## compile src/policyhub/locale/*/LC_MESSAGES/django.po (commit the .mo it writes)
	scripts/ensure-debian-packages gettext
	cd src/policyhub && ../../$(BIN)/django-admin compilemessages --ignore '*/site-packages/*'

clean: ## remove caches and build output (keeps .venv and var/)
	rm -rf build .pytest_cache .mypy_cache .ruff_cache src/*.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
