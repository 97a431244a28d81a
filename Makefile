# The two commands of the README: `make demo` (the main job) and `make test`.
# Each creates .venv and installs what is missing first (scripts/setup.sh).
PYTHON ?= python3
BIN := .venv/bin
STAMP := .venv/.installed

.PHONY: demo test setup lint bench

demo: $(STAMP)
	$(BIN)/tunesmith compose --out out

test: $(STAMP)
	$(BIN)/ruff check tunesmith tests bench
	$(BIN)/python -m pytest

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock scripts/setup.sh
	PYTHON=$(PYTHON) bash scripts/setup.sh
	touch $@

lint: $(STAMP)
	$(BIN)/ruff check tunesmith tests bench
