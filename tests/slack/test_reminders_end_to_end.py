"""Reminders on Slack from the first command to the post, as people use them: the real bolt app
and AsyncWebClient against FakeSlack, the real reminder service and scheduler on an injected
clock, delivering through SlackDelivery. "On time" means nothing is posted a second before the
due time and the post is made on the scheduler's pass at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fakes.slack import FakeSlack, pings
from support.harness import T0, Clock
from support.slack_harness import ALICE_KEY as ALICE
from support.slack_harness import (
    JOB_HUNT,
    TAKE_IT,
    SlackReminders,
    SlackUser,
    button,
    buttons,
    posted_after,
    shown_text,
    updates,
    view_of,
)

from adapters.slack.forms import TEXT_ACTION, TEXT_BLOCK
from bot.storage.sql import SqlStore

Params = dict[str, Any]


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        slack.add_channel(JOB_HUNT, "job-hunt")
        yield slack


@pytest.fixture
def world(fake: FakeSlack, store: SqlStore, clock: Clock) -> SlackReminders:
    clock.now = T0
    # Short interview offsets, as an operator might set REMINDER_OFFSETS=2m,1m.
    return SlackReminders(
        fake,
        store,
        clock,
        offsets=(timedelta(minutes=2), timedelta(minutes=1)),
        followup=timedelta(minutes=3),
    )


async def on_time(world: SlackReminders, due: datetime, where: str) -> Params:
    """Nothing in `where` a second before `due`; one new post there at `due`."""
    before = len(world.posts(where))
    await world.run_until(due - timedelta(seconds=1))
    assert len(world.posts(where)) == before, "posted early"
    await world.run_until(due)
    posted = world.posts(where)
    assert len(posted) == before + 1, "not posted on time"
    return posted[-1]


async def test_remind_in_90_seconds_arrives_in_the_dm_on_time(
    alice: SlackUser, world: SlackReminders
) -> None:
    confirmed = await alice.command("remind in 90 seconds drink water")
    assert confirmed.body["response_type"] == "ephemeral"
    assert "Reminder set for Thu 26 Nov, 10:01 CET: drink water" in shown_text(confirmed.body)
    post = await on_time(world, T0 + timedelta(seconds=90), alice.user_id)
    assert shown_text(post).startswith("Reminder: drink water")
    assert "late" not in shown_text(post)


async def test_remind_in_the_job_hunt_channel_arrives_there_on_time(
    alice: SlackUser, world: SlackReminders
) -> None:
    confirmed = await alice.command(f"remind <#{JOB_HUNT}|job-hunt> in 90 seconds mock interview")
    assert f"in <#{JOB_HUNT}>: mock interview" in shown_text(confirmed.body)
    post = await on_time(world, T0 + timedelta(seconds=90), JOB_HUNT)
    assert "Reminder: mock interview" in shown_text(post)
    assert world.posts(alice.user_id) == []  # nothing about it in her DM


async def test_daily_reminder_a_minute_ahead_in_the_users_zone_posts_and_lists_tomorrow(
    alice: SlackUser, world: SlackReminders
) -> None:
    # 10:01 in Berlin is one minute from now.
    command = f"remind <#{JOB_HUNT}|job-hunt> every day at 10:01 post your wins"
    confirmed = shown_text((await alice.command(command)).body)
    assert "every day at 10:01, starting Thu 26 Nov, 10:01 CET" in confirmed
    post = await on_time(world, T0 + timedelta(minutes=1), JOB_HUNT)
    assert "Reminder: post your wins" in shown_text(post)
    listed = shown_text((await alice.command("reminders", channel_id=JOB_HUNT)).body)
    assert "Fri 27 Nov, 10:01 CET: post your wins (every day at 10:01)" in listed
    # The next day's run comes at 10:01 Berlin time again.
    await on_time(world, T0 + timedelta(days=1, minutes=1), JOB_HUNT)


async def test_mentions_in_a_reminders_text_ping_no_one_in_the_channel(
    alice: SlackUser, world: SlackReminders
) -> None:
    # What Slack sends for a typed "@everyone @channel @here @Bob @team <@&123>" with escaping.
    typed = "<!everyone> <!channel> <!here> <@U1|bob> <!subteam^S1|@team> &lt;@&amp;123&gt;"
    await alice.command(f"remind <#{JOB_HUNT}|job-hunt> in 90 seconds {typed}")
    post = await on_time(world, T0 + timedelta(seconds=90), JOB_HUNT)
    assert pings(post) == set()
    assert "@everyone" in shown_text(post) or "!everyone" in shown_text(post)
    # Nor in a DM.
    await alice.command(f"remind in 2 minutes {typed}")
    dm = await on_time(world, world.clock.now + timedelta(minutes=2), alice.user_id)
    assert pings(dm) == set()


async def test_cancel_and_snooze_buttons_work(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    await alice.command("remind in 90 seconds stretch")
    await alice.command("remind in 2 minutes call Sam")
    listed = (await alice.command("reminders")).body
    cancel_stretch = next(b for b in buttons(listed) if b["value"].endswith(":cancel"))
    pressed = alice.press_body(listed, cancel_stretch["value"].split(":", 2)[2])
    assert (await alice.post(pressed))[0] == 200
    await world.run_until(T0 + timedelta(seconds=90))
    assert world.posts(alice.user_id) == []  # cancelled
    post = await on_time(world, T0 + timedelta(minutes=2), alice.user_id)
    assert "Reminder: call Sam" in shown_text(post)
    await alice.press_posted(post, "s1h", channel_id=alice.dm_channel, ts="1700000060.1")
    [marked] = await updates(fake, 1)
    assert buttons(marked) == [] and "✓ Snoozed 1 hour" in shown_text(marked)
    again = await on_time(world, T0 + timedelta(minutes=62), alice.user_id)
    assert "Reminder: call Sam" in shown_text(again)


async def test_interview_path_delivers_its_reminders_and_follow_up_and_keeps_the_outcome(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    shown = (await alice.command("Acme — Data Analyst")).body
    for value in TAKE_IT:
        shown = (await alice.press(shown, value)).body
    assert shown["text"].startswith("TAKE IT")
    await alice.post(alice.press_body(shown, "set", response_name="set"))
    view = view_of((await fake.wait_for("views.open")).params)
    typed = {TEXT_BLOCK: {TEXT_ACTION: {"type": "plain_text_input", "value": "in 5 minutes"}}}
    assert await alice.submit(view, typed) == (200, "")
    confirmed = shown_text(await posted_after(fake, 1))
    assert "Interview reminders set for Acme — Data Analyst, Thu 26 Nov, 10:05 CET." in confirmed

    interview = T0 + timedelta(minutes=5)
    first = await on_time(world, interview - timedelta(minutes=2), alice.user_id)
    assert "Your interview at Acme — Data Analyst is in 2 minutes" in shown_text(first)
    assert "To prepare" in shown_text(first)
    second = await on_time(world, interview - timedelta(minutes=1), alice.user_id)
    assert "is in 1 minute" in shown_text(second)
    followup = await on_time(world, interview + timedelta(minutes=3), alice.user_id)
    assert "How did the interview at Acme — Data Analyst go?" in shown_text(followup)

    count = len(fake.calls_to("chat.postMessage"))
    await alice.press_posted(followup, "next", channel_id=alice.dm_channel, ts="1700000070.1")
    [marked] = await updates(fake, 1)
    assert "✓ Next round" in shown_text(marked) and buttons(marked) == []
    assert "Noted: Next round." in shown_text(await posted_after(fake, count + 1))
    history = shown_text((await alice.command("history")).body)
    assert "Acme — Data Analyst" in history and "Next round" in history
    [entry] = await world.engine.history(ALICE)
    assert entry.outcome == "next"
    assert button((await alice.command("history")).body, "show")


@pytest.mark.parametrize(
    ("setup", "where", "reason"),
    [
        ("archived", JOB_HUNT, "the channel is archived"),
        ("removed", JOB_HUNT, "I'm not in that channel; invite me with /invite @Take or Pass"),
        ("dms_closed", None, "direct messages with the app are turned off"),
    ],
    ids=["channel gone", "not in channel", "DMs closed"],
)
async def test_a_post_that_can_never_work_is_recorded_and_the_user_told(
    alice: SlackUser,
    fake: FakeSlack,
    world: SlackReminders,
    setup: str,
    where: str | None,
    reason: str,
) -> None:
    target = f"<#{JOB_HUNT}|job-hunt> " if where else ""
    await alice.command(f"remind {target}in 90 seconds water the plants")
    # What changed on Slack meanwhile.
    if setup == "archived":
        fake.refuse_posts(JOB_HUNT, "is_archived")
    elif setup == "removed":
        fake.refuse_posts(JOB_HUNT, "not_in_channel")
    else:
        fake.refuse_posts(alice.user_id, "messages_tab_disabled")
    await world.run_until(T0 + timedelta(seconds=90))
    await world.run_until(T0 + timedelta(minutes=30))  # no retries of a permanent failure
    posts = fake.calls_to("chat.postMessage")
    if where:
        refused, told = posts  # tried once; then the owner is told in their DM
        assert refused.params["channel"] == JOB_HUNT
        assert told.params["channel"] == alice.user_id
        assert reason in shown_text(told.params)
    else:
        assert len(posts) == 1  # the DM itself is closed: nowhere to tell, so `reminders` does
    listed = shown_text((await alice.command("reminders")).body)
    assert "Missed while I was offline, or not delivered" in listed
    assert "water the plants" in listed
    assert await world.store.upcoming(ALICE) == []
