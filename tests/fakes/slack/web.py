"""A local fake of the Slack platform: Web API, response_url, Socket Mode and request builders."""

# Waiting helpers take `timeout=` on purpose: tests read better than with asyncio.timeout blocks.
# ruff: noqa: ASYNC109

import asyncio
import hashlib
import hmac
import itertools
import json
import re
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple, Self, TypeVar
from urllib.parse import parse_qsl, urlencode
from zoneinfo import ZoneInfo

from aiohttp import WSMsgType, web

from .spec_check import SpecViolation, track
from .spec_slack import response_url_problems, slack_error, slack_problems

TEAM_ID = "T0001"
TEAM_DOMAIN = "takeorpass-test"
APP_ID = "A0001"
BOT_USER_ID = "UBOT"
BOT_ID = "B0001"
USER_ID = "U0001"
CHANNEL_ID = "C0001"
DEFAULT_TZ = "Europe/Berlin"

PAYLOADS = Path(__file__).parent / "payloads" / "slack"

T = TypeVar("T")
Params = dict[str, Any]
Reply = Params | Callable[[Params], Params]


class ApiCall(NamedTuple):
    """One Web API request the fake received."""

    method: str
    params: Params
    headers: dict[str, str]

    @property
    def token(self) -> str | None:
        """The token sent, from the Authorization header or a `token` parameter."""
        auth = next((v for k, v in self.headers.items() if k.lower() == "authorization"), "")
        if auth.startswith("Bearer "):
            return auth.removeprefix("Bearer ")
        token = self.params.get("token")
        return str(token) if token else None


class ResponsePost(NamedTuple):
    """One POST to a fake response_url."""

    name: str
    body: Params
    headers: dict[str, str]


@dataclass
class _Failure:
    status: int
    error: str
    retry_after: int | None


_ts_counter = itertools.count(1)


def next_ts() -> str:
    """A fresh, increasing Slack message timestamp."""
    return f"{int(time.time())}.{next(_ts_counter):06d}"


def dm_channel_id(user_id: str) -> str:
    """The DM channel id the fake uses for a user (what conversations.open answers)."""
    return f"D{user_id}"


class FakeSlack:
    """An aiohttp server on 127.0.0.1 that plays Slack's Web API, response_url and Socket Mode."""

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self.responses: list[ResponsePost] = []
        self.acks: list[dict[str, Any]] = []
        # Requests refused for breaking Slack's spec or Block Kit's rules (spec_slack.py);
        # tests/conftest.py fails the test if any are left at its end.
        self.spec_violations: list[SpecViolation] = []
        track(self)
        self.users: dict[str, Params] = {}  # user id -> fields overriding users.info's user
        # channel id -> fields of conversations.info's channel (see add_channel); unknown
        # channels are not found
        self.channels: dict[str, Params] = {}
        # channel or user id -> the error chat.postMessage answers for a post there
        self.refusals: dict[str, str] = {}
        self.socket_connections = 0  # websockets opened so far (reconnects count)
        self._replies: dict[str, Reply] = {}
        self._failures: dict[str, deque[_Failure]] = {}
        self._holds: dict[str, float] = {}
        self._seen: dict[str, int] = {}  # how many items each wait_for* query handed out
        self._sockets: list[web.WebSocketResponse] = []
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""

    # lifecycle

    async def start(self) -> None:
        """Start listening on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._response_url)
        app.router.add_get("/link/", self._socket)
        # A short shutdown timeout: a test's stop must not wait 60 s for lingering handlers.
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    async def stop(self) -> None:
        """Close open websockets and stop the server."""
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def api_url(self) -> str:
        """Web API base URL, for AsyncWebClient(base_url=...) and SLACK_API_URL."""
        return f"{self.url}/api/"

    def response_url(self, name: str = "default") -> str:
        """A response_url on the fake; POSTs to it are recorded in `responses` under `name`."""
        return f"{self.url}/response/{name}"

    # configuration

    def fail_next(
        self, method: str, status: int | None = None, retry_after: int = 1, error: str | None = None
    ) -> None:
        """Make the next call to `method` fail: HTTP 429 + Retry-After by default, or ok:false."""
        if status is None:
            status = 200 if error else 429
        if error is None:
            error = "ratelimited" if status == 429 else "fatal_error"
        failure = _Failure(status, error, retry_after if status == 429 else None)
        self._failures.setdefault(method, deque()).append(failure)

    def set_reply(self, method: str, reply: Reply) -> None:
        """Answer `method` with a fixed dict or reply(params) instead of the canned answer."""
        self._replies[method] = reply

    def clear(self) -> None:
        """Forget recorded calls, responses and acks."""
        self.calls.clear()
        self.responses.clear()
        self.acks.clear()
        self._seen.clear()

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        member: bool = True,
        archived: bool = False,
        private: bool = False,
    ) -> None:
        """A channel conversations.info knows. Posts follow Slack's rules: not a member →
        not_in_channel (the app has no chat:write.public), archived → is_archived."""
        self.channels[channel_id] = {
            "name": name,
            "is_member": member,
            "is_archived": archived,
            "is_private": private,
        }

    def refuse_posts(self, channel_or_user: str, error: str = "channel_not_found") -> None:
        """Make every chat.postMessage to a channel, or to a user's DM, fail with `error`."""
        self.refusals[channel_or_user] = error

    # inspection

    def calls_to(self, method: str) -> list[ApiCall]:
        """Recorded calls to one Web API method, oldest first."""
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, timeout: float = 5.0) -> ApiCall:
        """Return the next call to `method` not yet returned by wait_for (it may already be in)."""
        return await self._next(f"a call to {method}", lambda: self.calls_to(method), timeout)

    async def wait_for_response(
        self, name: str | None = None, timeout: float = 5.0
    ) -> ResponsePost:
        """Return the next response_url POST (to `name`, or any) not yet returned here."""
        return await self._next(
            f"a POST to response_url {name or '(any)'}",
            lambda: [r for r in self.responses if name is None or r.name == name],
            timeout,
        )

    async def wait_for_calls(self, method: str, count: int, timeout: float = 5.0) -> list[ApiCall]:
        """Wait until `method` was called at least `count` times; all its calls, oldest first."""

        def enough() -> list[ApiCall] | None:
            calls = self.calls_to(method)
            return calls if len(calls) >= count else None

        return await self._until(enough, timeout, f"{count} calls to {method}")

    # socket mode

    async def wait_for_socket(self, timeout: float = 5.0) -> None:
        """Wait until a Socket Mode client is connected."""
        await self._until(lambda: bool(self._sockets) or None, timeout, "a Socket Mode connection")

    async def socket_push(
        self,
        envelope_type: str,
        payload: Params,
        *,
        envelope_id: str | None = None,
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        timeout: float = 5.0,
    ) -> str:
        """Send an envelope (slash_commands, interactive, events_api) and return its envelope_id."""
        await self.wait_for_socket(timeout)
        envelope_id = envelope_id or str(uuid.uuid4())
        if accepts_response_payload is None:
            # As Slack does: commands and modal submissions may carry a response in the ack.
            answerable = payload.get("type") in ("view_submission", "block_suggestion")
            accepts_response_payload = envelope_type == "slash_commands" or answerable
        envelope: Params = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": envelope_type,
            "accepts_response_payload": accepts_response_payload,
        }
        if envelope_type == "events_api":
            envelope |= {"retry_attempt": retry_attempt, "retry_reason": retry_reason}
        await self._sockets[-1].send_str(json.dumps(envelope))
        return envelope_id

    async def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """Wait for the client's ack of one envelope: {"envelope_id": ..., "payload"?: ...}."""

        def found() -> dict[str, Any] | None:
            return next((a for a in self.acks if a.get("envelope_id") == envelope_id), None)

        return await self._until(found, timeout, f"the ack of envelope {envelope_id}")

    async def socket_send(
        self, envelope_type: str, payload: Params, timeout: float = 5.0, **options: Any
    ) -> dict[str, Any]:
        """Push an envelope and return the client's ack."""
        envelope_id = await self.socket_push(envelope_type, payload, timeout=timeout, **options)
        return await self.wait_for_ack(envelope_id, timeout)

    async def socket_disconnect(self, reason: str = "warning") -> None:
        """Ask connected clients to reconnect, as Slack does before rotating a connection."""
        for ws in list(self._sockets):
            await ws.send_str(json.dumps({"type": "disconnect", "reason": reason}))

    # waiting

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _until(self, found: Callable[[], T | None], timeout: float, what: str) -> T:
        async with self._changed:
            try:
                async with asyncio.timeout(timeout):
                    while (result := found()) is None:
                        await self._changed.wait()
            except TimeoutError:
                seen = [c.method for c in self.calls]
                raise TimeoutError(f"waited {timeout}s for {what}; API calls: {seen}") from None
        return result

    async def _next(self, key: str, items: Callable[[], list[T]], timeout: float) -> T:
        def found() -> T | None:
            done, current = self._seen.get(key, 0), items()
            if len(current) <= done:
                return None
            self._seen[key] = done + 1
            return current[done]

        return await self._until(found, timeout, key)

    # handlers

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: Params = dict(request.query)
        params |= await _read_body(request)
        call = ApiCall(method, params, dict(request.headers))
        self.calls.append(call)
        await self._notify()

        # Without a token Slack answers not_authed (below) before it reads the arguments.
        refusal = self._refuse_off_spec(call) if call.token else None
        if refusal is not None:
            return refusal
        failures = self._failures.get(method)
        if failures:
            failure = failures.popleft()
            retry = failure.retry_after
            headers = {"Retry-After": str(retry)} if retry is not None else {}
            body = {"ok": False, "error": failure.error}
            return web.json_response(body, status=failure.status, headers=headers)
        if not call.token:
            return web.json_response({"ok": False, "error": "not_authed"})
        # Slack takes app-level tokens (xapp-) for apps.connections.open and nothing else.
        if call.token.startswith("xapp-") != (method == "apps.connections.open"):
            return web.json_response({"ok": False, "error": "not_allowed_token_type"})
        reply = self._replies.get(method)
        answer = reply(params) if callable(reply) else reply
        response = web.json_response(answer if answer is not None else self._canned(method, params))
        held = self._holds.pop(method, 0.0)
        if held:
            # Done, but the answer is slow to leave: a bot killed meanwhile never learns of it.
            await asyncio.sleep(held)
        return response

    def hold_next(self, method: str, seconds: float) -> None:
        """Carry out the next call of `method` at once but answer it only `seconds` later."""
        self._holds[method] = seconds

    def _refuse_off_spec(self, call: ApiCall) -> web.Response | None:
        """Slack's answer to a call that its spec or Block Kit's rules refuse, or None."""
        auth = next((v for k, v in call.headers.items() if k.lower() == "authorization"), None)
        problems = slack_problems(call.method, call.params, authorization=auth)
        if not problems:
            return None
        self.spec_violations.append(SpecViolation(call.method, tuple(problems)))
        messages = [f"[ERROR] {p}" for p in problems]
        body = {"ok": False, "error": slack_error(problems)}
        return web.json_response(body | {"response_metadata": {"messages": messages}})

    def _canned(self, method: str, params: Params) -> Params:
        channel = str(params.get("channel", ""))
        if channel.startswith(("U", "W")):
            channel = dm_channel_id(channel)  # posting to a user id lands in their DM
        has_content = any(params.get(k) for k in ("text", "blocks", "attachments"))
        ts = next_ts()
        match method:
            case "auth.test":
                return {
                    "ok": True,
                    "url": f"https://{TEAM_DOMAIN}.slack.com/",
                    "team": "Take or Pass Test",
                    "user": "takeorpass",
                    "team_id": TEAM_ID,
                    "user_id": BOT_USER_ID,
                    "bot_id": BOT_ID,
                    "is_enterprise_install": False,
                }
            case "chat.postMessage" | "chat.postEphemeral" | "chat.update" if not channel:
                return {"ok": False, "error": "channel_not_found"}
            case "chat.postMessage" | "chat.postEphemeral" | "chat.update" if not has_content:
                return {"ok": False, "error": "no_text"}
            case "chat.postMessage" if (refused := self._refusal(params)) is not None:
                return {"ok": False, "error": refused}
            case "conversations.info":
                return self._conversation(str(params.get("channel", "")))
            case "views.open":
                view = params.get("view")
                opened = json.loads(view) if isinstance(view, str) else dict(view or {})
                opened |= {"id": "V" + ts.replace(".", ""), "team_id": TEAM_ID, "state": {}}
                return {"ok": True, "view": opened}
            case "chat.postMessage":
                message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "ts": ts}
                message |= {k: params[k] for k in ("text", "blocks") if k in params}
                return {"ok": True, "channel": channel, "ts": ts, "message": message}
            case "chat.postEphemeral":
                return {"ok": True, "message_ts": ts}  # Slack answers only this, no channel/ts
            case "chat.update":
                text = params.get("text", "")
                return {"ok": True, "channel": channel, "ts": params.get("ts"), "text": text}
            case "conversations.open":
                users = str(params.get("users", USER_ID)).split(",")
                channel_id = dm_channel_id(users[0]) if len(users) == 1 else "G" + "".join(users)
                return {"ok": True, "already_open": True, "channel": {"id": channel_id}}
            case "views.publish":
                view = {"id": "V" + ts.replace(".", ""), "team_id": TEAM_ID, "type": "home"}
                return {"ok": True, "view": view}
            case "users.info":
                return {"ok": True, "user": self._user(str(params.get("user", USER_ID)))}
            case "apps.connections.open":
                ticket = uuid.uuid4()
                url = f"{self.url.replace('http', 'ws', 1)}/link/?ticket={ticket}&app_id={APP_ID}"
                return {"ok": True, "url": url}
            case _:
                return {"ok": True}

    def _refusal(self, params: Params) -> str | None:
        channel = str(params.get("channel", ""))
        if channel in self.refusals:
            return self.refusals[channel]
        known = self.channels.get(channel)
        if known is None:
            return None
        if known["is_archived"]:
            return "is_archived"
        return None if known["is_member"] else "not_in_channel"

    def _conversation(self, channel_id: str) -> Params:
        known = self.channels.get(channel_id)
        if known is None:
            return {"ok": False, "error": "channel_not_found"}
        blank = {"value": "", "creator": "", "last_set": 0}
        channel: Params = {
            "id": channel_id,
            "name": known["name"],
            "name_normalized": known["name"],
            "created": 1700000000,
            "creator": USER_ID,
            "is_channel": not known["is_private"],
            "is_group": known["is_private"],
            "is_im": False,
            "is_mpim": False,
            "is_general": False,
            "is_shared": False,
            "is_org_shared": False,
            "is_private": known["is_private"],
            "is_archived": known["is_archived"],
            "is_member": known["is_member"],
            "topic": blank,
            "purpose": blank,
        }
        return {"ok": True, "channel": channel}

    def _user(self, user_id: str) -> Params:
        fields = self.users.get(user_id, {})
        tz = fields.get("tz", DEFAULT_TZ)
        now = datetime.now(ZoneInfo(tz))
        offset = now.utcoffset()
        user: Params = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": user_id.lower(),
            "real_name": f"User {user_id}",
            "deleted": False,
            "is_bot": False,
            "tz": tz,
            "tz_label": now.tzname(),
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "profile": {"real_name": f"User {user_id}", "display_name": user_id.lower()},
        }
        return user | fields

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await _read_body(request)
        name = request.match_info["name"]
        self.responses.append(ResponsePost(name, body, dict(request.headers)))
        await self._notify()
        problems = response_url_problems(body)
        if problems:
            # As for incoming webhooks: HTTP 400 and the error code as plain text.
            self.spec_violations.append(SpecViolation(f"response_url {name}", tuple(problems)))
            return web.Response(status=400, text=slack_error(problems, "invalid_payload"))
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()  # autoping answers the SDK's "sdk-ping-pong" pings
        await ws.prepare(request)
        self.socket_connections += 1
        hello = {
            "type": "hello",
            "num_connections": len(self._sockets) + 1,
            "debug_info": {"host": "applink-fake", "approximate_connection_time": 18060},
            "connection_info": {"app_id": APP_ID},
        }
        await ws.send_str(json.dumps(hello))
        self._sockets.append(ws)
        await self._notify()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self.acks.append(json.loads(msg.data))
                    await self._notify()
        finally:
            self._sockets.remove(ws)
        return ws


async def _read_body(request: web.Request) -> Params:
    """Parse a JSON or form-encoded request body into a dict."""
    raw = await request.read()
    if not raw:
        return {}
    if request.content_type == "application/json" or raw.lstrip().startswith(b"{"):
        parsed = json.loads(raw)
        return parsed if isinstance(parsed, dict) else {"_json": parsed}
    if request.content_type.startswith("multipart/"):
        return {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
    return dict(parse_qsl(raw.decode(), keep_blank_values=True))


# signing and request builders


def signed_headers(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Headers Slack sends with a request: v0 HMAC-SHA256 signature, timestamp, content type."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256)
    is_json = body.lstrip().startswith(b"{")
    return {
        "Content-Type": "application/json" if is_json else "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": "v0=" + digest.hexdigest(),
    }


@cache
def _template_text(name: str) -> str:
    return (PAYLOADS / f"{name}.json").read_text()


def template(name: str) -> Params:
    """A fresh copy of a canned payload from payloads/slack/<name>.json."""
    result: Params = json.loads(_template_text(name))
    return result


def slash_command_payload(
    text: str,
    *,
    user_id: str = USER_ID,
    team_id: str = TEAM_ID,
    channel_id: str = CHANNEL_ID,
    response_url: str | None = None,
    command: str = "/takeorpass",
) -> dict[str, str]:
    """A slash command's fields, as Slack sends them (also the Socket Mode payload)."""
    payload: dict[str, str] = template("slash_command")
    payload |= {"team_id": team_id, "channel_id": channel_id, "user_id": user_id}
    payload |= {"command": command, "text": text}
    if channel_id.startswith("D"):
        payload["channel_name"] = "directmessage"
    if response_url is not None:
        payload["response_url"] = response_url
    return payload


def slash_command_body(text: str, **fields: Any) -> bytes:
    """A slash command request body, form-encoded as Slack sends it."""
    return urlencode(slash_command_payload(text, **fields)).encode()


def block_actions_payload(
    action_id: str,
    value: str,
    *,
    user_id: str = USER_ID,
    team_id: str = TEAM_ID,
    channel_id: str = CHANNEL_ID,
    block_id: str = "tp_question",
    response_url: str | None = None,
    message: Params | None = None,
    message_ts: str | None = None,
) -> Params:
    """A button press; without `message` it comes from an ephemeral message (no message field)."""
    payload = template("block_actions")
    payload["user"] |= {"id": user_id, "team_id": team_id}
    payload["team"]["id"] = team_id
    payload["channel"] = {
        "id": channel_id,
        "name": "directmessage" if channel_id.startswith("D") else "general",
    }
    # Slack sends the message only for non-ephemeral messages.
    payload["container"] |= {
        "channel_id": channel_id,
        "message_ts": message["ts"] if message else (message_ts or next_ts()),
        "is_ephemeral": message is None,
    }
    if message is not None:
        payload["message"] = message
    action = payload["actions"][0]
    action |= {"action_id": action_id, "block_id": block_id, "value": value, "action_ts": next_ts()}
    if response_url is not None:
        payload["response_url"] = response_url
    return payload


def block_actions_body(action_id: str, value: str, **fields: Any) -> bytes:
    """A button press request body: form-encoded `payload=<json>` as Slack sends interactivity."""
    payload = block_actions_payload(action_id, value, **fields)
    return urlencode({"payload": json.dumps(payload)}).encode()


def message_im_event(
    text: str, *, user_id: str = USER_ID, channel_id: str | None = None, ts: str | None = None
) -> Params:
    """A `message` event from a user in the bot's DM (message.im)."""
    event = template("message_im")
    ts = ts or next_ts()
    event |= {"text": text, "user": user_id, "ts": ts, "event_ts": ts}
    event["channel"] = channel_id or dm_channel_id(user_id)
    event["client_msg_id"] = str(uuid.uuid4())
    event["blocks"][0]["elements"][0]["elements"][0]["text"] = text
    return event


def app_home_opened_event(user_id: str = USER_ID, tab: str = "home") -> Params:
    """An `app_home_opened` event (tab "home" or "messages")."""
    event = template("app_home_opened")
    event |= {"user": user_id, "channel": dm_channel_id(user_id), "tab": tab, "event_ts": next_ts()}
    return event


def event_payload(event: Params, *, event_id: str | None = None, team_id: str = TEAM_ID) -> Params:
    """An Events API `event_callback` wrapping `event` (also the Socket Mode payload)."""
    payload = template("event_callback")
    payload |= {"event": event, "team_id": team_id, "context_team_id": team_id}
    payload["event_id"] = event_id or "Ev" + uuid.uuid4().hex[:10].upper()
    payload["event_time"] = int(time.time())
    payload["authorizations"][0]["team_id"] = team_id
    return payload


def event_body(event: Params, **fields: Any) -> bytes:
    """An Events API request body (JSON), as Slack POSTs it."""
    return json.dumps(event_payload(event, **fields)).encode()


def view_submission_payload(
    view: Params,
    values: dict[str, dict[str, Params]],
    *,
    user_id: str = USER_ID,
    team_id: str = TEAM_ID,
) -> Params:
    """A modal's submission (`view_submission`), as Slack sends it: the view that was opened
    (what views.open answered, or what the app sent) with `values` as its state, by block id
    and action id (`{"block": {"action": {"type": "plain_text_input", "value": "…"}}}`)."""
    submitted = dict(view) | {
        "id": view.get("id", "V0002"),
        "team_id": team_id,
        "state": {"values": values},
        "hash": "1700000000.abcdefgh",
        "app_id": APP_ID,
        "bot_id": BOT_ID,
        "root_view_id": view.get("id", "V0002"),
        "previous_view_id": None,
    }
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "user": {"id": user_id, "username": user_id.lower(), "name": user_id.lower()}
        | {"team_id": team_id},
        "api_app_id": APP_ID,
        "token": "verification-token",
        "trigger_id": "1000000004.1000000002.fedcba9876543210fedcba9876543210",
        "view": submitted,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def view_submission_body(
    view: Params, values: dict[str, dict[str, Params]], **fields: Any
) -> bytes:
    """A modal submission request body: form-encoded `payload=<json>`, as for presses."""
    payload = view_submission_payload(view, values, **fields)
    return urlencode({"payload": json.dumps(payload)}).encode()


def user_change_event(user_id: str = USER_ID, tz: str = DEFAULT_TZ) -> Params:
    """A `user_change` event: someone changed their profile (here, maybe their timezone)."""
    now = datetime.now(ZoneInfo(tz))
    offset = now.utcoffset()
    user: Params = {
        "id": user_id,
        "team_id": TEAM_ID,
        "name": user_id.lower(),
        "deleted": False,
        "tz": tz,
        "tz_label": now.tzname(),
        "tz_offset": int(offset.total_seconds()) if offset else 0,
        "profile": {"real_name": f"User {user_id}", "display_name": user_id.lower()},
    }
    ts = next_ts()
    return {"type": "user_change", "user": user, "cache_ts": int(time.time()), "event_ts": ts}


# Who a message notifies, by Slack's rules: special mentions, user mentions and user groups in
# mrkdwn text; typed @here/@channel/@everyone only when the sender asked for link_names.
_SPECIAL = re.compile(r"<!(channel|here|everyone)(?:\|[^>]*)?>")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_SUBTEAM = re.compile(r"<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>")
_RAW = re.compile(r"(?<![\w<!])@(channel|here|everyone)\b")


def _mrkdwn_texts(node: Any) -> list[str]:
    """Every mrkdwn text object's text in blocks (plain_text never notifies)."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            found.append(node["text"])
        for value in node.values():
            found += _mrkdwn_texts(value)
    elif isinstance(node, list):
        for value in node:
            found += _mrkdwn_texts(value)
    return found


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def pings(call: ApiCall | Params) -> set[str]:
    """Who a chat.postMessage / chat.update (or a response_url body) would notify:
    "@channel", "@here", "@everyone", user ids ("U1") and "subteam:S1"."""
    params = call.params if isinstance(call, ApiCall) else call
    blocks = params.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    texts = _mrkdwn_texts(blocks)
    if isinstance(params.get("text"), str) and _truthy(params.get("mrkdwn", True)):
        texts.append(params["text"])
    who: set[str] = set()
    for text in texts:
        who |= {f"@{m}" for m in _SPECIAL.findall(text)}
        who |= set(_USER.findall(text))
        who |= {f"subteam:{m}" for m in _SUBTEAM.findall(text)}
        if _truthy(params.get("link_names")):
            who |= {f"@{m}" for m in _RAW.findall(text)}
    return who
