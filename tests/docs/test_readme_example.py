"""The README's piped example gives its verdict whatever ran before it in the same folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support.processes import REPO as ROOT
from support.processes import run_takeorpass


def _readme_input() -> str:
    """The input of the README's `printf '…' | make run` example, as the shell would pass it."""
    found = re.search(r"printf '([^']+)' \| make run", (ROOT / "README.md").read_text())
    assert found, "the README's quick start has no piped example"
    return found.group(1).replace("\\n", "\n")


def _console(folder: Path, stdin: str) -> str:
    result = run_takeorpass(["console"], stdin, folder)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(
    "before",
    [
        "quit\n",  # left at the company step
        "Acme\n3\n2\nquit\n",  # left in the middle of the questionnaire
        "Acme — Data Analyst\n3\n2\n2\n1\n1\n1\n1\n",  # a finished run
        "",  # nothing before: a fresh folder
    ],
    ids=["quit-at-company", "quit-mid-way", "after-a-verdict", "fresh"],
)
def test_the_readme_example_gives_take_it_whatever_ran_before(tmp_path, before):
    if before:
        _console(tmp_path, before)
    shown = _console(tmp_path, _readme_input())
    assert "TAKE IT — Acme — Data Analyst" in shown
    assert "Question 7 of 7" in shown
