# Two entry points on a fresh machine: `make serve` and `make test`.
# Each installs what it needs on first use: the virtual environment, the query page's
# browser assets (npm), and for the tests a headless Chromium (Debian package, as root).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
UI_ASSETS := publisher/efop/static/yasgui/VERSION

.PHONY: serve test validate build lint browser bench clean

$(BIN)/efop: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/efop

$(UI_ASSETS): package.json package-lock.json scripts/install-ui.sh
	bash scripts/install-ui.sh

# Headless Chromium for the browser tests; installed from Debian's packages when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not installed and not root: browser tests will be skipped"; fi; }

serve: $(BIN)/efop $(UI_ASSETS)
	$(BIN)/efop serve --host $(HOST) --port $(PORT)

validate: $(BIN)/efop
	$(BIN)/efop validate

build: $(BIN)/efop
	$(BIN)/efop build

lint: $(BIN)/efop
	$(BIN)/ruff check publisher tests bench

test: $(BIN)/efop $(UI_ASSETS) browser lint
	$(BIN)/python -m pytest

# The benchmark (long: see bench/README.md); wrk from Debian's packages when missing.
bench: $(BIN)/efop
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var node_modules publisher/efop/static/yasgui
