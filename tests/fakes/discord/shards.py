"""Gateway sessions and sharding for FakeDiscord, by Discord's rules ("Gateway" → "Sharding"):
a session is one IDENTIFY's connection for one shard `[shard_id, num_shards]`; a server's events
go to the session whose shard id is `(guild_id >> 22) % num_shards`, and DMs to shard 0 only.
A shard id outside `0 … num_shards - 1` is refused with close code 4010."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

JSON = dict[str, Any]

INVALID_SHARD = 4010  # close code: "You sent us an invalid shard when identifying."
# Events whose payload is the server itself, so its id is `id`, not `guild_id`.
_GUILD_OBJECTS = frozenset({"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"})


def shard_of(guild_id: str | int, shard_count: int) -> int:
    """The shard that receives a server's events."""
    return (int(guild_id) >> 22) % shard_count


def guild_id_on(shard_id: int, shard_count: int, *, near: str | int) -> str:
    """A server id close to `near` (the same time, give or take a few milliseconds) that
    lands on `shard_id` of `shard_count`."""
    base = int(near)
    step = 1 << 22  # one millisecond later: the next shard
    for offset in range(shard_count):
        candidate = base + offset * step
        if shard_of(candidate, shard_count) == shard_id:
            return str(candidate)
    raise ValueError(f"shard {shard_id} of {shard_count} does not exist")


def parse_shard(identify: JSON) -> tuple[int, int] | None:
    """IDENTIFY's `shard` as (shard_id, shard_count): (0, 1) when absent, None when Discord
    would refuse it."""
    raw = identify.get("shard")
    if raw is None:
        return (0, 1)
    valid = (
        isinstance(raw, list)
        and len(raw) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) for n in raw)
    )
    if not valid:
        return None
    shard_id, shard_count = raw
    if shard_count < 1 or not 0 <= shard_id < shard_count:
        return None
    return (shard_id, shard_count)


def guild_of_event(event: str, data: Any) -> str | None:
    """The server an event belongs to, if any (None: a DM, or not about a server)."""
    if not isinstance(data, dict):
        return None
    if event in _GUILD_OBJECTS:
        return str(data["id"]) if "id" in data else None
    guild = data.get("guild_id")
    return str(guild) if guild is not None else None


@dataclass(eq=False)
class GatewaySession:
    """One identified gateway session: its shard, its socket while connected, and every
    dispatch it was sent, in order."""

    shard_id: int
    shard_count: int
    identify: JSON
    ws: web.WebSocketResponse | None
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    seq: int = 0
    superseded: bool = False  # the same shard identified again: this one can't be resumed
    dispatched: list[tuple[str, JSON]] = field(default_factory=list)

    @property
    def shard(self) -> tuple[int, int]:
        return (self.shard_id, self.shard_count)

    @property
    def connected(self) -> bool:
        return self.ws is not None and not self.ws.closed

    @property
    def intents(self) -> int:
        return int(self.identify.get("intents") or 0)

    def serves_guild(self, guild_id: str | int | None) -> bool:
        """Whether a server's events (None: a DM's) belong on this session."""
        if guild_id is None:
            return self.shard_id == 0
        return shard_of(guild_id, self.shard_count) == self.shard_id

    def events(self, name: str) -> list[JSON]:
        """The payloads of every `name` dispatch this session was sent."""
        return [data for event, data in self.dispatched if event == name]

    def guild_ids(self) -> list[str]:
        """The servers this session was sent GUILD_CREATE for."""
        return [str(guild["id"]) for guild in self.events("GUILD_CREATE")]

    def interaction_ids(self) -> list[str]:
        """The interactions this session was sent."""
        return [str(data["id"]) for data in self.events("INTERACTION_CREATE")]
