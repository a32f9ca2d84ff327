# The two commands a new user runs (see README.md):
#   make demo   install cybertnoc into .venv and run the demo (brief in demo-output/brief.html)
#   make test   install the test dependencies into .venv and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= demo-output
LINT   := src tests $(wildcard benchmarks)

.PHONY: demo test lint format clean install install-test browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

demo: install
	$(BIN)/cybertnoc demo --out $(OUT)

test: install-test browser
	$(BIN)/ruff check $(LINT)
	$(BIN)/ruff format --check $(LINT)
	$(BIN)/python -m pytest

# Headless Chromium (Debian's `chromium`) for the tests that open the brief in a real browser.
# Installed when missing and we may use apt-get; otherwise those tests skip (and fail in CI).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	  else echo "chromium is missing and apt-get needs root: apt-get install chromium" >&2; exit 0; fi; \
	  echo "installing Debian's chromium for the browser tests..." >&2; \
	  $$SUDO apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null \
	  || echo "could not install chromium; the browser tests will say so" >&2; }

lint: install-test
	$(BIN)/ruff check $(LINT)

format: install-test
	$(BIN)/ruff format $(LINT)
	$(BIN)/ruff check --fix $(LINT)

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
