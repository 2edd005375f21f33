"""Slack payloads as core events: who it is, what they did, and where the answer goes."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Generic, TypeVar

from bot.common.events import Event, Press, Text
from bot.common.users import UserKey
from bot.engine.router import command_event

PLATFORM = "slack"
# Slack's own system user: its notices arrive as plain messages, without a bot_id.
SLACKBOT = "USLACKBOT"
_WORD = re.compile(r"[a-z_]{1,40}")

# Links as Slack marks them up in message and command text: <https://acme.com|acme.com>.
_LINK = re.compile(r"<((?:https?|mailto):[^|>]*)(?:\|([^>]*))?>")


def plain_text(text: str) -> str:
    """What the user typed, from Slack's markup: links become their label and the three
    escaped characters come back. Mentions stay as they are (they are escaped on the way out)."""
    text = _LINK.sub(lambda m: m.group(2) or m.group(1).removeprefix("mailto:"), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# The kind of event an Inbound holds: a press's is a Press, whose button is parsed already.
E = TypeVar("E", bound=Event, covariant=True)


@dataclass(frozen=True)
class Inbound(Generic[E]):
    """One thing a user did, ready for `engine.handle`."""

    key: UserKey
    event: E
    # Slack's id for this delivery, so a re-delivery is recognised; None when there is none.
    delivery_id: str | None = None


class Place(StrEnum):
    """Where a press came from, which decides where the answer goes."""

    EPHEMERAL = "ephemeral"  # a message only this user sees: answer through response_url
    DM = "dm"  # a message in the bot's DM: answer with chat.update / chat.postMessage
    HOME = "home"  # the App Home tab: answer in the DM


@dataclass(frozen=True)
class Origin:
    """The message (or view) a press came from."""

    place: Place
    channel: str | None = None
    message_ts: str | None = None
    response_url: str | None = None


def _key(team: Any, user: Any) -> UserKey | None:
    if not team or not user:
        return None
    return UserKey(PLATFORM, str(team), str(user))


def channel_of(channel_id: Any, channel_name: Any = None) -> str | None:
    """The channel a command was run or a button pressed in, if it is a channel: None for the
    user's DMs and group DMs (reminders can't be set for those)."""
    channel = str(channel_id or "")
    name = str(channel_name or "")
    if not channel or channel.startswith("D") or name.startswith("mpdm-"):
        return None
    return channel


def from_command(body: dict[str, Any]) -> Inbound[Event] | None:
    """The slash command: its free text picks the event (start, help, history, forget me…).
    Typed commands say where they were run: `channel` run in a channel sets that channel. On
    Slack any member of the workspace may set the job-hunt channel (the app must be in it),
    and any member of a channel may manage its reminders. Slack does not re-deliver slash
    commands, so there is no delivery id to remember."""
    key = _key(body.get("team_id"), body.get("user_id"))
    if key is None:
        return None
    event = command_event(plain_text(str(body.get("text") or "")))
    if isinstance(event, Text) and body.get("channel_id"):
        channel = channel_of(body.get("channel_id"), body.get("channel_name"))
        event = replace(event, channel=channel, server=key.workspace, manage=True)
    return Inbound(key, event)


def press_team(body: dict[str, Any]) -> str | None:
    """The workspace of a block_actions or view_submission payload. Under an org-wide install
    on Enterprise Grid `team` is null (a press on the Home tab, a form): the user's stands in."""
    team = body.get("team") or {}
    user = body.get("user") or {}
    value = team.get("id") or user.get("team_id")
    return str(value) if value else None


def from_press(body: dict[str, Any], action: dict[str, Any]) -> Inbound[Press] | None:
    """A button press, its id parsed here once (`event.button`). The delivery id is unique per
    press, so a re-delivered payload is ignored, while a second press of the same button is
    told it was already answered."""
    user = (body.get("user") or {}).get("id")
    key = _key(press_team(body), user)
    if key is None:
        return None
    container = body.get("container") or {}
    where = container.get("message_ts") or container.get("view_id") or ""
    delivery = f"press:{where}:{action.get('action_ts', '')}:{user}"
    # A press on a message in a channel: any member may manage its reminders (Slack's rule).
    channel = None
    if container.get("type") != "view":
        channel_id = container.get("channel_id") or (body.get("channel") or {}).get("id")
        channel = channel_of(channel_id, (body.get("channel") or {}).get("name"))
    press = Press(str(action.get("value") or ""), channel=channel, manage=channel is not None)
    return Inbound(key, press, delivery)


def press_origin(body: dict[str, Any]) -> Origin:
    """Where the pressed button sits. Anything that is not plainly the bot's DM or App Home is
    answered ephemerally, so nothing private can land in a channel."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    response_url = body.get("response_url")
    if container.get("type") == "view":
        return Origin(Place.HOME)
    if not container.get("is_ephemeral") and str(channel or "").startswith("D"):
        return Origin(Place.DM, channel, container.get("message_ts"), response_url)
    return Origin(Place.EPHEMERAL, channel, container.get("message_ts"), response_url)


def ignored_message(event: dict[str, Any]) -> str | None:
    """Why a message event is not a person typing in the bot's DM, in a few words that never
    quote it; None when it is. Slackbot (who writes there whenever someone removes the app
    from a channel), other apps' bots and every subtype (edits, deletions, joins, bot posts)
    are not people typing."""
    subtype = event.get("subtype")
    if event.get("channel_type") != "im":
        return "not in the app's DM"
    if subtype:
        return f"subtype {subtype}" if _WORD.fullmatch(str(subtype)) else "a subtype"
    if event.get("bot_id") or event.get("bot_profile"):
        return "written by an app's bot"
    if event.get("user") == SLACKBOT:
        return "written by Slackbot"
    if not event.get("user"):
        return "no author"
    return None


def from_dm(body: dict[str, Any], event: dict[str, Any]) -> tuple[Inbound[Text], str] | None:
    """A message a person typed in the bot's DM, with the DM channel to answer in; None for
    anything else (see `ignored_message`, and messages without text)."""
    if ignored_message(event) is not None:
        return None
    text = plain_text(str(event.get("text") or "")).strip()
    channel = event.get("channel")
    key = _key(body.get("team_id") or event.get("team"), event.get("user"))
    if key is None or not text or not channel:
        return None
    event_id = body.get("event_id")
    # As for the slash command, anyone in the workspace may set the job-hunt channel (being in
    # that channel is checked when it is named).
    typed = Text(text, manage=True)
    return Inbound(key, typed, f"event:{event_id}" if event_id else None), str(channel)


def home_user(body: dict[str, Any], event: dict[str, Any]) -> UserKey | None:
    """Whose App Home tab was opened, if it was the Home tab (not Messages)."""
    if event.get("tab", "home") != "home":
        return None
    return _key(body.get("team_id") or event.get("team"), event.get("user"))
