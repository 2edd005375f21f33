"""Where the bot works: in the servers it is in and in its own DM with a user. Discord also
sends interactions from elsewhere (a DM or group DM between people, a server the bot was never
added to) when a user has installed the app to their account, whatever the command was
registered for. Those are turned away before discord.py hands them to any handler: one line
only that user sees, and nothing stored."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any, Final

import discord

from adapters.discord.rendering import ONLY_WHERE_I_WORK
from adapters.discord.sending import ends_on_shutdown, reply_once

log = logging.getLogger(__name__)

# Discord's interaction context of the bot's own DM with a user (0 is a server, 2 a DM or group
# DM between people), and the key of a guild install in `authorizing_integration_owners`.
BOT_DM: Final = 1
GUILD_INSTALL: Final = "0"
_DM_CHANNEL: Final = 1
# The event a turned-away interaction is dispatched as (the client's `on_interaction_elsewhere`).
ELSEWHERE: Final = "interaction_elsewhere"


def works_here(interaction: Mapping[str, Any], *, in_server: Callable[[int], bool]) -> bool:
    """Whether an INTERACTION_CREATE payload comes from where the bot works: a server it is in
    (`in_server`), or its own DM with the user.

    Outside servers, `context` tells the bot's DM (1) from a DM between people (2), whose
    channel is a DM too. A payload without it is read by its install (outside servers, a guild
    install is "0" only in the bot's DM); one without either is from before user installs,
    when a DM interaction could only come from the bot's DM."""
    guild_id = interaction.get("guild_id")
    if guild_id is not None:
        return in_server(int(guild_id))
    if "context" in interaction:
        return bool(interaction["context"] == BOT_DM)
    owners = interaction.get("authorizing_integration_owners")
    if isinstance(owners, Mapping):
        return bool(owners.get(GUILD_INSTALL) == "0")
    channel = interaction.get("channel")
    return isinstance(channel, Mapping) and channel.get("type") == _DM_CHANNEL


def keep_to_where_it_works(client: discord.Client) -> None:
    """Let discord.py parse an INTERACTION_CREATE only from where the bot works; dispatch any
    other as ELSEWHERE instead, so that no command, button or form handler runs for it and
    nothing is recorded. Wraps discord.py's parser: call it before `guard_parsers`, which then
    guards this too."""
    state = client._connection
    parsers: MutableMapping[str, Callable[[Any], None]] = state.parsers
    parse = parsers["INTERACTION_CREATE"]

    def parse_if_here(data: Any) -> None:
        if works_here(data, in_server=lambda guild_id: client.get_guild(guild_id) is not None):
            parse(data)
            return
        log.info("discord: an interaction from context %s, turned away", data.get("context"))
        client.dispatch(ELSEWHERE, discord.Interaction(data=data, state=state))

    parsers["INTERACTION_CREATE"] = parse_if_here


async def answer_elsewhere(interaction: discord.Interaction[Any]) -> None:
    """One line saying where the bot works, only for this user; no choices to an autocomplete."""
    with ends_on_shutdown(interaction.client, "an interaction from elsewhere"):
        if interaction.type is not discord.InteractionType.autocomplete:
            await reply_once(interaction, ONLY_WHERE_I_WORK)
            return
        try:
            await interaction.response.autocomplete([])
        except discord.HTTPException as exc:
            log.warning("discord: could not answer an autocomplete (HTTP %s)", exc.status)
