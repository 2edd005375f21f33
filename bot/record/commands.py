"""The record's commands as typed: `export`, `weekly`, `weekly on`, `weekly off`. Pure: this
reads the words; the service does what they ask. Only the exact forms count, so that a company
called "Export Ltd" typed at the company step stays a company."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.common.buttons import RECORD_STEP, USER_SCOPE, ButtonId

_ON: Final = frozenset({"on", "yes", "start", "enable"})
_OFF: Final = frozenset({"off", "no", "stop", "disable"})


@dataclass(frozen=True)
class Export:
    """`export`: the user's record as CSV and JSON files, sent to them privately."""


@dataclass(frozen=True)
class Weekly:
    """`weekly on` / `weekly off`; `on` None (`weekly` alone) says whether it is on."""

    on: bool | None


RecordCommand = Export | Weekly


def parse_record_command(raw: str) -> RecordCommand | None:
    """The record command in a message, or None if it isn't one."""
    words = raw.strip().lower().split()
    if words == ["export"]:
        return Export()
    if not words or words[0] != "weekly" or len(words) > 2:
        return None
    if len(words) == 1:
        return Weekly(None)
    if words[1] in _ON:
        return Weekly(True)
    if words[1] in _OFF:
        return Weekly(False)
    return None


def is_record_command(raw: str) -> bool:
    """Whether a message is one of the record's commands."""
    return parse_record_command(raw) is not None


# The record's buttons by their value: `tp:-:rec:export`, `tp:-:rec:weekly-on`.
_PRESSES: Final[dict[str, RecordCommand]] = {"export": Export(), "weekly-on": Weekly(True)}


def press_command(button: ButtonId) -> RecordCommand | None:
    """The record command a button of the record stands for, or None."""
    if button.scope != USER_SCOPE or button.step != RECORD_STEP:
        return None
    return _PRESSES.get(button.value)
