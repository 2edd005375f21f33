"""FakeDiscord's server members: who is in which server with which roles, the REST routes that
tell (GET /guilds/{id}, GET /guilds/{id}/members/{user}), and interactions filled in with
permissions as Discord computes them (guilds.permissions: roles, then the channel's overwrites).

Shapes from https://discord.com/developers/docs: Guild "Get Guild" (the guild object, without
channels or members), "Get Guild Member" (a guild member object, 404 with code 10007 Unknown
Member for someone not in the server), Interactions "Interaction Object" (`member.permissions`:
the member's permissions in the channel the interaction was sent from, overwrites included;
`app_permissions`: the app's there; `data.resolved.channels[id].permissions`: the member's in a
channel picked in an option)."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from typing import Any

from aiohttp import web

from . import guilds as rules
from .payloads import BOT_ID, JSON, member_payload
from .rest import RecordedRequest, _error, _json

# Only the server's own fields: "Get Guild" leaves out what GUILD_CREATE adds.
_GATEWAY_ONLY = frozenset(
    {
        "channels",
        "members",
        "threads",
        "presences",
        "voice_states",
        "stage_instances",
        "guild_scheduled_events",
        "embedded_activities",
        "activity_instances",
        "soundboard_sounds",
        "joined_at",
        "large",
        "unavailable",
        "member_count",
        "lazy",
        "application_command_counts",
    }
)
UNKNOWN_GUILD = (404, 10004, "Unknown Guild")
UNKNOWN_MEMBER = (404, 10007, "Unknown Member")


class Members:
    """Members and what they may do, for FakeDiscord (state in ``__init__.py``)."""

    # configuration

    def add_member(self, guild_id: str, user_id: str, *, roles: Iterable[str] = ()) -> JSON:
        """Put `user_id` in a server with `roles` (or give an existing member those roles)."""
        guild = self._guild(guild_id)
        member = self.member_of(guild_id, user_id)
        if member is None:
            member = member_payload(user_id)
            guild["members"].append(member)
            guild["member_count"] = len(guild["members"])
        member["roles"] = list(roles)
        return member

    def remove_member(self, guild_id: str, user_id: str) -> None:
        """`user_id` leaves the server (or is kicked)."""
        guild = self._guild(guild_id)
        guild["members"] = [m for m in guild["members"] if m["user"]["id"] != user_id]
        guild["member_count"] = len(guild["members"])

    def member_of(self, guild_id: str, user_id: str) -> JSON | None:
        guild = self._guild(guild_id)
        return next((m for m in guild["members"] if m["user"]["id"] == user_id), None)

    def _guild(self, guild_id: str) -> JSON:
        return next(g for g in self.all_guilds if g["id"] == guild_id)

    # interactions

    def filled(self, payload: JSON) -> JSON:
        """An interaction in a server as Discord sends it: its member's permissions in the
        channel it was run in, the app's there, and the member's in each resolved channel."""
        data = copy.deepcopy(payload)
        guild_id = data.get("guild_id")
        if guild_id is None:
            return data  # a DM: no member, no permissions
        guild = self._guild(guild_id)
        user_id = data["member"]["user"]["id"]
        here = self.channels[data["channel_id"]]
        theirs = rules.permissions(guild, here, user_id)
        known = self.member_of(guild_id, user_id)
        data["member"]["roles"] = list(known["roles"]) if known else []
        data["member"]["permissions"] = str(theirs)
        data["app_permissions"] = str(rules.permissions(guild, here, BOT_ID))
        if "channel" in data:
            data["channel"]["permissions"] = str(theirs)
        resolved = (data.get("data") or {}).get("resolved") or {}
        for channel_id, partial in (resolved.get("channels") or {}).items():
            channel = self.channels[channel_id]
            owner = self.guild_of(channel_id)
            allowed = rules.permissions(owner, channel, user_id) if owner else 0
            partial["permissions"] = str(allowed)
        return data

    # REST

    async def _get_guild(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        guild = next((g for g in self.all_guilds if g["id"] == m["guild"]), None)
        if guild is None:
            return _error(*UNKNOWN_GUILD)
        shown: dict[str, Any] = {k: v for k, v in guild.items() if k not in _GATEWAY_ONLY}
        return _json(copy.deepcopy(shown))

    async def _get_member(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        if not any(g["id"] == m["guild"] for g in self.all_guilds):
            return _error(*UNKNOWN_GUILD)
        member = self.member_of(m["guild"], m["user"])
        if member is None:
            return _error(*UNKNOWN_MEMBER)
        return _json(copy.deepcopy(member))
