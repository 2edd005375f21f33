"""deploy/takeorpass.service is a unit systemd accepts, as `systemd-analyze verify` judges it.

The shipped unit names placeholders (/opt/takeorpass, the user `takeorpass`) that do not exist
on a test machine, and `verify` checks that ExecStart's program exists and is executable (and,
in newer systemd versions, that User= exists). So the test verifies a copy in a temporary
folder with the placeholders pointed at this checkout and the `takeorpass` this test runs
with, and the current user. Everything else is verified as shipped."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "takeorpass.service"
PLACEHOLDER_DIR = "/opt/takeorpass"
# CI sets it (.ci/run installs systemd where systemd-analyze is missing): never skip there.
REQUIRED = "REQUIRE_SYSTEMD_ANALYZE"


def _systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        if os.environ.get(REQUIRED):
            pytest.fail(f"{REQUIRED} is set (as in CI) but systemd-analyze is not installed")
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    return found


def _for_this_machine(text: str) -> str:
    """The shipped unit with its placeholders replaced by what exists here."""
    installed = Path(sys.executable).parent / "takeorpass"
    assert installed.exists(), f"{installed} is missing: install the project first (make test)"
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    lines = []
    for line in text.splitlines():
        if line.startswith("ExecStart="):
            line = f"ExecStart={installed}"
        elif line.startswith("User="):
            line = f"User={user}"
        elif line.startswith("Group="):
            line = f"Group={group}"
        lines.append(line.replace(PLACEHOLDER_DIR, str(ROOT)))
    return "\n".join(lines) + "\n"


def _unit_settings(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_the_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = _systemd_analyze()
    unit = tmp_path / UNIT.name
    unit.write_text(_for_this_machine(UNIT.read_text()))
    result = subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, output
    # Unknown keys and bad values are only warnings (exit status 0): any line about our unit
    # is a problem. Lines about other units installed on the machine are not ours to judge.
    about_ours = [line for line in output.splitlines() if UNIT.name in line]
    assert about_ours == [], "systemd-analyze verify warns:\n" + "\n".join(about_ours)


def test_the_unit_runs_the_installed_command_from_the_project_folder() -> None:
    settings = _unit_settings(UNIT.read_text())
    assert settings["WorkingDirectory"] == [PLACEHOLDER_DIR]
    assert settings["EnvironmentFile"] == [f"{PLACEHOLDER_DIR}/.env"]
    assert settings["ExecStart"] == [f"{PLACEHOLDER_DIR}/.venv/bin/takeorpass"]
    assert settings["User"] == ["takeorpass"]
    assert settings["Restart"] == ["on-failure"]


def test_the_unit_may_write_only_the_project_folder() -> None:
    # The SQLite file of the default DATABASE_URL, and its -wal and -shm files, are created in
    # the working folder, so that folder must stay writable under ProtectSystem=strict.
    settings = _unit_settings(UNIT.read_text())
    assert settings["ProtectSystem"] == ["strict"]
    assert settings["ReadWritePaths"] == settings["WorkingDirectory"]
