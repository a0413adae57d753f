# The two commands a new user runs: `make run` and `make test` (see README.md).
SHELL := /bin/bash

# A Python >= 3.12 (Django 6.1 needs it): PYTHON= overrides; otherwise the first of
# python3.13, python3.12, python3, then pyenv's installed versions, that is new enough.
PYTHON ?= $(shell for c in python3.13 python3.12 python3 \
	$$(ls -d $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	  && { command -v $$c; break; }; done)

VENV := .venv
SOURCES := manage.py bench channels_adapters contactcenter crm outbound routing tests wfm
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

# Two workers more than there are cores: the voice, browser and fault tests spend much of their
# time waiting on real time (audio, timeouts, a restart), which the extra workers fill. On the
# 2-core machine (2026-12-04, the whole suite on PostgreSQL and Redis, no rerun in any run):
# three workers 398-413 s (3 runs; the cores ~66 % busy by process accounting), four 369-370 s
# (2 runs), five 386 s. The audio tests hold up since they run at a raised CPU priority
# (tests/cpu_priority.py); before that, four workers starved them.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 2 )))
# A test that fails in the whole suite runs once more (pytest-rerunfailures); RERUN lines in
# the summary name the flakes, test-output/reruns.log says what went wrong. TEST_RERUNS=0
# turns it off.
TEST_RERUNS ?= 1
HOST ?= 127.0.0.1
PORT ?= 8000
SMTP_PORT ?= 2525

.PHONY: run test test-fast bench soak install lint format system-packages node-packages clean bytecode

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "No Python >= 3.12 found; set PYTHON=/path/to/python3.12" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

# uv installs the project's packages (the same versions pip would choose, in parallel, from a
# cache) and compiles their bytecode (where PYTHONDONTWRITEBYTECODE is set, every process the
# suite starts would compile the libraries again): 34 s on the 2-core machine where pip took
# 81 s, on every new checkout and every CI run. uv reads its own settings (UV_INDEX_URL, ...), not pip's: where only pip is configured
# (a private index in pip.conf), `make install INSTALLER=pip` installs with pip alone.
INSTALLER ?= uv

$(INSTALLED): pyproject.toml | $(BIN)/python
ifeq ($(INSTALLER),pip)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
else
	$(BIN)/pip install --quiet 'uv>=0.9'
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]'
endif
	@touch $@

install: $(INSTALLED)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py serve --host $(HOST) --port $(PORT) --smtp-port $(SMTP_PORT)

# The whole suite, in parallel (a database per worker: pytest-xdist); PYTEST_ARGS adds to it.
# Tests go to the workers two at a time, longest first (tests/conftest.py), so that they end
# together.
test: install system-packages node-packages bytecode
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --maxschedchunk 2 --reruns $(TEST_RERUNS) --durations=40 $(PYTEST_ARGS)

# The suite starts a few hundred Python processes (servers, workers, commands); where
# PYTHONDONTWRITEBYTECODE is set (CI images often do) each would compile our modules again,
# a third of a second apiece. Compiled once here, every one of them reads the bytecode.
bytecode: install
	@$(BIN)/python -m compileall -q -j 0 $(SOURCES) > /dev/null

# Seconds, no database, server or browser: the pure rules (tests/conftest.py --fast).
test-fast: install
	$(BIN)/python -m pytest --fast -q $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench

# Ten minutes of a small floor in Chromium (3 customers, 2 agents, a supervisor); bench/soak.py.
soak: install system-packages
	$(BIN)/python -m bench soak

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis

# Debian packages some tests drive, each as package:a file it installs:the tests that need it
# (the browser tests use Debian's Chromium: Playwright's own download does not work here).
# `make test` installs those missing with apt-get (as root, or by sudo without a password),
# saying which and why first. Where it cannot (not root, no network) it says so in one line
# and those tests skip themselves (tests/system_packages.py); in CI (CI set, as .ci/run does)
# it stops instead, because CI runs every test.
SYSTEM_PACKAGES := chromium:/usr/bin/chromium:tests/browser \
	chromium-headless-shell:/usr/bin/chromium-headless-shell:tests/browser \
	espeak-ng:/usr/bin/espeak-ng:tests/voice/media \
	sox:/usr/bin/sox:tests/voice/media \
	haproxy:/usr/sbin/haproxy:tests/deploy

# Test-only JavaScript (package.json: axe-core, for the accessibility tests); skipped with a
# note where npm is missing or offline, and those tests skip saying so.
node-packages:
	@test -e node_modules/axe-core/axe.min.js || { command -v npm >/dev/null && npm install --no-audit --no-fund --silent || echo "npm install failed: the accessibility tests will skip"; }

system-packages:
	@missing=; needed_by=; \
	for entry in $(SYSTEM_PACKAGES); do \
	  IFS=: read -r package file tests <<< "$$entry"; \
	  test -e "$$file" || { missing="$$missing $$package"; needed_by="$$needed_by $$tests"; }; \
	done; \
	test -n "$$missing" || exit 0; \
	apt="env DEBIAN_FRONTEND=noninteractive apt-get"; reason=; \
	if [ "$$(id -u)" != 0 ]; then \
	  if sudo -n true 2>/dev/null; then apt="sudo -n $$apt"; else reason="not root"; fi; \
	fi; \
	if [ -z "$$reason" ]; then \
	  echo "installing Debian's$$missing with apt-get, for$$needed_by"; \
	  log=$$(mktemp); \
	  if { $$apt update -qq && $$apt install -y -qq$$missing; } >"$$log" 2>&1; then \
	    rm -f "$$log"; exit 0; fi; \
	  reason="apt-get failed: $$(grep -m1 '^[EW]:' "$$log" || tail -1 "$$log"); all of it in $$log"; \
	fi; \
	case "$${CI:-}" in \
	  ""|0|false|no) echo "cannot install$$missing ($$reason): skipping$$needed_by";; \
	  *) echo "cannot install$$missing ($$reason), and CI runs every test" >&2; exit 1;; \
	esac
