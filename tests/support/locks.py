"""The lock files `make lock` writes (requirements.txt, requirements-test.txt), read back."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from support.processes import REPO

LOCK = REPO / "requirements.txt"
TEST_LOCK = REPO / "requirements-test.txt"
PG_LOCK = REPO / "requirements-postgresql.txt"
# What uv writes for a package pyproject.toml asks for itself.
PROJECT = "takeorpass"


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    marker: Marker | None
    hashes: frozenset[str]
    # The packages it is there for, PROJECT among them when pyproject.toml names it.
    wanted_by: frozenset[str]


_ENTRY = re.compile(r"^([A-Za-z0-9][\w.-]*)==(\S+?)(?:\s*;\s*(.+?))?\s*\\?$")


def read_lock(path: Path) -> dict[str, Pin]:
    """Each pinned package by its normalised name."""
    blocks: list[list[str]] = []
    for line in path.read_text().splitlines():
        if _ENTRY.match(line):
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line.strip())
    pins = [_pin(block) for block in blocks]
    return {pin.name: pin for pin in pins}


def _pin(block: list[str]) -> Pin:
    found = _ENTRY.match(block[0])
    assert found is not None
    name, version, marker = found.groups()
    hashes = {line.removeprefix("--hash=").rstrip(" \\") for line in block if line.startswith("--")}
    wanted_by = set()
    for line in block:
        parent = line.lstrip("# ").removeprefix("via").strip() if line.startswith("#") else ""
        if parent and not parent.startswith("-c "):  # "-c requirements.txt": a constraint
            wanted_by.add(
                PROJECT if parent.startswith(f"{PROJECT} ") else canonicalize_name(parent)
            )
    return Pin(
        name=canonicalize_name(name),
        version=version,
        marker=Marker(marker) if marker else None,
        hashes=frozenset(hashes),
        wanted_by=frozenset(wanted_by),
    )


def project_requirements(*extras: str) -> list[Requirement]:
    """What pyproject.toml asks for: its dependencies, and those of the extras named."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    for extra in extras:
        lines += project["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]
