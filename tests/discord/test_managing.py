"""Managing reminders on Discord: a listed reminder's Edit opens a modal (interaction response
type 9) with its time and text, and the modal submit (interaction type 5) changes the time or the
text; Done on a delivered post; each snooze choice closes the post and brings it back at its
time. The real discord.py client against FakeDiscord, the scheduler on the harness's hand-moved
clock (T0 is Thu 26 Nov, 04:00 in New York, the default zone)."""

from __future__ import annotations

import copy
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from fakes.discord import DM_CHANNEL_ID, RecordedRequest
from fakes.discord import guilds as rules
from support.discord_harness import ALICE_KEY, CALLBACK, Harness, buttons, labels, with_reminders
from support.harness import T0, Clock
from support.reminders import ReminderWorld

from bot.reminders import texts
from bot.reminders.model import Places
from bot.storage.sql import SqlStore

JSON = dict[str, object]
SECOND = timedelta(seconds=1)
POSTS = re.compile(rf"/channels/{DM_CHANNEL_ID}/messages")
SNOOZES = [
    "Snooze 20 minutes",
    "Snooze 1 hour",
    "Snooze 3 hours",
    "Snooze until tomorrow morning",
    "Snooze until next week",
]


class Bot:
    def __init__(self, harness: Harness, world: ReminderWorld) -> None:
        self.harness = harness
        self.fake = harness.fake
        self.world = world

    async def run(self, payload: dict) -> RecordedRequest:  # type: ignore[type-arg]
        answered = len(self.harness.callbacks())
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        return await self.fake.wait_for("POST", CALLBACK, count=answered + 1)

    async def posted_at(self, moment: datetime) -> list[dict]:  # type: ignore[type-arg]
        """Move the clock to `moment`, let the scheduler deliver; the reminder posts made."""
        start = len(self.fake.requests)
        await self.world.run_until(moment)
        nonces = [
            r.json["nonce"]
            for r in self.fake.requests[start:]
            if r.method == "POST" and POSTS.fullmatch(r.path)
        ]
        return [copy.deepcopy(m) for m in self.harness.visible() if m.get("nonce") in set(nonces)]

    async def on_time(self, due: datetime) -> dict:  # type: ignore[type-arg]
        assert await self.posted_at(due - SECOND) == [], f"something posted before {due}"
        [post] = await self.posted_at(due)
        return post


@pytest.fixture
async def bot(store: SqlStore, clock: Clock) -> AsyncIterator[Bot]:
    clock.now = T0
    places: dict[str, Places] = {}
    world = ReminderWorld(store, clock, places=places)
    async with with_reminders(world, places) as harness:
        yield Bot(harness, world)


def _fields(modal: dict) -> dict[str, tuple[str, str]]:  # type: ignore[type-arg]
    """Each text input of a modal by its label: (custom id, prefilled value)."""
    return {
        c["label"]: (c["component"]["custom_id"], c["component"].get("value", ""))
        for c in modal["components"]
    }


async def _open_edit(bot: Bot) -> tuple[dict, dict]:  # type: ignore[type-arg]
    [listing] = await bot.harness.dm("reminders")
    assert labels(listing)[:3] == ["1 · Edit", "1 · Cancel", "1 · Snooze"]
    press = bot.harness.press_payload(listing, "edit")
    opened = await bot.run(press)
    assert opened.json["type"] == 9  # a modal
    return press, opened.json["data"]


async def test_edit_opens_a_modal_with_time_and_text_and_its_submit_changes_them(
    bot: Bot,
) -> None:
    await bot.harness.dm("remind tomorrow 9am call Sam")
    press, modal = await _open_edit(bot)
    assert modal["title"] == texts.EDIT_FORM_TITLE
    fields = _fields(modal)
    when_id, when = fields[texts.EDIT_FORM_WHEN]
    text_id, text = fields[texts.EDIT_FORM_TEXT]
    assert (when, text) == ("nov 27 09:00", "call Sam")
    # A new time, the text left as it was.
    submit = rules.modal_submit(modal, {when_id: "fri 3pm", text_id: text}, source=press)
    assert submit["type"] == 5
    answered = await bot.run(submit)
    assert answered.json["type"] == 4
    assert answered.json["data"]["content"] == "Moved to Fri 27 Nov, 15:00 EST: call Sam"
    # A new text, the time as now prefilled.
    press, modal = await _open_edit(bot)
    fields = _fields(modal)
    when_id, when = fields[texts.EDIT_FORM_WHEN]
    text_id, _ = fields[texts.EDIT_FORM_TEXT]
    assert when == "nov 27 15:00"
    submit = rules.modal_submit(modal, {when_id: when, text_id: "call Sam and Ann"}, source=press)
    answered = await bot.run(submit)
    assert answered.json["data"]["content"] == (
        "Changed to: call Sam and Ann (Fri 27 Nov, 15:00 EST)"
    )
    post = await bot.on_time(datetime(2026, 11, 27, 20, 0, tzinfo=UTC))
    assert post["content"] == "Reminder: call Sam and Ann"


async def test_a_time_the_edit_modal_cannot_read_changes_nothing(bot: Bot) -> None:
    await bot.harness.dm("remind tomorrow 9am call Sam")
    press, modal = await _open_edit(bot)
    fields = _fields(modal)
    values = {fields[texts.EDIT_FORM_WHEN][0]: "fri 25:00", fields[texts.EDIT_FORM_TEXT][0]: "x"}
    answered = await bot.run(rules.modal_submit(modal, values, source=press))
    assert answered.json["type"] == 4
    assert "\n" not in answered.json["data"]["content"].strip()
    [item] = await bot.world.store.upcoming(ALICE_KEY, limit=5)
    assert (item.text, item.due_at) == ("call Sam", datetime(2026, 11, 27, 14, 0, tzinfo=UTC))


async def test_done_closes_the_post_and_lists_it_as_done(bot: Bot) -> None:
    await bot.harness.dm("remind in 10 minutes stretch")
    post = await bot.on_time(T0 + timedelta(minutes=10))
    assert labels(post) == ["Done", *SNOOZES]
    assert [len(row["components"]) for row in post["components"]] == [5, 1]
    callback, [note] = await bot.harness.press(post, "done")
    assert callback.json["type"] == 7
    assert all(b["disabled"] for b in buttons(callback.json["data"]))  # both rows closed
    assert callback.json["data"]["content"].endswith("→ **Done**")
    assert note["content"] == "Done: stretch. I won't remind you of it again."
    [listing] = await bot.harness.dm("reminders")
    assert "✓ stretch (Thu 26 Nov, 04:10 EST)" in listing["content"]


@pytest.mark.parametrize(
    ("value", "label", "until", "back_at"),
    [
        ("s20m", "Snooze 20 minutes", "Thu 26 Nov, 04:30 EST", T0 + timedelta(minutes=30)),
        ("s1h", "Snooze 1 hour", "Thu 26 Nov, 05:10 EST", T0 + timedelta(minutes=70)),
        ("s3h", "Snooze 3 hours", "Thu 26 Nov, 07:10 EST", T0 + timedelta(minutes=190)),
        (
            "smorning",
            "Snooze until tomorrow morning",
            "Fri 27 Nov, 09:00 EST",
            datetime(2026, 11, 27, 14, 0, tzinfo=UTC),
        ),
        (
            "sweek",
            "Snooze until next week",
            "Thu 3 Dec, 04:10 EST",
            datetime(2026, 12, 3, 9, 10, tzinfo=UTC),
        ),
    ],
)
async def test_each_snooze_choice_closes_the_post_and_brings_it_back_then(
    bot: Bot, value: str, label: str, until: str, back_at: datetime
) -> None:
    await bot.harness.dm("remind in 10 minutes stretch")
    post = await bot.on_time(T0 + timedelta(minutes=10))
    callback, [note] = await bot.harness.press(post, value)
    assert callback.json["data"]["content"] == f"Reminder: stretch\n→ **{label}**"
    assert note["content"] == f"Snoozed until {until}: stretch"
    again = await bot.on_time(back_at)
    assert again["content"] == "Reminder: stretch"


async def test_snooze_in_the_list_answers_with_the_choices_and_keeps_the_row(bot: Bot) -> None:
    await bot.harness.dm("remind tomorrow 9am call Sam")
    [listing] = await bot.harness.dm("reminders")
    callback, _ = await bot.harness.press(listing, "snooze", expect=0)
    assert callback.json["type"] == 4
    choices = callback.json["data"]
    assert choices["content"] == "Snooze until when? Fri 27 Nov, 09:00 EST: call Sam"
    assert labels(choices) == SNOOZES
    current = bot.fake.messages[listing["id"]]
    assert not any(b.get("disabled") for b in buttons(current))
