# Two commands are all a new user needs: `make run` and `make test`.
# The first use creates .venv with the standard library's venv and installs into it the versions
# pinned, with their hashes, in requirements.txt (the bot) and requirements-test.txt (the bot and
# the test tools): the same install on every machine. `make lock` writes both from pyproject.toml.
# PYTHON names the Python that makes the venv, VENV the venv, so that two can stand side by side:
# `make test PYTHON=python3.13 VENV=.venv-3.13`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.installed-test
LOCK := requirements.txt
TEST_LOCK := requirements-test.txt
# The PostgreSQL driver, for `make postgresql` (the bot's own pins plus psycopg's).
PG_LOCK := requirements-postgresql.txt
# setuptools warns on every editable install of a project laid out like this one (bot/ and
# adapters/ at the top); the warning says nothing a user of `make run` can act on.
PIP := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip --disable-pip-version-check
# The tool that writes the lock files, at a fixed version so that they change only when the
# dependencies do.
UV := uv==0.13.9

.PHONY: run test lint bench lock clean postgresql FORCE

# A failed `make run` ends with the bot's own line: make's "*** [...] Error 1" under it would
# only repeat that something failed. make prints that line for every recipe that fails, so such
# a recipe ends make with SIGPIPE instead, the one signal shells end a command with in silence;
# the exit status stays non-zero (141) for scripts.
QUIETLY_FAIL = kill -PIPE $$PPID; exit 1

# Why $(VENV) cannot be used as it is, or nothing: its Python is gone or older than 3.11, its
# install never finished, or PYTHON was given and it was made by another Python. Such a venv is
# made again from nothing, rather than tripping every later `make run` until `make clean`.
FACTS = import sys; print(sys.version_info >= (3, 11), "%d.%d.%d" % sys.version_info[:3], sys.base_prefix)
PYTHON_GIVEN := $(filter command line environment,$(origin PYTHON))
define VENV_CHECK
test -d $(VENV) || exit 0; \
have=$$($(BIN)/python -c '$(FACTS)' 2>/dev/null) || { echo "its python does not start"; exit 0; }; \
set -- $$have; \
test "$$1" = True || { echo "it was made by Python $$2, and Take or Pass needs 3.11 or newer"; exit 0; }; \
if test -n "$(PYTHON_GIVEN)" && test "$$($(PYTHON) -c '$(FACTS)' 2>/dev/null)" != "$$have"; then \
	echo "it was made by Python $$2 ($$3), not by PYTHON=$(PYTHON)"; exit 0; \
fi; \
test -f $(INSTALLED) || echo "its install did not finish"
endef
ifneq ($(filter-out clean,$(or $(MAKECMDGOALS),install)),)
VENV_PROBLEM := $(shell $(VENV_CHECK))
endif
ifneq ($(VENV_PROBLEM),)
$(INSTALLED): FORCE
endif

# Setting up is quiet otherwise for half a minute or more, so one line on stderr says why;
# once installed, nothing is printed (stdout stays the bot's, for pipes). The Python that makes
# the venv is checked first, so that a wrong PYTHON leaves the venv there as it was.
$(INSTALLED): pyproject.toml $(LOCK)
	@if test -z "$(VENV_PROBLEM)" && test -x $(BIN)/python; then \
		echo "Updating Take or Pass in $(VENV) (pyproject.toml or $(LOCK) changed)…" >&2; \
	else \
		version=$$($(PYTHON) -c '$(FACTS)' 2>/dev/null) || { \
			echo "PYTHON=$(PYTHON) does not run: install Python 3.11 or newer and name it with PYTHON=" >&2; \
			$(QUIETLY_FAIL); }; \
		set -- $$version; \
		test "$$1" = True || { \
			echo "PYTHON=$(PYTHON) is Python $$2; Take or Pass needs 3.11 or newer: name one with PYTHON=, such as PYTHON=python3.12" >&2; \
			$(QUIETLY_FAIL); }; \
		if test -n "$(VENV_PROBLEM)"; then \
			echo "Making $(VENV) again: $(VENV_PROBLEM) (about a minute)…" >&2; \
			rm -rf $(VENV); \
		else \
			echo "Setting up $(VENV) and installing Take or Pass (first run only, about a minute)…" >&2; \
		fi; \
		$(PYTHON) -m venv $(VENV); \
	fi
	@$(PIP) install --quiet --require-hashes -r $(LOCK)
	@$(PIP) install --quiet --no-deps -e .
	@touch $@

$(TEST_INSTALLED): $(INSTALLED) $(TEST_LOCK)
	@echo "Installing the test tools (pytest, ruff, mypy) into $(VENV)…" >&2
	@$(PIP) install --quiet --require-hashes -r $(TEST_LOCK)
	@touch $@

# The PostgreSQL driver, pinned like everything else (DATABASE_URL=postgresql://…).
postgresql: $(INSTALLED) $(PG_LOCK)
	@$(PIP) install --quiet --require-hashes -r $(PG_LOCK)

run: $(INSTALLED)
	@$(BIN)/takeorpass $(ARGS) || { $(QUIETLY_FAIL); }

lint: $(TEST_INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# pytest keeps each test module, rewritten for its asserts, as bytecode between runs; where
# PYTHONDONTWRITEBYTECODE is set (some containers set it), every worker rewrites all of them
# again, about 4 s at the start of each run. The tests write their bytecode under $(VENV)
# instead, outside the tree, whatever that variable says.
TEST_BYTECODE := PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(abspath $(VENV))/pycache
# The suite runs on every core (pytest-xdist), then the timing tests alone (see pyproject.toml).
# The tests that make venvs and install into them take minutes; .ci/run runs them.
test: lint
	$(TEST_BYTECODE) $(BIN)/pytest -n auto -m "not timing and not venv"
	$(TEST_BYTECODE) $(BIN)/pytest -m timing

bench: $(TEST_INSTALLED)
	@$(BIN)/python bench/run.py

# Writes the three lock files from pyproject.toml, for every Python from 3.11 on and every platform
# in one file each (a package only some need carries a marker, as audioop-lts does for 3.13).
# Pins that still fit pyproject.toml are kept; `make lock UPGRADE=1` moves all to the newest.
lock: $(INSTALLED)
	@$(PIP) install --quiet $(UV)
	$(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
		$(if $(UPGRADE),--upgrade) --custom-compile-command "make lock" -o $(LOCK) pyproject.toml
	$(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
		$(if $(UPGRADE),--upgrade) --custom-compile-command "make lock" -o $(TEST_LOCK) \
		--extra test -c $(LOCK) pyproject.toml
	$(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
		$(if $(UPGRADE),--upgrade) --custom-compile-command "make lock" -o $(PG_LOCK) \
		--extra postgresql -c $(LOCK) pyproject.toml

clean:
	rm -rf $(VENV) .venv .venv-* .mypy_cache .ruff_cache .pytest_cache *.egg-info
