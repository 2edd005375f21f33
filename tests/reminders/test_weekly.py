"""The weekly look back delivered by the reminder scheduler, on SQLite and PostgreSQL, with a
hand-moved clock across the week the clocks go back in Europe/Berlin: posted once at Monday
09:00 local, skipped in an empty week, stopped by `weekly off` and by `forget me`, once with
two schedulers on one database; `weekly on|off`, the listing and the limits."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from support.harness import Transcript
from support.reminders import RecordingDelivery, ReminderWorld
from support.weekly import (
    BERLIN,
    MON_2,
    MON_9,
    MON_19,
    MON_26,
    PASS,
    TAKE_IT,
    button,
    decide,
    decide_with_interview,
    owned_rows,
    series,
    user_row,
    weekly_posts,
)

from bot.common.replies import Kind
from bot.common.users import UserKey
from bot.record import weekly, weekly_texts
from bot.reminders import texts
from bot.storage.sql import SqlStore

SECOND = timedelta(seconds=1)


@pytest.fixture
def db_url(fresh_db_url: str) -> str:
    """Each test here on SQLite, then on PostgreSQL."""
    return fresh_db_url


@pytest.fixture
def me(world: ReminderWorld, alice: Transcript) -> Transcript:
    world.clock.now = MON_19 - timedelta(hours=1)  # Monday 19 Oct, 08:00 CEST
    alice.engine = world.engine
    return alice


async def _berlin_weekly_on(me: Transcript) -> str:
    await me.say("timezone Europe/Berlin")
    return (await me.say("weekly on")).text


async def test_sent_once_at_monday_nine_local_across_the_clock_change(me, world):
    on = await _berlin_weekly_on(me)
    assert on == weekly_texts.WEEKLY_ON.format(next="Mon 19 Oct, 09:00 CEST")
    world.clock.now = MON_19 - timedelta(minutes=30)  # 08:30 CEST: last week's
    await decide(me, "Initech", PASS)
    await world.run_until(MON_19 - SECOND)
    assert weekly_posts(world) == []
    await world.run_until(MON_19)
    [(at, first, where)] = weekly_posts(world)
    assert at == MON_19 and where is None
    assert first.sections[0].lines == ("Initech: Pass (Mon 19 Oct)",)
    assert first.sections[-1].lines == (weekly.ADVICE_ONLY_PASSES,)

    world.clock.now = MON_19 + timedelta(minutes=30)  # 09:30 CEST: this week's
    await decide_with_interview(me, "Acme — Data Analyst", "thu 15:00")
    await decide_with_interview(me, "Globex", "oct 28 15:00")
    followup = MON_19 + timedelta(days=4, hours=6)  # Fri 23 Oct, 15:00 CEST
    await world.run_until(followup)
    asked = world.delivery.posts[-1][1].message
    assert asked.text == "How did the interview at Acme — Data Analyst go?"
    await me.press(button(asked, "Offer"))

    await world.run_until(MON_26 - timedelta(hours=1))  # 08:00 CET (09:00 on the old clock)
    assert len(weekly_posts(world)) == 1
    await world.run_until(MON_26 - SECOND)
    assert len(weekly_posts(world)) == 1
    await world.run_until(MON_26)
    await world.run_until(MON_26 + timedelta(hours=1))  # 10:00 CET
    [_, (at, post, where)] = weekly_posts(world)
    assert at == MON_26 and where is None
    assert post.kind is Kind.REMINDER
    assert post.text == "Your week looking back, Mon 19 Oct to Mon 26 Oct."
    titled = {section.title: section.lines for section in post.sections}
    assert titled == {
        weekly.OUTCOMES_TITLE: ("Acme — Data Analyst: Offer (Fri 23 Oct)",),
        weekly.DECISIONS_TITLE: (
            "Acme — Data Analyst: Take it (Mon 19 Oct)",
            "Globex: Take it (Mon 19 Oct)",
        ),
        weekly.COMING_TITLE: ("Wed 28 Oct, 15:00 CET: Globex",),
        weekly.ADVICE_TITLE: (weekly.ADVICE_OFFER,),
    }
    assert [(status, due.astimezone(BERLIN).hour) for status, due in await series(world.sql)] == [
        ("sent", 9),
        ("sent", 9),
        ("pending", 9),
    ]
    status = await me.say("weekly")
    assert status.text == weekly_texts.WEEKLY_IS_ON.format(next="Mon 2 Nov, 09:00 CET")


async def test_an_empty_week_posts_nothing_and_the_series_goes_on(me, world):
    world.clock.now = MON_26 + timedelta(hours=2)
    await _berlin_weekly_on(me)
    await world.run_until(MON_2 + timedelta(hours=1))
    assert weekly_posts(world) == []
    assert await series(world.sql) == [("skipped", MON_2), ("pending", MON_9)]
    world.clock.now = MON_2 + timedelta(days=1)
    await decide(me, "Acme", TAKE_IT)
    await world.run_until(MON_9)
    [(at, post, _)] = weekly_posts(world)
    assert at == MON_9
    assert post.sections[0].lines == ("Acme: Take it (Tue 3 Nov)",)


async def test_interviews_ahead_alone_make_no_post(me, world):
    world.clock.now = MON_26 - timedelta(days=8)  # Sun 18 Oct: last week
    await _berlin_weekly_on(me)
    await decide_with_interview(me, "Acme", "nov 6 15:00")
    await world.run_until(MON_19)
    await world.run_until(MON_26)
    assert len(weekly_posts(world)) == 1  # 19 Oct: the decision
    assert [status for status, _ in await series(world.sql)] == ["sent", "skipped", "pending"]


async def test_weekly_off_stops_it_and_nothing_comes(me, world):
    world.clock.now = MON_19 + timedelta(hours=1)
    await _berlin_weekly_on(me)
    await decide(me, "Acme", TAKE_IT)
    off = await me.say("weekly off")
    assert off.text == weekly_texts.WEEKLY_OFF
    assert (await me.say("weekly off")).text == weekly_texts.WEEKLY_ALREADY_OFF
    assert (await me.say("weekly")).text == weekly_texts.WEEKLY_IS_OFF
    await world.run_until(MON_2)
    assert weekly_posts(world) == []
    assert await series(world.sql) == [("cancelled", MON_26)]


async def test_weekly_on_twice_keeps_one_and_says_when(me, world):
    world.clock.now = MON_19 + timedelta(hours=1)
    await _berlin_weekly_on(me)
    again = await me.say("weekly on")
    assert again.text == weekly_texts.WEEKLY_ALREADY_ON.format(next="Mon 26 Oct, 09:00 CET")
    assert len(await series(world.sql)) == 1
    await me.say("weekly off")
    back = await me.say("weekly on")
    assert back.text == weekly_texts.WEEKLY_ON.format(next="Mon 26 Oct, 09:00 CET")
    await decide(me, "Acme", TAKE_IT)
    await world.run_until(MON_26)
    assert len(weekly_posts(world)) == 1


async def test_forget_me_deletes_the_weekly_look_back_and_nothing_comes(me, world):
    world.clock.now = MON_19 + timedelta(hours=1)
    await _berlin_weekly_on(me)
    await decide(me, "Acme", TAKE_IT)
    await me.say("forget me")
    await me.press("tp:-:forget:yes")
    assert await owned_rows(world.sql, me.key) == 0
    assert await user_row(world.sql, me.key) is None
    await world.run_until(MON_26)
    await world.run_until(MON_2)
    assert world.delivery.posts == []


async def test_the_stop_button_on_the_post_stops_the_series(me, world):
    world.clock.now = MON_19 + timedelta(hours=1)
    await _berlin_weekly_on(me)
    await decide(me, "Acme", TAKE_IT)
    await world.run_until(MON_26)
    [(_, post, _)] = weekly_posts(world)
    stopped = await me.press(button(post, weekly.STOP_LABEL))
    assert stopped.text == texts.STOPPED_SERIES.format(text="Weekly look back")
    assert (await me.say("weekly")).text == weekly_texts.WEEKLY_IS_OFF


async def test_it_keeps_nine_oclock_when_the_user_changes_zone(me, world):
    world.clock.now = MON_19 + timedelta(hours=1)
    await _berlin_weekly_on(me)
    await me.say("timezone America/New_York")
    world.clock.now = MON_19 + timedelta(hours=6)  # 09:00 EDT: the New York week has begun
    await decide(me, "Acme", TAKE_IT)
    status = await me.say("weekly")
    assert status.text == weekly_texts.WEEKLY_IS_ON.format(next="Mon 26 Oct, 09:00 EDT")
    new_york_nine = MON_26 + timedelta(hours=5)  # 13:00 UTC
    await world.run_until(new_york_nine - SECOND)
    assert weekly_posts(world) == []
    await world.run_until(new_york_nine)
    assert len(weekly_posts(world)) == 1


async def test_listed_with_stop_only_and_not_counted_against_the_limit(me, world):
    world.clock.now = MON_19 + timedelta(hours=1)
    await _berlin_weekly_on(me)
    listed = await me.say("reminders")
    [item] = listed.items
    assert item.text.startswith("Mon 26 Oct, 09:00 CET: Weekly look back (every Monday at 09:00")
    assert [b.label for b in item.buttons] == [texts.STOP]
    assert (await me.say("snooze 1 1 hour")).text == texts.WEEKLY_FIXED
    assert (await me.say("edit 1 10am")).text == texts.WEEKLY_FIXED
    for n in range(25):
        reply = await me.say(f"remind in {n + 1} hours call Sam back")
        assert reply.kind is not Kind.ERROR, reply.text
    refused = await me.say("remind in 30 hours call Sam back")
    assert refused.text == texts.TOO_MANY.format(limit=25)


async def test_a_look_back_missed_past_grace_is_not_listed_as_missed(me, world):
    world.clock.now = MON_19 + timedelta(hours=1)
    await _berlin_weekly_on(me)
    await decide(me, "Acme", TAKE_IT)
    await world.run_until(MON_26 + timedelta(hours=3))  # down for longer than the grace
    assert weekly_posts(world) == []
    assert await series(world.sql) == [("missed", MON_26), ("pending", MON_2)]
    listed = await me.say("reminders")
    assert listed.sections == ()
    assert [item.text.split(": ", 1)[0] for item in listed.items] == ["Mon 2 Nov, 09:00 CET"]


async def test_two_schedulers_on_one_database_post_each_look_back_once(db_url, clock):
    stores = [await SqlStore.open(db_url) for _ in range(2)]
    try:
        clock.now = MON_19 + timedelta(hours=1)
        world = ReminderWorld(stores[0], clock)
        people = [UserKey("slack", "T1", f"U{n}") for n in range(6)]
        for key in people:
            me = Transcript(world.engine, key)
            await _berlin_weekly_on(me)
            await decide(me, "Acme", TAKE_IT)
        delivered: list[tuple[int, str]] = []

        class Slow(RecordingDelivery):
            def __init__(self, who: int) -> None:
                super().__init__(clock)
                self.who = who

            async def deliver(self, item):  # type: ignore[no-untyped-def]
                delivered.append((self.who, item.key))
                await asyncio.sleep(0.005)
                return await super().deliver(item)

        schedulers = [
            ReminderWorld(store, clock).make_scheduler(Slow(who), batch=1)
            for who, store in enumerate(stores)
        ]
        clock.now = MON_26

        async def drain(scheduler) -> None:  # type: ignore[no-untyped-def]
            idle = 0
            while idle < 3:
                idle = 0 if await scheduler.tick() else idle + 1
                await asyncio.sleep(0)

        await asyncio.gather(*(drain(s) for s in schedulers))
        keys = [key for _, key in delivered]
        assert len(keys) == len(people) == len(set(keys))
        found = await series(stores[0])
        assert sorted(status for status, _ in found) == ["pending"] * 6 + ["sent"] * 6
    finally:
        for store in stores:
            await store.close()
