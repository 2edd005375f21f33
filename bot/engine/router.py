"""Which wing an event belongs to. Pure: the words and buttons decide, nothing else.

Reminder commands and reminder buttons go to the reminders wing; everything else is the
questionnaire's. The questionnaire never sees a reminder command, so a company typed at its
first step is only taken for one when it has a reminder command's exact form."""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from typing import Final

from bot.common.buttons import is_record_button, is_reminder_button
from bot.common.events import Event, Press, Start, Text
from bot.engine.typed import Misread, key, misread, phrase_command, typed_press
from bot.questionnaire.flow import FORGET_WORDS
from bot.questionnaire.reading import normalize
from bot.questionnaire.state import Shown
from bot.record.commands import is_record_command
from bot.reminders.commands import is_command


class Wing(Enum):
    """The part of the core that answers an event."""

    QUESTIONNAIRE = "questionnaire"
    REMINDERS = "reminders"
    # The user's record outside the chat: export, the weekly look back.
    RECORD = "record"


# Words that run a command when they open a slash command's text, rather than naming a company.
_COMMAND_WORDS: Final = {"help", "history", "start", "forget", "cancel", "restart", "back", "why"}


def route(event: Event) -> Wing:
    """The wing that answers this event. Text typed into the interview form is the
    questionnaire's: it names that questionnaire's interview, whatever the words."""
    if isinstance(event, Press):
        if event.button is not None and is_record_button(event.button):
            return Wing.RECORD
        reminders = event.button is not None and is_reminder_button(event.button)
        return Wing.REMINDERS if reminders else Wing.QUESTIONNAIRE
    if isinstance(event, Text) and event.interview is None:
        if is_record_command(event.text):
            return Wing.RECORD
        if is_command(event.text):
            return Wing.REMINDERS
    return Wing.QUESTIONNAIRE


def command_event(text: str) -> Event:
    """The event for a slash command's text: nothing starts, a command word runs the command,
    a phrase that means one runs it too (`show my reminders`), anything else starts a
    questionnaire about that "Company — Role", unless the engine finds it is a button's label
    or a mistyped command (`typed`)."""
    stripped = text.strip()
    if not stripped:
        return Start()
    first = normalize(stripped).split(" ", 1)[0]
    if first in _COMMAND_WORDS or normalize(stripped) in FORGET_WORDS:
        return Text(stripped)
    if is_command(stripped) or is_record_command(stripped):
        return Text(stripped)
    command = _command(stripped)
    if command is not None:
        return Text(command)
    return Start(stripped, typed=True)


def _command(text: str) -> str | None:
    """The command a phrase means, or a command word with punctuation (`reminders?`)."""
    command = phrase_command(text)
    if command is not None:
        return command
    word = key(text)
    if word and " " not in word and word != text.strip() and is_command(word):
        return word
    return None


def understand(event: Event, shown: tuple[Shown, ...], *, answering: bool) -> Event | Misread:
    """What typed words mean, before the event is routed: the label or number of a button on
    the last message (`shown`) presses it; a phrase that means a command runs it; a single
    word that looks like a command the bot doesn't know is a `Misread`, unless an answer is
    awaited (`answering`: a question, the company step, the interview's time), where words
    are answers. A slash command's free text (a typed `Start`) answers nothing."""
    if isinstance(event, Start):
        if not event.typed or not event.company_text:
            return event
        if (pressed := typed_press(event.company_text, shown)) is not None:
            return Press(pressed)
        return misread(event.company_text) or event
    if not isinstance(event, Text) or event.interview is not None:
        return event
    if (pressed := typed_press(event.text, shown)) is not None:
        return Press(pressed, channel=event.channel, manage=event.manage)
    if (command := _command(event.text)) is not None:
        return replace(event, text=command)
    if answering or is_command(event.text) or is_record_command(event.text):
        return event
    return misread(event.text) or event
