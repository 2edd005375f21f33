"""The discord.py client: DMs, `/takeorpass` and button presses in, core replies out."""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Sequence
from typing import Any, Final

import discord
from discord import app_commands

from adapters.discord.components import AnswerButton, rows_of, to_view
from adapters.discord.inbound import (
    COMMAND,
    SUBCOMMANDS,
    command_event_for,
    press_event,
    typed_event,
    user_key,
)
from adapters.discord.outbound import (
    CONTINUING_IN_DM,
    DMS_CLOSED,
    NOT_DELIVERED,
    NOT_SAVED,
    OutMessage,
    PressOutcome,
    closed,
    plain,
    press_outcome,
    render_all,
)
from adapters.discord.quiet import NO_VOICE_WARNINGS
from bot.engine import Engine
from bot.errors import PlatformError, TakeOrPassError
from bot.flow import Event
from bot.replies import Reply
from bot.state import UserKey

log = logging.getLogger(__name__)

# Discord drops an interaction not answered within 3 s. Storage is usually done in a few
# milliseconds, and then the answer itself is the acknowledgement; past this it is deferred.
DEFER_AFTER: Final = 1.0
# Discord's error code when a user accepts no DMs from the bot.
CANNOT_DM: Final = 50007
NO_PINGS: Final = discord.AllowedMentions.none()
_USER_MESSAGES: Final = (discord.MessageType.default, discord.MessageType.reply)
_THINKING: Final = discord.InteractionResponseType.deferred_channel_message


class DirectMessagesClosed(PlatformError):
    """The user accepts no direct messages from the bot (Discord error 50007)."""


def platform_error(exc: discord.HTTPException) -> PlatformError:
    """A discord.py HTTP error as ours."""
    message = f"Discord answered HTTP {exc.status} (code {exc.code})"
    if exc.code == CANNOT_DM:
        return DirectMessagesClosed(message)
    return PlatformError(message)


def minimal_intents() -> discord.Intents:
    """Only what the bot uses; none is privileged (DM content needs no message content
    intent)."""
    intents = discord.Intents.none()
    intents.guilds = True  # the servers the bot is in, for /takeorpass
    intents.dm_messages = True  # messages in the bot's DMs, with their content
    return intents


def _log_failure(what: str, exc: BaseException) -> None:
    # An exception's message can quote what the user typed (database errors quote their
    # parameters), so only its type and where it happened are logged.
    if isinstance(exc, TakeOrPassError):
        log.warning("%s failed: %s", what, type(exc).__name__)
        return
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("%s failed: %s\n%s", what, type(exc).__name__, frames.rstrip())


def _log_sync_failure(where: str, exc: discord.HTTPException) -> None:
    log.warning(
        "discord: could not register /%s %s (%s); was the bot invited with the "
        "applications.commands scope?",
        COMMAND,
        where,
        platform_error(exc),
    )


def _view_kwargs(message: OutMessage) -> dict[str, Any]:
    view = to_view(message)
    return {"view": view} if view is not None else {}


class TakeOrPassCommands(app_commands.Group):
    """`/takeorpass start [company] | help | history | forget`, in servers and in the DM."""

    def __init__(self, client: TakeOrPassClient) -> None:
        super().__init__(
            name=COMMAND,
            description="Decide whether an interview is worth taking",
            allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True),
            allowed_installs=app_commands.AppInstallationType(guild=True),
        )
        self._client = client

    @app_commands.command(name="start", description=SUBCOMMANDS["start"])
    @app_commands.describe(company="The company and role, e.g. Acme — Data Analyst (optional)")
    async def start(
        self,
        interaction: discord.Interaction[Any],
        company: app_commands.Range[str, 1, 120] | None = None,
    ) -> None:
        await self._client.run_command(interaction, command_event_for("start", company))

    @app_commands.command(name="help", description=SUBCOMMANDS["help"])
    async def help(self, interaction: discord.Interaction[Any]) -> None:
        await self._client.run_command(interaction, command_event_for("help"))

    @app_commands.command(name="history", description=SUBCOMMANDS["history"])
    async def history(self, interaction: discord.Interaction[Any]) -> None:
        await self._client.run_command(interaction, command_event_for("history"))

    @app_commands.command(name="forget", description=SUBCOMMANDS["forget"])
    async def forget(self, interaction: discord.Interaction[Any]) -> None:
        await self._client.run_command(interaction, command_event_for("forget"))


class TakeOrPassClient(discord.Client):
    """Runs the conversation in the user's DM: typed answers, buttons and `/takeorpass`.

    Translation only: every decision is the engine's."""

    def __init__(
        self,
        *,
        engine: Engine,
        guild_ids: Sequence[int] = (),
        defer_after: float = DEFER_AFTER,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        # Before super().__init__, which is where discord.py logs those warnings. addFilter
        # ignores a filter it already has, so building a second client adds nothing.
        logging.getLogger("discord.client").addFilter(NO_VOICE_WARNINGS)
        super().__init__(
            intents=minimal_intents(),
            # Nobody is pinged by default; a later reminder may allow only its own user.
            allowed_mentions=NO_PINGS,
            guild_ready_timeout=guild_ready_timeout,
            max_messages=None,  # the adapter never looks a message up in the cache
        )
        self.engine = engine
        self.guild_ids = tuple(guild_ids)
        self.defer_after = defer_after
        self.tree = app_commands.CommandTree(self)
        self.tree.add_command(TakeOrPassCommands(self))
        self.tree.error(self._command_failed)

    # start-up

    async def setup_hook(self) -> None:
        self.add_dynamic_items(AnswerButton)
        await self.sync_commands()

    async def sync_commands(self) -> None:
        """Register `/takeorpass` globally, or at once in the servers of DISCORD_GUILD_IDS.
        A refusal is logged, not raised: DMs and buttons work without the command."""
        if not self.guild_ids:
            try:
                synced = await self.tree.sync()
            except discord.HTTPException as exc:
                _log_sync_failure("globally", exc)
            else:
                log.info("discord: synced %d command(s) globally", len(synced))
            return
        for guild_id in self.guild_ids:
            guild = discord.Object(guild_id)
            self.tree.copy_global_to(guild=guild)
            try:
                synced = await self.tree.sync(guild=guild)
            except discord.HTTPException as exc:
                _log_sync_failure(f"in server {guild_id}", exc)
            else:
                log.info("discord: synced %d command(s) in server %d", len(synced), guild_id)

    async def on_ready(self) -> None:
        log.info(
            "discord: connected as %s, in %d server(s)",
            self.user.id if self.user else "?",
            len(self.guilds),
        )

    # DMs

    async def on_message(self, message: discord.Message) -> None:
        if (
            message.guild is not None
            or message.author.bot
            or message.author.system
            or message.type not in _USER_MESSAGES
        ):
            return
        event = typed_event(message.content)
        try:
            replies = await self.engine.handle(
                user_key(message.author.id), event, delivery_id=str(message.id)
            )
        except Exception as exc:
            _log_failure("a DM", exc)
            await self._post_quietly(message.channel, NOT_SAVED)
            return
        try:
            await self._post_all(message.channel, render_all(replies))
        except PlatformError as exc:
            log.warning("discord: could not answer a DM: %s", exc)
            await self._post_quietly(message.channel, NOT_DELIVERED)

    # /takeorpass

    async def run_command(self, interaction: discord.Interaction[Any], event: Event) -> None:
        """A subcommand: answered in place in the bot's DM; from a server, it continues in DM
        with only an ephemeral pointer left in the server."""
        if interaction.guild_id is None:
            await self._command_in_dm(interaction, event)
        else:
            await self._command_in_server(interaction, event)

    async def _command_in_dm(self, interaction: discord.Interaction[Any], event: Event) -> None:
        key = user_key(interaction.user.id)
        try:
            replies = await self._handle_in_time(interaction, key, event, thinking=True)
        except Exception as exc:
            _log_failure("a command", exc)
            await self._reply_once(interaction, NOT_SAVED)
            return
        messages = render_all(replies)
        if not messages:
            return  # a delivery already answered
        try:
            if interaction.response.is_done():
                await self._edit_original(interaction, messages[0])
            else:
                await self._send_response(interaction, messages[0])
            if messages[1:]:
                await self._post_all(await self._dm_channel(interaction), messages[1:])
        except PlatformError as exc:
            log.warning("discord: could not answer a command: %s", exc)
            await self._reply_once(interaction, NOT_DELIVERED)

    async def _command_in_server(self, interaction: discord.Interaction[Any], event: Event) -> None:
        # Opening the DM and sending take a few requests: acknowledge first, privately.
        try:
            await interaction.response.defer(ephemeral=True, thinking=True)
        except discord.HTTPException as exc:
            log.warning("discord: could not acknowledge a command: %s", platform_error(exc))
        try:
            channel = await self._open_dm(interaction.user)
        except PlatformError as exc:
            log.warning("discord: could not open a DM: %s", exc)
            await self._reply_once(interaction, NOT_DELIVERED)
            return
        try:
            replies = await self.engine.handle(
                user_key(interaction.user.id), event, delivery_id=str(interaction.id)
            )
        except Exception as exc:
            _log_failure("a command", exc)
            await self._reply_once(interaction, NOT_SAVED)
            return
        if not replies:
            return
        try:
            sent = await self._post_all(channel, render_all(replies))
        except DirectMessagesClosed:
            await self._reply_once(interaction, DMS_CLOSED)
            return
        except PlatformError as exc:
            log.warning("discord: could not send to a DM: %s", exc)
            await self._reply_once(interaction, NOT_DELIVERED)
            return
        link = sent[0].jump_url if sent else channel.jump_url
        await self._reply_once(interaction, CONTINUING_IN_DM.format(link=link))

    async def _command_failed(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        _log_failure(f"/{COMMAND}", error.__cause__ or error)
        await self._reply_once(interaction, NOT_SAVED)

    # buttons

    async def handle_press(
        self, interaction: discord.Interaction[Any], custom_id: str, label: str
    ) -> None:
        """A press on any `tp:` button, on a message of any age."""
        key = user_key(interaction.user.id)
        try:
            replies = await self._handle_in_time(
                interaction, key, press_event(custom_id), thinking=False
            )
        except Exception as exc:
            _log_failure("a button press", exc)
            await self._reply_once(interaction, NOT_SAVED)
            return
        if not replies:
            return  # a delivery already answered
        outcome = press_outcome(custom_id, replies)
        if outcome is PressOutcome.REFUSED:
            await self._reply_once(interaction, plain(replies))
            return
        messages = render_all(replies)
        if outcome is PressOutcome.UPDATED:
            pressed, messages = messages[0], messages[1:]
        else:
            content = interaction.message.content if interaction.message else ""
            pressed = closed(content, rows_of(interaction.message), custom_id, label)
        try:
            await self._edit_pressed(interaction, pressed)
        except PlatformError as exc:
            # The press counted; the old message just keeps its buttons.
            log.warning("discord: could not update a pressed message: %s", exc)
        if not messages:
            return
        try:
            await self._post_all(await self._dm_channel(interaction), messages)
        except PlatformError as exc:
            log.warning("discord: could not send after a press: %s", exc)
            await self._reply_once(interaction, NOT_DELIVERED)

    # helpers: the engine within Discord's 3 seconds

    async def _handle_in_time(
        self,
        interaction: discord.Interaction[Any],
        key: UserKey,
        event: Event,
        *,
        thinking: bool,
    ) -> list[Reply]:
        """Run the event; if storage is slow, acknowledge the interaction before the 3 s are
        up and let the answer follow."""
        work = asyncio.ensure_future(
            self.engine.handle(key, event, delivery_id=str(interaction.id))
        )
        done, _pending = await asyncio.wait({work}, timeout=self.defer_after)
        if not done:
            try:
                await interaction.response.defer(thinking=thinking)
            except discord.HTTPException as exc:
                log.warning("discord: could not defer an interaction: %s", platform_error(exc))
        return await work

    # helpers: sending, each turning discord.py's errors into ours

    async def _open_dm(self, user: discord.User | discord.Member) -> discord.DMChannel:
        try:
            return user.dm_channel or await user.create_dm()
        except discord.HTTPException as exc:
            raise platform_error(exc) from exc

    async def _dm_channel(self, interaction: discord.Interaction[Any]) -> discord.abc.Messageable:
        channel = interaction.channel
        if interaction.guild_id is None and isinstance(channel, discord.DMChannel):
            return channel
        return await self._open_dm(interaction.user)

    async def _post_all(
        self, channel: discord.abc.Messageable, messages: Sequence[OutMessage]
    ) -> list[discord.Message]:
        sent = []
        for message in messages:
            try:
                sent.append(
                    await channel.send(
                        message.content, allowed_mentions=NO_PINGS, **_view_kwargs(message)
                    )
                )
            except discord.HTTPException as exc:
                raise platform_error(exc) from exc
        return sent

    async def _post_quietly(self, channel: discord.abc.Messageable, text: str) -> None:
        try:
            await channel.send(text, allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            log.warning("discord: could not send an apology: %s", platform_error(exc))

    async def _send_response(
        self, interaction: discord.Interaction[Any], message: OutMessage
    ) -> None:
        try:
            await interaction.response.send_message(
                message.content, allowed_mentions=NO_PINGS, **_view_kwargs(message)
            )
        except discord.HTTPException as exc:
            raise platform_error(exc) from exc

    async def _edit_original(
        self, interaction: discord.Interaction[Any], message: OutMessage
    ) -> None:
        try:
            await interaction.edit_original_response(
                content=message.content, allowed_mentions=NO_PINGS, view=to_view(message)
            )
        except discord.HTTPException as exc:
            raise platform_error(exc) from exc

    async def _edit_pressed(
        self, interaction: discord.Interaction[Any], message: OutMessage
    ) -> None:
        if interaction.response.is_done():
            await self._edit_original(interaction, message)
            return
        try:
            await interaction.response.edit_message(
                content=message.content, allowed_mentions=NO_PINGS, view=to_view(message)
            )
        except discord.HTTPException as exc:
            raise platform_error(exc) from exc

    async def _reply_once(self, interaction: discord.Interaction[Any], text: str) -> None:
        """A short note only this user sees, however far the interaction got."""
        try:
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
        except discord.HTTPException as exc:
            log.warning("discord: could not answer an interaction: %s", platform_error(exc))
