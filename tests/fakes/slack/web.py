"""FakeSlack's Web API over HTTP and its response_urls: recorded calls, injected failures and
holds, the spec check, canned answers about the workspace, and who a post pings."""

# Waiting helpers take `timeout=` on purpose: tests read better than with asyncio.timeout blocks.
# ruff: noqa: ASYNC109

from __future__ import annotations

import json
import re
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from aiohttp import web

from ..holding import Holding
from ..spec_check import SpecViolation
from ..spec_slack import response_url_problems, slack_error, slack_problems
from .channels import MAX_LIMIT, conversation_info, new_channel, users_conversations
from .payloads import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    DEFAULT_TZ,
    TEAM_DOMAIN,
    TEAM_ID,
    USER_ID,
    Params,
    dm_channel_id,
    next_ts,
)

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


# The scopes slack-manifest.yml asks for: what Slack names in X-OAuth-Scopes for the bot token.
MANIFEST_SCOPES = (
    *("commands", "chat:write", "im:history", "users:read", "channels:read", "groups:read"),
    *("channels:history", "groups:history", "im:write", "files:write"),
)


class WebApi(Holding):
    """The Web API half of FakeSlack; its state lives on FakeSlack (``__init__.py``)."""

    # The bot token's scopes, sent as Slack does in the X-OAuth-Scopes header of every answer to
    # a bot token's call; a test sets fewer to play an app installed without some of them.
    scopes: tuple[str, ...] = MANIFEST_SCOPES
    # The most channels one page of users.conversations holds, whatever `limit` asks: Slack
    # may answer with fewer than asked; a test sets it low to make the client follow cursors.
    page_size: int = MAX_LIMIT

    # configuration

    def fail_next(
        self, method: str, status: int | None = None, retry_after: int = 1, error: str | None = None
    ) -> None:
        """Make the next call to `method` fail: HTTP 429 + Retry-After by default, or ok:false.
        `method` "upload" is the next POST to an upload URL (HTTP `status`, 429 by default)."""
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
        members: Iterable[str] | None = None,
    ) -> None:
        """A channel of the workspace. `member` is the app's membership, `members` the people
        in it (by default the fake's default user). Posts follow Slack's rules: not a member →
        not_in_channel (the app has no chat:write.public), or channel_not_found for a private
        channel; archived → is_archived."""
        self.channels[channel_id] = new_channel(
            name, member=member, archived=archived, private=private, members=members
        )

    def join(self, channel_id: str, user_id: str) -> None:
        """`user_id` joins a channel (users.conversations lists it for them from now on)."""
        members = self.channels[channel_id]["members"]
        if user_id not in members:
            members.append(user_id)

    def leave(self, channel_id: str, user_id: str) -> None:
        """`user_id` leaves a channel, or is removed from it."""
        members = self.channels[channel_id]["members"]
        if user_id in members:
            members.remove(user_id)

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
        if call.token.startswith("xoxb-"):
            response.headers["X-OAuth-Scopes"] = ",".join(self.scopes)
        held = self._holds.pop(method, 0.0)
        if held:
            # Done, but the answer is slow to leave: a bot killed meanwhile never learns of it.
            await self._hold(held)
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
                return conversation_info(self.channels, str(params.get("channel", "")))
            case "users.conversations":
                return users_conversations(
                    self.channels,
                    params,
                    caller=BOT_USER_ID,
                    scopes=self.scopes,
                    page_size=self.page_size,
                )
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
            case "files.getUploadURLExternal" | "files.completeUploadExternal" | "files.upload":
                return self._files_api(method, params)  # type: ignore[attr-defined]  # in files.py
            case _:
                return {"ok": True}

    def _refusal(self, params: Params) -> str | None:
        channel = str(params.get("channel", ""))
        if channel in self.refusals:
            return self.refusals[channel]
        known = self.channels.get(channel)
        if known is None:
            return None
        if known["is_private"] and not known["is_member"]:
            return "channel_not_found"  # the token can't see a private channel it is not in
        if known["is_archived"]:
            return "is_archived"
        return None if known["is_member"] else "not_in_channel"

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
