"""Reminders on Slack, end to end: the real bolt app and AsyncWebClient against FakeSlack, a real
Scheduler on an injected clock delivering through SlackDelivery, and SlackPlaces for timezones
and channel checks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import aiohttp
import pytest
from fakes.slack import (
    CHANNEL_ID,
    FakeSlack,
    pings,
    user_change_event,
)
from support.harness import T0, Clock
from support.slack_harness import (
    ALICE_KEY,
    BOB,
    JOB_HUNT,
    SlackReminders,
    SlackUser,
    buttons,
    serve,
    shown_text,
    slack_settings,
)

from adapters.slack.receiving import from_command, from_press
from adapters.slack.rendering import MAX_HOME_BLOCKS, MAX_MESSAGE_BLOCKS, home_view, message
from bot.common.buttons import button_id
from bot.common.events import Press, Text
from bot.common.replies import Button, ButtonRole, Item, Kind, Reply, Section
from bot.storage.sql import SqlStore


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def url(fake: FakeSlack, world: SlackReminders) -> AsyncIterator[str]:
    async with serve(slack_settings(fake), world.engine, places=world.places) as events_url:
        yield events_url


@pytest.fixture
def alice(http: aiohttp.ClientSession, url: str, fake: FakeSlack) -> SlackUser:
    return SlackUser(http, url, fake)


@pytest.fixture
def bob(http: aiohttp.ClientSession, url: str, fake: FakeSlack) -> SlackUser:
    return SlackUser(http, url, fake, user_id=BOB)


# --- delivery ------------------------------------------------------------------------------


async def test_reminder_without_a_channel_is_posted_in_the_owners_dm(
    alice: SlackUser, world: SlackReminders
) -> None:
    confirmed = (await alice.command("remind in 2 hours stretch")).body
    assert confirmed["response_type"] == "ephemeral"
    assert "Reminder set for Thu 26 Nov, 12:00 CET: stretch" in shown_text(confirmed)
    await world.run_until(T0 + timedelta(hours=2) - timedelta(seconds=1))
    assert world.posts() == []
    await world.run_until(T0 + timedelta(hours=2))
    [post] = world.posts()
    assert post["channel"] == alice.user_id  # Slack takes the user id as the app's DM
    assert "Reminder: stretch" in shown_text(post)
    assert [b["text"]["text"] for b in buttons(post)] == [
        "Done",
        "Snooze 20 minutes",
        "Snooze 1 hour",
        "Snooze 3 hours",
        "Snooze until tomorrow morning",
        "Snooze until next week",
    ]
    assert "link_names" not in post


async def test_channel_reminder_is_posted_in_that_channel(
    alice: SlackUser, world: SlackReminders, fake: FakeSlack
) -> None:
    fake.add_channel(JOB_HUNT, "job-hunt")
    command = f"remind <#{JOB_HUNT}|job-hunt> tomorrow 9am send the portfolio"
    confirmed = shown_text((await alice.command(command)).body)
    # The channel shows as a link (it notifies nobody); the time in Alice's Slack zone.
    assert f"Fri 27 Nov, 09:00 CET in <#{JOB_HUNT}>: send the portfolio" in confirmed
    assert [c.params["channel"] for c in fake.calls_to("conversations.info")] == [JOB_HUNT]
    await world.run_until(datetime.fromisoformat("2026-11-27T08:00:00+00:00"))
    [post] = world.posts()
    assert post["channel"] == JOB_HUNT
    assert "Reminder: send the portfolio" in shown_text(post)


async def test_scheduler_hands_deferred_posts_back_at_their_turn(
    alice: SlackUser, fake: FakeSlack, store: SqlStore, clock: Clock
) -> None:
    fake.add_channel(JOB_HUNT, "job-hunt")
    for text in ("first", "second", "third"):
        await alice.command(f"remind <#{JOB_HUNT}|job-hunt> in 2 hours {text}")
    # A scheduler whose Slack delivery holds a post for its turn no more than 0.2 s.
    paced = SlackReminders(fake, store, clock, interval=1.0, hold=0.2)
    due = T0 + timedelta(hours=2)
    await paced.run_until(due)
    assert len(paced.posts(JOB_HUNT)) == 1  # the other two were deferred, not tried
    await paced.run_until(due + timedelta(milliseconds=900))
    assert len(paced.posts(JOB_HUNT)) == 1
    await paced.run_until(due + timedelta(seconds=1))
    assert len(paced.posts(JOB_HUNT)) == 2
    await paced.run_until(due + timedelta(seconds=2))
    posted = [p["text"] for p in paced.posts(JOB_HUNT)]
    assert sorted(posted) == ["Reminder: first", "Reminder: second", "Reminder: third"]


async def test_rate_limited_reminder_is_posted_once_retry_after_is_over(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    await alice.command("remind in 2 hours stretch")
    due = T0 + timedelta(hours=2)
    fake.fail_next("chat.postMessage", status=429, retry_after=30)
    await world.run_until(due)
    assert len(fake.calls_to("chat.postMessage")) == 1  # refused
    await world.run_until(due + timedelta(seconds=29))
    assert len(fake.calls_to("chat.postMessage")) == 1
    await world.run_until(due + timedelta(seconds=30))
    assert len(fake.calls_to("chat.postMessage")) == 2
    assert "Reminder: stretch" in shown_text(fake.calls_to("chat.postMessage")[1].params)


async def test_refused_channel_post_is_recorded_and_the_owner_told_by_dm(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    fake.add_channel(JOB_HUNT, "job-hunt")
    await alice.command(f"remind <#{JOB_HUNT}|job-hunt> in 2 hours water the plants")
    fake.channels[JOB_HUNT]["is_member"] = False  # someone removed the app meanwhile
    await world.run_until(T0 + timedelta(hours=2))
    refused, told = fake.calls_to("chat.postMessage")
    assert refused.params["channel"] == JOB_HUNT
    assert told.params["channel"] == alice.user_id
    notice = shown_text(told.params)
    assert "water the plants" in notice
    assert "I'm not in that channel; invite me with /invite @Take or Pass" in notice


# --- timezones -----------------------------------------------------------------------------


async def test_slack_profile_timezone_is_used_cached_and_refetched_after_user_change(
    alice: SlackUser, fake: FakeSlack
) -> None:
    fake.users[alice.user_id] = {"tz": "Asia/Tokyo"}
    first = shown_text((await alice.command("remind tomorrow 9am water the plants")).body)
    assert "Fri 27 Nov, 09:00 JST" in first
    second = shown_text((await alice.command("remind tomorrow 10am call mum")).body)
    assert "Fri 27 Nov, 10:00 JST" in second
    assert len(fake.calls_to("users.info")) == 1  # cached
    fake.users[alice.user_id] = {"tz": "America/Los_Angeles"}
    assert await alice.event(user_change_event(alice.user_id, "America/Los_Angeles")) == 200
    await asyncio.sleep(0.2)  # events are acknowledged first, then handled
    third = shown_text((await alice.command("remind tomorrow 9am stretch")).body)
    assert "Fri 27 Nov, 09:00 PST" in third
    assert len(fake.calls_to("users.info")) == 2


async def test_unknown_profile_timezone_falls_back_to_the_default(
    alice: SlackUser, fake: FakeSlack
) -> None:
    fake.fail_next("users.info", error="user_not_found")
    said = shown_text((await alice.command("remind tomorrow 9am stretch")).body)
    assert "Fri 27 Nov, 09:00 EST" in said  # DEFAULT_TIMEZONE of this world
    said = shown_text((await alice.command("remind tomorrow 9am stretch")).body)
    assert "CET" in said  # a failure is not cached: asked again, and answered
    assert len(fake.calls_to("users.info")) == 2


# --- channels ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setup", "says"),
    [
        ("unknown", "I can't see that channel. If it's private, invite me first"),
        ("archived", "#job-hunt is archived. Pick another channel."),
        (
            "not_member",
            "I'm not in #job-hunt: invite me with /invite @Take or Pass, then try again.",
        ),
        ("missing_scope", "lacks a Slack permission to check that channel (groups:read)"),
    ],
)
async def test_channel_check_says_what_to_do_and_stores_nothing(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders, setup: str, says: str
) -> None:
    if setup == "archived":
        fake.add_channel(JOB_HUNT, "job-hunt", archived=True)
    elif setup == "not_member":
        fake.add_channel(JOB_HUNT, "job-hunt", member=False)
    elif setup == "missing_scope":
        refusal = {"ok": False, "error": "missing_scope", "needed": "groups:read"}
        fake.set_reply("conversations.info", refusal | {"provided": "chat:write"})
    command = f"remind <#{JOB_HUNT}|job-hunt> every monday 9am standup"
    said = shown_text((await alice.command(command)).body)
    assert says in said
    assert await world.store.count_active(ALICE_KEY) == 0
    said = shown_text((await alice.command("channel", channel_id=JOB_HUNT)).body)
    assert says in said
    assert await world.store.job_hunt_channel("slack", "T0001") is None


async def test_channel_run_in_a_channel_makes_it_the_job_hunt_channel(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    fake.add_channel(JOB_HUNT, "job-hunt")
    said = shown_text((await alice.command("channel", channel_id=JOB_HUNT)).body)
    assert f"Reminders for the job-hunt channel will go to <#{JOB_HUNT}>." in said
    asked = shown_text((await alice.command("channel", channel_id="DU0001")).body)
    assert f"The job-hunt channel is <#{JOB_HUNT}>." in asked  # asked in a DM: shown
    await alice.command("remind channel in 1 hour weekly review")
    await world.run_until(T0 + timedelta(hours=1))
    [post] = world.posts()
    assert post["channel"] == JOB_HUNT


async def test_channel_named_from_the_dm_becomes_the_job_hunt_channel(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    fake.add_channel(JOB_HUNT, "job-hunt")
    command = f"channel <#{JOB_HUNT}|job-hunt>"
    said = shown_text((await alice.command(command, channel_id="DU0001")).body)
    assert f"Reminders for the job-hunt channel will go to <#{JOB_HUNT}>." in said
    assert await world.store.job_hunt_channel("slack", "T0001") == JOB_HUNT


async def test_reminders_in_a_channel_lists_its_recurring_ones_and_a_member_stops_one(
    alice: SlackUser, bob: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    fake.add_channel(JOB_HUNT, "job-hunt")
    await alice.command(f"remind <#{JOB_HUNT}|job-hunt> every monday 9am standup notes")
    listed = (await bob.command("reminders", channel_id=JOB_HUNT)).body
    text = shown_text(listed)
    assert "You have no upcoming reminders" in text  # Bob's own
    assert "Recurring reminders in this channel" in text and "standup notes" in text
    stopped = await bob.press(listed, "stop", channel_id=JOB_HUNT)
    assert stopped.body["replace_original"] is True
    assert "Stopped: standup notes. It won't come again." in shown_text(stopped.body)
    # Stopped for its owner too: it is gone from Alice's list.
    mine = shown_text((await alice.command("reminders", channel_id=JOB_HUNT)).body)
    assert "standup notes" not in mine
    assert await world.store.count_active(ALICE_KEY) == 0


async def test_member_cannot_stop_recurring_reminder_of_another_channel(
    alice: SlackUser, bob: SlackUser, fake: FakeSlack
) -> None:
    fake.add_channel(JOB_HUNT, "job-hunt")
    await alice.command(f"remind <#{JOB_HUNT}|job-hunt> every monday 9am standup notes")
    listed = (await bob.command("reminders", channel_id=JOB_HUNT)).body
    refused = await bob.press(listed, "stop", channel_id=CHANNEL_ID)  # pressed elsewhere
    assert refused.body["replace_original"] is False
    assert "isn't yours" in shown_text(refused.body)


# --- no pings ------------------------------------------------------------------------------

PINGS = "@everyone <!channel> <!here> <@U1> <@&123> <!subteam^S1> <!here|here> <@W2|al>"


async def test_reminder_text_posted_in_a_channel_pings_nobody(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    fake.add_channel(JOB_HUNT, "job-hunt")
    confirmed = await alice.command(f"remind <#{JOB_HUNT}|job-hunt> in 1 minute {PINGS}")
    assert "Reminder set" in shown_text(confirmed.body)
    assert pings(confirmed.body) == set()
    await world.run_until(T0 + timedelta(minutes=1))
    [post] = world.posts(JOB_HUNT)
    assert "&lt;!channel&gt;" in shown_text(post)  # shown, as text
    assert pings(post) == set()
    assert "link_names" not in post


# --- where commands and presses come from --------------------------------------------------


def test_commands_and_presses_say_which_channel_they_came_from() -> None:
    body = {"team_id": "T1", "user_id": "U1", "text": "channel", "channel_id": "C9"}
    found = from_command(body)
    assert found is not None
    assert found.event == Text("channel", channel="C9", server="T1", manage=True)
    for elsewhere in ({"channel_id": "D1"}, {"channel_id": "G1", "channel_name": "mpdm-a-b-1"}):
        found = from_command(body | elsewhere)
        assert found is not None
        assert found.event == Text("channel", channel=None, server="T1", manage=True)
    press = {
        "user": {"id": "U1", "team_id": "T1"},
        "team": {"id": "T1"},
        "container": {"type": "message", "channel_id": "C9", "message_ts": "1.2"},
    }
    found = from_press(press, {"value": "tp:r1:rem:stop", "action_ts": "3.4"})
    assert found is not None and found.event == Press("tp:r1:rem:stop", channel="C9", manage=True)
    home = press | {"container": {"type": "view", "view_id": "V1"}}
    found = from_press(home, {"value": "tp:r1:rem:stop", "action_ts": "3.5"})
    assert found is not None and found.event == Press("tp:r1:rem:stop")


async def test_logs_at_info_carry_no_reminder_text_or_company(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    fake.add_channel(JOB_HUNT, "job-hunt")
    await alice.command(f"remind <#{JOB_HUNT}|job-hunt> in 1 hour Secretcorp interview prep")
    await alice.command("remind in 2 hours Secretcorp thank-you note")
    fake.refuse_posts(JOB_HUNT, "not_in_channel")
    await world.run_until(T0 + timedelta(hours=2))
    assert len(world.posts()) == 3  # refused, the notice about it, and the DM reminder
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "reminder" in logged  # it did log
    assert "Secretcorp" not in logged


# --- lists within Slack's limits -----------------------------------------------------------


def test_long_lists_stay_within_fifty_blocks_and_say_how_many_are_left() -> None:
    items = tuple(
        Item(
            f"reminder {n}",
            tuple(
                Button(button_id(str(n), "occ", v), v, ButtonRole.ACTION)
                for v in ("edit", "cancel", "snooze")
            ),
        )
        for n in range(30)
    )
    listed = Reply(kind=Kind.INFO, text="Your upcoming reminders", items=items)
    missed = Section("Missed", ("one", "two"))
    shown = message([listed._replace(sections=(missed,))])
    assert len(shown["blocks"]) <= MAX_MESSAGE_BLOCKS
    assert shown["blocks"][-1]["type"] == "context"
    left = shown["blocks"][-1]["elements"][0]["text"]
    shown_items = sum(1 for b in shown["blocks"] if b["type"] == "actions")
    assert left == f"…and {30 - shown_items} more not shown here."
    action_ids = [
        e["action_id"] for b in shown["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert len(action_ids) == len(set(action_ids))
    start = Button(button_id("-", "start", "new"), "", ButtonRole.ACTION)
    history = Reply(kind=Kind.INFO, text="", sections=(Section("Past", ("a",) * 40),))
    home = home_view(history, start=start, command="/takeorpass", reminders=listed)
    assert len(home["blocks"]) <= MAX_HOME_BLOCKS
    assert "Past" in shown_text(home)  # the history still shows below a long list
