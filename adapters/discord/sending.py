"""Sending to Discord: messages to a channel (with their files, if any, as attachments), answers
to an interaction however far it got, and the interview-time form (opening it, answering what
was typed).
Each helper turns discord.py's errors into ours: `PlatformError` for a refusal, `CutOffByShutdown`
for a request the client's own shutdown ended."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import traceback
from collections.abc import Iterator, Sequence
from typing import Any, Final

import aiohttp
import discord
from discord.http import handle_message_parameters
from discord.utils import MISSING

from adapters.discord.components import components, rows_of, to_view
from adapters.discord.forms import InterviewTimeForm, OpenForms, Submitted
from adapters.discord.rendering import NOT_DELIVERED, OutMessage, closed, render_all
from bot.common.errors import PlatformError, TakeOrPassError
from bot.common.replies import Kind, Reply

log = logging.getLogger(__name__)

# Discord's error code when a user accepts no DMs from the bot.
CANNOT_DM: Final = 50007
NO_PINGS: Final = discord.AllowedMentions.none()
# aiohttp's RuntimeError for a request made on a closed session.
SESSION_CLOSED: Final = "Session is closed"


class DirectMessagesClosed(PlatformError):
    """The user accepts no direct messages from the bot (Discord error 50007)."""


class CutOffByShutdown(TakeOrPassError):
    """The client was closed (the process is stopping) while an answer was being sent: an
    expected end, not a failure. Not a PlatformError, so no apology is attempted."""


def cut_off(client: discord.Client, exc: BaseException) -> bool:
    """Whether `exc` is the client's own shutdown ending a request, rather than a failure.

    Closing the client closes discord.py's HTTP session: a request in flight then fails with a
    connection error, and one started after with RuntimeError("Session is closed"). Either
    counts only while the client is closed or closing; CancelledError is never one."""
    if isinstance(exc, CutOffByShutdown):
        return True
    if not client.is_closed():
        return False
    if isinstance(exc, RuntimeError):
        return str(exc) == SESSION_CLOSED
    return isinstance(exc, aiohttp.ClientConnectionError)


def log_cut_off(what: str) -> None:
    """The one line a shutdown in the middle of an answer leaves."""
    log.info("%s: answer cut off by shutdown", what)


@contextlib.contextmanager
def discord_errors(client: discord.Client) -> Iterator[None]:
    """discord.py's errors in the block as ours: an HTTP error as PlatformError, the client's
    shutdown as CutOffByShutdown; anything else as it is."""
    try:
        yield
    except discord.HTTPException as exc:
        raise platform_error(exc) from exc
    except (RuntimeError, aiohttp.ClientConnectionError) as exc:
        if cut_off(client, exc):
            raise CutOffByShutdown(type(exc).__name__) from exc
        raise


@contextlib.contextmanager
def ends_on_shutdown(client: discord.Client, what: str) -> Iterator[None]:
    """Let the client's shutdown end the block with one INFO line instead of a traceback."""
    try:
        yield
    except Exception as exc:
        if not cut_off(client, exc):
            raise
        log_cut_off(what)


def platform_error(exc: discord.HTTPException) -> PlatformError:
    """A discord.py HTTP error as ours."""
    message = f"Discord answered HTTP {exc.status} (code {exc.code})"
    if exc.code == CANNOT_DM:
        return DirectMessagesClosed(message)
    return PlatformError(message)


def log_failure(what: str, exc: BaseException) -> None:
    """Log a failure without what the user typed."""
    # An exception's message can quote what the user typed (database errors quote their
    # parameters), so only its type and where it happened are logged.
    if isinstance(exc, CutOffByShutdown):
        log_cut_off(what)
        return
    if isinstance(exc, TakeOrPassError):
        log.warning("%s failed: %s", what, type(exc).__name__)
        return
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("%s failed: %s\n%s", what, type(exc).__name__, frames.rstrip())


def view_kwargs(message: OutMessage) -> dict[str, Any]:
    """`view=` for a message with buttons, `files=` for one with files; nothing else."""
    view = to_view(message)
    extra: dict[str, Any] = {"view": view} if view is not None else {}
    if message.files:
        extra["files"] = discord_files(message)
    return extra


def discord_files(message: OutMessage) -> list[discord.File]:
    """The message's files as discord.py uploads them (a multipart part each), read from
    memory: new objects for every request, since discord.py closes them once sent."""
    return [discord.File(io.BytesIO(file.data), filename=file.name) for file in message.files]


async def post_all(
    channel: discord.abc.Messageable, messages: Sequence[OutMessage]
) -> list[discord.PartialMessage]:
    """Send the messages in order; the first refusal stops and raises.

    Buttons go as raw components, not as a discord.py View: a View is built to dispatch presses
    to its own callbacks, which ours never are (presses find AnswerButton by custom id), and
    building one, then parsing the sent message back into a full Message, cost about as much
    CPU as the rest of a DM's turn. Only the new message's id is kept."""
    target = await channel._get_channel()
    state = target._state
    sent = []
    for message in messages:
        with handle_message_parameters(
            content=message.content,
            allowed_mentions=NO_PINGS,
            previous_allowed_mentions=state.allowed_mentions,
            files=discord_files(message) if message.files else MISSING,
        ) as params:
            if message.rows and params.payload is not None:  # no files: the JSON body
                params.payload["components"] = components(message)
            elif message.rows and params.multipart:  # with files, the payload_json part
                part = params.multipart[0]
                part["value"] = json.dumps(
                    json.loads(part["value"]) | {"components": components(message)}
                )
            with discord_errors(state._get_client()):
                data = await state.http.send_message(target.id, params=params)
        sent.append(discord.PartialMessage(channel=target, id=int(data["id"])))
    return sent


async def post_quietly(channel: discord.abc.Messageable, text: str) -> None:
    """A short note whose failure is only logged; none once the client is closing."""
    client = (await channel._get_channel())._state._get_client()
    if client.is_closed():
        return
    try:
        with discord_errors(client):
            await channel.send(text, allowed_mentions=NO_PINGS)
    except CutOffByShutdown:
        log_cut_off("discord: an apology")
    except PlatformError as exc:
        log.warning("discord: could not send an apology: %s", exc)


async def send_response(
    interaction: discord.Interaction[Any], message: OutMessage, *, ephemeral: bool = False
) -> None:
    """The interaction's first answer, as a message."""
    with discord_errors(interaction.client):
        await interaction.response.send_message(
            message.content,
            ephemeral=ephemeral,
            allowed_mentions=NO_PINGS,
            **view_kwargs(message),
        )


async def edit_original(interaction: discord.Interaction[Any], message: OutMessage) -> None:
    """Replace the interaction's first answer (a "thinking…" placeholder, or the pressed
    message once the press was deferred)."""
    with discord_errors(interaction.client):
        await interaction.edit_original_response(
            content=message.content,
            allowed_mentions=NO_PINGS,
            view=to_view(message),
            attachments=discord_files(message) if message.files else MISSING,
        )


async def edit_pressed(interaction: discord.Interaction[Any], message: OutMessage) -> None:
    """Show the pressed message as `message`."""
    if interaction.response.is_done():
        await edit_original(interaction, message)
        return
    with discord_errors(interaction.client):
        await interaction.response.edit_message(
            content=message.content, allowed_mentions=NO_PINGS, view=to_view(message)
        )


async def answer_in_place(
    interaction: discord.Interaction[Any], messages: Sequence[OutMessage], *, ephemeral: bool
) -> None:
    """Answer with every message in the interaction itself: the first as its response (or in
    place of "thinking…"), the rest as follow-ups, each with its own buttons."""
    if not messages:
        return
    first, rest = messages[0], messages[1:]
    if interaction.response.is_done():
        await edit_original(interaction, first)
    else:
        await send_response(interaction, first, ephemeral=ephemeral)
    await follow_up(interaction, rest, ephemeral=ephemeral)


async def follow_up(
    interaction: discord.Interaction[Any], messages: Sequence[OutMessage], *, ephemeral: bool
) -> None:
    """More messages after the interaction's first answer."""
    for message in messages:
        with discord_errors(interaction.client):
            await interaction.followup.send(
                message.content,
                ephemeral=ephemeral,
                allowed_mentions=NO_PINGS,
                **view_kwargs(message),
            )


async def reply_once(interaction: discord.Interaction[Any], text: str) -> None:
    """A short note only this user sees, however far the interaction got; none once the client
    is closing (whatever was cut off has said so already)."""
    if interaction.client.is_closed():
        return
    try:
        with discord_errors(interaction.client):
            if not interaction.response.is_done():
                await interaction.response.send_message(
                    text, ephemeral=True, allowed_mentions=NO_PINGS
                )
            elif (
                interaction.response.type
                is discord.InteractionResponseType.deferred_channel_message
            ):
                # Our "thinking…" placeholder: the note replaces it.
                await interaction.edit_original_response(content=text, allowed_mentions=NO_PINGS)
            else:
                await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
    except CutOffByShutdown:
        log_cut_off("discord: a note")
    except PlatformError as exc:
        log.warning("discord: could not answer an interaction: %s", exc)


async def acknowledge(
    interaction: discord.Interaction[Any], *, thinking: bool, ephemeral: bool = False
) -> None:
    """Defer the interaction (Discord shows "thinking…", or nothing for a press). A refusal is
    logged, not raised: the answer still follows. Once the client is closing this is skipped,
    and left to the answer to say it was cut off."""
    if interaction.client.is_closed():
        return
    try:
        with discord_errors(interaction.client):
            await interaction.response.defer(thinking=thinking, ephemeral=ephemeral)
    except CutOffByShutdown:
        return
    except PlatformError as exc:
        log.warning("discord: could not defer an interaction: %s", exc)


# --- the interview-time form ----------------------------------------------------------------


async def open_form(
    interaction: discord.Interaction[Any],
    conversation: str,
    *,
    submitted: Submitted,
    forms: OpenForms,
) -> None:
    """Answer a press on "Enter the date and time" with the form, kept in `forms`."""
    form = InterviewTimeForm(conversation, key=str(interaction.id), submitted=submitted)
    forms.add(form)
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
            shown = closed(prompt.content, rows_of(prompt), None, " ".join(typed.split()))
            await edit_pressed(interaction, shown)
            await follow_up(interaction, messages, ephemeral=False)
        else:
            await answer_in_place(interaction, messages, ephemeral=False)
    except PlatformError as exc:
        log.warning("discord: could not answer a form: %s", exc)
        await reply_once(interaction, NOT_DELIVERED)
