"""Payloads as Discord sends them, for driving the real discord.py client through FakeDiscord:
the canned ids, users and members, MESSAGE_CREATE and INTERACTION_CREATE builders."""

from __future__ import annotations

import copy
import json
import re
import time
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

JSON = dict[str, Any]

PAYLOADS = Path(__file__).parent.parent / "payloads" / "discord"
# Payload shapes Discord sends, each file with its source, what it is and what the bot should do
# with it (tests/discord/test_replay.py).
REPLAYS = PAYLOADS / "replay"

BOT_ID = "1100000000000000001"
APP_ID = BOT_ID  # a bot user's id is its application's id
GUILD_ID = "1200000000000000001"
CHANNEL_ID = "1300000000000000001"  # the guild's text channel "job-hunt"
USER_ID = "1400000000000000001"  # "alice", a member of the guild
DM_CHANNEL_ID = "1500000000000000001"

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


def replay_names() -> list[str]:
    """The names of the replay files, sorted."""
    return sorted(path.stem for path in REPLAYS.glob("*.json"))


def load_replay(name: str) -> JSON:
    """A fresh copy of a replay file: `source`, `event`, `expect` (answered, ignored or
    session), `why`; optional `private` (answered only to the user), `delivery`
    ("despite_intents": sent though the bot's intents exclude it) and `shapes` (objects in it
    and the spec's schemas they fit); and the event's `data`."""
    data: JSON = json.loads((REPLAYS / f"{name}.json").read_text())
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
