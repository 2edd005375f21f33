"""Where an interaction comes from, by Discord's rules (Interactions → "Receiving and Responding":
interaction context types and `authorizing_integration_owners`), and interactions from places
the bot is not in: a DM between two people, a group DM, a server the bot was never added to.

Discord sends those when a user has installed the app to their account (a user install): the
command then runs wherever that user is. The bot's own DM with a user is a type-1 channel too,
so only the interaction's `context` tells the two apart."""

from __future__ import annotations

import copy
from typing import Any

from .payloads import JSON, member_payload, user_payload

# Interaction context types.
GUILD, BOT_DM, PRIVATE_CHANNEL = 0, 1, 2
# Keys of `authorizing_integration_owners`: the install that let the interaction through.
GUILD_INSTALL, USER_INSTALL = "0", "1"
# Channel types an interaction's `channel` can have outside servers.
DM, GROUP_DM = 1, 3

OTHER_USER_ID = "1400000000000000002"  # "bob": alice's friend, in no server with the bot
THIRD_USER_ID = "1400000000000000003"  # "carol", in a group DM with alice and bob
PRIVATE_DM_ID = "1500000000000000002"  # alice and bob's DM: the bot is not in it
GROUP_DM_ID = "1500000000000000003"  # alice, bob and carol's group DM
FOREIGN_GUILD_ID = "1200000000000000009"  # a server the bot was never added to
FOREIGN_CHANNEL_ID = "1300000000000000099"  # a text channel of that server

# An app's permissions where only its interactions reach (no bot user there): attach files,
# embed links, mention everyone, use external emojis.
INTERACTION_ONLY_PERMISSIONS = str((1 << 14) | (1 << 15) | (1 << 17) | (1 << 18))


def private_channel(*, group: bool = False) -> JSON:
    """The partial channel of a user-install interaction in a DM or group DM between people:
    its recipients are the other people in it."""
    others = [OTHER_USER_ID, THIRD_USER_ID] if group else [OTHER_USER_ID]
    channel: JSON = {
        "id": GROUP_DM_ID if group else PRIVATE_DM_ID,
        "type": GROUP_DM if group else DM,
        "last_message_id": None,
        "flags": 0,
        "recipients": [user_payload(uid) for uid in others],
    }
    if group:
        channel.update(name=None, icon=None, owner_id=OTHER_USER_ID)
    return channel


def _user_of(data: JSON) -> JSON:
    user: JSON = data["user"] if "user" in data else data["member"]["user"]
    return user


def _moved(data: JSON, channel: JSON, guild_id: str | None) -> None:
    data.update(channel_id=channel["id"], channel=channel)
    message = data.get("message")
    if message is not None:
        message["channel_id"] = channel["id"]
        message.pop("guild_id", None)
        if guild_id is not None:
            message["guild_id"] = guild_id


def in_private_channel(payload: JSON, *, group: bool = False) -> JSON:
    """`payload` (an interaction built for the bot's DM or a server) as Discord sends it from
    the user's DM with bob, or their group DM: context 2, authorized by the user's own install,
    the user as `user`, no server."""
    data = copy.deepcopy(payload)
    user = _user_of(data)
    for key in ("guild_id", "guild", "guild_locale", "member"):
        data.pop(key, None)
    data.update(
        user=user,
        context=PRIVATE_CHANNEL,
        authorizing_integration_owners={USER_INSTALL: user["id"]},
        app_permissions=INTERACTION_ONLY_PERMISSIONS,
    )
    _moved(data, private_channel(group=group), None)
    return data


def in_foreign_guild(payload: JSON, *, permissions: str = "2248473465835073") -> JSON:
    """`payload` as Discord sends it from a text channel of a server the bot is not in, where
    the user has the app installed to their account: a member object, minimal app permissions,
    authorized by the user's install only."""
    data = copy.deepcopy(payload)
    user = _user_of(data)
    data.pop("user", None)
    member = member_payload(user["id"], permissions=permissions)
    member["user"] = user
    channel: JSON = {
        "id": FOREIGN_CHANNEL_ID,
        "type": 0,
        "guild_id": FOREIGN_GUILD_ID,
        "name": "general",
        "position": 0,
        "parent_id": None,
        "topic": None,
        "nsfw": False,
        "rate_limit_per_user": 0,
        "last_message_id": None,
        "permissions": permissions,
        "flags": 0,
    }
    data.update(
        guild_id=FOREIGN_GUILD_ID,
        guild={"id": FOREIGN_GUILD_ID, "locale": "en-US", "features": []},
        guild_locale="en-US",
        member=member,
        context=GUILD,
        authorizing_integration_owners={USER_INSTALL: user["id"]},
        app_permissions=INTERACTION_ONLY_PERMISSIONS,
    )
    _moved(data, channel, FOREIGN_GUILD_ID)
    return data


def is_bot_dm(data: JSON) -> bool:
    """Whether an interaction comes from the bot's own DM with the user: said by `context`;
    by a guild install with no server ("0") when a payload has no context; by a DM channel in
    payloads from before user installs existed."""
    if "guild_id" in data:
        return False
    if "context" in data:
        return bool(data["context"] == BOT_DM)
    owners = data.get("authorizing_integration_owners")
    if owners is not None:
        return bool(owners.get(GUILD_INSTALL) == "0")
    return (data.get("channel") or {}).get("type") == DM


def envelope_problem(data: Any) -> str | None:
    """What no interaction from Discord looks like: a context that disagrees with the server,
    channel and user fields, or an install that could not have let it through."""
    if not isinstance(data, dict):
        return "an interaction is an object"
    context = data.get("context")
    owners = data.get("authorizing_integration_owners", {})
    channel = data.get("channel") or {}
    in_guild = "guild_id" in data
    if context not in (None, GUILD, BOT_DM, PRIVATE_CHANNEL):
        return f"context {context!r} is not an interaction context type"
    if not set(owners) <= {GUILD_INSTALL, USER_INSTALL}:
        return f"authorizing_integration_owners has unknown keys {sorted(owners)}"
    if in_guild != ("member" in data) or in_guild == ("user" in data):
        return "a server's interaction has `member`, any other `user`"
    if context == GUILD and not in_guild:
        return "context 0 (GUILD) comes with a guild_id"
    if in_guild and GUILD_INSTALL in owners and owners[GUILD_INSTALL] != data["guild_id"]:
        return "a guild install authorizes only in its own server"
    if context == BOT_DM and (in_guild or channel.get("type", DM) != DM):
        return "context 1 (BOT_DM) is a DM channel, outside servers"
    if context == BOT_DM and owners.get(GUILD_INSTALL, "0") != "0":
        return 'in the bot\'s DM a guild install is "0"'
    if context == PRIVATE_CHANNEL:
        if in_guild or channel.get("type") not in (DM, GROUP_DM):
            return "context 2 (PRIVATE_CHANNEL) is a DM or group DM, outside servers"
        if USER_INSTALL not in owners or GUILD_INSTALL in owners:
            return "only a user install reaches DMs between people"
    return None
