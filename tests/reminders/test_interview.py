"""The interview path as transcripts: verdict → set reminders → a reminder at each offset → the
follow-up → each outcome → `history` and `stats` show it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from support.harness import Transcript
from support.reminders import ReminderWorld

from bot.common.replies import Kind, Reply
from bot.common.users import UserKey
from bot.questionnaire import texts as questionnaire_texts
from bot.reminders import texts

NY = ZoneInfo("America/New_York")
# Thursday 26 Nov 2026, 09:00 in New York.
NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
INTERVIEW = datetime(2026, 12, 1, 15, 0, tzinfo=NY)  # "tue 15:00"
# certainty maybe, paper, a while, dream yes, recruiter, late rounds elsewhere, slip away.
TAKE_IT = (3, 2, 2, 1, 1, 1, 1)


@pytest.fixture
def me(world: ReminderWorld, alice: Transcript) -> Transcript:
    world.clock.now = NOW
    alice.engine = world.engine
    return alice


def _button(reply: Reply, label: str) -> str:
    return next(
        b.id
        for b in (*reply.buttons, *(x for i in reply.items for x in i.buttons))
        if b.label == label
    )


async def _verdict_with_reminders(me: Transcript, world: ReminderWorld) -> Reply:
    await me.start("Acme — Data Analyst")
    verdict = await me.answer_all(*TAKE_IT)
    assert verdict.text.startswith("TAKE IT")
    ask = await me.press(_button(verdict, "Set interview reminders"))
    assert ask.text.startswith("When is the interview?")
    return await me.say("tue 15:00")


async def _run_to(world: ReminderWorld, moment: datetime) -> list[Reply]:
    """Deliver what is due at `moment`, checking that nothing of it came a second earlier."""
    before = len(world.delivery.posts)
    await world.run_until(moment - timedelta(seconds=1))
    assert len(world.delivery.posts) == before, "a reminder came early"
    await world.run_until(moment)
    return [item.message for _, item in world.delivery.posts[before:]]


@pytest.mark.parametrize(
    "outcome", ["Offer", "Next round", "Waiting to hear", "Not this time", "Didn't go"]
)
async def test_interview_path_from_verdict_to_each_outcome(me, world, outcome):
    confirmation = await _verdict_with_reminders(me, world)
    assert confirmation.text.startswith(
        "Interview reminders set for Acme — Data Analyst, Tue 1 Dec, 15:00 EST."
    )
    assert confirmation.sections[0].lines == (
        "Mon 30 Nov, 15:00 EST: a reminder, 1 day before",
        "Tue 1 Dec, 14:00 EST: a reminder, 1 hour before",
        "Wed 2 Dec, 15:00 EST: I'll ask how it went",
    )
    assert [b.label for b in confirmation.buttons] == ["Undo"]

    [day_before] = await _run_to(world, INTERVIEW - timedelta(hours=24))
    assert day_before.kind is Kind.REMINDER
    assert day_before.text == (
        "Your interview at Acme — Data Analyst is in 1 day: Tue 1 Dec, 15:00 EST."
    )
    tips = day_before.sections[0]
    assert tips.title == texts.BEFORE_TIPS
    assert any("Rehearse two stories" in tip for tip in tips.lines)
    [hour_before] = await _run_to(world, INTERVIEW - timedelta(hours=1))
    assert "is in 1 hour" in hour_before.text
    [followup] = await _run_to(world, INTERVIEW + timedelta(days=1))
    assert followup.text == "How did the interview at Acme — Data Analyst go?"
    assert [b.label for b in followup.buttons] == [
        "Offer",
        "Next round",
        "Waiting to hear",
        "Not this time",
        "Didn't go",
    ]
    assert all(item.destination.channel is None for _, item in world.delivery.posts)

    answer = await me.press(_button(followup, outcome))
    assert answer.notice == f"Noted: {outcome}."
    history = await me.say("history")
    assert history.sections[0].lines == (
        f"1. 26 Nov 2026: Take it (Acme — Data Analyst). Outcome: {outcome}",
    )
    stats = await me.say("stats")
    assert stats.text.startswith("1 interview you weren't sure about")
    assert stats.sections[0].lines == (f"Take it: 1, 1 {outcome.lower()}",)
    [entry] = await me.engine.history(me.key)
    assert entry.outcome is not None


async def test_an_offer_while_waiting_on_a_preferred_company_gives_the_leverage_note(me, world):
    await _verdict_with_reminders(me, world)
    [*_, followup] = [m for m in await _run_to(world, INTERVIEW + timedelta(days=1))]
    answer = await me.press(_button(followup, "Offer"))
    assert answer.note is not None and answer.note.title == texts.LEVERAGE_TITLE
    assert "timeline" in answer.note.lines[0]


async def test_an_offer_with_nobody_else_waiting_has_no_leverage_note(me, world):
    await me.start("Acme")
    verdict = await me.answer_all(3, 2, 2, 1, 1, 3, 3)  # pending: no
    await me.press(_button(verdict, "Set interview reminders"))
    await me.say("tue 15:00")
    await world.run_until(INTERVIEW + timedelta(days=1))
    followup = world.delivery.posts[-1][1].message
    answer = await me.press(_button(followup, "Offer"))
    assert answer.note is None and answer.text == texts.OFFER


async def test_next_round_asks_when_and_sets_reminders_for_it(me, world):
    await _verdict_with_reminders(me, world)
    await world.run_until(INTERVIEW + timedelta(days=1))
    followup = world.delivery.posts[-1][1].message
    asked = await me.press(_button(followup, "Next round"))
    assert asked.text == texts.ASK_NEXT_ROUND
    confirmation = await me.say("dec 9 10:00")
    assert confirmation.text.startswith(
        "Interview reminders set for Acme — Data Analyst, Wed 9 Dec, 10:00 EST."
    )
    await world.run_until(datetime(2026, 12, 10, 10, 0, tzinfo=NY))
    assert world.delivery.posts[-1][1].message.text.startswith("How did the interview")


@pytest.mark.parametrize(
    ("outcome", "opening"), [("Not this time", texts.NOT_THIS_TIME), ("Didn't go", texts.DIDNT_GO)]
)
async def test_a_no_says_what_the_interview_was_still_worth(me, world, outcome, opening):
    await _verdict_with_reminders(me, world)
    await world.run_until(INTERVIEW + timedelta(days=1))
    answer = await me.press(_button(world.delivery.posts[-1][1].message, outcome))
    assert answer.text == opening
    worth = answer.sections[0]
    assert worth.title == texts.STILL_WORTH_TITLE
    assert texts.WORTH_PRACTICE in worth.lines and texts.WORTH_PEOPLE in worth.lines


async def test_a_time_that_cannot_be_read_keeps_asking_and_stores_nothing(me, world):
    await me.start("Acme")
    verdict = await me.answer_all(*TAKE_IT)
    await me.press(_button(verdict, "Set interview reminders"))
    for typed, words in (
        ("someday", "couldn't"),
        ("yesterday 3pm", "passed"),
        ("every monday 9am", "happens once"),
    ):
        refused = await me.say(typed)
        assert refused.kind is Kind.ERROR
        assert words in refused.text
        assert "tomorrow 9am" in refused.text  # examples of what works
        assert await world.store.upcoming(me.key) == []
    confirmed = await me.say("tomorrow 3pm")
    assert confirmed.text.startswith("Interview reminders set for Acme, Fri 27 Nov, 15:00 EST.")


async def test_cancel_when_asked_for_the_time_sets_nothing(me, world):
    await me.start("Acme")
    verdict = await me.answer_all(*TAKE_IT)
    await me.press(_button(verdict, "Set interview reminders"))
    assert (await me.say("cancel")).text == questionnaire_texts.INTERVIEW_CANCELLED
    assert await world.store.upcoming(me.key) == []
    # The next message is no longer read as a time: out of the blue, it starts a questionnaire.
    assert (await me.say("tomorrow 3pm")).kind is Kind.QUESTION
    assert await world.store.upcoming(me.key) == []


async def test_an_interview_soon_gets_only_the_reminders_still_ahead(me, world):
    await me.start("Acme")
    verdict = await me.answer_all(*TAKE_IT)
    await me.press(_button(verdict, "Set interview reminders"))
    confirmed = await me.say("in 5 hours")
    assert [line.split(": ", 1)[1] for line in confirmed.sections[0].lines] == [
        "a reminder, 1 hour before",
        "I'll ask how it went",
    ]


async def test_setting_an_interview_again_replaces_its_reminders(me, world):
    await me.start("Acme")
    verdict = await me.answer_all(*TAKE_IT)
    await me.press(_button(verdict, "Set interview reminders"))
    await me.say("tue 15:00")
    await me.press(_button(verdict, "Set interview reminders"))
    await me.say("wed 15:00")
    upcoming = await world.store.upcoming(me.key)
    assert [u.event_at for u in upcoming] == [datetime(2026, 12, 2, 15, 0, tzinfo=NY)] * 3


async def test_undo_removes_every_reminder_of_the_interview(me, world):
    confirmation = await _verdict_with_reminders(me, world)
    undone = await me.press(_button(confirmation, "Undo"))
    assert undone.text == texts.UNDONE
    await world.run_until(INTERVIEW + timedelta(days=2))
    assert world.delivery.posts == []


async def test_a_pass_verdict_offers_no_interview_reminders(me):
    await me.start("Acme")
    verdict = await me.answer_all(1)
    assert verdict.text.startswith("PASS")
    assert "Set interview reminders" not in [b.label for b in verdict.buttons]


async def test_without_reminder_delivery_the_verdict_does_not_offer_them(alice):
    await alice.start("Acme")
    verdict = await alice.answer_all(*TAKE_IT)
    assert "Set interview reminders" not in [b.label for b in verdict.buttons]


async def test_someone_else_cannot_answer_my_follow_up(me, world):
    await _verdict_with_reminders(me, world)
    await world.run_until(INTERVIEW + timedelta(days=1))
    followup = world.delivery.posts[-1][1].message
    bob = Transcript(world.engine, UserKey(me.key.platform, me.key.workspace, "U_BOB"))
    refused = await bob.press(_button(followup, "Offer"))
    assert refused.text == texts.NOT_YOURS
    [entry] = await me.engine.history(me.key)
    assert entry.outcome is None


async def test_info_logs_name_no_company_reminder_text_or_user(me, world, caplog):
    caplog.set_level("INFO")
    await _verdict_with_reminders(me, world)
    await me.say("remind in 5 minutes call the Acme recruiter")
    await world.run_until(NOW + timedelta(minutes=5))
    await world.run_until(INTERVIEW + timedelta(days=1))
    await me.press(_button(world.delivery.posts[-1][1].message, "Offer"))
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "reminder sent on slack" in logged  # the scheduler did log, just nothing private
    for private in ("Acme", "recruiter", "Data Analyst", me.key.user):
        assert private not in logged
