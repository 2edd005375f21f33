"""The discord.py client: DMs, `/takeorpass` and button presses in, core replies out."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Sequence
from typing import Any, Final

import discord
from discord import app_commands

from adapters.discord.commands import TakeOrPassCommands, sync_commands
from adapters.discord.components import AnswerButton
from adapters.discord.contexts import answer_elsewhere, keep_to_where_it_works
from adapters.discord.forms import (
    FORM_EXPIRED,
    OpenForms,
    answer_expired_forms,
)
from adapters.discord.logs import NO_VOICE_WARNINGS
from adapters.discord.parsers import guard_parsers
from adapters.discord.presses import Presses
from adapters.discord.receiving import COMMAND, typed_event, user_key
from adapters.discord.reminders import DmChannels
from adapters.discord.rendering import (
    CONTINUING_IN_DM,
    DMS_CLOSED,
    FILES_DMS_CLOSED,
    FILES_IN_DM,
    FILES_NOT_DELIVERED,
    NOT_DELIVERED,
    NOT_SAVED,
    has_files,
    plain,
    render_all,
)
from adapters.discord.sending import (
    NO_PINGS,
    DirectMessagesClosed,
    acknowledge,
    answer_in_place,
    cut_off,
    discord_errors,
    ends_on_shutdown,
    log_cut_off,
    log_failure,
    post_all,
    post_quietly,
    reply_once,
)
from adapters.runtime import settle_startup_objects
from bot.common.errors import PlatformError
from bot.common.events import Event, Text
from bot.common.replies import Reply
from bot.engine.engine import Engine
from bot.reminders.commands import EditReminder

log = logging.getLogger(__name__)

# Discord drops an interaction not answered within 3 s. Storage is usually done in a few
# milliseconds, and then the answer itself is the acknowledgement; past this it is deferred.
DEFER_AFTER: Final = 1.0
_USER_MESSAGES: Final = (discord.MessageType.default, discord.MessageType.reply)


def minimal_intents() -> discord.Intents:
    """Only what the bot uses; none is privileged (DM content needs no message content
    intent)."""
    intents = discord.Intents.none()
    intents.guilds = True  # the servers the bot is in, for /takeorpass
    intents.dm_messages = True  # messages in the bot's DMs, with their content
    return intents


class TakeOrPassClient(discord.Client):
    """Runs the conversation in the user's DM: typed answers, buttons and `/takeorpass`; and
    the reminder commands, in the DM or privately where they are run.

    Translation only: every decision is the engine's."""

    def __init__(
        self,
        *,
        engine: Engine,
        guild_ids: Sequence[int] = (),
        defer_after: float = DEFER_AFTER,
        guild_ready_timeout: float = 2.0,
        dm_channels: DmChannels | None = None,
        **options: Any,
    ) -> None:
        # Before super().__init__, which is where discord.py logs those warnings. addFilter
        # ignores a filter it already has, so building a second client adds nothing.
        logging.getLogger("discord.client").addFilter(NO_VOICE_WARNINGS)
        super().__init__(
            intents=minimal_intents(),
            # Nobody is pinged by default; a reminder may allow only its own user.
            allowed_mentions=NO_PINGS,
            guild_ready_timeout=guild_ready_timeout,
            max_messages=None,  # the adapter never looks a message up in the cache
            **options,  # a sharded client's shard_count and shard_ids
        )
        # An interaction from where the bot does not work reaches no handler but
        # on_interaction_elsewhere, a form this client does not hold none but on_form_expired;
        # an event discord.py cannot parse is dropped, not allowed to end the client.
        self.open_forms = OpenForms()
        answer_expired_forms(self, self.open_forms)
        keep_to_where_it_works(self)
        guard_parsers(self._connection.parsers)
        self.engine = engine
        self.guild_ids = tuple(guild_ids)
        self.defer_after = defer_after
        # Users' DM channels as seen, for reminders (adapters.discord.reminders); kept across
        # restarts when the supervisor hands the next client the same one.
        self.dm_channels = dm_channels if dm_channels is not None else DmChannels()
        self.presses = Presses(
            self,
            engine=engine,
            forms=self.open_forms,
            ask=self._ask,
            dm_channel=self._dm_channel,
        )
        self.tree = app_commands.CommandTree(self)
        self.tree.add_command(TakeOrPassCommands(self))
        self.tree.error(self._command_failed)

    # start-up

    @property
    def runs_first_shard(self) -> bool:
        """Whether this client receives shard 0's events: every DM, and the duty of syncing
        the commands. Always, unless sharded without shard 0."""
        return True

    async def setup_hook(self) -> None:
        self.add_dynamic_items(AnswerButton)
        if self.runs_first_shard:
            await sync_commands(self.tree, self.guild_ids)
        else:
            log.info("discord: the instance running shard 0 registers /%s, not this one", COMMAND)
        settle_startup_objects()

    async def on_ready(self) -> None:
        log.info(
            "discord: connected as %s, in %d server(s)",
            self.user.id if self.user else "?",
            len(self.guilds),
        )

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        # discord.py's own logs the exception's message, which can quote the event's payload.
        failure = sys.exc_info()[1]
        if failure is not None and cut_off(self, failure):
            log_cut_off(f"discord: {event_method}")
        elif failure is not None:
            log_failure(f"discord: {event_method}", failure)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        # Past keep_to_where_it_works, one outside servers is from the bot's own DM.
        if interaction.guild_id is None and interaction.channel_id is not None:
            self.dm_channels.remember(interaction.user.id, interaction.channel_id)

    async def on_interaction_elsewhere(self, interaction: discord.Interaction[Any]) -> None:
        await answer_elsewhere(interaction)

    async def on_form_expired(self, interaction: discord.Interaction[Any]) -> None:
        with ends_on_shutdown(self, "an expired form"):
            await reply_once(interaction, FORM_EXPIRED)

    # DMs

    async def on_message(self, message: discord.Message) -> None:
        if (
            message.guild is not None
            or message.author.bot
            or message.author.system
            or message.type not in _USER_MESSAGES
            or not message.content.strip()  # an image or a sticker alone: nothing to read
        ):
            return
        self.dm_channels.remember(message.author.id, message.channel.id)
        event = typed_event(message.content)
        try:
            replies = await self.engine.handle(
                user_key(message.author.id), event, delivery_id=str(message.id)
            )
        except Exception as exc:
            log_failure("a DM", exc)
            await post_quietly(message.channel, NOT_SAVED)
            return
        messages = render_all(replies)
        try:
            await post_all(message.channel, messages)
        except PlatformError as exc:
            log.warning("discord: could not answer a DM: %s", exc)
            await post_quietly(
                message.channel, FILES_NOT_DELIVERED if has_files(messages) else NOT_DELIVERED
            )

    # /takeorpass

    async def run_command(self, interaction: discord.Interaction[Any], event: Event) -> None:
        """A subcommand: answered in place in the bot's DM; from a server, it continues in DM
        with only an ephemeral pointer left in the server."""
        if interaction.guild_id is None:
            await self._answer_in_place(interaction, event, ephemeral=False)
        else:
            await self._command_in_server(interaction, event)

    async def run_reminder_command(
        self, interaction: discord.Interaction[Any], event: Text
    ) -> None:
        """A reminder subcommand: answered in place, with its buttons; privately in a server,
        since a list of reminders may name a company."""
        await self._answer_in_place(interaction, event, ephemeral=interaction.guild_id is not None)

    async def _answer_in_place(
        self, interaction: discord.Interaction[Any], event: Event, *, ephemeral: bool
    ) -> None:
        replies = await self._ask(interaction, event, "a command", ephemeral=ephemeral)
        if replies is None:
            return
        messages = render_all(replies)
        if not messages:
            return  # a delivery already answered
        try:
            if ephemeral:
                await answer_in_place(interaction, messages, ephemeral=True)
                return
            # In the bot's DM, so the first message's files (if any) go with the answer.
            await answer_in_place(interaction, messages[:1], ephemeral=False)
            if messages[1:]:
                await post_all(await self._dm_channel(interaction), messages[1:])
        except PlatformError as exc:
            log.warning("discord: could not answer a command: %s", exc)
            await reply_once(
                interaction, FILES_NOT_DELIVERED if has_files(messages) else NOT_DELIVERED
            )

    async def _command_in_server(self, interaction: discord.Interaction[Any], event: Event) -> None:
        # Opening the DM and sending take a few requests: acknowledge first, privately.
        await acknowledge(interaction, thinking=True, ephemeral=True)
        try:
            channel = await self._open_dm(interaction.user)
        except PlatformError as exc:
            log.warning("discord: could not open a DM: %s", exc)
            await reply_once(interaction, NOT_DELIVERED)
            return
        replies = await self._ask(interaction, event, "a command", acknowledged=True)
        if not replies:
            return
        try:
            sent = await post_all(channel, render_all(replies))
        except DirectMessagesClosed:
            await reply_once(interaction, DMS_CLOSED)
            return
        except PlatformError as exc:
            log.warning("discord: could not send to a DM: %s", exc)
            await reply_once(interaction, NOT_DELIVERED)
            return
        link = sent[0].jump_url if sent else channel.jump_url
        await reply_once(interaction, CONTINUING_IN_DM.format(link=link))

    async def run_export(self, interaction: discord.Interaction[Any], event: Text) -> None:
        """`export`: its files go to the user's DM, in a server with only a private pointer
        left there; an answer without files (nothing recorded yet, too soon) is given in place,
        privately in a server."""
        if interaction.guild_id is None:
            await self._answer_in_place(interaction, event, ephemeral=False)
            return
        await acknowledge(interaction, thinking=True, ephemeral=True)
        replies = await self._ask(interaction, event, "an export", acknowledged=True)
        if not replies:
            return
        messages = render_all(replies)
        if not has_files(messages):
            await reply_once(interaction, plain(replies))
            return
        try:
            sent = await post_all(await self._open_dm(interaction.user), messages)
        except DirectMessagesClosed:
            await reply_once(interaction, FILES_DMS_CLOSED)
            return
        except PlatformError as exc:
            log.warning("discord: could not send files to a DM: %s", exc)
            await reply_once(interaction, FILES_NOT_DELIVERED)
            return
        await reply_once(interaction, FILES_IN_DM.format(link=sent[0].jump_url))

    async def _command_failed(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        failure = error.__cause__ or error
        if cut_off(self, failure):
            log_cut_off(f"/{COMMAND}")
            return
        log_failure(f"/{COMMAND}", failure)
        await reply_once(interaction, NOT_SAVED)

    # buttons

    async def handle_press(
        self, interaction: discord.Interaction[Any], custom_id: str, label: str
    ) -> None:
        """A press on any `tp:` button, on a message of any age."""
        # Not left to discord.py, which would log the shutdown as a failure, with a traceback.
        with ends_on_shutdown(self, "a button press"):
            await self.presses.handle(interaction, custom_id, label)

    # helpers

    async def _ask(
        self,
        interaction: discord.Interaction[Any],
        event: Event | EditReminder,
        what: str,
        *,
        thinking: bool = True,
        ephemeral: bool = False,
        acknowledged: bool = False,
    ) -> list[Reply] | None:
        """The engine's replies to `event`, or None when it failed: the failure is logged
        (`log_failure`: never what the user typed) and the user told nothing was changed.
        If storage is slow, the interaction is acknowledged before the 3 s are up, unless it
        was already, and the answer follows."""
        key = user_key(interaction.user.id)
        work = asyncio.ensure_future(
            self.engine.handle(key, event, delivery_id=str(interaction.id))
        )
        try:
            if not acknowledged:
                done, _pending = await asyncio.wait({work}, timeout=self.defer_after)
                if not done:
                    await acknowledge(interaction, thinking=thinking, ephemeral=ephemeral)
            return await work
        except Exception as exc:
            log_failure(what, exc)
            await reply_once(interaction, NOT_SAVED)
            return None

    async def _open_dm(self, user: discord.User | discord.Member) -> discord.DMChannel:
        with discord_errors(self):
            channel = user.dm_channel or await user.create_dm()
        self.dm_channels.remember(user.id, channel.id)
        return channel

    async def _dm_channel(self, interaction: discord.Interaction[Any]) -> discord.abc.Messageable:
        channel = interaction.channel
        if interaction.guild_id is None and isinstance(channel, discord.DMChannel):
            return channel
        return await self._open_dm(interaction.user)


class ShardedTakeOrPassClient(TakeOrPassClient, discord.AutoShardedClient):
    """The same client over discord.py's sharded gateway: runs `shard_ids` of `shard_count`
    shards (None: all of them), each its own connection; REST calls are shared."""

    def __init__(
        self, *, shard_count: int, shard_ids: Sequence[int] | None = None, **options: Any
    ) -> None:
        ids = list(shard_ids) if shard_ids else None
        super().__init__(shard_count=shard_count, shard_ids=ids, **options)
        log.info(
            "discord: this instance runs shard(s) %s of %d",
            ", ".join(map(str, ids if ids is not None else range(shard_count))),
            shard_count,
        )

    @property
    def runs_first_shard(self) -> bool:
        return self.shard_ids is None or 0 in self.shard_ids

    async def on_shard_ready(self, shard_id: int) -> None:
        log.info("discord: shard %d of %s connected", shard_id, self.shard_count)
