"""A local fake of Discord's REST API and gateway for driving the real discord.py client."""

# Waiting helpers take timeout= on purpose: tests read better than nested asyncio.timeout().
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import math
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

import discord
import yarl
from aiohttp import WSCloseCode, WSMsgType, web

from . import discord_guilds as rules
from .discord_shards import INVALID_SHARD, GatewaySession, guild_of_event, parse_shard, shard_of
from .spec_check import SpecViolation, track
from .spec_discord import discord_problems, discord_refusal

JSON = dict[str, Any]

PAYLOADS = Path(__file__).parent / "payloads" / "discord"
API_PREFIX = "/api/v10"

BOT_ID = "1100000000000000001"
APP_ID = BOT_ID  # a bot user's id is its application's id
GUILD_ID = "1200000000000000001"
CHANNEL_ID = "1300000000000000001"  # the guild's text channel "job-hunt"
USER_ID = "1400000000000000001"  # "alice", a member of the guild
DM_CHANNEL_ID = "1500000000000000001"

# Gateway intent bits the fake honours when deciding what to deliver.
GUILDS, GUILD_MEMBERS, GUILD_MESSAGES = 1 << 0, 1 << 1, 1 << 9
DIRECT_MESSAGES, MESSAGE_CONTENT = 1 << 12, 1 << 15

DISCORD_EPOCH_MS = 1420070400000
_ids = count()
_tokens = count(1)


def snowflake() -> str:
    """Return a fresh, increasing snowflake that encodes the current time."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return str((ms << 22) | (next(_ids) & 0x3FFFFF))


def load_payload(name: str) -> JSON:
    """Return a fresh copy of a canned payload, e.g. ``load_payload("ready")``."""
    data: JSON = json.loads((PAYLOADS / f"{name}.json").read_text())
    return data


def now_iso() -> str:
    """Return the current time in Discord's timestamp format."""
    return datetime.now(UTC).isoformat()


def user_payload(user_id: str, username: str | None = None, *, bot: bool = False) -> JSON:
    """Return a user object; the canned ids map to the canned names."""
    if user_id == BOT_ID:
        return _partial_user(load_payload("user"))
    name = username or ("alice" if user_id == USER_ID else f"user{user_id[-4:]}")
    user: JSON = {
        "id": user_id,
        "username": name,
        "global_name": name.title(),
        "discriminator": "0",
        "avatar": None,
        "public_flags": 0,
    }
    if bot:
        user["bot"] = True
    return user


def _partial_user(user: JSON) -> JSON:
    keys = ("id", "username", "global_name", "discriminator", "avatar", "bot", "public_flags")
    return {k: user[k] for k in keys if k in user}


def member_payload(user_id: str, *, permissions: str | None = None) -> JSON:
    """Return a guild member object (discord.py 2.7 requires ``flags``)."""
    member: JSON = {
        "user": user_payload(user_id),
        "nick": None,
        "avatar": None,
        "roles": [],
        "joined_at": "2025-01-05T09:00:00.000000+00:00",
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if permissions is not None:
        member["permissions"] = permissions
    return member


def dm_message(
    content: str, author_id: str, channel_id: str, message_id: str | None = None
) -> JSON:
    """Return a MESSAGE_CREATE payload for a DM from ``author_id`` to the bot."""
    data = load_payload("message_create_dm")
    data.update(
        id=message_id or snowflake(),
        channel_id=channel_id,
        author={**data["author"], **user_payload(author_id)},
        content=content,
        timestamp=now_iso(),
        nonce=snowflake(),
    )
    return data


def guild_message(
    content: str,
    author_id: str = USER_ID,
    channel_id: str = CHANNEL_ID,
    guild_id: str = GUILD_ID,
    message_id: str | None = None,
) -> JSON:
    """Return a MESSAGE_CREATE payload for a message in a guild text channel."""
    data = dm_message(content, author_id, channel_id, message_id)
    data["channel_type"] = 0
    member = member_payload(author_id)
    del member["user"]  # MESSAGE_CREATE carries the user as ``author`` only
    data.update(guild_id=guild_id, member=member)
    mentioned = re.findall(r"<@!?(\d+)>", content)
    data["mentions"] = [user_payload(uid) for uid in mentioned]
    return data


def button_press(
    custom_id: str,
    user_id: str,
    channel_id: str,
    message: JSON,
    guild_id: str | None = None,
) -> JSON:
    """Return an INTERACTION_CREATE payload for a button press on ``message``."""
    data = load_payload("interaction_button")
    data.update(id=snowflake(), token=_interaction_token(), channel_id=channel_id)
    data["data"] = {"custom_id": custom_id, "component_type": 2}
    data["message"] = copy.deepcopy(message)
    if guild_id is None:
        data["user"] = user_payload(user_id)
        data["channel"] = {
            "id": channel_id,
            "type": 1,
            "last_message_id": message.get("id"),
            "flags": 0,
            "recipients": [user_payload(user_id)],
        }
        return data
    del data["user"]
    template = load_payload("interaction_slash_command")
    data.update(
        guild_id=guild_id,
        guild={**template["guild"], "id": guild_id},
        guild_locale="en-US",
        channel={**template["channel"], "id": channel_id, "guild_id": guild_id},
        member=member_payload(user_id, permissions=template["member"]["permissions"]),
        authorizing_integration_owners={"0": guild_id},
        context=0,
    )
    data["message"].setdefault("guild_id", guild_id)
    return data


def slash_command(
    name: str,
    options: list[JSON] | None = None,
    user_id: str = USER_ID,
    guild_id: str | None = GUILD_ID,
    channel_id: str = CHANNEL_ID,
    *,
    command_id: str | None = None,
    command_guild_id: str | None = None,
    resolved: JSON | None = None,
) -> JSON:
    """Return an INTERACTION_CREATE payload for ``/name`` (``command_guild_id``: guild command)."""
    data = load_payload("interaction_slash_command")
    data.update(id=snowflake(), token=_interaction_token(), channel_id=channel_id)
    data["data"] = {"id": command_id or snowflake(), "name": name, "type": 1}
    if options:
        data["data"]["options"] = options
    if command_guild_id:
        data["data"]["guild_id"] = command_guild_id  # CommandTree looks guild commands up by it
    if resolved:
        data["data"]["resolved"] = resolved
    if guild_id is None:
        del data["member"], data["guild_id"], data["guild"], data["guild_locale"]
        data.update(
            user=user_payload(user_id),
            channel={
                "id": channel_id,
                "type": 1,
                "flags": 0,
                "recipients": [user_payload(user_id)],
            },
            authorizing_integration_owners={"0": "0"},
            context=1,
        )
        return data
    data["member"] = member_payload(user_id, permissions=data["member"]["permissions"])
    data["guild_id"] = guild_id
    data["guild"]["id"] = guild_id
    data["channel"].update(id=channel_id, guild_id=guild_id)
    data["authorizing_integration_owners"] = {"0": guild_id}
    return data


def option(name: str, value: str | int | float | bool) -> JSON:
    """Return a slash command option with the type Discord gives ``value``."""
    kind = {bool: 5, int: 4, float: 10, str: 3}[type(value)]  # BOOLEAN, INTEGER, NUMBER, STRING
    return {"type": kind, "name": name, "value": value}


def subcommand(name: str, options: list[JSON] | None = None) -> JSON:
    """Return a subcommand option (type 1) wrapping its own options."""
    return {"type": 1, "name": name, "options": options or []}


def _interaction_token() -> str:
    return f"aW50ZXJhY3Rpb246{next(_tokens):06d}.fake-interaction-token"


@dataclass
class RecordedRequest:
    """One REST request the fake received (``path`` is relative to ``/api/v10``)."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    headers: dict[str, str]
    files: list[str] = field(default_factory=list)
    status: int = 0
    at: float = field(default_factory=time.monotonic)


@dataclass
class _Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    retry_after: float
    code: int
    message: str
    is_global: bool
    times: int


@dataclass
class _Interaction:
    data: JSON
    dispatched_at: float
    answered: bool = False


Handler = Callable[[RecordedRequest, re.Match[str]], Awaitable[web.Response]]


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py only parses bodies whose content type is exactly application/json.
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def _error(status: int, code: int, message: str, errors: JSON | None = None) -> web.Response:
    body: JSON = {"message": message, "code": code}
    if errors:
        body["errors"] = errors
    return _json(body, status)


def _form_error(field_name: str, code: str, message: str) -> web.Response:
    errors = {field_name: {"_errors": [{"code": code, "message": message}]}}
    return _error(400, 50035, "Invalid Form Body", errors)


def _validate_message(body: JSON) -> web.Response | None:
    """Apply the message limits Discord enforces (2000 chars, 5x5 buttons, 100-char ids)."""
    content = body.get("content") or ""
    if len(content) > 2000:
        return _form_error("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
    rows = body.get("components") or []
    if len(rows) > 5:
        return _form_error("components", "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    for r, row in enumerate(rows):
        items = row.get("components", []) if row.get("type") == 1 else []
        if len(items) > 5:
            return _form_error(
                f"components.{r}.components",
                "BASE_TYPE_MAX_LENGTH",
                "Must be 5 or fewer in length.",
            )
        for i, item in enumerate(items):
            custom_id = item.get("custom_id")
            if custom_id is not None and not 1 <= len(custom_id) <= 100:
                return _form_error(
                    f"components.{r}.components.{i}.custom_id",
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 100 in length.",
                )
    return None


def _is_empty(body: JSON, files: list[str]) -> bool:
    keys = ("content", "embeds", "components", "sticker_ids", "poll", "attachments")
    return not files and not any(body.get(k) for k in keys)


class FakeDiscord:
    """One aiohttp server on 127.0.0.1 speaking Discord REST (``/api/v10``) and the gateway."""

    def __init__(self, *, heartbeat_interval_ms: int = 41250, interaction_timeout: float = 3.0):
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.interaction_timeout = interaction_timeout  # first answer must come within 3 s
        self.bot_user: JSON = load_payload("user")
        self.application: JSON = load_payload("application")
        self.guild: JSON = load_payload("guild_create")
        self.requests: list[RecordedRequest] = []
        # Requests refused for breaking Discord's OpenAPI spec (spec_discord.py);
        # tests/conftest.py fails the test if any are left at its end.
        self.spec_violations: list[SpecViolation] = []
        track(self)
        self.identify: JSON | None = None  # the last IDENTIFY, of whichever shard
        # Every gateway session identified, oldest first (discord_shards.py); `shards` is the
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
        self.messages: dict[str, JSON] = {}
        self.originals: dict[str, str] = {}  # interaction token -> @original message id
        self.commands: dict[str | None, list[JSON]] = {}  # guild id (None: global) -> commands
        self.interactions: dict[str, _Interaction] = {}
        self._failures: list[_Failure] = []
        # Servers besides `guild` (discord_guilds.guild_with), sent in GUILD_CREATE too.
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
        app = web.Application()
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

    # recorded requests and failure injection

    def requests_to(self, method: str, path_regex: str) -> list[RecordedRequest]:
        """Recorded requests whose method matches and whose path fully matches ``path_regex``."""
        pattern = re.compile(path_regex)
        return [
            r
            for r in self.requests
            if r.method == method.upper() and pattern.fullmatch(r.path) and r.status
        ]

    async def wait_for(
        self,
        method: str,
        path_regex: str,
        timeout: float = 5.0,
        count: int = 1,
    ) -> RecordedRequest:
        """Wait until ``count`` matching requests were answered; return the last of them."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: len(self.requests_to(method, path_regex)) >= count)
        return self.requests_to(method, path_regex)[count - 1]

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int = 429,
        retry_after: float = 0.5,
        code: int = 0,
        message: str | None = None,
        *,
        is_global: bool = False,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` matching requests with an error, e.g. 429 or 403/50007."""
        if message is None:
            message = "You are being rate limited." if status == 429 else f"{status}: error"
        self._failures.append(
            _Failure(
                method.upper(),
                re.compile(path_regex),
                status,
                retry_after,
                code,
                message,
                is_global,
                times,
            )
        )

    def _take_failure(self, req: RecordedRequest) -> _Failure | None:
        limited = self._over_global_limit(req)
        if limited is not None:
            return limited
        for failure in self._failures:
            if failure.method == req.method and failure.pattern.fullmatch(req.path):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    @staticmethod
    def _failure_response(f: _Failure) -> web.Response:
        if f.status != 429:
            return _error(f.status, f.code, f.message)
        body: JSON = {"message": f.message, "retry_after": f.retry_after, "global": f.is_global}
        if f.is_global:
            body["code"] = 0
        headers = {
            "Retry-After": str(math.ceil(f.retry_after)),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + f.retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{f.retry_after:.3f}",
            "X-RateLimit-Bucket": "fake" + uuid.uuid5(uuid.NAMESPACE_URL, f.pattern.pattern).hex,
            "X-RateLimit-Scope": "global" if f.is_global else "user",
            # Without Via discord.py takes a 429 for a Cloudflare ban and raises at once.
            "Via": "1.1 google",
        }
        if f.is_global:
            headers["X-RateLimit-Global"] = "true"
        return _json(body, 429, headers)

    # REST

    async def _rest(self, request: web.Request) -> web.Response:
        body: Any = None
        files: list[str] = []
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            for key, value in form.items():
                if key == "payload_json":
                    body = json.loads(str(value))
                elif isinstance(value, web.FileField):
                    files.append(value.filename)
        elif request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw else None
        req = RecordedRequest(
            method=request.method,
            path="/" + request.match_info["tail"],
            query=dict(request.query),
            json=body,
            headers=dict(request.headers),
            files=files,
        )
        self.requests.append(req)
        refusal = self._refuse_off_spec(req)
        failure = None if refusal is not None else self._take_failure(req)
        if refusal is not None:
            response = refusal
        elif failure is not None:
            response = self._failure_response(failure)
        else:
            response = await self._route(req)
        req.status = response.status
        async with self._changed:
            self._changed.notify_all()
        hold = self._take_hold(req)
        if hold:
            # Done, but the answer is slow to leave: a bot killed meanwhile never learns of it.
            await asyncio.sleep(hold)
        return response

    def hold_next(self, method: str, path_regex: str, seconds: float) -> None:
        """Carry out the next matching request at once but answer it only `seconds` later."""
        self._holds.append((method.upper(), re.compile(path_regex), seconds))

    def _take_hold(self, req: RecordedRequest) -> float:
        for index, (method, pattern, seconds) in enumerate(self._holds):
            if method == req.method and pattern.search(req.path):
                del self._holds[index]
                return seconds
        return 0.0

    def _refuse_off_spec(self, req: RecordedRequest) -> web.Response | None:
        """Discord's answer to a request its OpenAPI spec refuses (None if it is fine): for a
        multipart request, the `payload_json` part is the body checked."""
        problems = discord_problems(req.method, req.path, req.json, req.query)
        if not problems:
            return None
        self.spec_violations.append(SpecViolation(f"{req.method} {req.path}", tuple(problems)))
        status, body = discord_refusal(problems)
        return _json(body, status)

    async def _route(self, req: RecordedRequest) -> web.Response:
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(req.path)
            if match and method == req.method:
                return await handler(req, match)
        return _error(404, 0, "404: Not Found")

    def _build_routes(self) -> list[tuple[str, re.Pattern[str], Handler]]:
        hook = r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)"
        table: list[tuple[str, str, Handler]] = [
            ("GET", r"/users/@me", self._get_me),
            ("GET", r"/oauth2/applications/@me", self._get_application),
            ("GET", r"/gateway", self._get_gateway),
            ("GET", r"/gateway/bot", self._get_gateway),
            ("POST", r"/users/@me/channels", self._create_dm),
            ("GET", r"/channels/(?P<channel>\d+)", self._get_channel),
            ("POST", r"/channels/(?P<channel>\d+)/messages", self._create_message),
            ("GET", r"/channels/(?P<channel>\d+)/messages/(?P<mid>\d+)", self._get_message),
            ("PATCH", r"/channels/(?P<channel>\d+)/messages/(?P<mid>\d+)", self._edit_message),
            ("DELETE", r"/channels/(?P<channel>\d+)/messages/(?P<mid>\d+)", self._delete_message),
            ("POST", r"/interactions/(?P<iid>\d+)/(?P<token>[^/]+)/callback", self._callback),
            ("POST", hook, self._followup),
            ("GET", hook + r"/messages/(?P<mid>@original|\d+)", self._get_hook_message),
            ("PATCH", hook + r"/messages/(?P<mid>@original|\d+)", self._edit_hook_message),
            ("DELETE", hook + r"/messages/(?P<mid>@original|\d+)", self._delete_hook_message),
            ("GET", r"/applications/(?P<app>\d+)/commands", self._get_commands),
            ("PUT", r"/applications/(?P<app>\d+)/commands", self._put_commands),
            (
                "GET",
                r"/applications/(?P<app>\d+)/guilds/(?P<guild>\d+)/commands",
                self._get_commands,
            ),
            (
                "PUT",
                r"/applications/(?P<app>\d+)/guilds/(?P<guild>\d+)/commands",
                self._put_commands,
            ),
        ]
        return [(m, re.compile(p), h) for m, p, h in table]

    async def _get_me(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        return _json(self.bot_user)

    async def _get_application(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        return _json(self.application)

    async def _get_gateway(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 86400000, "max_concurrency": 1}
        return _json({"url": self.gateway_url, "shards": self.shards, "session_start_limit": limit})

    async def _create_dm(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        recipient = str((req.json or {}).get("recipient_id", ""))
        if not recipient.isdigit():
            return _form_error("recipient_id", "NUMBER_TYPE_COERCE", "Value is not snowflake.")
        return _json(self.dm_channel(recipient))

    def dm_channel(self, recipient_id: str, channel_id: str | None = None) -> JSON:
        """Return (creating if needed) the DM channel between the bot and ``recipient_id``."""
        if recipient_id not in self.dm_channels:
            cid = channel_id or snowflake()
            self.dm_channels[recipient_id] = cid
            self.channels[cid] = {
                "id": cid,
                "type": 1,
                "last_message_id": None,
                "flags": 0,
                "recipients": [user_payload(recipient_id)],
            }
        return self.channels[self.dm_channels[recipient_id]]

    async def _get_channel(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        channel = self.channels.get(m["channel"])
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        guild = self.guild_of(channel["id"])
        if guild is not None and not rules.permissions(guild, channel, BOT_ID) & rules.VIEW_CHANNEL:
            return _error(*rules.MISSING_ACCESS)
        return _json(channel)

    def new_message(self, channel_id: str, body: JSON, **extra: Any) -> JSON:
        """Store and return a message the bot sent, echoing the request body."""
        message: JSON = {
            "id": snowflake(),
            "type": 0,
            "channel_id": channel_id,
            "author": _partial_user(self.bot_user),
            "content": body.get("content") or "",
            "timestamp": now_iso(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts")),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "flags": body.get("flags") or 0,
            **extra,
        }
        guild_id = self.channels.get(channel_id, {}).get("guild_id")
        if guild_id:
            message["guild_id"] = guild_id
        self.messages[message["id"]] = message
        return message

    async def _create_message(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        channel = self.channels.get(m["channel"])
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        body = req.json or {}
        if _is_empty(body, req.files):
            return _error(400, 50006, "Cannot send an empty message")
        invalid = _validate_message(body)
        if invalid is not None:
            return invalid
        refused = self._post_refused(channel, body)
        if refused is not None:
            return refused
        earlier = self._earlier_with_nonce(m["channel"], body)
        if earlier is not None:
            return _json(earlier)
        message = self.new_message(m["channel"], body)
        channel["last_message_id"] = message["id"]
        self._remember_nonce(m["channel"], body, message)
        self.allowed_mentions[message["id"]] = body.get("allowed_mentions")
        return _json(message)

    def _find_message(self, channel_id: str, message_id: str) -> JSON | None:
        message = self.messages.get(message_id)
        return message if message and message["channel_id"] == channel_id else None

    async def _get_message(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        message = self._find_message(m["channel"], m["mid"])
        return _json(message) if message else _error(404, 10008, "Unknown Message")

    def _apply_edit(self, message: JSON, body: JSON) -> web.Response:
        if message["author"]["id"] != BOT_ID:
            return _error(403, 50005, "Cannot edit a message authored by another user")
        invalid = _validate_message(body)
        if invalid is not None:
            return invalid
        for key in ("content", "embeds", "components", "flags", "attachments"):
            if key in body and body[key] is not None:
                message[key] = body[key]
        message["edited_timestamp"] = now_iso()
        return _json(message)

    async def _edit_message(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        message = self._find_message(m["channel"], m["mid"])
        if message is None:
            return _error(404, 10008, "Unknown Message")
        return self._apply_edit(message, req.json or {})

    async def _delete_message(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        if self._find_message(m["channel"], m["mid"]) is None:
            return _error(404, 10008, "Unknown Message")
        del self.messages[m["mid"]]
        return web.Response(status=204)

    # interactions

    async def _callback(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        interaction = self.interactions.get(m["iid"])
        if interaction is None or interaction.data["token"] != m["token"]:
            return _error(404, 10062, "Unknown interaction")
        if time.monotonic() - interaction.dispatched_at > self.interaction_timeout:
            return _error(404, 10062, "Unknown interaction")
        if interaction.answered:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        body = req.json or {}
        kind = body.get("type")
        data = body.get("data") or {}
        if kind in (4, 7):
            invalid = _validate_message(data)
            if invalid is not None:
                return invalid
        problem = rules.callback_problem(interaction.data["type"], kind, data)
        if problem is not None:
            return _form_error("data", "INTERACTION_CALLBACK_INVALID", problem)
        if kind == rules.MODAL:
            self.modals[m["iid"]] = data
        interaction.answered = True
        idata = interaction.data
        channel_id = idata.get("channel_id") or idata["channel"]["id"]
        source = (idata.get("message") or {}).get("id")
        message: JSON | None = None
        if kind == 4:  # CHANNEL_MESSAGE_WITH_SOURCE
            message = self.new_message(channel_id, data, webhook_id=APP_ID, application_id=APP_ID)
        elif kind == 5:  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: a "thinking" placeholder
            flags = (data.get("flags") or 0) | 128
            message = self.new_message(
                channel_id, {"flags": flags}, webhook_id=APP_ID, application_id=APP_ID
            )
        elif kind == 7 and source in self.messages:  # UPDATE_MESSAGE edits the button's message
            message = self.messages[source]
            self._apply_edit(message, data)
        if message is not None:
            self.originals[m["token"]] = message["id"]
        elif kind == 6 and source:
            self.originals[m["token"]] = source
        if req.query.get("with_response") not in ("1", "true", "True"):
            return web.Response(status=204)
        summary: JSON = {"id": m["iid"], "type": idata["type"]}
        if message is not None:
            summary.update(
                response_message_id=message["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=bool(message["flags"] & 64),
            )
        resource: JSON = {"type": kind}
        if message is not None:
            resource["message"] = message
        return _json({"interaction": summary, "resource": resource})

    def _hook_ok(self, m: re.Match[str]) -> bool:
        tokens = {i.data["token"] for i in self.interactions.values()}
        return m["app"] == APP_ID and m["token"] in tokens

    def _interaction_for(self, token: str) -> _Interaction:
        return next(i for i in self.interactions.values() if i.data["token"] == token)

    async def _followup(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        if not self._hook_ok(m):
            return _error(404, 10015, "Unknown Webhook")
        body = req.json or {}
        if _is_empty(body, req.files):
            return _error(400, 50006, "Cannot send an empty message")
        invalid = _validate_message(body)
        if invalid is not None:
            return invalid
        idata = self._interaction_for(m["token"]).data
        channel_id = idata.get("channel_id") or idata["channel"]["id"]
        message = self.new_message(channel_id, body, webhook_id=APP_ID, application_id=APP_ID)
        if req.query.get("wait") not in ("1", "true", "True"):
            return web.Response(status=204)
        return _json(message)

    def _hook_message(self, m: re.Match[str]) -> JSON | None:
        mid = self.originals.get(m["token"]) if m["mid"] == "@original" else m["mid"]
        return self.messages.get(mid) if mid else None

    async def _get_hook_message(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        message = self._hook_message(m) if self._hook_ok(m) else None
        return _json(message) if message else _error(404, 10008, "Unknown Message")

    async def _edit_hook_message(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        message = self._hook_message(m) if self._hook_ok(m) else None
        if message is None:
            return _error(404, 10008, "Unknown Message")
        response = self._apply_edit(message, req.json or {})
        if response.status == 200:
            message["flags"] &= ~128  # editing the deferred original ends "thinking"
            response = _json(message)
        return response

    async def _delete_hook_message(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        message = self._hook_message(m) if self._hook_ok(m) else None
        if message is None:
            return _error(404, 10008, "Unknown Message")
        del self.messages[message["id"]]
        return web.Response(status=204)

    # application commands

    async def _get_commands(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        if m["app"] != APP_ID:
            return _error(404, 10002, "Unknown Application")
        return _json(self.commands.get(m.groupdict().get("guild"), []))

    async def _put_commands(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        if m["app"] != APP_ID:
            return _error(404, 10002, "Unknown Application")
        guild_id = m.groupdict().get("guild")
        known = {(c["name"], c["type"]): c["id"] for c in self.commands.get(guild_id, [])}
        stored: list[JSON] = []
        for i, command in enumerate(req.json or []):
            kind = command.get("type", 1)
            name = command.get("name", "")
            if kind == 1 and (not re.fullmatch(r"[-_\w]{1,32}", name) or name != name.lower()):
                return _form_error(
                    f"{i}.name",
                    "APPLICATION_COMMAND_INVALID_NAME",
                    f"Command name is invalid: {name!r}",
                )
            if kind == 1 and not 1 <= len(command.get("description", "")) <= 100:
                return _form_error(
                    f"{i}.description",
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 100 in length.",
                )
            stored.append(
                {
                    "id": known.get((name, kind)) or snowflake(),
                    "application_id": APP_ID,
                    "version": snowflake(),
                    "type": kind,
                    "name": name,
                    "description": command.get("description", ""),
                    "options": command.get("options", []),
                    "default_member_permissions": command.get("default_member_permissions"),
                    "dm_permission": command.get("dm_permission", True),
                    "contexts": command.get("contexts"),
                    "integration_types": command.get("integration_types", [0]),
                    "nsfw": command.get("nsfw", False),
                    **({"guild_id": guild_id} if guild_id else {}),
                }
            )
        self.commands[guild_id] = stored
        return _json(stored)

    def command_id(self, name: str, guild_id: str | None = None) -> str:
        """Return the id the fake gave a registered chat-input command."""
        return str(next(c["id"] for c in self.commands.get(guild_id, []) if c["name"] == name))

    # gateway: one session per identified shard (discord_shards.py)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            await self._send(
                ws,
                {
                    "op": 10,
                    "d": {
                        "heartbeat_interval": self.heartbeat_interval_ms,
                        "_trace": ['["fake-gateway"]'],
                    },
                },
            )
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame: JSON = json.loads(msg.data)
                self.gateway_received.append(frame)
                await self._on_frame(ws, frame)
        finally:
            self._sockets.discard(ws)
            for session in self.sessions:
                if session.ws is ws:
                    session.ws = None
            await self._notify()
        return ws

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _session_on(self, ws: web.WebSocketResponse) -> GatewaySession | None:
        return next((s for s in self.sessions if s.ws is ws), None)

    async def _on_frame(self, ws: web.WebSocketResponse, frame: JSON) -> None:
        op, d = frame.get("op"), frame.get("d") or {}
        if op == 1:  # HEARTBEAT
            await self._send(ws, {"op": 11})
        elif op == 2:  # IDENTIFY
            self.identify = d
            shard = parse_shard(d)
            if shard is None:
                self.refused_identifies.append(d)
                await ws.close(code=INVALID_SHARD, message=b"Invalid shard")
                return
            await self._start_session(ws, d, *shard)
        elif op == 6:  # RESUME
            self.resumes.append(d)
            session = next((s for s in self.sessions if s.session_id == d.get("session_id")), None)
            if session is None or session.superseded:
                await self._send(ws, {"op": 9, "d": False})  # INVALID_SESSION, not resumable
                return
            session.ws = ws
            await self._send_dispatch(session, "RESUMED", {"_trace": ['["fake-gateway"]']})
            await self._notify()
        elif op == 8:  # REQUEST_GUILD_MEMBERS
            session = self._session_on(ws)
            if session is None:
                return
            chunk = {
                "guild_id": d["guild_id"],
                "members": self.guild["members"],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
                "nonce": d.get("nonce"),
            }
            await self._send_dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _start_session(
        self, ws: web.WebSocketResponse, identify: JSON, shard_id: int, shard_count: int
    ) -> None:
        for earlier in self.sessions:
            if earlier.shard == (shard_id, shard_count):
                earlier.superseded = True
        session = GatewaySession(shard_id, shard_count, identify, ws)
        self.sessions.append(session)
        guilds = [g for g in self.all_guilds if shard_of(g["id"], shard_count) == shard_id]
        ready = load_payload("ready")
        ready.update(
            user=_partial_user(self.bot_user)
            | {"verified": True, "mfa_enabled": True, "flags": 0, "email": None},
            session_id=session.session_id,
            resume_gateway_url=self.gateway_url,
            application={"id": APP_ID, "flags": self.application["flags"]},
            guilds=[{"id": g["id"], "unavailable": True} for g in guilds],
        )
        if "shard" in identify:
            ready["shard"] = [shard_id, shard_count]
        await self._send_dispatch(session, "READY", ready)
        intents = session.intents
        for each in guilds if intents & GUILDS else ():
            # Without the GUILDS intent Discord sends no GUILD_CREATE.
            guild = copy.deepcopy(each)
            if not intents & GUILD_MEMBERS:  # members are privileged: only the bot itself
                guild["members"] = [m for m in guild["members"] if m["user"]["id"] == BOT_ID]
            await self._send_dispatch(session, "GUILD_CREATE", guild)
        await self._notify()

    async def _send(self, ws: web.WebSocketResponse, payload: JSON) -> None:
        async with self._send_lock:
            await ws.send_str(json.dumps(payload))

    async def _send_dispatch(self, session: GatewaySession, event: str, data: JSON) -> int:
        ws = session.ws
        if ws is None:
            raise RuntimeError(f"shard {session.shard_id} is not connected to the fake gateway")
        async with self._send_lock:  # sequence numbers must go out in order
            session.seq += 1
            seq = session.seq
            await ws.send_str(json.dumps({"op": 0, "t": event, "s": seq, "d": data}))
        session.dispatched.append((event, data))
        self.dispatched.append((event, data))
        return seq

    def _live(self) -> list[GatewaySession]:
        return [s for s in self.sessions if s.connected and not s.superseded]

    def _session_serving(self, guild_id: str | None) -> GatewaySession | None:
        """The connected session that gets a server's events (None: a DM's)."""
        return next((s for s in reversed(self._live()) if s.serves_guild(guild_id)), None)

    def _connected_session(self, shard: int | None) -> GatewaySession | None:
        """The latest connected session, of `shard` if given."""
        live = [s for s in self._live() if shard is None or s.shard_id == shard]
        return live[-1] if live else None

    async def _session_for(self, guild_id: str | None, timeout: float) -> GatewaySession:
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: self._session_serving(guild_id) is not None)
        session = self._session_serving(guild_id)
        assert session is not None
        return session

    async def wait_until_connected(self, timeout: float = 5.0, *, shard: int | None = None) -> None:
        """Wait until a client has identified (or resumed) and received READY: on any shard, or
        on `shard`."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: self._connected_session(shard) is not None)

    async def dispatch(
        self,
        event: str,
        data: JSON,
        *,
        timeout: float = 5.0,
    ) -> int | None:
        """Push a gateway event to the session of its server's shard (a DM's: shard 0's); return
        its sequence number, or None if that session's intents exclude it."""
        session = await self._session_for(guild_of_event(event, data), timeout)
        data = copy.deepcopy(data)
        if not self._allowed(event, data, session.intents):
            self.dropped.append((event, data))
            return None
        self._observe(event, data)
        return await self._send_dispatch(session, event, data)

    @staticmethod
    def _allowed(event: str, data: JSON, intents: int) -> bool:
        if event != "MESSAGE_CREATE":
            return True
        if "guild_id" not in data:
            return bool(intents & DIRECT_MESSAGES)
        if not intents & GUILD_MESSAGES:
            return False
        mentioned = any(u.get("id") == BOT_ID for u in data.get("mentions", []))
        if not intents & MESSAGE_CONTENT and not mentioned:
            # Without the privileged intent Discord blanks guild message content.
            data.update(content="", embeds=[], attachments=[], components=[])
        return True

    def _observe(self, event: str, data: JSON) -> None:
        """Remember channels, messages and interactions the client now knows about."""
        if event == "MESSAGE_CREATE":
            self.messages.setdefault(data["id"], data)
            if "guild_id" not in data and data["channel_id"] not in self.channels:
                self.dm_channel(data["author"]["id"], data["channel_id"])
        elif event == "INTERACTION_CREATE":
            self.interactions[data["id"]] = _Interaction(data, time.monotonic())
            channel = data.get("channel") or {}
            if channel.get("type") == 1 and channel["id"] not in self.channels:
                self.dm_channel(data["user"]["id"], channel["id"])
            message = data.get("message")
            if message:
                self.messages.setdefault(message["id"], copy.deepcopy(message))

    # servers, channels and what Discord refuses in them (rules in discord_guilds.py)

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
        """Who a message the bot created notifies (discord_guilds.pings)."""
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

    def _over_global_limit(self, req: RecordedRequest) -> _Failure | None:
        if self.global_limit is None or req.path.endswith("/callback"):
            return None
        now = time.monotonic()
        self._global_times = [t for t in self._global_times if now - t < 1.0]
        if len(self._global_times) < self.global_limit:
            self._global_times.append(now)
            return None
        retry_after = round(1.0 - (now - self._global_times[0]), 3)
        return _Failure(
            req.method,
            re.compile(re.escape(req.path)),
            429,
            retry_after,
            0,
            "You are being rate limited.",
            True,
            1,
        )

    async def send_op(self, op: int, d: Any = None, *, shard: int | None = None) -> None:
        """Send a raw non-dispatch opcode, e.g. 7 (RECONNECT) to make the client resume: on the
        latest connected session, or on `shard`'s."""
        session = self._connected_session(shard)
        if session is None or session.ws is None:
            raise RuntimeError("no client is connected to the fake gateway")
        await self._send(session.ws, {"op": op, "d": d})

    async def dispatch_malformed(self, event: str, data: Any, *, timeout: float = 5.0) -> int:
        """Push a dispatch exactly as given, malformed or not: the fake neither checks it nor
        remembers what it names (Discord has sent events that break a library's parser)."""
        session = await self._session_for(guild_of_event(event, data), timeout)
        return await self._send_dispatch(session, event, data)

    async def close_gateway(
        self, code: int, *, timeout: float = 5.0, shard: int | None = None
    ) -> None:
        """Close a gateway connection (the latest, or `shard`'s) with `code`, as Discord does:
        4000-4003 and 4005-4009 let it resume; 4004 and 4010-4014 end the session for good."""
        await self.wait_until_connected(timeout, shard=shard)
        session = self._connected_session(shard)
        assert session is not None and session.ws is not None
        ws, session.ws = session.ws, None
        if code == 4004 or 4010 <= code <= 4014:
            session.superseded = True
        await ws.close(code=code, message=b"closed by the fake")


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
