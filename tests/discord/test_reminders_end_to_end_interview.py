"""Reminders end to end on Discord from an interview questionnaire's verdict: the interview time
typed after the verdict or entered in the form, the reminders before it posted by the real
scheduler (on a hand-moved clock) through `DiscordDelivery`, and the outcome answered by button
and recorded. Every input is a Discord payload (MESSAGE_CREATE in the DM, button presses and
modal submits) into the real `TakeOrPassClient`, against FakeDiscord.

"On time" means: nothing is posted with the clock one second before the due time, and the post
is made on the scheduler's tick at the due time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from fakes.discord import CHANNEL_ID, JSON
from fakes.discord import guilds as rules
from support.discord_harness import ALICE_KEY as KEY
from support.discord_harness import EPHEMERAL, buttons, labels, with_reminders
from support.discord_reminders import Bot, _closed
from support.harness import T0, Clock
from support.reminders import ReminderWorld

from adapters.discord.forms import FORM_BUTTON, FORM_TITLE
from adapters.discord.rendering import escape
from bot.questionnaire import texts as questionnaire_texts
from bot.questionnaire.verdict import decide
from bot.reminders import texts
from bot.reminders.model import Places
from bot.storage.sql import SqlStore

COMPANY = "Acme — Data Analyst"
OUTCOME_LABELS = ["Offer", "Next round", "Waiting to hear", "Not this time", "Didn't go"]


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


# --- 6. the interview -------------------------------------------------------------------------

TAKE_IT_TYPED = ("3", "2", "2", "1", "1", "1", "3")  # maybe, paper, while, yes, recruiter, late…
LEAN_TAKE = ("doubtful", "well", "recent", "no", "team", "no", "some")


async def _take_it_by_typing(bot: Bot) -> JSON:
    """A whole questionnaire typed in the DM; the verdict message."""
    [first] = await bot.harness.dm(f"start {COMPANY}")
    assert "Question 1 of 7" in first["content"]
    for typed in TAKE_IT_TYPED[:-1]:
        await bot.harness.dm(typed)
    [verdict] = await bot.harness.dm(TAKE_IT_TYPED[-1])
    assert verdict["content"].startswith("TAKE IT")
    return verdict


async def _lean_take_by_buttons(bot: Bot) -> JSON:
    """A whole questionnaire answered by button in the DM; the verdict message."""
    [message] = await bot.harness.dm(f"start {COMPANY}")
    for value in LEAN_TAKE:
        _, [message] = await bot.harness.press(message, value)
    assert message["content"].startswith("LEAN TAKE")
    return message


def _prep_tips(answers: dict[str, str]) -> str:
    tips = decide(answers, company="Acme", role="Data Analyst").tips
    assert tips
    return "**To prepare**\n" + "\n".join(f"• {escape(tip)}" for tip in tips)


async def _interview_reminders_come(bot: Bot, event: datetime, answers: dict[str, str]) -> JSON:
    """The two reminders before the interview, with prep tips, and the follow-up after it,
    each on time in the DM; the follow-up."""
    tips = _prep_tips(answers)
    _, two = await bot.on_time(event - timedelta(minutes=2))
    assert two["content"] == (
        f"Your interview at {COMPANY} is in 2 minutes: Thu 26 Nov, 04:05 EST.\n\n{tips}"
    )
    assert buttons(two) == []
    _, one = await bot.on_time(event - timedelta(minutes=1))
    assert one["content"] == (
        f"Your interview at {COMPANY} is in 1 minute: Thu 26 Nov, 04:05 EST.\n\n{tips}"
    )
    _, followup = await bot.on_time(event + timedelta(minutes=3))
    assert followup["content"] == f"How did the interview at {COMPANY} go?"
    assert labels(followup) == OUTCOME_LABELS
    assert bot.reminder_posts(CHANNEL_ID) == []  # they name a company: DM only
    return followup


async def test_interview_time_typed_after_a_take_it_verdict_reminds_and_records_the_offer(
    bot: Bot,
) -> None:
    verdict = await _take_it_by_typing(bot)
    assert "Set interview reminders" in labels(verdict)
    _, [prompt] = await bot.harness.press(verdict, "set")
    assert questionnaire_texts.ASK_INTERVIEW in prompt["content"]
    assert labels(prompt) == [FORM_BUTTON]

    [confirmation] = await bot.harness.dm("in 5 minutes")
    event = T0 + timedelta(minutes=5)
    set_for = f"Interview reminders set for {COMPANY}, Thu 26 Nov, 04:05 EST."
    assert set_for in confirmation["content"]
    assert confirmation["content"].endswith(
        "**When you'll hear from me**\n"
        "• Thu 26 Nov, 04:03 EST: a reminder, 2 minutes before\n"
        "• Thu 26 Nov, 04:04 EST: a reminder, 1 minute before\n"
        "• Thu 26 Nov, 04:08 EST: I'll ask how it went"
    )
    [entry] = await bot.world.sql.history(KEY)
    assert (entry.verdict, entry.outcome) == ("TAKE IT", None)
    followup = await _interview_reminders_come(bot, event, dict(entry.answers))

    callback, [answer] = await bot.harness.press(followup, "offer")
    _closed(callback, followup["content"], "Offer")
    # They were waiting on a company they prefer: the offer is leverage.
    assert answer["content"].startswith(f"*Noted: Offer.*\n\n{escape(texts.OFFER_LEVERAGE)}")
    [entry] = await bot.world.sql.history(KEY)
    assert entry.outcome == "offer"
    [listing] = await bot.harness.dm("history")
    assert f"• 1. 26 Nov 2026: Take it ({COMPANY}). Outcome: Offer" in listing["content"]


async def test_interview_time_entered_in_the_form_after_a_lean_take_reminds_and_records(
    bot: Bot,
) -> None:
    verdict = await _lean_take_by_buttons(bot)
    _, [prompt] = await bot.harness.press(verdict, "set")
    press = bot.harness.press_payload(prompt, "form")
    opened = await bot.run(press)
    assert opened.json["type"] == 9
    modal = opened.json["data"]
    assert modal["title"] == FORM_TITLE
    field = modal["components"][0]["component"]["custom_id"]

    current = bot.fake.messages[prompt["id"]]
    submitted = await bot.run(
        rules.modal_submit(modal, {field: "today 4:05am"}, source=press, message=current)
    )
    assert submitted.json["type"] == 7  # the prompt shows the time, its button closed
    assert submitted.json["data"]["content"].endswith("→ **today 4:05am**")
    assert [(b["label"], b["disabled"]) for b in buttons(submitted.json["data"])] == [
        (FORM_BUTTON, True)
    ]
    confirmation = await bot.fake.wait_for("POST", r"/webhooks/\d+/[^/]+")
    set_for = f"Interview reminders set for {COMPANY}, Thu 26 Nov, 04:05 EST."
    assert set_for in confirmation.json["content"]
    assert not confirmation.json.get("flags", 0) & EPHEMERAL

    event = T0 + timedelta(minutes=5)
    [entry] = await bot.world.sql.history(KEY)
    assert (entry.verdict, entry.outcome) == ("LEAN TAKE", None)
    followup = await _interview_reminders_come(bot, event, dict(entry.answers))

    callback, [answer] = await bot.harness.press(followup, "rejected")
    _closed(callback, followup["content"], "Not this time")
    assert answer["content"].startswith(f"*Noted: Not this time.*\n\n{texts.NOT_THIS_TIME}")
    [entry] = await bot.world.sql.history(KEY)
    assert entry.outcome == "rejected"
    [listing] = await bot.harness.dm("history")
    shown = f"• 1. 26 Nov 2026: Lean take ({COMPANY}). Outcome: Not this time"
    assert shown in listing["content"]
