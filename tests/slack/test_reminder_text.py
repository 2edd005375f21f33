"""Text is text on Slack: a reminder typed with bidirectional overrides, zero-width characters
or NUL is stored and posted cleaned (a channel post can't be made to read otherwise than it
was typed), one that is only such characters is refused with one line, and the edit form's
text is cleaned the same way, joined emoji kept. The real bolt app against FakeSlack, on
SQLite and on PostgreSQL (where a NUL used to fail every try)."""

from __future__ import annotations

import asyncio
import json
import unicodedata
from datetime import timedelta
from typing import Any

import pytest
from fakes.slack import FakeSlack
from support.harness import T0
from support.slack_harness import (
    ALICE_KEY,
    JOB_HUNT,
    SlackReminders,
    SlackUser,
    posted_after,
    shown_text,
    view_of,
)

from adapters.slack.forms import (
    EDIT_TEXT_ACTION,
    EDIT_TEXT_BLOCK,
    EDIT_WHEN_ACTION,
    EDIT_WHEN_BLOCK,
)
from bot.reminders import texts
from bot.storage.sql import SqlStore

Params = dict[str, Any]
RLO, PDF, ZWSP, ZWJ = "\u202e", "\u202c", "\u200b", "\u200d"
CODER = f"👩{ZWJ}💻"
SPOOF = f"\x00review{ZWSP} the {RLO}exe.pdf{PDF} invoice\ufeff\u2066now\u2069"
CLEANED = "review the exe.pdf invoicenow"


@pytest.fixture
def db_url(fresh_db_url: str) -> str:
    """Every test here runs on SQLite and on PostgreSQL."""
    return fresh_db_url


@pytest.fixture
async def fake() -> Any:
    async with FakeSlack() as slack:
        slack.add_channel(JOB_HUNT, "job-hunt")
        yield slack


async def edit_submitted(alice: SlackUser, fake: FakeSlack, opened: int, text: str) -> Any:
    """Press Edit on the only listed reminder and send the form with its time and `text`."""
    listed = (await alice.command("reminders")).body
    status, _ = await alice.post(alice.press_body(listed, "edit", response_name="edit"))
    assert status == 200
    view = view_of((await fake.wait_for_calls("views.open", opened))[opened - 1].params)
    values = {
        EDIT_WHEN_BLOCK: {EDIT_WHEN_ACTION: {"type": "plain_text_input", "value": "nov 27 09:00"}},
        EDIT_TEXT_BLOCK: {EDIT_TEXT_ACTION: {"type": "plain_text_input", "value": text}},
    }
    return await alice.submit(view, values)


def hidden(params: Params) -> set[str]:
    """Control and format characters anywhere in a call's text and blocks, joiners of emoji
    aside (the fake's JSON holds them as sent)."""
    sent = json.dumps({k: params.get(k) for k in ("text", "blocks")}, ensure_ascii=False)
    return {
        f"U+{ord(ch):04X}"
        for ch in sent
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch not in (ZWJ, "\n")
    }


async def test_a_channel_reminder_with_controls_is_stored_and_posted_cleaned(
    alice: SlackUser, world: SlackReminders, store: SqlStore
) -> None:
    confirmed = await alice.command(f"remind <#{JOB_HUNT}|job-hunt> in 90 seconds {SPOOF}")
    assert f"in <#{JOB_HUNT}>: {CLEANED}" in shown_text(confirmed.body)
    [item] = await world.store.upcoming(ALICE_KEY)
    assert item.text == CLEANED
    await world.run_until(T0 + timedelta(seconds=90))
    [post] = world.posts(JOB_HUNT)
    assert f"Reminder: {CLEANED}" in shown_text(post)
    assert hidden(post) == set()


async def test_a_reminder_of_only_invisible_characters_is_refused_in_one_line(
    alice: SlackUser, world: SlackReminders
) -> None:
    answer = await alice.command(f"remind in 90 seconds \x00{RLO}{PDF}{ZWSP}\ufeff")
    said = shown_text(answer.body)
    assert texts.NO_TEXT.format(when="in 90 seconds") in said
    assert await world.store.upcoming(ALICE_KEY) == []
    await world.run_until(T0 + timedelta(minutes=5))
    assert world.posts() == []


async def test_the_edit_forms_text_is_cleaned_and_keeps_joined_emoji(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    await alice.command("remind tomorrow 9am call Sam")
    typed = f"{CODER} {RLO}pair{PDF} review\x00"
    assert await edit_submitted(alice, fake, 1, typed) == (200, "")
    changed = await posted_after(fake, 1)
    assert f"Changed to: {CODER} pair review" in shown_text(changed)
    [item] = await world.store.upcoming(ALICE_KEY)
    assert item.text == f"{CODER} pair review"
    # Nothing but invisible characters: the form stays open with the reason.
    status, body = await edit_submitted(alice, fake, 2, f"\x00{RLO}{ZWSP}")
    assert status == 200 and json.loads(body)["response_action"] == "errors"
    assert texts.NOTHING_TO_POST in body
    await asyncio.sleep(0.05)
    [item] = await world.store.upcoming(ALICE_KEY)
    assert item.text == f"{CODER} pair review"
