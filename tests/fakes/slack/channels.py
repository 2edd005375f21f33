"""FakeSlack's channels: the conversation objects conversations.info answers with, and who is in
each channel, as users.conversations answers it (paged with cursors, scopes as Slack wants them).

Rules from Slack's pages for the methods and the Web API spec: users.conversations takes `user`
(default: the caller), `types` (comma-separated public_channel, private_channel, mpim, im;
default public_channel), `exclude_archived`, `limit` (at most 1000; fewer may come back) and
`cursor` (the previous page's `response_metadata.next_cursor`, empty on the last page). Private
channels are listed only where the caller (here the app) is a member too. Listing a type needs
its scope: channels:read for public channels, groups:read for private ones."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from typing import Any

from .payloads import USER_ID, Params

TYPES = ("public_channel", "private_channel", "mpim", "im")
# The scope each type needs, from the method's page.
TYPE_SCOPES = {
    "public_channel": "channels:read",
    "private_channel": "groups:read",
    "mpim": "mpim:read",
    "im": "im:read",
}
MAX_LIMIT = 1000


def new_channel(
    name: str,
    *,
    member: bool,
    archived: bool,
    private: bool,
    members: Iterable[str] | None,
) -> Params:
    """A channel as the fake keeps it: `is_member` is the app's membership, `members` the
    people in it (by default the fake's default user)."""
    return {
        "name": name,
        "is_member": member,
        "is_archived": archived,
        "is_private": private,
        "members": list(members) if members is not None else [USER_ID],
    }


def conversation(channel_id: str, known: Params, *, for_member_list: bool = False) -> Params:
    """The conversation object of a channel, as conversations.info carries it. users.conversations
    leaves out `is_member` (and `num_members`), its spec says."""
    blank = {"value": "", "creator": "", "last_set": 0}
    found: Params = {
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
        "topic": blank,
        "purpose": blank,
    }
    if not for_member_list:
        found["is_member"] = known["is_member"]
    return found


def conversation_info(channels: Mapping[str, Params], channel_id: str) -> Params:
    """conversations.info: the channel, or channel_not_found (also for a private channel the
    app is not in: the token can't see it)."""
    known = channels.get(channel_id)
    if known is None or (known["is_private"] and not known["is_member"]):
        return {"ok": False, "error": "channel_not_found"}
    return {"ok": True, "channel": conversation(channel_id, known)}


def _cursor(offset: int) -> str:
    return base64.b64encode(f"next:{offset}".encode()).decode()


def _offset(cursor: str) -> int | None:
    try:
        word, _, number = base64.b64decode(cursor, validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return int(number) if word == "next" and number.isdigit() else None


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def users_conversations(
    channels: Mapping[str, Params],
    params: Params,
    *,
    caller: str,
    scopes: Iterable[str],
    page_size: int = MAX_LIMIT,
) -> Params:
    """users.conversations for `params["user"]` (default the caller), one page of it."""
    types = [t.strip() for t in str(params.get("types") or "public_channel").split(",")]
    if any(t not in TYPES for t in types):
        return {"ok": False, "error": "invalid_types"}
    granted = set(scopes)
    needed = sorted({TYPE_SCOPES[t] for t in types} - granted)
    if needed:
        provided = ",".join(sorted(granted))
        return {"ok": False, "error": "missing_scope", "needed": needed[0], "provided": provided}
    limit = int(params.get("limit") or 100)
    if not 1 <= limit <= MAX_LIMIT:
        return {"ok": False, "error": "invalid_limit"}
    start = 0
    if params.get("cursor"):
        found = _offset(str(params["cursor"]))
        if found is None:
            return {"ok": False, "error": "invalid_cursor"}
        start = found
    user = str(params.get("user") or caller)
    listed = [
        (channel_id, known)
        for channel_id, known in channels.items()
        if user in known["members"]
        and ("private_channel" if known["is_private"] else "public_channel") in types
        and not (known["is_private"] and not known["is_member"])  # only channels shared with it
        and not (known["is_archived"] and _truthy(params.get("exclude_archived")))
    ]
    size = min(limit, page_size)
    page = listed[start : start + size]
    more = start + size < len(listed)
    return {
        "ok": True,
        "channels": [conversation(c, known, for_member_list=True) for c, known in page],
        "response_metadata": {"next_cursor": _cursor(start + size) if more else ""},
    }
