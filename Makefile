# The two commands a newcomer runs: `make demo` and `make test`. Both build .venv from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed


.PHONY: install lock docs messages catalogs test check test-slow lint unit integration demo run servers-stop bench clean

# Installs exactly what requirements.lock pins (`make lock` after changing pyproject.toml's dependencies).
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# The bot's words: each language's .po compiled (never committed), and the test-only pseudo-language generated.
PO_FILES := $(wildcard bot/locales/*/LC_MESSAGES/bot.po)
CATALOGS := bot/locales/.compiled
$(CATALOGS): $(STAMP) $(PO_FILES) bot/locales/bot.pot bot/pseudo.py
	$(BIN)/python -m bot.catalog_build compile
	touch $(CATALOGS)

catalogs: $(CATALOGS)

install: $(STAMP) $(CATALOGS)

# After changing a text in the code: bot/locales/bot.pot extracted again, every .po brought up to it (a new
# text has an empty translation until someone writes it; `make test` says which).
messages: $(STAMP)
	$(BIN)/python -m bot.catalog_build extract

# Pins every dependency (runtime and the dev, sandbox and bench extras) to the newest release the ranges allow.
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --upgrade --extra dev --extra sandbox --extra bench --strip-extras \
		--no-emit-find-links --no-emit-index-url --no-emit-trusted-host -o requirements.lock pyproject.toml

# docs/CONFIGURATION.md, from the settings class.
docs: $(STAMP)
	$(BIN)/python -m db.configuration_doc

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The whole suite but the slow demo runs: what CI runs (about 10 minutes).
test: lint $(CATALOGS)
	$(BIN)/pytest -q

# Lint, then the unit and integration tests, not the end-to-end ones (about two minutes).
check: lint $(CATALOGS)
	$(BIN)/pytest -q -m '(unit or integration) and not slow'

# The default demo five times in a row with five seeds (about 13 minutes).
test-slow: $(STAMP) $(CATALOGS)
	$(BIN)/pytest -q -m slow

unit: $(STAMP) $(CATALOGS)
	$(BIN)/pytest -q -m 'unit and not slow'

integration: $(STAMP) $(CATALOGS)
	$(BIN)/pytest -q -m 'integration and not slow'

demo: $(STAMP) $(CATALOGS)
	$(BIN)/python -m sandbox demo $(ARGS)

# The Procfile's processes under honcho, against the configured or the embedded servers.
run: $(STAMP) $(CATALOGS)
	$(BIN)/python -m sandbox run

servers-stop: $(STAMP)
	$(BIN)/python -m sandbox servers stop

# Every benchmark: pairing speed and quality beside the two baselines, the ladder simulation, a whole wave,
# notification, joining, memory, the leaderboard and the charts. Writes bench/results/*.json, docs/BENCHMARKS.md,
# docs/bench/*.png and docs/charts/*.png
# (BENCHMARKS.md's first lines give each section's time when it last ran; `ARGS=--quick` for a few minutes,
# written under .state/bench-quick/).
bench: $(STAMP) $(CATALOGS)
	$(BIN)/python -m bench $(ARGS)
	$(BIN)/python -m bench.leaderboard
	$(BIN)/python -m bench.charts

clean:
	-$(BIN)/python -m sandbox servers stop
	rm -rf $(VENV) .state .mypy_cache .ruff_cache .pytest_cache .hypothesis
