"""What a Discord member may do in a channel: only someone who can view a channel and send
messages in it may have reminders posted there, or make it the job-hunt channel.

Worked out as Discord documents it (Topics > Permissions, "Permission Overwrites"): the server
owner may do everything; otherwise the @everyone role's permissions and those of the member's
roles, everything with Administrator; then the channel's overwrites for @everyone, for the
member's roles together, and for the member, in that order. A member who can't view a channel
can do nothing in it, and a timed-out member only view it and read its history.

The member's roles are asked of Discord each time (GET /guilds/{id}/members/{user}: the bot
has no members intent, so its cache does not follow them); the server's roles and the channel's
overwrites come from the client's cache, or over REST for a server another instance holds. An
answer that allows viewing and sending is kept for a minute per (user, channel)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Final, NamedTuple

import aiohttp
import discord

ADMINISTRATOR: Final = 1 << 3
VIEW_CHANNEL: Final = 1 << 10
SEND_MESSAGES: Final = 1 << 11
READ_MESSAGE_HISTORY: Final = 1 << 16
ALL: Final = (1 << 64) - 1
VIEW_AND_SEND: Final = VIEW_CHANNEL | SEND_MESSAGES
ACCESS_TTL: Final = 60.0
# The longest wait for one of Discord's answers here (discord.py's own is aiohttp's 300 s).
TIMEOUT: Final = 10.0
# Discord's codes for a member who is not in the server (or no longer exists).
UNKNOWN_MEMBER: Final = 10007
UNKNOWN_USER: Final = 10013


class Overwrite(NamedTuple):
    """One of a channel's permission overwrites."""

    target: int
    is_role: bool
    allow: int
    deny: int


class ChannelRules(NamedTuple):
    """What, besides the member, decides their permissions in one channel."""

    guild_id: int  # also the @everyone role's id
    owner_id: int | None
    roles: Mapping[int, int]  # role id -> its permission bits
    overwrites: tuple[Overwrite, ...]


class Member(NamedTuple):
    """A server member as far as permissions go."""

    user_id: int
    roles: tuple[int, ...]
    timed_out: bool = False


def channel_permissions(rules: ChannelRules, member: Member) -> int:
    """The member's permission bits in the channel, by Discord's documented algorithm."""
    if member.user_id == rules.owner_id:
        return ALL
    base = rules.roles.get(rules.guild_id, 0)
    for role in member.roles:
        base |= rules.roles.get(role, 0)
    if base & ADMINISTRATOR:
        return ALL
    roles = {o.target: o for o in rules.overwrites if o.is_role}
    everyone = roles.get(rules.guild_id)
    if everyone is not None:
        base = (base & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for role in member.roles:
        found = roles.get(role)
        if found is not None:
            allow, deny = allow | found.allow, deny | found.deny
    base = (base & ~deny) | allow
    own = next((o for o in rules.overwrites if not o.is_role and o.target == member.user_id), None)
    if own is not None:
        base = (base & ~own.deny) | own.allow
    if not base & VIEW_CHANNEL:
        return 0
    if member.timed_out:
        return base & (VIEW_CHANNEL | READ_MESSAGE_HISTORY)
    return base


def member_from(data: Mapping[str, Any], user_id: int, *, now: datetime) -> Member:
    """A member object as Discord sends it (GET /guilds/{id}/members/{user})."""
    until = data.get("communication_disabled_until")
    timed_out = False
    if isinstance(until, str):
        try:
            timed_out = datetime.fromisoformat(until) > now
        except ValueError:
            timed_out = False
    return Member(user_id, tuple(int(r) for r in data.get("roles") or ()), timed_out)


def rules_from(channel: discord.abc.GuildChannel, guild: Mapping[str, Any] | None) -> ChannelRules:
    """A channel's rules: its overwrites, and the server's roles and owner from the client's
    cache, or from `guild` (the server as GET /guilds/{id} sends it) when given."""
    overwrites = tuple(
        Overwrite(target.id, _is_role(target), allow.value, deny.value)
        for target, overwrite in channel.overwrites.items()
        for allow, deny in (overwrite.pair(),)
    )
    if guild is not None:
        roles = {int(r["id"]): int(r["permissions"]) for r in guild.get("roles") or ()}
        owner = guild.get("owner_id")
        return ChannelRules(channel.guild.id, int(owner) if owner else None, roles, overwrites)
    cached = channel.guild
    roles = {role.id: role.permissions.value for role in cached.roles}
    return ChannelRules(cached.id, cached.owner_id, roles, overwrites)


def _is_role(target: object) -> bool:
    return isinstance(target, discord.Role) or (
        isinstance(target, discord.Object) and target.type is discord.Role
    )


class Unanswered(Exception):
    """Discord could not be asked just now (unreachable, or an error of its own)."""


class MemberPermissions:
    """A member's permissions in a channel, asked of Discord through `client` (a callable: a
    restarted platform runs a fresh client), each answer awaited at most `timeout` seconds."""

    def __init__(
        self,
        client: Callable[[], discord.Client],
        *,
        ttl: float = ACCESS_TTL,
        clock: Callable[[], float] = time.monotonic,
        timeout: float = TIMEOUT,
    ) -> None:
        self._client = client
        self._ttl = ttl
        self._clock = clock
        self._timeout = timeout
        self._allowed: dict[tuple[int, int], tuple[float, int]] = {}

    async def permissions(self, user_id: int, channel: discord.abc.GuildChannel) -> int:
        """The user's permission bits in `channel`: 0 when they are not in its server. Raises
        Unanswered when Discord could not be asked."""
        key = (user_id, channel.id)
        now = self._clock()
        cached = self._allowed.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        client = self._client()
        try:
            async with asyncio.timeout(self._timeout):
                data: Any = await client.http.get_member(channel.guild.id, user_id)
        except discord.NotFound as exc:
            if exc.code in (UNKNOWN_MEMBER, UNKNOWN_USER):
                return 0
            raise Unanswered(f"HTTP {exc.status}") from exc
        except (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise Unanswered(type(exc).__name__) from exc
        member = member_from(data, user_id, now=datetime.now(UTC))
        rules = rules_from(channel, await self._guild(client, channel))
        allowed = channel_permissions(rules, member)
        if allowed & VIEW_AND_SEND == VIEW_AND_SEND:
            if len(self._allowed) > 10_000:
                self._allowed = {k: v for k, v in self._allowed.items() if v[0] > now}
            self._allowed[key] = (now + self._ttl, allowed)
        return allowed

    async def _guild(
        self, client: discord.Client, channel: discord.abc.GuildChannel
    ) -> Mapping[str, Any] | None:
        """The server over REST when the client holds no copy of it (another shard's), else
        None: the cached one stands."""
        cached = client.get_guild(channel.guild.id)
        if cached is not None and not cached.unavailable:
            return None
        try:
            async with asyncio.timeout(self._timeout):
                data: Any = await client.http.get_guild(channel.guild.id, with_counts=False)
        except (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise Unanswered(type(exc).__name__) from exc
        return dict(data)
