"""FakeDiscord's REST API (``/api/v10``): recorded requests, the OpenAPI spec check (with the
files of multipart requests, uploads.py), and the routes for users, channels and messages.
Injected failures and holds are in failures.py."""

# Waiting helpers take timeout= on purpose: tests read better than nested asyncio.timeout().
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from ..holding import Holding
from ..spec_check import SpecViolation
from ..spec_discord import discord_problems, discord_refusal
from . import guilds as rules
from .payloads import BOT_ID, JSON, _partial_user, now_iso, snowflake, user_payload
from .uploads import (
    Multipart,
    UploadedFile,
    attachment_objects,
    read_multipart,
    upload_problems,
)

API_PREFIX = "/api/v10"


@dataclass
class RecordedRequest:
    """One REST request the fake received (``path`` is relative to ``/api/v10``)."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    headers: dict[str, str]
    # A multipart request's files[n] parts (uploads.py), in the order sent.
    files: list[UploadedFile] = field(default_factory=list)
    content_type: str = "application/json"
    status: int = 0
    at: float = field(default_factory=time.monotonic)


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


def _is_empty(body: JSON, files: list[UploadedFile]) -> bool:
    keys = ("content", "embeds", "components", "sticker_ids", "poll", "attachments")
    return not files and not any(body.get(k) for k in keys)


class RestApi(Holding):
    """The REST half of FakeDiscord; its state lives on FakeDiscord (``__init__.py``)."""

    # recorded requests

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

    # REST

    async def _rest(self, request: web.Request) -> web.Response:
        body: Any = None
        form = Multipart()
        if request.content_type.startswith("multipart/"):
            form = await read_multipart(request)  # uploads.py: payload_json and files[n]
            body = form.payload
        elif request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw else None
        req = RecordedRequest(
            method=request.method,
            path="/" + request.match_info["tail"],
            query=dict(request.query),
            json=body,
            headers=dict(request.headers),
            files=form.files,
            content_type=request.content_type,
        )
        self.requests.append(req)
        refusal = self._refuse_off_spec(req, form)
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
            await self._hold(hold)
        return response

    def _refuse_off_spec(self, req: RecordedRequest, form: Multipart) -> web.Response | None:
        """Discord's answer to a request its OpenAPI spec refuses (None if it is fine): for a
        multipart request, the `payload_json` part is the body checked, and its files too
        (uploads.py)."""
        if form.too_large:
            return _error(413, 40005, "Request entity too large")
        problems = discord_problems(req.method, req.path, req.json, req.query, req.content_type)
        if req.content_type.startswith("multipart/"):
            problems += upload_problems(req.path, form, creates=req.method == "POST")
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
            ("GET", r"/applications/@me", self._get_application),
            ("GET", r"/gateway", self._get_gateway),
            ("GET", r"/gateway/bot", self._get_gateway),
            ("POST", r"/users/@me/channels", self._create_dm),
            ("GET", r"/guilds/(?P<guild>\d+)", self._get_guild),
            ("GET", r"/guilds/(?P<guild>\d+)/members/(?P<user>\d+)", self._get_member),
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
        if m["channel"] in self.unreachable:
            return _error(*rules.MISSING_ACCESS)
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
        if m["channel"] in self.unreachable:
            return _error(*rules.MISSING_ACCESS)
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
        message["attachments"] = attachment_objects(m["channel"], req.files, body)
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
