"""Servers for FakeDiscord, and the Discord rules the fake applies to them: guild and channel
payloads, permissions as Discord computes them, who a message pings, and the interactions of
slash-command options (channel, autocomplete) and modals.

Shapes follow https://discord.com/developers/docs (Guild, Channel, Permissions "Permission
Overwrites", Message "Allowed Mentions", Interactions "Receiving and Responding")."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from typing import Any

JSON = dict[str, Any]

# Permission bits (https://discord.com/developers/docs/topics/permissions).
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MENTION_EVERYONE = 1 << 17
ALL = (1 << 53) - 1

# Channel types.
GUILD_TEXT, DM, GUILD_VOICE, GUILD_CATEGORY, GUILD_ANNOUNCEMENT = 0, 1, 2, 4, 5

# Overwrite types.
ROLE, MEMBER = 0, 1

# Interaction types and callback types.
APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
AUTOCOMPLETE_RESULT, MODAL = 8, 9

# What a channel says when the bot may not post there, by Discord's error codes.
UNKNOWN_CHANNEL = (404, 10003, "Unknown Channel")
MISSING_ACCESS = (403, 50001, "Missing Access")
CANNOT_DM = (403, 50007, "Cannot send messages to this user")
MISSING_PERMISSIONS = (403, 50013, "Missing Permissions")


# --- payloads ---------------------------------------------------------------------------------


def text_channel(
    channel_id: str,
    name: str,
    guild_id: str,
    *,
    kind: int = GUILD_TEXT,
    overwrites: Iterable[JSON] = (),
    position: int = 0,
) -> JSON:
    """A guild channel object as GUILD_CREATE and GET /channels/{id} carry it."""
    voice: JSON = {}
    if kind == GUILD_VOICE:
        voice = {"bitrate": 64000, "user_limit": 0, "rtc_region": None, "video_quality_mode": 1}
    return {
        **voice,
        "id": channel_id,
        "type": kind,
        "guild_id": guild_id,
        "name": name,
        "position": position,
        "parent_id": None,
        "topic": None,
        "nsfw": False,
        "rate_limit_per_user": 0,
        "last_message_id": None,
        "last_pin_timestamp": None,
        "permission_overwrites": list(overwrites),
        "flags": 0,
    }


def overwrite(target_id: str, *, kind: int = ROLE, allow: int = 0, deny: int = 0) -> JSON:
    """A permission overwrite on a channel (role or member)."""
    return {"id": target_id, "type": kind, "allow": str(allow), "deny": str(deny)}


def role(role_id: str, name: str, permissions: int, *, position: int = 1) -> JSON:
    """A role object."""
    return {
        "id": role_id,
        "name": name,
        "description": None,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permissions),
        "managed": False,
        "mentionable": True,
        "flags": 0,
    }


def guild_with(
    base: JSON,
    *,
    guild_id: str,
    name: str,
    channels: Iterable[JSON],
    roles: Iterable[JSON] = (),
) -> JSON:
    """A GUILD_CREATE payload like `base` (its members, the bot's included), for another
    server: its own id, @everyone role (same id as the guild), channels and extra roles."""
    guild = copy.deepcopy(base)
    everyone = next(r for r in guild["roles"] if r["id"] == base["id"])
    everyone["id"] = guild_id
    guild.update(id=guild_id, name=name, system_channel_id=None)
    guild["roles"] = [everyone, *[r for r in guild["roles"] if r["id"] != guild_id], *roles]
    guild["channels"] = [{**c, "guild_id": guild_id} for c in channels]
    return guild


def resolved_channel(channel: JSON, permissions: int) -> JSON:
    """A channel as an interaction's `resolved.channels` carries it: partial, with the
    invoking member's permissions in it."""
    keys = ("id", "type", "name", "parent_id", "nsfw", "topic", "position", "flags")
    partial = {k: channel[k] for k in keys if k in channel}
    partial.update(permissions=str(permissions), last_message_id=None, rate_limit_per_user=0)
    return partial


def channel_option(name: str, channel_id: str) -> JSON:
    """A CHANNEL option (type 7): the id as value; the channel itself goes in `resolved`."""
    return {"type": 7, "name": name, "value": channel_id}


def focused(name: str, typed: str) -> JSON:
    """The STRING option being typed in an autocomplete interaction."""
    return {"type": 3, "name": name, "value": typed, "focused": True}


def as_autocomplete(command: JSON) -> JSON:
    """A slash-command payload as the APPLICATION_COMMAND_AUTOCOMPLETE interaction (type 4)
    Discord sends while an option is being typed."""
    data = copy.deepcopy(command)
    data["type"] = AUTOCOMPLETE
    return data


def with_member_permissions(payload: JSON, permissions: int) -> JSON:
    """An interaction in a server whose member has `permissions` in its channel."""
    data = copy.deepcopy(payload)
    data["member"]["permissions"] = str(permissions)
    if "channel" in data:
        data["channel"]["permissions"] = str(permissions)
    return data


def modal_submit(
    modal: JSON, values: Mapping[str, str], *, source: JSON, message: JSON | None = None
) -> JSON:
    """The MODAL_SUBMIT interaction (type 5) for `modal` (a type-9 callback's `data`) with the
    text typed per custom id, from the user and channel of the interaction `source` that
    opened it; `message` is the message whose button opened it."""
    data = copy.deepcopy(source)
    for key in ("message", "data"):
        data.pop(key, None)
    data["type"] = MODAL_SUBMIT
    data["data"] = {
        "custom_id": modal["custom_id"],
        "components": [_submitted(c, values) for c in modal["components"]],
    }
    if message is not None:
        data["message"] = copy.deepcopy(message)
    return data


def _submitted(component: JSON, values: Mapping[str, str]) -> JSON:
    if component["type"] == 18:  # LABEL wraps one component
        inner = component["component"]
        return {"type": 18, "id": component.get("id"), "component": _submitted(inner, values)}
    if component["type"] == 1:  # ACTION_ROW (deprecated in modals, still accepted)
        return {"type": 1, "components": [_submitted(c, values) for c in component["components"]]}
    return {
        "type": component["type"],
        "id": component.get("id"),
        "custom_id": component["custom_id"],
        "value": values.get(component["custom_id"], ""),
    }


# --- permissions ------------------------------------------------------------------------------


def permissions(guild: JSON, channel: JSON, user_id: str) -> int:
    """A member's permissions in a channel, as Discord computes them: the roles' permissions,
    then the channel's @everyone, role and member overwrites, in that order."""
    if guild.get("owner_id") == user_id:
        return ALL
    member = next((m for m in guild["members"] if m["user"]["id"] == user_id), None)
    if member is None:
        return 0
    roles = {r["id"]: int(r["permissions"]) for r in guild["roles"]}
    base = roles.get(guild["id"], 0)
    for role_id in member["roles"]:
        base |= roles.get(role_id, 0)
    if base & ADMINISTRATOR:
        return ALL
    overwrites = {o["id"]: o for o in channel.get("permission_overwrites", [])}
    everyone = overwrites.get(guild["id"])
    if everyone:
        base = (base & ~int(everyone["deny"])) | int(everyone["allow"])
    allow = deny = 0
    for role_id in member["roles"]:
        o = overwrites.get(role_id)
        if o and o["type"] == ROLE:
            allow |= int(o["allow"])
            deny |= int(o["deny"])
    base = (base & ~deny) | allow
    own = overwrites.get(user_id)
    if own and own["type"] == MEMBER:
        base = (base & ~int(own["deny"])) | int(own["allow"])
    if not base & VIEW_CHANNEL:
        return 0  # a channel one can't see grants nothing in it
    return base


def post_refusal(guild: JSON, channel: JSON, bot_id: str) -> tuple[int, int, str] | None:
    """Why Discord would refuse the bot's message in a guild channel, if it would."""
    allowed = permissions(guild, channel, bot_id)
    if not allowed & VIEW_CHANNEL:
        return MISSING_ACCESS
    if channel["type"] not in (GUILD_TEXT, GUILD_ANNOUNCEMENT):
        return (400, 50008, "Cannot send messages in a non-text channel")
    if not allowed & SEND_MESSAGES:
        return MISSING_PERMISSIONS
    return None


# --- pings ------------------------------------------------------------------------------------

_USER = re.compile(r"<@!?(\d+)>")
_ROLE = re.compile(r"<@&(\d+)>")
_MASS = re.compile(r"@(everyone|here)\b")


def pings(content: str, allowed_mentions: JSON | None, *, in_guild: bool) -> set[str]:
    """Who a message would notify by Discord's rules: `everyone` / `here`, `user:<id>` and
    `role:<id>` found in the content, filtered by `allowed_mentions` (absent: everything
    parsed). In a DM @everyone and @here reach nobody beyond the DM, so they are left out."""
    rules = allowed_mentions if allowed_mentions is not None else {}
    parse = set(rules.get("parse", ["everyone", "users", "roles"]) or [])
    users = {str(u) for u in rules.get("users") or []}  # snowflakes: strings or integers
    roles = {str(r) for r in rules.get("roles") or []}
    found: set[str] = set()
    if in_guild and "everyone" in parse:
        found |= set(_MASS.findall(content))
    found |= {f"user:{u}" for u in _USER.findall(content) if "users" in parse or u in users}
    found |= {f"role:{r}" for r in _ROLE.findall(content) if "roles" in parse or r in roles}
    return found


def mentions_problem(allowed_mentions: JSON) -> str | None:
    """Discord refuses `parse: ["users"]` together with a `users` list (and the same for
    roles), and more than 100 ids in either list."""
    parse = allowed_mentions.get("parse") or []
    for kind in ("users", "roles"):
        listed = allowed_mentions.get(kind) or []
        if kind in parse and listed:
            return f"parse:[{kind}] and {kind}: [ids] are mutually exclusive"
        if len(listed) > 100:
            return f"{kind}: at most 100 ids"
    return None


# --- callbacks --------------------------------------------------------------------------------


def callback_problem(interaction_type: int, kind: int, data: JSON) -> str | None:
    """What Discord refuses in an interaction callback: autocomplete gets choices and only
    choices (at most 25, names and values of 1-100 characters); a modal can't answer a modal
    or autocomplete, and has a custom id of 1-100 characters, a title of 1-45, and 1-5
    top-level components."""
    if interaction_type == AUTOCOMPLETE:
        if kind != AUTOCOMPLETE_RESULT:
            return "an autocomplete interaction takes only choices (callback type 8)"
        choices = data.get("choices") or []
        if len(choices) > 25:
            return "at most 25 choices"
        for choice in choices:
            if not 1 <= len(choice["name"]) <= 100 or not 1 <= len(str(choice["value"])) <= 100:
                return "choice names and values are 1-100 characters"
        return None
    if kind == AUTOCOMPLETE_RESULT:
        return "choices answer only autocomplete interactions"
    if kind == MODAL:
        if interaction_type == MODAL_SUBMIT:
            return "a modal can't be answered with another modal"
        if not 1 <= len(data.get("custom_id", "")) <= 100:
            return "modal custom_id is 1-100 characters"
        if not 1 <= len(data.get("title", "")) <= 45:
            return "modal title is 1-45 characters"
        if not 1 <= len(data.get("components") or []) <= 5:
            return "a modal has 1-5 components"
    return None
