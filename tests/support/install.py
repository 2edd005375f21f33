"""For the tests of `make` itself: a copy of the project to run it in, venvs made by a chosen
Python, and the other Pythons of this machine (python3.N on PATH, else pyenv's versions)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.utils import canonicalize_name

from support.locks import read_lock
from support.processes import REPO

# CI sets it (.ci/run): the Pythons these tests need are on its machine, so none is skipped.
REQUIRED = "REQUIRE_PYTHONS"
# Not passed on to the make a test runs: the settings of an outer `make test`, and tokens.
_OUTER = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "PYTHON", "VENV")


@dataclass(frozen=True)
class Python:
    path: str
    version: str  # as sys.version_info says it, such as 3.10.13


def _version(path: str) -> str | None:
    try:
        done = subprocess.run(
            [path, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def find_python(minor: int) -> Python | None:
    """A Python 3.`minor` that runs here (pyenv's shim for one not chosen refuses to)."""
    name = f"python3.{minor}"
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates = [
        shutil.which(name),
        *map(str, sorted(pyenv.glob(f"versions/3.{minor}.*/bin/{name}"))),
    ]
    for candidate in candidates:
        if candidate and (version := _version(candidate)) and version.startswith(f"3.{minor}."):
            return Python(candidate, version)
    return None


def _wanted(why: str, minors: list[int]) -> Python:
    for minor in minors:
        if (found := find_python(minor)) is not None:
            return found
    if os.environ.get(REQUIRED):
        pytest.fail(f"{REQUIRED} is set (as in CI) but this machine has no {why}")
    pytest.skip(f"this machine has no {why}")


def older_python() -> Python:
    """A Python older than the 3.11 the project needs."""
    return _wanted("Python older than 3.11 (3.10, 3.9, …)", list(range(10, 5, -1)))


def other_python() -> Python:
    """A Python the project runs on other than the one running these tests."""
    others = [minor for minor in range(20, 10, -1) if minor != sys.version_info.minor]
    return _wanted("second Python 3.11 or newer", others)


def make(
    folder: Path, *args: str, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    """`make ARGS` in `folder`, as a person runs it there: no tokens, nothing of an outer make."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in _OUTER and not k.startswith(("SLACK_", "DISCORD_"))
    }
    environment.update(env)
    return subprocess.run(
        ["make", *args],
        cwd=folder,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def project_copy(tmp_path: Path) -> Path:
    """This checkout as a new clone has it: no venvs, caches, database or .env."""
    folder = tmp_path / "project"
    ignored = shutil.ignore_patterns(
        ".git", ".venv*", "*cache*", "*.egg-info", "__pycache__", "*.db", "*.db-*", ".env"
    )
    shutil.copytree(REPO, folder, ignore=ignored)
    return folder


def venv_made_by(python: str, venv: Path, *, finished: bool = False, pip: bool = False) -> None:
    """A venv as `python -m venv` makes it, without pip unless asked (quicker); `finished` adds
    the stamps of an install that ran to its end, newer than the files they depend on."""
    quick = [] if pip else ["--without-pip"]
    subprocess.run([python, "-m", "venv", *quick, venv], check=True, timeout=120)
    if finished:
        for stamp in (".installed", ".installed-test"):
            (venv / stamp).touch()


def pinned_here(lock: Path) -> list[str]:
    """`name==version` of each package `lock` pins for this Python, as pip freeze writes them."""
    environment = dict(default_environment())
    return sorted(
        f"{name}=={pin.version}"
        for name, pin in read_lock(lock).items()
        if pin.marker is None or pin.marker.evaluate(environment)
    )


def frozen(venv: Path) -> list[str]:
    """What `pip freeze` lists in `venv`, names normalised, the project itself left out."""
    done = subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [line.partition("==") for line in done.stdout.split()]
    return sorted(f"{canonicalize_name(name)}=={version}" for name, _, version in lines)
