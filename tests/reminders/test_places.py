"""Reminders on chat platforms, through the service: the platform's timezone and channel checks,
who may set the job-hunt channel or stop a channel's reminders, and pacing that is no attempt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from support.harness import ALICE, BOB, Transcript
from support.reminders import ReminderWorld

from bot.common.events import Press, Text
from bot.common.replies import Kind
from bot.common.users import UserKey
from bot.reminders import texts
from bot.reminders.model import Access, Deferred, Status
from bot.storage.schema import occurrences

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # a Thursday, 10:00 in New York


class FakePlaces:
    """A platform's answers, as a test scripts them; remembers what it was asked."""

    def __init__(self, zones: dict[str, str] | None = None) -> None:
        self.zones = zones or {}
        self.refuse: dict[str, str] = {}
        self.checked: list[tuple[str, str | None]] = []

    async def user_timezone(self, key: UserKey) -> str | None:
        return self.zones.get(key.user)

    async def check_channel(self, key: UserKey, channel: str, server: str | None) -> str | None:
        self.checked.append((channel, server))
        return self.refuse.get(channel)

    async def may_post(self, owner: UserKey, channel: str) -> Access:
        return Access.ALLOWED  # asked at delivery: tests/reminders/test_lapse.py


@pytest.fixture
def places() -> FakePlaces:
    return FakePlaces({"U_ALICE": "Asia/Kolkata"})


@pytest.fixture
def world(store, clock, places) -> ReminderWorld:
    made = ReminderWorld(store, clock, places={"slack": places, "discord": places})
    made.clock.now = NOW
    return made


async def test_the_platforms_timezone_is_used_unless_the_user_chose_one(world):
    alice = Transcript(world.engine, ALICE)
    reply = await alice.say("remind tomorrow 9am yoga")
    assert reply.text == "Reminder set for Fri 27 Nov, 09:00 IST: yoga"
    await alice.say("timezone Europe/Berlin")
    reply = await alice.say("remind tomorrow 9am yoga")
    assert reply.text == "Reminder set for Fri 27 Nov, 09:00 CET: yoga"
    # Nobody known to the platform: the default zone.
    bob = Transcript(world.engine, BOB)
    reply = await bob.say("remind tomorrow 9am yoga")
    assert reply.text == "Reminder set for Fri 27 Nov, 09:00 EST: yoga"


async def test_discord_users_are_told_their_zone_until_they_set_one(world):
    carol = Transcript(world.engine, UserKey("discord", "", "42"))
    reply = await carol.say("remind tomorrow 9am yoga")
    assert reply.notice == texts.TIMEZONE_HINT.format(zone="America/New_York")
    await carol.say("timezone Asia/Kolkata")
    reply = await carol.say("remind tomorrow 9am yoga")
    assert reply.notice is None


async def test_a_channel_the_bot_may_not_post_in_gets_the_platforms_answer(world, places):
    places.refuse["C0LOCK"] = "I'm not in that channel: invite me first."
    alice = Transcript(world.engine, ALICE)
    reply = await alice.say("remind <#C0LOCK|secret> in 5 minutes x")
    assert (reply.kind, reply.text) == (Kind.ERROR, "I'm not in that channel: invite me first.")
    refused = await alice.send(Text("channel <#C0LOCK|secret>", manage=True))
    assert refused[-1].text == "I'm not in that channel: invite me first."
    assert await world.store.job_hunt_channel("slack", "T1") is None
    assert await world.store.upcoming(ALICE) == []
    assert ("C0LOCK", "T1") in places.checked


async def test_setting_the_job_hunt_channel_needs_the_platforms_permission(world):
    carol = Transcript(world.engine, UserKey("discord", "", "42"))
    # Typed in the DM: no server to set it for.
    reply = await carol.say("channel <#555>")
    assert reply.text == texts.CHANNEL_IN_SERVER
    denied = await carol.send(Text("channel", channel="555", server="G1", manage=False))
    assert denied[-1].text == texts.CHANNEL_NEEDS_MANAGE
    assert await world.store.job_hunt_channel("discord", "G1") is None
    allowed = await carol.send(Text("channel", channel="555", server="G1", manage=True))
    assert allowed[-1].text == texts.CHANNEL_SET.format(channel="555")
    assert await world.store.job_hunt_channel("discord", "G1") == "555"
    # `remind channel` in that server now goes there; from the DM it asks which server.
    here = await carol.send(Text("remind channel in 5 minutes standup", server="G1"))
    assert here[-1].text.endswith(" in <#555>: standup")
    dm = await carol.say("remind channel in 5 minutes standup")
    assert dm.text == texts.JOB_HUNT_IN_SERVER


async def _bobs_weekly(world: ReminderWorld) -> Transcript:
    bob = Transcript(world.engine, BOB)
    await bob.say("remind <#C0JOBS|jobs> every monday 9am weekly goals")
    return bob


async def test_reminders_asked_in_a_channel_list_its_recurring_ones_with_stop(world):
    await _bobs_weekly(world)
    alice = Transcript(world.engine, ALICE)
    replies = await alice.send(Text("reminders", channel="C0JOBS", manage=True))
    assert [r.text for r in replies] == [
        texts.LIST_EMPTY.format(example="remind in 2 hours call Sam back"),
        texts.CHANNEL_LIST_TITLE,
    ]
    (item,) = replies[1].items
    assert "weekly goals" in item.text
    assert [b.label for b in item.buttons] == [texts.STOP]
    # Elsewhere the list is only one's own.
    assert len(await alice.send(Text("reminders"))) == 1


async def test_a_channel_member_may_stop_its_recurring_reminder_only_from_that_channel(world):
    await _bobs_weekly(world)
    alice = Transcript(world.engine, ALICE)
    listed = await alice.send(Text("reminders", channel="C0JOBS", manage=True))
    stop = listed[1].items[0].buttons[0].id
    # From a DM, or from another channel, or without the right: not theirs to stop.
    for press in (Press(stop), Press(stop, channel="C0OTHER", manage=True)):
        assert (await alice.send(press))[-1].text == texts.NOT_YOURS
    assert len(await world.store.channel_recurring("slack", "T1", "C0JOBS")) == 1
    stopped = await alice.send(Press(stop, channel="C0JOBS", manage=True))
    assert stopped[-1].text == texts.STOPPED_SERIES.format(text="weekly goals")
    assert await world.store.channel_recurring("slack", "T1", "C0JOBS") == []


async def test_others_may_not_snooze_or_cancel_a_one_off_in_a_channel(world):
    bob = Transcript(world.engine, BOB)
    await bob.say("remind <#C0JOBS|jobs> in 5 minutes mock interview")
    (item,) = (await bob.say("reminders")).items
    alice = Transcript(world.engine, ALICE)
    for button in item.buttons:
        reply = (await alice.send(Press(button.id, channel="C0JOBS", manage=True)))[-1]
        assert reply.text == texts.NOT_YOURS
    assert len(await world.store.upcoming(BOB)) == 1


async def test_a_paced_post_is_put_back_without_counting_an_attempt(world):
    alice = Transcript(world.engine, ALICE)
    await alice.say("remind in 5 minutes stretch")
    world.delivery.results = [Deferred(timedelta(seconds=3)), Deferred(timedelta(seconds=3))]
    due = NOW + timedelta(minutes=5)
    await world.run_until(due)
    await world.run_until(due + timedelta(seconds=3))
    await world.run_until(due + timedelta(seconds=6))
    assert [at for at, _ in world.delivery.posts] == [
        due,
        due + timedelta(seconds=3),
        due + timedelta(seconds=6),
    ]
    query = select(occurrences.c.status, occurrences.c.attempts)
    rows = await world.sql.read(lambda conn: [tuple(row) for row in conn.execute(query).all()])
    # Two deferrals and one post: one attempt, and on time (no "late" note).
    assert rows == [(Status.SENT.value, 1)]
    assert world.delivery.posts[-1][1].message.notice is None


async def test_a_post_kept_waiting_by_the_pace_is_not_marked_late(world):
    alice = Transcript(world.engine, ALICE)
    await alice.say("remind in 5 minutes stretch")
    world.delivery.results = [Deferred(timedelta(seconds=40))]
    due = NOW + timedelta(minutes=5)
    await world.run_until(due)
    await world.run_until(due + timedelta(seconds=40))
    at, posted = world.delivery.posts[-1]
    assert at == due + timedelta(seconds=40)
    # 40 s after its time, but only because the channel was busy: no "sorry, this is late".
    assert posted.message.notice is None
