"""A member's permissions in a channel, worked out as Discord documents it (Topics > Permissions,
"Permission Overwrites"): base permissions from @everyone and the member's roles, then the
channel's overwrites for @everyone, for the member's roles together, and for the member."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from fakes.discord import guilds as rules

from adapters.discord.access import (
    ALL,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    ChannelRules,
    Member,
    Overwrite,
    channel_permissions,
    member_from,
)

GUILD, OWNER, USER = 1, 2, 3
STAFF, MUTED, ADMINS = 10, 11, 12
VIEW_SEND = VIEW_CHANNEL | SEND_MESSAGES
ROLES = {GUILD: VIEW_SEND | READ_MESSAGE_HISTORY, STAFF: 0, MUTED: 0, ADMINS: 1 << 3}


def _rules(*overwrites: Overwrite) -> ChannelRules:
    return ChannelRules(GUILD, OWNER, ROLES, overwrites)


def role(target: int, allow: int = 0, deny: int = 0) -> Overwrite:
    return Overwrite(target, True, allow, deny)


def member(target: int, allow: int = 0, deny: int = 0) -> Overwrite:
    return Overwrite(target, False, allow, deny)


HIDDEN = role(GUILD, deny=VIEW_CHANNEL)
STAFF_IN = role(STAFF, allow=VIEW_SEND)


@pytest.mark.parametrize(
    ("overwrites", "roles", "user", "sees", "sends"),
    [
        ((), (), USER, True, True),
        ((HIDDEN,), (), USER, False, False),  # nothing at all in a channel one can't see
        ((HIDDEN, STAFF_IN), (STAFF,), USER, True, True),  # a role's allow beats @everyone
        ((HIDDEN, STAFF_IN), (), USER, False, False),
        ((HIDDEN,), (), OWNER, True, True),  # the owner may do everything
        ((HIDDEN,), (ADMINS,), USER, True, True),  # so may Administrator
        ((role(GUILD, deny=SEND_MESSAGES),), (), USER, True, False),
        # Roles' overwrites together: one role's allow wins over another's deny.
        (
            (role(STAFF, allow=SEND_MESSAGES), role(MUTED, deny=SEND_MESSAGES)),
            (STAFF, MUTED),
            USER,
            True,
            True,
        ),
        # The member's own overwrite comes last.
        ((STAFF_IN, member(USER, deny=SEND_MESSAGES)), (STAFF,), USER, True, False),
        ((HIDDEN, member(USER, allow=VIEW_CHANNEL)), (), USER, True, True),
    ],
)
def test_permissions_follow_discords_documented_order(
    overwrites: tuple[Overwrite, ...], roles: tuple[int, ...], user: int, sees: bool, sends: bool
) -> None:
    found = channel_permissions(_rules(*overwrites), Member(user, roles))
    assert (bool(found & VIEW_CHANNEL), bool(found & SEND_MESSAGES)) == (sees, sends)
    if user == OWNER or ADMINS in roles:
        assert found == ALL


def test_a_timed_out_member_may_only_view_and_read_history() -> None:
    now = datetime(2026, 11, 26, tzinfo=UTC)
    data = {"roles": [str(STAFF)], "communication_disabled_until": "2026-11-27T00:00:00+00:00"}
    muted = member_from(data, USER, now=now)
    assert muted == Member(USER, (STAFF,), timed_out=True)
    assert channel_permissions(_rules(), muted) == VIEW_CHANNEL | READ_MESSAGE_HISTORY
    over = member_from(
        data | {"communication_disabled_until": "2026-11-25T00:00:00+00:00"}, USER, now=now
    )
    assert channel_permissions(_rules(), over) & SEND_MESSAGES


def test_it_agrees_with_the_fakes_own_reading_of_the_rules() -> None:
    """The fake computes permissions on its own (guilds.permissions); both readings agree on
    every mix of these overwrites and roles."""
    choices = [HIDDEN, STAFF_IN, role(MUTED, deny=SEND_MESSAGES), member(USER, allow=SEND_MESSAGES)]
    for count in range(len(choices) + 1):
        for overwrites in itertools.combinations(choices, count):
            for roles in ((), (STAFF,), (MUTED,), (STAFF, MUTED)):
                guild = {
                    "id": str(GUILD),
                    "owner_id": str(OWNER),
                    "roles": [{"id": str(r), "permissions": str(p)} for r, p in ROLES.items()],
                    "members": [{"user": {"id": str(USER)}, "roles": [str(r) for r in roles]}],
                }
                channel = {
                    "permission_overwrites": [
                        rules.overwrite(
                            str(o.target),
                            kind=rules.ROLE if o.is_role else rules.MEMBER,
                            allow=o.allow,
                            deny=o.deny,
                        )
                        for o in overwrites
                    ]
                }
                ours = channel_permissions(_rules(*overwrites), Member(USER, roles))
                assert ours == rules.permissions(guild, channel, str(USER)), (overwrites, roles)
