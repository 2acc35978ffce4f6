# The two commands a new user needs: `make run` and `make test`. Both build .venv first.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test test-fast rules-check bench soak package clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (durable-rules does not build on newer versions); set PYTHON=/path/to/python3.11")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	PORT=$(PORT) $(PY) -m scripts.local_stack

test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile -q

test-fast: $(STAMP)
	$(PY) -m pytest -q -x -m "not slow"

rules-check: $(STAMP)
	$(PY) -m chalicelib.rules_engine.cli check

# Performance figures and their targets (not part of `make test`); BENCH="decision --quick" for a part.
bench: $(STAMP)
	$(PY) -m bench $(BENCH)

soak: $(STAMP)
	$(PY) -m scripts.soak

package: $(STAMP)
	$(PY) -m scripts.package

clean:
	rm -rf $(VENV) chalicelib/_bundled build .pytest_cache
