"""What the platform fakes share for checking requests against the official API specs.

The specs are the publishers' own files, copied unmodified (with their licences and SOURCES.md)
from the workplace's `shared/api-specs/` into `tests/fakes/api-specs/`, so that a clean clone
tests against them; spec_discord.py and spec_slack.py hold the checks. Every FakeSlack and
FakeDiscord registers here when it is built, so that tests/conftest.py can fail a test whose
bot sent a request the real platform would refuse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

SPECS = Path(__file__).resolve().parent / "api-specs"


def spec_file(name: str) -> Path:
    """The path of one official spec file."""
    path = SPECS / name
    if not path.is_file():
        raise FileNotFoundError(
            f"API spec {path} is missing: the fakes check every request against the official "
            "specs kept in tests/fakes/api-specs/"
        )
    return path


@dataclass(frozen=True)
class SpecViolation:
    """One request a fake refused because the platform's spec forbids it."""

    request: str  # "POST /channels/1/messages", "chat.postMessage" or "response_url default"
    problems: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.request}:\n" + "\n".join(f"    - {p}" for p in self.problems)


class ChecksSpecs(Protocol):
    """A fake that records the requests it refused for breaking the spec."""

    spec_violations: list[SpecViolation]


_fakes: list[ChecksSpecs] = []


def track(fake: ChecksSpecs) -> None:
    """Remember a fake so that the running test is checked for violations at its end."""
    _fakes.append(fake)


def tracked() -> list[ChecksSpecs]:
    """The fakes built since the last `forget_tracked()`."""
    return list(_fakes)


def forget_tracked() -> None:
    _fakes.clear()


def describe(violations: Iterable[SpecViolation]) -> str:
    """A readable list of violations for a test failure."""
    return "\n".join(str(v) for v in violations)
