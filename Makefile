# ejournal: one command from raw data to the KS2 appendices. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= 2

.PHONY: help setup appendices factsheets test lab list clean benchmark
.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

setup: $(STAMP) ## Create .venv, install the project and its dependencies, register the Jupyter kernel

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name ejournal --display-name "ejournal (Python 3)" >/dev/null
	@if [ -d .git ]; then git config core.hooksPath .githooks; fi
	@touch $(STAMP)

appendices: setup ## Run every notebook on the embedded data and write reports/ (incremental)
	$(BIN)/ejournal run --jobs $(JOBS)

factsheets: setup ## A factsheet (HTML + PDF) per municipality outside Midt-Norge, and an index
	$(BIN)/ejournal factsheets --jobs $(JOBS)

test: setup ## Run the whole test suite
	$(BIN)/python -m pytest

lab: setup ## Start JupyterLab with the project kernel
	$(BIN)/jupyter lab notebooks/

list: setup ## The notebooks and their parameters
	$(BIN)/ejournal list

benchmark: setup ## Time the Monte Carlo and the factsheet batch against plain baselines
	$(BIN)/python benchmarks/bench_cba.py
	$(BIN)/python benchmarks/bench_factsheets.py

clean: ## Delete data/processed and reports (raw data is never touched)
	$(BIN)/ejournal clean
