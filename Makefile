# Two commands are all a new user needs: `make run` and `make test`.
# The first use creates .venv with the standard library's venv and installs into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# setuptools warns on every editable install of a project laid out like this one (bot/ and
# adapters/ at the top); the warning says nothing a user of `make run` can act on.
PIP := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip
TEST_INSTALLED := $(VENV)/.installed-test

.PHONY: run test lint bench clean

# Setting up is quiet otherwise for half a minute or more, so one line on stderr says why;
# once installed, nothing is printed (stdout stays the bot's, for pipes).
$(INSTALLED): pyproject.toml
	@if test -x $(BIN)/python; then \
		echo "Updating Take or Pass in .venv (pyproject.toml changed)…" >&2; \
	else \
		echo "Setting up .venv and installing Take or Pass (first run only, about a minute)…" >&2; \
		$(PYTHON) -m venv $(VENV); \
	fi
	@$(PIP) install --quiet --upgrade pip
	@$(PIP) install --quiet -e .
	@touch $@

$(TEST_INSTALLED): $(INSTALLED)
	@echo "Installing the test tools (pytest, ruff, mypy) into .venv…" >&2
	@$(PIP) install --quiet -e '.[test]'
	@touch $@

run: $(INSTALLED)
	@$(BIN)/takeorpass $(ARGS)

lint: $(TEST_INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The suite runs on every core (pytest-xdist), then the timing tests alone (see pyproject.toml).
test: lint
	$(BIN)/pytest -n auto -m "not timing"
	$(BIN)/pytest -m timing

bench: $(TEST_INSTALLED)
	@$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache *.egg-info
