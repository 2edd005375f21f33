"""The weekly look back offered once, after the user's first recorded outcome, on SQLite and
PostgreSQL: its line and button on the outcome's answer, the button turning it on, never again
after, not while it is on, one offer of two instances asking at once, and `forget me`
forgetting the offer."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from support.harness import Transcript
from support.reminders import ReminderWorld
from support.weekly import (
    MON_19,
    MON_26,
    TAKE_IT,
    button,
    decide,
    decide_with_interview,
    series,
    user_row,
    weekly_posts,
)

from bot.common.events import Press
from bot.common.replies import Reply
from bot.record import weekly_texts
from bot.reminders import texts
from bot.reminders.looking_back import WeeklySeries
from bot.storage.sql import SqlStore

OFFER_ID = "tp:-:rec:weekly-on"


@pytest.fixture
def db_url(fresh_db_url: str) -> str:
    """Each test here on SQLite, then on PostgreSQL."""
    return fresh_db_url


@pytest.fixture
def me(world: ReminderWorld, alice: Transcript) -> Transcript:
    world.clock.now = MON_19 + timedelta(hours=1)
    alice.engine = world.engine
    return alice


async def _followup(me: Transcript, world: ReminderWorld, company: str, when: str,
                    at: datetime) -> Reply:  # fmt: skip
    """A Take it about `company` with an interview `when`, and its follow-up, posted by the
    time `at` (the clock moves half an hour at a time, so nothing is missed)."""
    await decide_with_interview(me, company, when)
    while world.clock.now < at:
        await world.run_until(min(world.clock.now + timedelta(minutes=30), at))
    return next(
        item.message
        for _, item in reversed(world.delivery.posts)
        if item.message.text == f"How did the interview at {company} go?"
    )


def _offers(reply: Reply) -> bool:
    return OFFER_ID in [b.id for b in reply.buttons]


async def test_the_first_outcome_offers_the_look_back_once_and_its_button_turns_it_on(me, world):
    await me.say("timezone Europe/Berlin")
    asked = await _followup(me, world, "Acme", "tue 15:00", MON_19 + timedelta(days=2, hours=13))
    answer = await me.press(button(asked, "Not this time"))
    assert answer.notice == "Noted: Not this time."
    assert answer.sections[-1] == (texts.WEEKLY_OFFER_TITLE, (texts.WEEKLY_OFFER,))
    assert [b.label for b in answer.buttons] == [texts.WEEKLY_OFFER_BUTTON]
    row = await user_row(world.sql, me.key)
    assert row.weekly_offered_at == world.clock.now

    on = await me.press(OFFER_ID)
    assert on.text == weekly_texts.WEEKLY_ON.format(next="Mon 26 Oct, 09:00 CET")
    assert [status for status, _ in await series(world.sql)] == ["pending"]
    await world.run_until(MON_26)
    [(_, post, _)] = weekly_posts(world)
    assert post.sections[0].lines == ("Acme: Not this time (Wed 21 Oct)",)

    # A second outcome (and the first one changed) offer nothing more.
    again = await me.press(button(asked, "Offer"))
    assert not _offers(again)
    other = await _followup(me, world, "Globex", "wed 15:00", MON_26 + timedelta(days=3, hours=7))
    assert not _offers(await me.press(button(other, "Waiting to hear")))


async def test_never_offered_again_after_it_was_turned_off(me, world):
    asked = await _followup(me, world, "Acme", "tue 15:00", MON_19 + timedelta(days=3))
    assert _offers(await me.press(button(asked, "Waiting to hear")))
    await me.say("weekly off")
    assert not _offers(await me.press(button(asked, "Offer")))


async def test_not_offered_when_it_is_already_on(me, world):
    await me.say("weekly on")
    asked = await _followup(me, world, "Acme", "tue 15:00", MON_19 + timedelta(days=3))
    answer = await me.press(button(asked, "Offer"))
    assert answer.notice == "Noted: Offer."
    assert not _offers(answer)


async def test_a_next_round_offers_it_before_asking_when_the_next_one_is(me, world):
    asked = await _followup(me, world, "Acme", "tue 15:00", MON_19 + timedelta(days=3))
    replies = await me.send(Press(button(asked, "Next round")))
    assert [_offers(reply) for reply in replies] == [True, False]
    assert replies[-1].text == texts.ASK_NEXT_ROUND
    set_again = await me.say("fri 15:00")
    assert set_again.text.startswith("Interview reminders set")


async def test_two_instances_asking_after_the_first_outcome_offer_it_once(db_url, me, world):
    await decide(me, "Acme", TAKE_IT)
    [entry] = await me.engine.history(me.key)
    now = world.clock.now
    await world.store.set_outcome(me.key, entry.conversation_id, "offer", now=now)
    other = await SqlStore.open(db_url)
    try:
        answers = await asyncio.gather(
            *(WeeklySeries(store).offer_once(me.key, now=now) for store in (world.sql, other))
        )
    finally:
        await other.close()
    assert sorted(answers) == [False, True]
    assert not await WeeklySeries(world.sql).offer_once(me.key, now=now)


async def test_forget_me_forgets_the_offer_too(me, world):
    asked = await _followup(me, world, "Acme", "tue 15:00", MON_19 + timedelta(days=3))
    assert _offers(await me.press(button(asked, "Offer")))
    await me.say("forget me")
    await me.press("tp:-:forget:yes")
    assert await user_row(world.sql, me.key) is None
    # A new record, a new first outcome: offered again.
    asked = await _followup(me, world, "Initech", "tue 15:00", MON_26 + timedelta(days=3))
    assert _offers(await me.press(button(asked, "Offer")))
