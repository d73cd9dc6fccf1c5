# The two commands a newcomer runs: `make demo` and `make test`. Both build .venv from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed


.PHONY: install test test-slow lint unit integration demo run servers-stop bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q

# The default demo five times in a row with five seeds (about 13 minutes).
test-slow: $(STAMP)
	$(BIN)/pytest -q -m slow

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

integration: $(STAMP)
	$(BIN)/pytest -q tests/integration

demo: $(STAMP)
	$(BIN)/python -m sandbox demo $(ARGS)

# The Procfile's processes under honcho, against the configured or the embedded servers.
run: $(STAMP)
	$(BIN)/python -m sandbox run

servers-stop: $(STAMP)
	$(BIN)/python -m sandbox servers stop

# Every benchmark: pairing speed and quality beside the two baselines, the ladder simulation, a whole wave,
# notification, joining, memory. Writes bench/results/latest.json, docs/BENCHMARKS.md and docs/bench/*.png
# (about 15 minutes on 2 cores; `ARGS=--quick` for a few minutes, written under .state/bench-quick/).
bench: $(STAMP)
	$(BIN)/python -m bench $(ARGS)
	$(BIN)/python -m bench.leaderboard

clean:
	-$(BIN)/python -m sandbox servers stop
	rm -rf $(VENV) .state .mypy_cache .ruff_cache .pytest_cache .hypothesis
