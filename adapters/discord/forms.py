"""The interview's time by form: the core's "When is the interview?" prompt gets a button that
opens a modal, and what is typed there goes to the core as that questionnaire's time."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, Final

import discord

from bot.common.buttons import button_id
from bot.common.events import Press

# `tp:<conversation>:when:form`: a `tp:` id, so the persistent button template matches it,
# but the adapter answers it itself (with the form); the core never sees it.
FORM_STEP: Final = "when"
FORM_VALUE: Final = "form"
# The questionnaire's id in it: what the core makes, never whitespace or longer than this.
_FORM_SCOPE = re.compile(r"[^:\s]{1,80}")

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
    return button_id(conversation_id, FORM_STEP, FORM_VALUE)


def form_conversation(pressed: Press) -> str | None:
    """The questionnaire a pressed form button is for, or None if `pressed` is not one."""
    button = pressed.button
    if button is None or (button.step, button.value) != (FORM_STEP, FORM_VALUE):
        return None
    return button.scope if _FORM_SCOPE.fullmatch(button.scope) else None


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
