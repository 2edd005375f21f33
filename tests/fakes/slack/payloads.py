"""Requests as Slack sends them, for driving the real bolt app against FakeSlack: the canned ids,
signed headers, slash commands, block actions, events and view submissions."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import uuid
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

TEAM_ID = "T0001"
TEAM_DOMAIN = "takeorpass-test"
APP_ID = "A0001"
BOT_USER_ID = "UBOT"
BOT_ID = "B00000001"  # Slack's bot ids have 8 or more characters after the B
USER_ID = "U0001"
CHANNEL_ID = "C0001"
DEFAULT_TZ = "Europe/Berlin"
SLACKBOT = "USLACKBOT"  # Slack's own system user, in every workspace

PAYLOADS = Path(__file__).parent.parent / "payloads" / "slack"

Params = dict[str, Any]

_ts_counter = itertools.count(1)


def next_ts() -> str:
    """A fresh, increasing Slack message timestamp."""
    return f"{int(time.time())}.{next(_ts_counter):06d}"


def dm_channel_id(user_id: str) -> str:
    """The DM channel id the fake uses for a user (what conversations.open answers)."""
    return f"D{user_id}"


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
    user_name: str | None = None,
    channel_name: str | None = None,
) -> dict[str, str]:
    """A slash command's fields, as Slack sends them (also the Socket Mode payload)."""
    payload: dict[str, str] = template("slash_command")
    payload |= {"team_id": team_id, "channel_id": channel_id, "user_id": user_id}
    payload |= {"command": command, "text": text}
    if channel_id.startswith("D"):
        payload["channel_name"] = "directmessage"
    if channel_name is not None:
        payload["channel_name"] = channel_name
    if user_name is not None:
        payload["user_name"] = user_name
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


def slackbot_im_event(text: str | None = None) -> Params:
    """Slackbot writing in its DM with the app, as it does when someone removes the app from a
    channel: a plain `message` event in an im, from USLACKBOT, with no subtype and no bot_id."""
    event = template("message_slackbot")
    ts = next_ts()
    event |= {"ts": ts, "event_ts": ts, "channel": dm_channel_id(SLACKBOT)}
    if text is not None:
        event["text"] = text
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
