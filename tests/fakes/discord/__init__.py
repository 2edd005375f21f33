"""A local fake of Discord's REST API and gateway for driving the real discord.py client.

One aiohttp server, split at its seams: payloads.py (what Discord sends), rest.py (REST routes,
the spec check), uploads.py (files sent as multipart/form-data), failures.py (injected errors,
holds, the global rate limit), interactions.py (callbacks, webhooks, commands), members.py (who is
in which server, and interactions with the permissions Discord computes), gateway.py (sessions
and dispatches), guilds.py (servers and Discord's rules in them) and shards.py (sessions per
shard). FakeDiscord composes the parts and holds their state."""

# Waiting helpers take timeout= on purpose: tests read better than nested asyncio.timeout().
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import AsyncIterator, Iterator

import discord
import yarl
from aiohttp import WSCloseCode, web

from ..spec_check import SpecViolation, track
from . import guilds as rules
from .failures import Failures, _Failure
from .gateway import (
    DIRECT_MESSAGES,
    GUILD_MEMBERS,
    GUILD_MESSAGES,
    GUILDS,
    MESSAGE_CONTENT,
    Gateway,
)
from .interactions import Interactions, _Interaction
from .members import Members
from .payloads import (
    APP_ID,
    BOT_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    JSON,
    USER_ID,
    button_press,
    dm_message,
    guild_message,
    load_payload,
    member_payload,
    now_iso,
    option,
    slash_command,
    snowflake,
    subcommand,
    user_payload,
)
from .rest import API_PREFIX, Handler, RecordedRequest, RestApi, _error, _form_error
from .shards import GatewaySession
from .uploads import MAX_UPLOAD

__all__ = [
    "APP_ID",
    "BOT_ID",
    "CHANNEL_ID",
    "DIRECT_MESSAGES",
    "DM_CHANNEL_ID",
    "GUILDS",
    "GUILD_ID",
    "GUILD_MEMBERS",
    "GUILD_MESSAGES",
    "JSON",
    "MESSAGE_CONTENT",
    "USER_ID",
    "FakeDiscord",
    "RecordedRequest",
    "button_press",
    "dm_message",
    "guild_message",
    "load_payload",
    "member_payload",
    "now_iso",
    "option",
    "running",
    "slash_command",
    "snowflake",
    "subcommand",
    "user_payload",
]


class FakeDiscord(RestApi, Failures, Interactions, Members, Gateway):
    """One aiohttp server on 127.0.0.1 speaking Discord REST (``/api/v10``) and the gateway."""

    def __init__(self, *, heartbeat_interval_ms: int = 41250, interaction_timeout: float = 3.0):
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.interaction_timeout = interaction_timeout  # first answer must come within 3 s
        self._held_handlers: set[asyncio.Task[object]] = set()  # holding.py
        self.bot_user: JSON = load_payload("user")
        self.application: JSON = load_payload("application")
        self.guild: JSON = load_payload("guild_create")
        # What READY carries at every IDENTIFY; the session's own fields are filled in then.
        self.ready: JSON = load_payload("ready")
        self.requests: list[RecordedRequest] = []
        # Requests refused for breaking Discord's OpenAPI spec (spec_discord.py);
        # tests/conftest.py fails the test if any are left at its end.
        self.spec_violations: list[SpecViolation] = []
        track(self)
        self.identify: JSON | None = None  # the last IDENTIFY, of whichever shard
        # Every gateway session identified, oldest first (shards.py); `shards` is the
        # count GET /gateway/bot recommends.
        self.sessions: list[GatewaySession] = []
        self.shards = 1
        self.refused_identifies: list[JSON] = []  # closed with 4010 (invalid shard)
        self.resumes: list[JSON] = []
        self.gateway_received: list[JSON] = []  # every frame the client sent
        self.dispatched: list[tuple[str, JSON]] = []
        self.dropped: list[tuple[str, JSON]] = []  # dispatches the client's intents exclude
        self.channels: dict[str, JSON] = {c["id"]: c for c in self.guild["channels"]}
        self.dm_channels: dict[str, str] = {}  # recipient id -> DM channel id
        # Channels seen in interactions from where the bot is not (contexts.py): other people's
        # DMs and group DMs, servers it is not in. Posting or looking there gets 50001.
        self.unreachable: dict[str, JSON] = {}
        self.messages: dict[str, JSON] = {}
        self.originals: dict[str, str] = {}  # interaction token -> @original message id
        self.commands: dict[str | None, list[JSON]] = {}  # guild id (None: global) -> commands
        self.interactions: dict[str, _Interaction] = {}
        self._failures: list[_Failure] = []
        # Servers besides `guild` (guilds.guild_with), sent in GUILD_CREATE too.
        self.extra_guilds: list[JSON] = []
        # Message creation: refusals per channel and closed DMs per user, nonce dedupe
        # (Discord keeps nonces "a few minutes"), and what each message allowed to ping.
        self.post_refusals: dict[str, tuple[int, int, str]] = {}
        self.closed_dms: set[str] = set()
        self.nonce_window = 300.0
        self._nonces: dict[tuple[str, str], tuple[str, float]] = {}
        self.allowed_mentions: dict[str, JSON | None] = {}
        # An optional global rate limit (requests per second; interaction callbacks exempt).
        self.global_limit: float | None = None
        self._holds: list[tuple[str, re.Pattern[str], float]] = []
        self._global_times: list[float] = []
        self.modals: dict[str, JSON] = {}  # interaction id -> the modal it was answered with
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = self._build_routes()
        self._changed = asyncio.Condition()
        self._sockets: set[web.WebSocketResponse] = set()
        self._send_lock = asyncio.Lock()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # lifecycle

    async def start(self) -> None:
        """Start serving on a free port of 127.0.0.1."""
        # Uploads up to what a bot may send (uploads.py), not aiohttp's default 1 MiB.
        app = web.Application(client_max_size=2 * MAX_UPLOAD)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        # Hundreds of clients connecting at once (benchmarks) overflow the default backlog of
        # 128, and a dropped SYN is retried only after a second.
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        """Close open gateway sockets and stop the server."""
        for ws in list(self._sockets):
            await ws.close(code=WSCloseCode.GOING_AWAY)
        self._cut_off_held()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def session_id(self) -> str | None:
        """The id of the gateway session handed out in the last READY."""
        return self.sessions[-1].session_id if self.sessions else None

    def sessions_of(self, shard_id: int) -> list[GatewaySession]:
        """Every session shard `shard_id` identified, oldest first."""
        return [s for s in self.sessions if s.shard_id == shard_id]

    @property
    def intents(self) -> int | None:
        """The intents the client sent in IDENTIFY."""
        return None if self.identify is None else self.identify.get("intents")

    @contextlib.contextmanager
    def patch_discord(self) -> Iterator[None]:
        """Point discord.py's REST base and default gateway at this fake, then restore them."""
        old_base = discord.http.Route.BASE
        old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.api_url
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    # servers, channels and what Discord refuses in them (rules in guilds.py)

    @property
    def all_guilds(self) -> list[JSON]:
        """Every server the bot is in: `guild`, then `extra_guilds`."""
        return [self.guild, *self.extra_guilds]

    def add_guild(self, guild: JSON) -> None:
        """Put the bot in another server (sent in GUILD_CREATE at the next IDENTIFY)."""
        self.extra_guilds.append(guild)
        for channel in guild["channels"]:
            self.channels[channel["id"]] = channel

    def add_channel(self, channel: JSON) -> None:
        """Add a channel to the server it names (before the client connects)."""
        guild = next(g for g in self.all_guilds if g["id"] == channel["guild_id"])
        guild["channels"].append(channel)
        self.channels[channel["id"]] = channel

    def guild_of(self, channel_id: str) -> JSON | None:
        channel = self.channels.get(channel_id) or {}
        return next((g for g in self.all_guilds if g["id"] == channel.get("guild_id")), None)

    def refuse_posts(self, channel_id: str, refusal: tuple[int, int, str]) -> None:
        """Answer every message to `channel_id` with `refusal` (e.g. rules.MISSING_ACCESS)."""
        self.post_refusals[channel_id] = refusal

    def close_dms(self, user_id: str) -> None:
        """The user accepts no DMs from the bot: messages to their DM channel get 50007."""
        self.closed_dms.add(user_id)

    def pings(self, message: JSON) -> set[str]:
        """Who a message the bot created notifies (guilds.pings)."""
        in_guild = self.guild_of(message["channel_id"]) is not None
        allowed = self.allowed_mentions.get(message["id"])
        return rules.pings(message["content"], allowed, in_guild=in_guild)

    def _post_refused(self, channel: JSON, body: JSON) -> web.Response | None:
        refusal = self.post_refusals.get(channel["id"])
        guild = self.guild_of(channel["id"])
        if refusal is None and guild is not None:
            refusal = rules.post_refusal(guild, channel, BOT_ID)
        recipients = channel.get("recipients") or [{}]
        if refusal is None and recipients[0].get("id") in self.closed_dms:
            refusal = rules.CANNOT_DM
        if refusal is not None:
            return _error(*refusal)
        nonce = body.get("nonce")
        if isinstance(nonce, str) and len(nonce) > 25:
            return _form_error("nonce", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        if body.get("enforce_nonce") and nonce is None:
            return _form_error("nonce", "BASE_TYPE_REQUIRED", "enforce_nonce needs a nonce.")
        problem = rules.mentions_problem(body.get("allowed_mentions") or {})
        if problem is not None:
            return _form_error(
                "allowed_mentions", "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", problem
            )
        return None

    def _earlier_with_nonce(self, channel_id: str, body: JSON) -> JSON | None:
        """With `enforce_nonce`, the message created with the same nonce within the window."""
        if not body.get("enforce_nonce") or body.get("nonce") is None:
            return None
        earlier = self._nonces.get((channel_id, str(body["nonce"])))
        if earlier is None or time.monotonic() - earlier[1] > self.nonce_window:
            return None
        return self.messages.get(earlier[0])

    def _remember_nonce(self, channel_id: str, body: JSON, message: JSON) -> None:
        if body.get("nonce") is not None:
            message["nonce"] = body["nonce"]
            self._nonces[(channel_id, str(body["nonce"]))] = (message["id"], time.monotonic())


@contextlib.asynccontextmanager
async def running(
    client: discord.Client,
    *,
    token: str = "fake-token",
    timeout: float = 5.0,
) -> AsyncIterator[asyncio.Task[None]]:
    """Run ``client.start`` until ready; surface errors of the start task; close on exit."""
    task = asyncio.create_task(client.start(token))
    try:
        async with asyncio.timeout(timeout):
            while not client.is_ready():
                if task.done():
                    task.result()  # a payload error in the gateway loop lands here
                    raise RuntimeError("client.start() returned before READY")
                await asyncio.sleep(0.01)
        yield task
        if task.done():
            task.result()
    finally:
        await client.close()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout)
