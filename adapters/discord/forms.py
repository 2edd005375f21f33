"""The interview's time by form: the core's "When is the interview?" prompt gets a button that
opens a modal, and what is typed there goes to the core as that questionnaire's time."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, Final

import discord

# `tp:<conversation>:when:form`: a `tp:` id, so the persistent button template matches it,
# but the adapter answers it itself (with the form); the core never sees it.
FORM_STEP: Final = "when"
FORM_VALUE: Final = "form"
_FORM_ID = re.compile(rf"tp:(?P<cid>[^:\s]{{1,80}}):{FORM_STEP}:{FORM_VALUE}")

FORM_BUTTON: Final = "Enter the date and time"
FORM_TITLE: Final = "When is the interview?"
FORM_LABEL: Final = "Date and time"
FORM_HINT: Final = "In your timezone; tomorrow 3pm, next tuesday 10:30 or dec 8 14:00 all work."
FORM_PLACEHOLDER: Final = "tomorrow 3pm"
MAX_TYPED: Final = 100
# A form left open longer than this is forgotten; the prompt's button opens a fresh one.
FORM_TIMEOUT: Final = 30 * 60.0

Submitted = Callable[[discord.Interaction[Any], str, str], Awaitable[None]]


def form_id(conversation_id: str) -> str:
    """The custom id of the button that opens the form for this questionnaire."""
    return f"tp:{conversation_id}:{FORM_STEP}:{FORM_VALUE}"


def form_conversation(custom_id: str) -> str | None:
    """The questionnaire a form button is for, or None if `custom_id` is not one."""
    match = _FORM_ID.fullmatch(custom_id)
    return match["cid"] if match else None


class InterviewTimeForm(discord.ui.Modal):
    """One text field: the interview's day and time, handed to `submitted` with the
    questionnaire's id."""

    def __init__(self, conversation_id: str, *, key: str, submitted: Submitted) -> None:
        # Modals are looked up by custom id alone: make it unique per opening.
        super().__init__(
            title=FORM_TITLE, timeout=FORM_TIMEOUT, custom_id=f"tp-when:{conversation_id}:{key}"
        )
        self.conversation_id = conversation_id
        self._submitted = submitted
        self.when: discord.ui.TextInput[InterviewTimeForm] = discord.ui.TextInput(
            placeholder=FORM_PLACEHOLDER, max_length=MAX_TYPED, required=True
        )
        self.add_item(discord.ui.Label(text=FORM_LABEL, description=FORM_HINT, component=self.when))

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        self.stop()
        await self._submitted(interaction, self.conversation_id, self.when.value)
