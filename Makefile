# Two entry points on a fresh machine: `make serve` and `make test`.
# Each creates the virtual environment and installs what it needs on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test validate build lint clean

$(BIN)/efop: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/efop

serve: $(BIN)/efop
	$(BIN)/efop serve --host $(HOST) --port $(PORT)

validate: $(BIN)/efop
	$(BIN)/efop validate

build: $(BIN)/efop
	$(BIN)/efop build

test: $(BIN)/efop
	$(BIN)/ruff check publisher tests
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build var
