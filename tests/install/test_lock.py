"""The lock files are in step with pyproject.toml: every package it asks for is pinned within its
range, nothing is pinned that it no longer asks for, every Python from 3.11 to 3.13 finds what
it needs, and the venv these tests run in holds the pinned versions. A change to the
dependencies without `make lock` fails here, with no network needed."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from support.locks import (
    LOCK,
    PG_LOCK,
    PROJECT,
    TEST_LOCK,
    Pin,
    project_requirements,
    read_lock,
)

# Each lock file and the extras of pyproject.toml it holds.
LOCKS = {LOCK: (), TEST_LOCK: ("test",), PG_LOCK: ("postgresql",)}
PYTHONS = ["3.11", "3.12", "3.13"]


def _ids(path: Path) -> str:
    return path.name


def _applies(pin: Pin, environment: dict[str, str]) -> bool:
    return pin.marker is None or pin.marker.evaluate(environment)


@pytest.mark.parametrize("lock", list(LOCKS), ids=_ids)
def test_every_requirement_of_pyproject_is_pinned_within_its_range(lock: Path) -> None:
    pins = read_lock(lock)
    wrong = []
    for requirement in project_requirements(*LOCKS[lock]):
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None:
            wrong.append(f"{requirement}: not pinned")
        elif not requirement.specifier.contains(pin.version, prereleases=True):
            wrong.append(f"{requirement}: pinned at {pin.version}")
    assert wrong == [], (
        f"{lock.name} is out of step with pyproject.toml (make lock):\n" + "\n".join(wrong)
    )


@pytest.mark.parametrize("lock", list(LOCKS), ids=_ids)
def test_nothing_is_pinned_that_pyproject_no_longer_asks_for(lock: Path) -> None:
    pins = read_lock(lock)
    asked = {canonicalize_name(r.name) for r in project_requirements(*LOCKS[lock])}
    said_asked = {name for name, pin in pins.items() if PROJECT in pin.wanted_by}
    assert said_asked == asked, f"{lock.name} is out of step with pyproject.toml (make lock)"
    # Every other pin is there for a package that is pinned itself.
    reached, todo = set(), list(asked)
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo += [child for child, pin in pins.items() if name in pin.wanted_by]
    assert sorted(set(pins) - reached) == [], f"pinned in {lock.name} for nothing"


def test_the_bot_and_its_postgresql_driver_run_on_the_versions_the_tests_run_on() -> None:
    def pinned(pin: Pin | None) -> tuple[str, str, frozenset[str]] | None:
        return None if pin is None else (pin.version, str(pin.marker), pin.hashes)

    tested = read_lock(TEST_LOCK)
    for lock in (LOCK, PG_LOCK):
        differ = [n for n, pin in read_lock(lock).items() if pinned(tested.get(n)) != pinned(pin)]
        assert differ == [], f"requirements-test.txt pins these otherwise than {lock.name}"


def _needed(requirements: list[Requirement], environment: dict[str, str]) -> set[str]:
    """The packages `requirements` need on the Python `environment` describes, as the metadata
    of the packages installed here says (a package only another Python installs is a leaf)."""
    needed: set[str] = set()
    todo = [(r, "") for r in requirements]
    while todo:
        requirement, extra = todo.pop()
        marker = requirement.marker
        if marker is not None and not marker.evaluate({**environment, "extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        contexts = [f"{name}[{e}]" for e in requirement.extras if f"{name}[{e}]" not in needed]
        if name not in needed:
            contexts.append(name)
        needed.update(contexts)
        try:
            lines = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for context in contexts:
            wanted_extra = context.partition("[")[2].rstrip("]")
            todo += [(Requirement(line), wanted_extra) for line in lines]
    return {name for name in needed if "[" not in name}


@pytest.mark.parametrize("python", PYTHONS)
def test_each_python_finds_all_it_needs_in_the_lock(python: str) -> None:
    # As a lock made on one Python would not: on 3.13 discord.py also needs audioop-lts.
    environment = {
        **default_environment(),
        "python_version": python,
        "python_full_version": f"{python}.0",
    }
    pins = read_lock(TEST_LOCK)
    needed = _needed(project_requirements("test"), environment)
    missing = sorted(n for n in needed if n not in pins or not _applies(pins[n], environment))
    assert missing == [], f"Python {python} needs these, not pinned for it in requirements-test.txt"


def test_the_venv_these_tests_run_in_holds_the_pinned_versions() -> None:
    environment = dict(default_environment())
    differ = []
    for name, pin in read_lock(TEST_LOCK).items():
        if not _applies(pin, environment):
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "nothing"
        if installed != pin.version:
            differ.append(f"{name}: {installed} installed, {pin.version} pinned")
    assert differ == [], "not installed from the lock (make test installs it):\n" + "\n".join(
        differ
    )
