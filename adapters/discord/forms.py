"""Forms as Discord modals. The interview's time: the core's "When is the interview?" prompt
gets a button that opens a modal, and what is typed there goes to the core as that
questionnaire's time. A listed reminder's Edit: its time and text, prefilled, sent back to the
core as an edit."""

from __future__ import annotations

import logging
import re
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, Final

import discord

from bot.common.buttons import button_id
from bot.common.events import Press
from bot.reminders import texts
from bot.reminders.managing import EditForm

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

log = logging.getLogger(__name__)

# The custom ids of our forms all start so (InterviewTimeForm, EditReminderForm).
_OUR_FORM = re.compile(r"tp-(when|edit):")
_MODAL_SUBMIT: Final = 5
# The answer to a submitted form this client does not hold: opened before a restart, or left
# open past FORM_TIMEOUT. discord.py itself would drop it without a word.
FORM_EXPIRED: Final = (
    "That form has expired, so nothing was changed: press its button again to open a fresh one."
)
# The event such a submit is dispatched as (the client's `on_form_expired`).
EXPIRED: Final = "form_expired"


class OpenForms:
    """The forms a client has opened and not yet closed, by custom id."""

    def __init__(self) -> None:
        # Weak: a form discord.py has let go of (submitted, timed out) is gone from here too.
        self._forms: weakref.WeakValueDictionary[str, discord.ui.Modal] = (
            weakref.WeakValueDictionary()
        )

    def add(self, form: discord.ui.Modal) -> None:
        self._forms[form.custom_id] = form

    def holds(self, custom_id: str) -> bool:
        form = self._forms.get(custom_id)
        return form is not None and not form.is_finished()


def answer_expired_forms(client: discord.Client, forms: OpenForms) -> None:
    """Let discord.py parse a submit of one of our forms only if `forms` holds it; dispatch any
    other as EXPIRED. Decided before discord.py schedules the form's own handler, so the two
    never both answer. Wraps discord.py's parser, like adapters.discord.contexts."""
    state = client._connection
    parse = state.parsers["INTERACTION_CREATE"]

    def parse_if_held(data: Any) -> None:
        submitted = data.get("data") if data.get("type") == _MODAL_SUBMIT else None
        custom_id = str((submitted or {}).get("custom_id", ""))
        if _OUR_FORM.match(custom_id) and not forms.holds(custom_id):
            log.info("discord: a form submitted after it expired")
            client.dispatch(EXPIRED, discord.Interaction(data=data, state=state))
            return
        parse(data)

    state.parsers["INTERACTION_CREATE"] = parse_if_held


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


# --- the Edit form of a listed reminder (part M) ----------------------------------------------

EDIT_WHEN_MAX: Final = 200
EDIT_TEXT_MAX: Final = 500  # the reminders' own limit

Edited = Callable[[discord.Interaction[Any], int, str, str], Awaitable[None]]


def edit_occurrence(pressed: Press) -> int | None:
    """The occurrence whose Edit was pressed (`tp:<occurrence>:occ:edit`), else None."""
    button = pressed.button
    if button is None or (button.step, button.value) != ("occ", "edit"):
        return None
    return int(button.scope) if button.scope.isdigit() else None


class EditReminderForm(discord.ui.Modal):
    """Two text fields, prefilled: the reminder's time and its text; both handed to `edited`
    with the occurrence's id."""

    def __init__(self, form: EditForm, *, key: str, edited: Edited) -> None:
        super().__init__(
            title=texts.EDIT_FORM_TITLE,
            timeout=FORM_TIMEOUT,
            custom_id=f"tp-edit:{form.occurrence_id}:{key}",
        )
        self.occurrence_id = form.occurrence_id
        self._edited = edited
        self.when: discord.ui.TextInput[EditReminderForm] = discord.ui.TextInput(
            default=form.when[:EDIT_WHEN_MAX], max_length=EDIT_WHEN_MAX, required=True
        )
        self.text: discord.ui.TextInput[EditReminderForm] = discord.ui.TextInput(
            default=form.text[:EDIT_TEXT_MAX],
            max_length=EDIT_TEXT_MAX,
            required=True,
            style=discord.TextStyle.paragraph,
        )
        self.add_item(
            discord.ui.Label(
                text=texts.EDIT_FORM_WHEN,
                description=texts.EDIT_FORM_WHEN_HINT,
                component=self.when,
            )
        )
        self.add_item(discord.ui.Label(text=texts.EDIT_FORM_TEXT, component=self.text))

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        self.stop()
        await self._edited(interaction, self.occurrence_id, self.when.value, self.text.value)
