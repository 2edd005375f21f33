"""`/takeorpass` and its subcommands with typed options; each becomes the event the same words
typed in the DM would be. `sync_commands` registers them with Discord."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache
from typing import Any, Final, Protocol
from zoneinfo import available_timezones

import discord
from discord import app_commands

from adapters.discord.receiving import (
    COMMAND,
    SUBCOMMANDS,
    WEEKLY_STATES,
    command_event_for,
    record_event,
    reminder_event,
    reminder_words,
)
from adapters.discord.sending import platform_error
from bot.common.events import Event, Text
from bot.reminders import zones

log = logging.getLogger(__name__)

MAX_CHOICES: Final = 25  # Discord shows at most 25 autocomplete choices
MAX_WHEN: Final = 100
MAX_TEXT: Final = 500  # the reminder service's own limit (bot.reminders.plan.MAX_TEXT)


class CommandRunner(Protocol):
    """What the subcommands need from the client."""

    async def run_command(self, interaction: discord.Interaction[Any], event: Event) -> None:
        """A questionnaire subcommand: answered in the DM."""

    async def run_reminder_command(
        self, interaction: discord.Interaction[Any], event: Text
    ) -> None:
        """A reminder subcommand or a setting: answered where it was run, privately in a
        server."""

    async def run_export(self, interaction: discord.Interaction[Any], event: Text) -> None:
        """`export`: the files go to the user's DM, never to a server."""


class TextChannelOption(app_commands.Transformer[Any]):
    """A text channel picked in the option, as its id. The reminder service checks it (exists,
    same server, the bot may post there), so nothing here depends on what is cached."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return [discord.ChannelType.text, discord.ChannelType.news]

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> int:
        return int(value.id)


ChannelId = app_commands.Transform[int, TextChannelOption]


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def zone_choices(current: str) -> list[app_commands.Choice[str]]:
    """The zones a name people use stands for ("PST", "Berlin", "IST"), then IANA names
    containing what was typed, any case; at most 25."""
    typed = "_".join(current.strip().lower().split())
    found = [zone for zone in _zones() if typed in zone.lower()]
    # The names starting with what was typed first: "ber" → Europe/Berlin before Cumberland.
    found.sort(key=lambda zone: (not zone.lower().split("/")[-1].startswith(typed), zone))
    resolved = zones.resolve(current)
    meant: tuple[str, ...] = ()
    if isinstance(resolved, zones.Found):
        meant = (resolved.zone,)
    elif isinstance(resolved, zones.Candidates):
        meant = resolved.zones
    read_as = resolved.said if isinstance(resolved, zones.Found | zones.Candidates) else None
    said = f" ({read_as})" if read_as else ""
    choices = [app_commands.Choice(name=f"{zone}{said}"[:100], value=zone) for zone in meant]
    choices += [app_commands.Choice(name=zone, value=zone) for zone in found if zone not in meant]
    return choices[:MAX_CHOICES]


def _where(interaction: discord.Interaction[Any]) -> tuple[int | None, int | None, bool]:
    """(server, channel, may manage the channel) of an interaction; all empty in the DM."""
    if interaction.guild_id is None:
        return None, None, False
    return interaction.guild_id, interaction.channel_id, interaction.permissions.manage_channels


class TakeOrPassCommands(app_commands.Group):
    """`/takeorpass start [company] | help | history | forget | remind | reminders | channel |
    timezone | stats | export | weekly on|off`, in servers and in the DM."""

    def __init__(self, runner: CommandRunner) -> None:
        super().__init__(
            name=COMMAND,
            description="Decide whether an interview is worth taking",
            allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True),
            allowed_installs=app_commands.AppInstallationType(guild=True),
        )
        self._runner = runner

    async def _reminder(self, interaction: discord.Interaction[Any], words: str) -> None:
        server, channel, manage = _where(interaction)
        event = reminder_event(words, server_id=server, channel_id=channel, manage=manage)
        await self._runner.run_reminder_command(interaction, event)

    @app_commands.command(name="start", description=SUBCOMMANDS["start"])
    @app_commands.describe(company="The company and role, e.g. Acme — Data Analyst (optional)")
    async def start(
        self,
        interaction: discord.Interaction[Any],
        company: app_commands.Range[str, 1, 120] | None = None,
    ) -> None:
        await self._runner.run_command(interaction, command_event_for("start", company))

    @app_commands.command(name="help", description=SUBCOMMANDS["help"])
    async def help(self, interaction: discord.Interaction[Any]) -> None:
        await self._runner.run_command(interaction, command_event_for("help"))

    @app_commands.command(name="history", description=SUBCOMMANDS["history"])
    async def history(self, interaction: discord.Interaction[Any]) -> None:
        await self._runner.run_command(interaction, command_event_for("history"))

    @app_commands.command(name="forget", description=SUBCOMMANDS["forget"])
    async def forget(self, interaction: discord.Interaction[Any]) -> None:
        await self._runner.run_command(interaction, command_event_for("forget"))

    @app_commands.command(name="remind", description=SUBCOMMANDS["remind"])
    @app_commands.describe(
        when="When, in your timezone: in 2 hours, tomorrow 9am, every monday 9am",
        text="What to remind of",
        channel="Post it in this channel instead of your DM (it pings nobody)",
    )
    async def remind(
        self,
        interaction: discord.Interaction[Any],
        when: app_commands.Range[str, 1, MAX_WHEN],
        text: app_commands.Range[str, 1, MAX_TEXT],
        channel: ChannelId | None = None,
    ) -> None:
        words = reminder_words("remind", when=when, text=text, channel_id=channel)
        await self._reminder(interaction, words)

    @app_commands.command(name="reminders", description=SUBCOMMANDS["reminders"])
    async def reminders(self, interaction: discord.Interaction[Any]) -> None:
        await self._reminder(interaction, reminder_words("reminders"))

    @app_commands.command(name="channel", description=SUBCOMMANDS["channel"])
    @app_commands.describe(channel="The job-hunt channel (leave out: this one, or show it)")
    async def channel(
        self, interaction: discord.Interaction[Any], channel: ChannelId | None = None
    ) -> None:
        await self._reminder(interaction, reminder_words("channel", channel_id=channel))

    @app_commands.command(name="timezone", description=SUBCOMMANDS["timezone"])
    @app_commands.describe(
        name="Where you are: Berlin, PST, UTC+2, Europe/Berlin (leave out: show it)"
    )
    async def timezone(
        self,
        interaction: discord.Interaction[Any],
        name: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        await self._reminder(interaction, reminder_words("timezone", name=name))

    @timezone.autocomplete("name")
    async def timezone_names(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return zone_choices(current)

    @app_commands.command(name="stats", description=SUBCOMMANDS["stats"])
    async def stats(self, interaction: discord.Interaction[Any]) -> None:
        await self._reminder(interaction, reminder_words("stats"))

    @app_commands.command(name="export", description=SUBCOMMANDS["export"])
    async def export(self, interaction: discord.Interaction[Any]) -> None:
        await self._runner.run_export(interaction, record_event("export"))

    @app_commands.command(name="weekly", description=SUBCOMMANDS["weekly"])
    @app_commands.describe(state="on: a look back by DM on Monday mornings; off: no more")
    @app_commands.choices(state=[app_commands.Choice(name=s, value=s) for s in WEEKLY_STATES])
    async def weekly(
        self, interaction: discord.Interaction[Any], state: app_commands.Choice[str]
    ) -> None:
        # A setting, like timezone: answered where it was run, privately in a server.
        await self._runner.run_reminder_command(interaction, record_event("weekly", state.value))


def _log_sync_failure(where: str, exc: discord.HTTPException) -> None:
    log.warning(
        "discord: could not register /%s %s (%s); was the bot invited with the "
        "applications.commands scope?",
        COMMAND,
        where,
        platform_error(exc),
    )


async def sync_commands(tree: app_commands.CommandTree[Any], guild_ids: Sequence[int]) -> None:
    """Register `/takeorpass` globally, or at once in the servers of `guild_ids`
    (DISCORD_GUILD_IDS). A refusal is logged, not raised: DMs and buttons work without it."""
    if not guild_ids:
        try:
            synced = await tree.sync()
        except discord.HTTPException as exc:
            _log_sync_failure("globally", exc)
        else:
            log.info("discord: synced %d command(s) globally", len(synced))
        return
    for guild_id in guild_ids:
        guild = discord.Object(guild_id)
        tree.copy_global_to(guild=guild)
        try:
            synced = await tree.sync(guild=guild)
        except discord.HTTPException as exc:
            _log_sync_failure(f"in server {guild_id}", exc)
        else:
            log.info("discord: synced %d command(s) in server %d", len(synced), guild_id)
