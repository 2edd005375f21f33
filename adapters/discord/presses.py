"""Button presses and the forms some of them open: a press goes to the core and the pressed
message shows what it did; "Enter the date and time" and a listed reminder's Edit open a form
whose submission goes to the core in turn. The client hands every press here (`Presses.handle`)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

import discord

from adapters.discord.components import rows_of
from adapters.discord.forms import EditReminderForm, OpenForms, edit_occurrence, form_conversation
from adapters.discord.receiving import press_event, user_key
from adapters.discord.rendering import (
    NOT_DELIVERED,
    NOT_SAVED,
    OutMessage,
    PressOutcome,
    closed,
    opens_choices,
    plain,
    press_outcome,
    render_all,
)
from adapters.discord.sending import (
    answer_form,
    answer_in_place,
    edit_pressed,
    ends_on_shutdown,
    follow_up,
    log_failure,
    open_form,
    post_all,
    reply_once,
)
from bot.common.errors import PlatformError
from bot.common.events import Event, Text
from bot.common.replies import Reply
from bot.engine.engine import Engine
from bot.reminders.commands import EditReminder

log = logging.getLogger(__name__)


class Ask(Protocol):
    """How the client asks the engine for an interaction (`TakeOrPassClient._ask`): the
    replies, or None once a failure was logged and the user told."""

    async def __call__(
        self,
        interaction: discord.Interaction[Any],
        event: Event | EditReminder,
        what: str,
        *,
        thinking: bool = True,
        ephemeral: bool = False,
        acknowledged: bool = False,
    ) -> list[Reply] | None: ...


DmChannelOf = Callable[[discord.Interaction[Any]], Awaitable[discord.abc.Messageable]]


class Presses:
    """Answers presses on our buttons and the forms they open, for one client."""

    def __init__(
        self,
        client: discord.Client,
        *,
        engine: Engine,
        forms: OpenForms,
        ask: Ask,
        dm_channel: DmChannelOf,
    ) -> None:
        self._client = client
        self._engine = engine
        self._forms = forms
        self._ask = ask
        self._dm_channel = dm_channel

    async def handle(
        self, interaction: discord.Interaction[Any], custom_id: str, label: str
    ) -> None:
        """A press on any `tp:` button (the client ends it quietly on shutdown)."""
        # The press is parsed once, here; what follows reads its `button`.
        in_server = interaction.guild_id is not None
        press = press_event(
            custom_id,
            interaction.channel_id if in_server else None,
            manage=in_server and interaction.permissions.manage_channels,
        )
        conversation = form_conversation(press)
        if conversation is not None:
            await open_form(
                interaction, conversation, submitted=self._interview_time, forms=self._forms
            )
            return
        occurrence = edit_occurrence(press)
        if occurrence is not None:
            await self._open_edit(interaction, occurrence)
            return
        replies = await self._ask(interaction, press, "a button press", thinking=False)
        if not replies:
            return  # failed, or a delivery already answered
        outcome = press_outcome(press, replies)
        if outcome is PressOutcome.REFUSED:
            await reply_once(interaction, plain(replies))
            return
        messages = render_all(replies)
        if opens_choices(press):
            # A listed reminder's Snooze: the choices, and the list keeps its buttons.
            await self._answer(interaction, messages, in_server)
            return
        if outcome is PressOutcome.UPDATED:
            pressed, messages = messages[0], messages[1:]
        else:
            content = interaction.message.content if interaction.message else ""
            pressed = closed(content, rows_of(interaction.message), press, label)
        try:
            await edit_pressed(interaction, pressed)
        except PlatformError as exc:
            # The press counted; the old message just keeps its buttons.
            log.warning("discord: could not update a pressed message: %s", exc)
        await self._after_press(interaction, messages)

    async def _after_press(
        self, interaction: discord.Interaction[Any], messages: Sequence[OutMessage]
    ) -> None:
        """What a press brought: in the DM as messages; in a server (a reminder post in a
        channel, a `reminders` list) only for the presser."""
        if not messages:
            return
        try:
            if interaction.guild_id is not None:
                await follow_up(interaction, messages, ephemeral=True)
            else:
                await post_all(await self._dm_channel(interaction), messages)
        except PlatformError as exc:
            log.warning("discord: could not send after a press: %s", exc)
            await reply_once(interaction, NOT_DELIVERED)

    # the interview's time, by form

    async def _interview_time(
        self, interaction: discord.Interaction[Any], conversation: str, typed: str
    ) -> None:
        event = Text(typed, interview=conversation)
        replies = await self._ask(interaction, event, "an interview time")
        if replies is None:
            return
        with ends_on_shutdown(self._client, "an interview time"):
            await answer_form(interaction, replies, typed)

    # a listed reminder's Edit, by form

    async def _open_edit(self, interaction: discord.Interaction[Any], occurrence: int) -> None:
        reminders = self._engine.reminders
        key = user_key(interaction.user.id)
        try:
            if reminders is None:
                raise LookupError("no reminders here")
            form = await reminders.edit_form(key, occurrence)
        except Exception as exc:
            log_failure("an edit form", exc)
            await reply_once(interaction, NOT_SAVED)
            return
        if isinstance(form, Reply):
            await reply_once(interaction, form.text)
            return
        modal = EditReminderForm(form, key=str(interaction.id), edited=self._edited)
        self._forms.add(modal)
        try:
            await interaction.response.send_modal(modal)
        except discord.HTTPException as exc:
            modal.stop()
            log.warning("discord: could not open an edit form: %s", type(exc).__name__)

    async def _edited(
        self, interaction: discord.Interaction[Any], occurrence: int, when: str, text: str
    ) -> None:
        event = EditReminder(occurrence, when=when, text=text)
        replies = await self._ask(interaction, event, "an edit")
        if replies is None:
            return
        with ends_on_shutdown(self._client, "an edit"):
            await self._answer(interaction, render_all(replies), interaction.guild_id is not None)

    async def _answer(
        self,
        interaction: discord.Interaction[Any],
        messages: Sequence[OutMessage],
        ephemeral: bool,
    ) -> None:
        try:
            await answer_in_place(interaction, messages, ephemeral=ephemeral)
        except PlatformError as exc:
            log.warning("discord: could not answer: %s", exc)
            await reply_once(interaction, NOT_DELIVERED)
