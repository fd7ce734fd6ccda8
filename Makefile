# ejournal: one command from raw data to the KS2 appendices. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= 2
LAB_ARGS ?=

.PHONY: help setup appendices factsheets test test-fast test-slow lint lock lab list clean benchmark benchmark-compare docs
.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

setup: $(STAMP) ## Create .venv with exactly the locked versions, install the project, register the kernel and hooks

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name ejournal --display-name "ejournal (Python 3)" >/dev/null
	@if [ -d .git ]; then git config --unset-all core.hooksPath || true; $(BIN)/pre-commit install >/dev/null; fi
	@touch $(STAMP)

appendices: setup ## Run every notebook on the embedded data and write reports/ (incremental)
	$(BIN)/ejournal run --jobs $(JOBS)

factsheets: setup ## A factsheet (HTML + PDF) per municipality outside Midt-Norge, and an index
	$(BIN)/ejournal factsheets --jobs $(JOBS)

test: setup ## The test suite with doctests and the end-to-end run, in parallel (pytest-xdist), without the tests marked slow
	$(BIN)/python -m pytest -m "not slow"

test-fast: setup ## The test suite without the end-to-end pipeline runs
	$(BIN)/python -m pytest -m "not slow and not e2e"

test-slow: setup ## The end-to-end tests too slow for make test (forced re-run, kills, interactive run; CI runs them)
	$(BIN)/python -m pytest -m slow

lint: setup ## ruff (lint and format check) over the library, tests, benchmarks and notebooks; the library's types (mypy) and layers (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

lock: ## Update requirements.lock from the ranges in pyproject.toml (exact versions with hashes)
	$(BIN)/uv pip compile pyproject.toml --extra test --extra dev --extra build --generate-hashes \
		--python-version 3.11 --python-platform x86_64-unknown-linux-gnu --upgrade -o requirements.lock

docs: setup ## The API reference from the library's docstrings (pdoc), in build/api/index.html
	$(BIN)/pdoc --docformat restructuredtext -o build/api ejournal_lib $$($(BIN)/python -c "import pkgutil, ejournal_lib as e; \
		print(*(m.name for m in pkgutil.walk_packages(e.__path__, 'ejournal_lib.')))")

lab: setup ## JupyterLab at the project root with the project kernel (extra options: LAB_ARGS="--port 8890")
	$(BIN)/jupyter lab --notebook-dir=. --MappingKernelManager.default_kernel_name=ejournal $(LAB_ARGS)

list: setup ## The notebooks and what they read and write
	$(BIN)/ejournal list

benchmark: setup ## Time the fast paths against baselines in the same run, record the ratios, compare with the record
	$(BIN)/python benchmarks/bench_cba.py
	$(BIN)/python benchmarks/bench_factsheets.py --all
	$(BIN)/python benchmarks/bench_sweep.py
	$(BIN)/python benchmarks/bench_municipal_risk.py
	$(BIN)/python benchmarks/bench_voi.py
	$(BIN)/python benchmarks/bench_disclosure.py
	$(BIN)/python benchmarks/bench_staging.py
	$(BIN)/python benchmarks/bench_suite.py
	$(BIN)/python benchmarks/record.py collect
	$(BIN)/python benchmarks/record.py compare

benchmark-compare: setup ## Compare the latest benchmark run with the committed record (ratios > 25 % worse fail)
	$(BIN)/python benchmarks/record.py compare

clean: ## Delete data/processed and reports (raw data is never touched)
	$(BIN)/ejournal clean
