# The two commands a new user runs (see README.md):
#   make demo   install cybertnoc into .venv and run the demo (brief in demo-output/brief.html)
#   make test   install the test dependencies into .venv and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= demo-output
LINT   := src tests $(wildcard benchmarks)

.PHONY: demo test lint format clean install install-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

demo: install
	$(BIN)/cybertnoc demo --out $(OUT)

test: install-test
	$(BIN)/ruff check $(LINT)
	$(BIN)/ruff format --check $(LINT)
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check $(LINT)

format: install-test
	$(BIN)/ruff format $(LINT)
	$(BIN)/ruff check --fix $(LINT)

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
