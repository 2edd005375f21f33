"""The `tp:` button-id grammar, in one place: every id the core or an adapter puts on a button is
built here, and every press is parsed here once, where it enters.

An id is `tp:<scope>:<step>:<value>`: the scope is a conversation id, a reminder id, an
occurrence number, or `-` for buttons about the user as a whole."""

from __future__ import annotations

from typing import Final, NamedTuple

PREFIX: Final = "tp"
# The scope of buttons that belong to no conversation or reminder ("Start another", forget me).
USER_SCOPE: Final = "-"
# A timezone picked from the candidates of an ambiguous name (`tp:-:tz:Asia/Kolkata`).
ZONE_STEP: Final = "tz"
# A reminder asked back (two readings): `tp:<question id>:ask:<1 or 2>`.
ASK_STEP: Final = "ask"
# Steps the reminders wing answers: a series (undo, stop), one occurrence (cancel, snooze),
# the follow-up's outcomes, a picked timezone and the choice between two readings of a
# reminder. Every other step belongs to the questionnaire.
REMINDER_STEPS: Final = frozenset({"rem", "occ", "out", ZONE_STEP, ASK_STEP})
# "Set interview reminders" (`tp:<conversation>:interview:set`), which also marks the
# "When is it?" prompt it brings, so adapters can offer a form for the time.
INTERVIEW_STEP: Final = "interview"


class ButtonId(NamedTuple):
    """A parsed button id."""

    scope: str
    step: str
    value: str

    def __str__(self) -> str:
        return button_id(self.scope, self.step, self.value)


def button_id(scope: str, step: str, value: str) -> str:
    """`tp:<scope>:<step>:<value>`."""
    return f"{PREFIX}:{scope}:{step}:{value}"


def parse_button(raw: str) -> ButtonId | None:
    """Split a button id into its parts; None if it isn't one of ours."""
    parts = raw.split(":")
    if len(parts) != 4 or parts[0] != PREFIX or not all(parts[1:]):
        return None
    return ButtonId(parts[1], parts[2], parts[3])


# Buttons of the user's record: `tp:-:rec:export` (export now, offered before forget me) and
# `tp:-:rec:weekly-on` (the weekly look back, offered after the first outcome).
RECORD_STEP: Final = "rec"


def is_record_button(button: ButtonId) -> bool:
    """Whether a press belongs to the record (export, weekly look back)."""
    return button.step == RECORD_STEP


def is_reminder_button(button: ButtonId) -> bool:
    """Whether a press belongs to the reminders wing."""
    return button.step in REMINDER_STEPS
