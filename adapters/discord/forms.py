"""The interview-time form on the wire: opening it on a press, and answering what was typed."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import discord

from adapters.discord.components import rows_of
from adapters.discord.interview import InterviewTimeForm, Submitted
from adapters.discord.outbound import NOT_DELIVERED, closed, render_all
from adapters.discord.sending import (
    answer_in_place,
    edit_pressed,
    follow_up,
    platform_error,
    reply_once,
)
from bot.common.errors import PlatformError
from bot.common.replies import Kind, Reply

log = logging.getLogger(__name__)


async def open_form(
    interaction: discord.Interaction[Any], conversation: str, *, submitted: Submitted
) -> None:
    """Answer a press on "Enter the date and time" with the form."""
    form = InterviewTimeForm(conversation, key=str(interaction.id), submitted=submitted)
    try:
        await interaction.response.send_modal(form)
    except discord.HTTPException as exc:
        form.stop()
        log.warning("discord: could not open a form: %s", platform_error(exc))


async def answer_form(
    interaction: discord.Interaction[Any], replies: Sequence[Reply], typed: str
) -> None:
    """The core's answer to a submitted form. Accepted: the prompt shows the time and its
    button closes, and the confirmation follows. Refused (a time it can't read): the answer
    alone, and the prompt keeps its button, to press again or to type."""
    messages = render_all(replies)
    if not messages:
        return  # a delivery already answered
    prompt = interaction.message
    accepted = replies[0].kind is not Kind.ERROR and not replies[0].refused
    try:
        if accepted and prompt is not None and not interaction.response.is_done():
            shown = closed(prompt.content, rows_of(prompt), "", " ".join(typed.split()))
            await edit_pressed(interaction, shown)
            await follow_up(interaction, messages, ephemeral=False)
        else:
            await answer_in_place(interaction, messages, ephemeral=False)
    except PlatformError as exc:
        log.warning("discord: could not answer a form: %s", exc)
        await reply_once(interaction, NOT_DELIVERED)
