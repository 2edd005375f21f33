"""Which wing an event belongs to. Pure: the words and buttons decide, nothing else.

Reminder commands and reminder buttons go to the reminders wing; everything else is the
questionnaire's. The questionnaire never sees a reminder command, so a company typed at its
first step is only taken for one when it has a reminder command's exact form."""

from __future__ import annotations

from enum import Enum
from typing import Final

from bot.common.buttons import is_reminder_button
from bot.common.events import Event, Press, Start, Text
from bot.questionnaire.flow import FORGET_WORDS
from bot.questionnaire.reading import normalize
from bot.reminders.commands import is_command


class Wing(Enum):
    """The part of the core that answers an event."""

    QUESTIONNAIRE = "questionnaire"
    REMINDERS = "reminders"


# Words that run a command when they open a slash command's text, rather than naming a company.
_COMMAND_WORDS: Final = {"help", "history", "start", "forget", "cancel", "restart", "back", "why"}


def route(event: Event) -> Wing:
    """The wing that answers this event. Text typed into the interview form is the
    questionnaire's: it names that questionnaire's interview, whatever the words."""
    if isinstance(event, Press):
        reminders = event.button is not None and is_reminder_button(event.button)
        return Wing.REMINDERS if reminders else Wing.QUESTIONNAIRE
    if isinstance(event, Text) and event.interview is None and is_command(event.text):
        return Wing.REMINDERS
    return Wing.QUESTIONNAIRE


def command_event(text: str) -> Event:
    """The event for a slash command's text: nothing starts, a command word runs the command,
    anything else starts a questionnaire about that "Company — Role"."""
    stripped = text.strip()
    if not stripped:
        return Start()
    first = normalize(stripped).split(" ", 1)[0]
    if first in _COMMAND_WORDS or normalize(stripped) in FORGET_WORDS:
        return Text(stripped)
    if is_command(stripped):
        return Text(stripped)
    return Start(stripped)
