# The two commands: `make demo` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SCALE  ?= 0.05

.PHONY: demo test lint install kernel bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (maat-nb)" >/dev/null
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/maat-nb demo --scale $(SCALE)
	$(BIN)/maat-nb run all
	@echo "Reports: $(CURDIR)/reports/index.html"

lint: install
	$(BIN)/ruff check maat_nb tests bench
	$(BIN)/ruff format --check maat_nb tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/profile_vs_ydata.py
	$(BIN)/python bench/profile_vs_scan.py
	$(BIN)/python bench/demo_load.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
