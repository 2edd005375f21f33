"""`make run` as a person on a new machine meets it: a failure ends with the bot's one line (no
make error under it), a Python older than 3.11 is refused in one line before any venv is made,
and a venv that cannot be used as it is (left by a wrong Python or an unfinished install, or
made by another Python than PYTHON names) is made again instead of failing every later run."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from support.install import (
    frozen,
    make,
    older_python,
    other_python,
    pinned_here,
    project_copy,
    venv_made_by,
)
from support.processes import REPO

VENV = Path(sys.prefix)


def test_a_failed_make_run_ends_with_the_bots_line_and_no_make_error() -> None:
    # -o: use the venv these tests run in as it is, never install into it.
    stamp = VENV / ".installed"
    done = make(REPO, "run", f"VENV={VENV}", "-o", str(stamp), DEFAULT_TIMEZONE="Mars/Olympus")
    assert done.returncode != 0
    assert done.stderr.splitlines() == [
        "takeorpass: DEFAULT_TIMEZONE: 'Mars/Olympus' is not an IANA timezone such as Europe/Berlin"
    ]
    assert "***" not in done.stderr + done.stdout


def test_a_python_older_than_311_is_refused_in_one_line_and_makes_no_venv(tmp_path: Path) -> None:
    folder = project_copy(tmp_path)
    older = older_python()
    done = make(folder, "run", "ARGS=check", f"PYTHON={older.path}")
    assert done.returncode != 0
    assert done.stderr.splitlines() == [
        f"PYTHON={older.path} is Python {older.version}; Take or Pass needs 3.11 or newer: "
        "name one with PYTHON=, such as PYTHON=python3.12"
    ]
    assert not (folder / ".venv").exists()


def _what_make_would_do(folder: Path, *args: str) -> str:
    done = make(folder, "-n", "run", *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_venv_left_by_a_python_older_than_311_is_made_again(tmp_path: Path) -> None:
    folder = project_copy(tmp_path)
    older = older_python()
    venv_made_by(older.path, folder / ".venv")  # what a failed `make run PYTHON=…` left
    planned = _what_make_would_do(folder)
    assert (
        f"Making .venv again: it was made by Python {older.version}, and Take or Pass needs "
        "3.11 or newer" in planned
    )


def test_a_venv_whose_python_is_gone_is_made_again(tmp_path: Path) -> None:
    folder = project_copy(tmp_path)
    venv_made_by(sys.executable, folder / ".venv", finished=True)
    (folder / ".venv" / "bin" / "python").unlink()
    assert "Making .venv again: its python does not start" in _what_make_would_do(folder)


def test_a_venv_whose_install_never_finished_is_made_again(tmp_path: Path) -> None:
    folder = project_copy(tmp_path)
    venv_made_by(sys.executable, folder / ".venv")  # no install stamp: stopped half-way
    assert "Making .venv again: its install did not finish" in _what_make_would_do(folder)


def test_a_venv_made_by_another_python_than_python_names_is_made_again(tmp_path: Path) -> None:
    folder = project_copy(tmp_path)
    venv_made_by(sys.executable, folder / ".venv", finished=True)
    other = other_python()
    planned = _what_make_would_do(folder, f"PYTHON={other.path}")
    assert f"Making .venv again: it was made by Python {sys.version.split()[0]}" in planned
    assert f"not by PYTHON={other.path}" in planned


@pytest.mark.parametrize("python", ["", sys.executable], ids=["python-not-given", "same-python"])
def test_a_finished_venv_is_used_as_it_is(tmp_path: Path, python: str) -> None:
    folder = project_copy(tmp_path)
    venv_made_by(sys.executable, folder / ".venv", finished=True)
    args = [f"PYTHON={python}"] if python else []
    planned = _what_make_would_do(folder, *args)
    assert "takeorpass" in planned
    assert "-m venv" not in planned and "pip" not in planned


@pytest.mark.venv
def test_make_run_after_a_wrong_python_installs_the_locked_versions(tmp_path: Path) -> None:
    folder = project_copy(tmp_path)
    older = older_python()
    assert make(folder, "run", "ARGS=check", f"PYTHON={older.path}").returncode != 0
    venv_made_by(older.path, folder / ".venv", pip=True)  # what the Makefile before this left

    done = make(folder, "run", "ARGS=check", timeout=900)
    assert done.returncode == 0, done.stderr
    assert "Settings are valid." in done.stdout
    told = [line for line in done.stderr.splitlines() if not line.startswith("WARNING: ")]
    assert told == [
        f"Making .venv again: it was made by Python {older.version}, and Take or Pass needs "
        "3.11 or newer (about a minute)…"
    ]
    assert frozen(folder / ".venv") == pinned_here(folder / "requirements.txt")

    again = make(folder, "run", "ARGS=check")
    assert again.returncode == 0 and again.stderr == ""
    shutil.rmtree(folder / ".venv")
