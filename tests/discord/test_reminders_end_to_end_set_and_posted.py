"""Reminders end to end on Discord, set by the user: by a DM, by `/takeorpass remind` in a
server, every day in the user's zone, and full of mentions; posted by the real scheduler (on a
hand-moved clock) through `DiscordDelivery`; listed, cancelled and snoozed by button; and a post
that can never work, recorded and the user told. Every input is a Discord payload (MESSAGE_CREATE
in the DM, INTERACTION_CREATE slash commands and button presses) into the real
`TakeOrPassClient`, against FakeDiscord.

"On time" means: nothing is posted with the clock one second before the due time, and the post
is made on the scheduler's tick at the due time."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fakes.discord import (
    CHANNEL_ID,
    DM_CHANNEL_ID,
    JSON,
    USER_ID,
    option,
)
from fakes.discord import guilds as rules
from support.discord_harness import ALICE_KEY as KEY
from support.discord_harness import OPEN_DM, buttons, labels, with_reminders
from support.discord_reminders import SECOND, Bot, _closed, _posts
from support.harness import T0, Clock
from support.reminders import ReminderWorld

from bot.reminders import texts
from bot.reminders.model import Places
from bot.storage.sql import SqlStore

# Everything that could ping someone on Slack or Discord, and another member of the server.
MENTIONS = "@everyone <!channel> <!here> <@U1> <@&123> <@1400000000000000002>"


@pytest.fixture
async def bot(store: SqlStore, clock: Clock) -> AsyncIterator[Bot]:
    places: dict[str, Places] = {}  # the service keeps this dict: filled once the client exists
    world = ReminderWorld(
        store,
        clock,
        places=places,
        offsets=(timedelta(minutes=2), timedelta(minutes=1)),
        followup=timedelta(minutes=3),
    )
    async with with_reminders(world, places) as harness:
        yield Bot(harness, world)


def _reminder_id(confirmation: JSON) -> str:
    """The reminder a confirmation is about, from its Undo button (`tp:<id>:rem:undo`)."""
    [undo] = [b["custom_id"] for b in buttons(confirmation) if b["label"] == texts.UNDO]
    return undo.split(":")[1]


def _key(reminder_id: str, due: datetime) -> str:
    """The delivery key of an occurrence: the series and its time, in hex seconds."""
    return f"{reminder_id}.{int(due.timestamp()):x}"


# --- 1. typed in the DM -----------------------------------------------------------------------


async def test_remind_typed_in_the_dm_arrives_in_the_dm_on_time_pinging_only_its_owner(
    bot: Bot,
) -> None:
    [confirmation] = await bot.harness.dm("remind in 90 seconds drink water")
    assert "Reminder set for Thu 26 Nov, 04:01 EST: drink water" in confirmation["content"]
    due = T0 + timedelta(seconds=90)

    request, post = await bot.on_time(due)

    assert request.json["nonce"] == _key(_reminder_id(confirmation), due)
    assert request.json["enforce_nonce"] is True
    assert request.json["allowed_mentions"] == {"parse": [], "users": [int(USER_ID)]}
    assert post["content"] == "Reminder: drink water"
    assert labels(post) == [
        "Done",
        "Snooze 20 minutes",
        "Snooze 1 hour",
        "Snooze 3 hours",
        "Snooze until tomorrow morning",
        "Snooze until next week",
    ]
    assert bot.fake.requests_to("POST", OPEN_DM) == []  # the DM was known from the typed message
    assert await bot.world.store.upcoming(KEY, limit=5) == []


# --- 2. a slash command in a server -----------------------------------------------------------


async def test_remind_slash_command_in_a_server_arrives_in_the_named_channel_on_time(
    bot: Bot,
) -> None:
    answer = await bot.in_server(
        "remind", option("when", "in 90 seconds"), option("text", "mock interview"),
        channel=CHANNEL_ID,
    )  # fmt: skip
    assert (
        f"Reminder set for Thu 26 Nov, 04:01 EST in <#{CHANNEL_ID}>: mock interview"
        in answer["content"]
    )
    assert bot.harness.visible(CHANNEL_ID) == []  # the confirmation was for the user alone
    due = T0 + timedelta(seconds=90)

    request, post = await bot.on_time(due, CHANNEL_ID)

    assert request.json["nonce"] == _key(_reminder_id(answer), due)
    assert request.json["enforce_nonce"] is True
    assert request.json["allowed_mentions"] == {"parse": []}
    assert post["content"] == "Reminder: mock interview"
    assert labels(post) == [
        "Done",
        "Snooze 20 minutes",
        "Snooze 1 hour",
        "Snooze 3 hours",
        "Snooze until tomorrow morning",
        "Snooze until next week",
    ]
    assert bot.reminder_posts(DM_CHANNEL_ID) == []


# --- 3. every day, in the user's zone ---------------------------------------------------------


async def test_every_day_in_the_users_zone_arrives_on_time_and_lists_the_next_day(
    bot: Bot,
) -> None:
    zone = await bot.in_server("timezone", option("name", "Asia/Kolkata"))
    assert (
        zone["content"] == "Your times are now in Asia/Kolkata. It's Thu 26 Nov, 14:30 IST there."
    )
    due = T0 + timedelta(minutes=1)
    at = f"{due.astimezone(ZoneInfo('Asia/Kolkata')):%H:%M}"
    assert at == "14:31"  # 09:01 UTC; in New York (the default zone) it would be 19:31 UTC

    answer = await bot.in_server(
        "remind", option("when", f"every day at {at}"), option("text", "stand-up"),
        channel=CHANNEL_ID,
    )  # fmt: skip
    assert answer["content"] == (
        f"Recurring reminder set in <#{CHANNEL_ID}>, every day at 14:31, "
        "starting Thu 26 Nov, 14:31 IST: stand-up\n\n"
        "**Next times**\n• Thu 26 Nov, 14:31 IST\n• Fri 27 Nov, 14:31 IST"
    )

    request, post = await bot.on_time(due, CHANNEL_ID)
    assert request.json["allowed_mentions"] == {"parse": []}
    assert post["content"] == "Reminder: stand-up\nThis repeats every day at 14:31."
    assert labels(post) == [
        "Done",
        "Snooze 20 minutes",
        "Snooze 1 hour",
        "Snooze 3 hours",
        "Snooze until tomorrow morning",
        "Snooze until next week",
        "Stop",
    ]

    listed = await bot.in_server("reminders")
    assert listed["content"].split("\n") == [
        texts.LIST_TITLE,
        "",
        f"1. Fri 27 Nov, 14:31 IST: stand-up (every day at 14:31) in <#{CHANNEL_ID}>",
    ]
    assert labels(listed) == ["1 · Edit", "1 · Stop", "1 · Snooze"]
    # And it does come then.
    again, _ = await bot.on_time(due + timedelta(days=1), CHANNEL_ID)
    assert again.json["nonce"] != request.json["nonce"]


# --- 4. mentions ------------------------------------------------------------------------------


async def test_a_reminder_full_of_mentions_pings_no_one_in_a_channel_and_only_its_owner_in_a_dm(
    bot: Bot,
) -> None:
    await bot.in_server(
        "remind", option("when", "in 90 seconds"), option("text", MENTIONS), channel=CHANNEL_ID
    )
    await bot.harness.dm(f"remind in 90 seconds {MENTIONS}")
    await bot.harness.dm(f"remind in 90 seconds {MENTIONS} <@{USER_ID}>")
    due = T0 + timedelta(seconds=90)
    # Shown as written, as plain text (a zero-width space after each "<"): no mention renders.
    shown = (
        "Reminder: @\u200beveryone <\u200b!channel> <\u200b!here> <\u200b@U1> <\u200b@&123> "
        "<\u200b@1400000000000000002>"
    )

    assert await bot.tick(due - SECOND) == []
    assert len(await bot.tick(due)) == 3

    [in_channel] = bot.reminder_posts(CHANNEL_ID)
    channel_post = bot.posted(in_channel)
    assert channel_post["content"] == shown
    assert in_channel.json["allowed_mentions"] == {"parse": []}
    assert bot.fake.pings(channel_post) == set()
    # Both guards hold on their own: as text, it would ping nobody even with Discord's
    # default allowed_mentions; the words as typed would have pinged the role and the member.
    assert rules.pings(channel_post["content"], None, in_guild=True) == set()
    assert rules.pings(MENTIONS, None, in_guild=True) == {
        "everyone",
        "role:123",
        "user:1400000000000000002",
    }

    in_dm = bot.reminder_posts(DM_CHANNEL_ID)
    assert [r.json["allowed_mentions"] for r in in_dm] == [
        {"parse": [], "users": [int(USER_ID)]}
    ] * 2
    by_content = {post["content"]: post for post in map(bot.posted, in_dm)}
    same, naming_owner = by_content[shown], by_content[f"{shown} <\u200b@{USER_ID}>"]
    assert bot.fake.pings(same) == set()
    # Even the owner's own mention is only text; the DM itself notifies its owner.
    assert bot.fake.pings(naming_owner) == set()


# --- 5. cancel and snooze ---------------------------------------------------------------------


async def test_cancel_from_the_list_removes_one_and_snooze_on_a_post_moves_it_an_hour(
    bot: Bot,
) -> None:
    await bot.harness.dm("remind in 10 minutes water the plants")
    await bot.harness.dm("remind in 20 minutes call Sam")
    [listing] = copy.deepcopy(await bot.harness.dm("reminders"))
    assert listing["content"].split("\n") == [
        texts.LIST_TITLE,
        "",
        "1. Thu 26 Nov, 04:10 EST: water the plants",
        "2. Thu 26 Nov, 04:20 EST: call Sam",
    ]
    assert [[b["label"] for b in row["components"]] for row in listing["components"]] == [
        [f"{n} · Edit", f"{n} · Cancel", f"{n} · Snooze"] for n in (1, 2)
    ]

    # Cancel the first: its row closes, the other stays usable, and nothing comes at 04:10.
    callback, [note] = await bot.press_label(listing, "1 · Cancel")
    assert callback.json["type"] == 7
    data = callback.json["data"]
    assert data["content"] == listing["content"] + "\n→ **1 · Cancel**"
    rows = [row["components"] for row in data["components"]]
    assert [b["disabled"] for b in rows[0]] == [True] * 3
    assert [b.get("disabled", False) for b in rows[1]] == [False] * 3
    assert note["content"] == "Cancelled: Thu 26 Nov, 04:10 EST: water the plants"
    assert await bot.tick(T0 + timedelta(minutes=10, seconds=1)) == []

    # The second comes on time; Snooze 1 hour on the post closes it and brings it back at 05:20.
    due = T0 + timedelta(minutes=20)
    first, post = await bot.on_time(due)
    assert post["content"] == "Reminder: call Sam"
    callback, [snoozed] = await bot.harness.press(post, "s1h")
    _closed(callback, "Reminder: call Sam", "Snooze 1 hour")
    shown = bot.fake.messages[post["id"]]  # as the user now sees the post
    assert shown["content"] == "Reminder: call Sam\n→ **Snooze 1 hour**"
    assert [(b["label"], b["disabled"]) for b in buttons(shown)] == [
        (label, True)
        for label in (
            "Done",
            "Snooze 20 minutes",
            "Snooze 1 hour",
            "Snooze 3 hours",
            "Snooze until tomorrow morning",
            "Snooze until next week",
        )
    ]
    assert snoozed["content"] == "Snoozed until Thu 26 Nov, 05:20 EST: call Sam"

    again, repost = await bot.on_time(due + timedelta(hours=1))
    assert repost["content"] == "Reminder: call Sam"
    assert repost["id"] != post["id"] and again.json["nonce"] != first.json["nonce"]
    assert len(bot.reminder_posts(DM_CHANNEL_ID)) == 2


@pytest.mark.parametrize(
    ("refusal", "to_channel", "reason"),
    [
        (rules.UNKNOWN_CHANNEL, True, "the channel no longer exists"),
        (rules.MISSING_ACCESS, True, "I can't see that channel any more"),
        (rules.MISSING_PERMISSIONS, True, "I'm not allowed to post in that channel"),
        (None, False, "they don't accept direct messages from me"),
    ],
    ids=["channel gone", "not in the channel", "no permission", "DMs closed"],
)
async def test_a_post_that_can_never_work_is_recorded_and_the_user_told(
    bot: Bot, refusal: tuple[int, int, str] | None, to_channel: bool, reason: str
) -> None:
    when, text = option("when", "in 90 seconds"), option("text", "water the plants")
    if to_channel:  # a channel is named in the server (from a DM it is refused)
        await bot.in_server("remind", when, text, channel=CHANNEL_ID)
    else:
        await bot.harness.dm("remind in 90 seconds water the plants")
    # What changed on Discord meanwhile.
    if refusal is not None:
        bot.fake.refuse_posts(CHANNEL_ID, refusal)
    else:
        bot.fake.close_dms(USER_ID)
    due = bot.world.clock.now + timedelta(seconds=90)
    tried = await bot.tick(due)
    later = await bot.tick(due + timedelta(minutes=30))  # a permanent failure isn't retried
    if to_channel:
        refused, told = tried
        assert refusal is not None
        assert (refused.path, refused.status) == (_posts(CHANNEL_ID), refusal[0])
        assert told.path == _posts(DM_CHANNEL_ID) and told.status == 200
        assert reason in told.json["content"] and "water the plants" in told.json["content"]
    else:
        [refused] = tried  # the DM itself is closed: `reminders` tells instead
        assert refused.status == 403
    assert later == []
    bot.fake.closed_dms.clear()
    [listed] = await bot.harness.dm("reminders")
    assert texts.LIST_MISSED in listed["content"]
    assert "water the plants" in listed["content"]
    assert await bot.world.store.upcoming(KEY) == []
