"""A reminder read two ways: asked back with both readings as buttons, remembered as the user's
open question, set once on a press; stale presses and late presses set nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from support.harness import Transcript
from support.reminders import ReminderWorld

from bot.common.buttons import parse_button
from bot.common.replies import Kind, Reply
from bot.common.users import UserKey
from bot.questionnaire.state import PendingKind
from bot.reminders import texts

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # Thu 26 Nov, 09:00 in New York
SLACK = UserKey("slack", "T1", "U_ALICE")


@pytest.fixture
def me(world: ReminderWorld) -> Transcript:
    world.clock.now = NOW
    return Transcript(world.engine, SLACK)


def _ids(reply: Reply) -> list[str]:
    return [button.id for button in reply.buttons]


async def test_both_readings_are_buttons_and_nothing_is_set_until_one_is_pressed(
    me: Transcript, world: ReminderWorld
) -> None:
    asked = await me.say("remind me to prep for the 10am interview on monday")
    assert asked.kind is Kind.INFO
    assert asked.text == texts.REMIND_ASK.format(fragment="10am")
    assert [b.label for b in asked.buttons] == [
        "Mon 30 Nov, 09:00 EST: prep for the 10am interview",
        "Mon 30 Nov, 10:00 EST: prep for the interview",
    ]
    assert {parse_button(i).step for i in _ids(asked)} == {"ask"}  # type: ignore[union-attr]
    assert await world.store.upcoming(SLACK) == []
    session, _ = await world.sql.load(SLACK)
    assert session is not None and session.pending is not None
    assert session.pending.kind is PendingKind.REMIND
    confirmed = await me.press(_ids(asked)[1])
    assert confirmed.text == "Reminder set for Mon 30 Nov, 10:00 EST: prep for the interview"
    [item] = await world.store.upcoming(SLACK)
    assert item.due_at == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    session, _ = await world.sql.load(SLACK)
    assert session is not None and session.pending is None


async def test_a_second_press_or_a_press_on_an_older_question_sets_nothing(
    me: Transcript, world: ReminderWorld
) -> None:
    older = await me.say("remind tomorrow call Bob at 5pm")
    newer = await me.say("remind tomorrow email Ann at 4pm")
    stale = await me.press(_ids(older)[0])
    assert (stale.kind, stale.text, stale.refused) == (Kind.ERROR, texts.REMIND_ASK_GONE, True)
    await me.press(_ids(newer)[0])
    again = await me.press(_ids(newer)[1])
    assert again.text == texts.REMIND_ASK_GONE
    assert [i.text for i in await world.store.upcoming(SLACK)] == ["email Ann at 4pm"]


async def test_a_reading_whose_time_passed_before_the_press_is_not_set(
    me: Transcript, world: ReminderWorld
) -> None:
    asked = await me.say("remind in 5 minutes check the 3pm slot")
    world.clock.now = NOW + timedelta(minutes=6)
    late = await me.press(_ids(asked)[0])
    assert (late.kind, late.text) == (Kind.ERROR, texts.REMIND_ASK_PASSED)
    assert await world.store.upcoming(SLACK) == []


async def test_a_recurring_reading_is_set_as_a_rule(me: Transcript, world: ReminderWorld) -> None:
    asked = await me.say("remind every monday plan the week at 10am")
    assert asked.buttons[1].label.startswith("every Monday at 10:00, from Mon 30 Nov, 10:00 EST")
    confirmed = await me.press(_ids(asked)[1])
    assert confirmed.text.startswith("Recurring reminder set, every Monday at 10:00")
    await world.run_until(datetime(2026, 11, 30, 15, 0, tzinfo=UTC))
    await world.run_until(datetime(2026, 12, 7, 15, 0, tzinfo=UTC))
    weekly = "Reminder: plan the week\nThis repeats every Monday at 10:00."
    assert world.delivery.texts == [weekly, weekly]
