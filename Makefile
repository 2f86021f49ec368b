# Developer entry points. `make` alone lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Only the directories that exist: api/ and scripts/ arrive over time.
TYPED_DIRS := $(wildcard registry api scripts)

.PHONY: help install build test lint slither demo gas bench soak clean distclean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: $(VENV)/.installed node_modules/.installed $(VENV)/.chromium ## create .venv and node_modules, install chromium (only what changed)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The explorer's browser tests drive Debian's chromium (browsers cannot be downloaded here), with
# a CJK font for the Chinese labels. Without root and apt-get the tests skip, naming why; the
# stamp is written only once chromium is there, so a later `make install` tries again.
CHROMIUM := /usr/bin/chromium
BROWSER_PACKAGES := chromium fonts-wqy-microhei

$(VENV)/.chromium: | $(BIN)/python
	@if [ ! -x $(CHROMIUM) ] && command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get install -y --no-install-recommends $(BROWSER_PACKAGES) \
		|| { apt-get update && apt-get install -y --no-install-recommends $(BROWSER_PACKAGES); }; \
	fi
	@if [ -x $(CHROMIUM) ]; then touch $@; else \
		echo '****************************************************************************'; \
		echo "*** $(CHROMIUM) is missing and apt-get cannot install it here (needs root)."; \
		echo '*** The explorer browser tests will be SKIPPED. Install Debian'"'"'s chromium'; \
		echo '*** package (apt-get install chromium) or set DATARIGHTS_CHROMIUM to run them.'; \
		echo '****************************************************************************'; \
	fi

build: install ## compile the contracts into build/contracts
	$(BIN)/python scripts/build_contracts.py

lint: install ## ruff and mypy --strict
	$(BIN)/ruff check .
	$(if $(TYPED_DIRS),$(BIN)/mypy $(TYPED_DIRS))

test: build ## lint, type-check, then run the whole test suite
	$(BIN)/ruff check .
	$(if $(TYPED_DIRS),$(BIN)/mypy $(TYPED_DIRS))
	$(BIN)/pytest -q -n 2

demo: build ## run the end-to-end demo on a local chain
	$(BIN)/datarights demo

slither: install ## static analysis of contracts/src; fails on unexplained high/medium findings
	$(BIN)/python scripts/slither_check.py

gas: build ## gas used per registry operation
	$(BIN)/python scripts/gas_report.py

bench: build ## all benchmarks, one after another (docs/BENCHMARKS.md); the first run also generates a 1M-asset mirror (minutes)
	$(BIN)/python scripts/bench_registration.py
	$(BIN)/python scripts/bench_hashing.py --size 256M
	$(BIN)/python scripts/bench_indexer.py --events 20000
	$(BIN)/python scripts/bench_lineage.py --reuse
	$(BIN)/python scripts/bench_api.py --reuse

soak: build ## the property-based and fault-injection tests at ten times their CI sizes (long)
	DATARIGHTS_HYPOTHESIS_PROFILE=soak $(BIN)/pytest -q -s -p no:randomly --timeout=0 \
		tests/integration/test_rules_stateful.py tests/integration/test_indexer_faults.py

clean: ## remove build output and tool caches (keeps .venv, node_modules and .datarights)
	rm -rf build test-artifacts .pytest_cache .mypy_cache .ruff_cache *.egg-info
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean ## also remove .venv, node_modules and the local chain data in .datarights
	rm -rf $(VENV) node_modules .datarights
