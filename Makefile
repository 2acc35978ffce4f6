# The two commands a new user needs: `make run` and `make test`. Both build .venv first.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test test-fast rules-check rules-source bench soak package clean portal browser-deps

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (durable-rules does not build on newer versions); set PYTHON=/path/to/python3.11")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# The web portal (portal/): npm packages from the lock file, bundled by esbuild into chalicelib/_portal/
# (not committed; Chalice packages it). Rebuilt only when a source or the lock file changed.
PORTAL_STAMP := chalicelib/_portal/index.html
PORTAL_SOURCES := $(shell find portal/src -type f 2>/dev/null) portal/build.mjs portal/package-lock.json

portal/node_modules/.installed: portal/package.json portal/package-lock.json
	cd portal && npm ci --no-audit --no-fund
	touch $@

$(PORTAL_STAMP): portal/node_modules/.installed $(PORTAL_SOURCES)
	cd portal && node build.mjs

portal: $(PORTAL_STAMP)

# The browser tests need Debian's chromium and a CJK font: installed when missing and root,
# otherwise tests/e2e/test_portal.py skips saying what to install.
browser-deps:
	@if ! { command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi 'wqy\|noto sans cjk'; }; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei \
				|| echo "browser tests will skip: apt-get could not install chromium and fonts-wqy-zenhei"; \
		else echo "browser tests will skip: install chromium and fonts-wqy-zenhei (apt-get, as root)"; fi; \
	fi

run: $(STAMP) portal
	PORT=$(PORT) $(PY) -m scripts.local_stack

test: $(STAMP) portal browser-deps
	$(PY) -m pytest -n 2 --dist loadfile -q

test-fast: $(STAMP)
	$(PY) -m pytest -q -x -m "not slow"

rules-check: $(STAMP)
	$(PY) -m chalicelib.rules_engine.cli check

# The Python a ruleset version runs as on the request path: RULESET=enterprise_size or first_loan_subsidy@2023.1
rules-source: $(STAMP)
	@$(PY) -m chalicelib.rules_engine.cli source $(RULESET)

# Performance figures and their targets (not part of `make test`); BENCH="decision --quick" for a part.
bench: $(STAMP)
	$(PY) -m bench $(BENCH)

soak: $(STAMP)
	$(PY) -m scripts.soak

package: $(STAMP) portal
	$(PY) -m scripts.package

clean:
	rm -rf $(VENV) chalicelib/_bundled chalicelib/_portal portal/node_modules build .pytest_cache
