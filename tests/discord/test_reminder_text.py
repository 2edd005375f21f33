"""Text is text on Discord: a reminder set by `/takeorpass remind` in a server, or typed in the
DM, with bidirectional overrides, zero-width characters or NUL is stored and posted cleaned;
one that is only such characters is refused with one line; the edit modal's text is cleaned
the same way, joined emoji kept. The real discord.py client against FakeDiscord, on SQLite and
on PostgreSQL."""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from fakes.discord import CHANNEL_ID, DM_CHANNEL_ID, GUILD_ID, option, slash_command, subcommand
from fakes.discord import guilds as rules
from support.discord_harness import ALICE_KEY, CALLBACK, MEMBER, Harness, with_reminders
from support.harness import T0, Clock
from support.reminders import ReminderWorld

from bot.reminders import texts
from bot.reminders.model import Places
from bot.storage.sql import SqlStore

JSON = dict[str, Any]
RLO, PDF, ZWSP, ZWJ = "\u202e", "\u202c", "\u200b", "\u200d"
CODER = f"👩{ZWJ}💻"
SPOOF = f"\x00review{ZWSP} the {RLO}exe.pdf{PDF} invoice\ufeff {CODER}"
CLEANED = f"review the exe.pdf invoice {CODER}"


@pytest.fixture
def db_url(fresh_db_url: str) -> str:
    """Every test here runs on SQLite and on PostgreSQL."""
    return fresh_db_url


@pytest.fixture
async def bot(store: SqlStore, clock: Clock) -> AsyncIterator[tuple[Harness, ReminderWorld]]:
    clock.now = T0
    places: dict[str, Places] = {}
    world = ReminderWorld(store, clock, places=places)
    async with with_reminders(world, places) as harness:
        yield harness, world


async def _slash_remind(harness: Harness, when: str, text: str) -> JSON:
    """`/takeorpass remind when:… text:… channel:#general` run in the server; its answer."""
    channel = harness.fake.channels[CHANNEL_ID]
    payload = slash_command(
        "takeorpass",
        [
            subcommand(
                "remind",
                [
                    option("when", when),
                    option("text", text),
                    rules.channel_option("channel", CHANNEL_ID),
                ],
            )
        ],
        guild_id=GUILD_ID,
        channel_id=CHANNEL_ID,
        command_id=harness.fake.command_id("takeorpass"),
        resolved={"channels": {CHANNEL_ID: rules.resolved_channel(channel, MEMBER)}},
    )
    answered = len(harness.callbacks())
    await harness.fake.dispatch(
        "INTERACTION_CREATE", rules.with_member_permissions(payload, MEMBER)
    )
    callback = await harness.fake.wait_for("POST", CALLBACK, count=answered + 1)
    data: JSON = callback.json["data"]
    return data


async def _posted(harness: Harness, world: ReminderWorld, channel: str, at: Any) -> list[JSON]:
    """Move the clock to `at` and deliver; the messages then posted to `channel`."""
    start = len(harness.fake.requests)
    await world.run_until(at)
    path = re.compile(rf"/channels/{channel}/messages")
    nonces = {
        r.json["nonce"]
        for r in harness.fake.requests[start:]
        if r.method == "POST" and path.fullmatch(r.path)
    }
    return [copy.deepcopy(m) for m in harness.visible(channel) if m.get("nonce") in nonces]


def _hidden(content: str) -> set[str]:
    """Control and format characters in a post, but for emoji joiners and the zero-width space
    the renderer puts after `<` and `@` so that no mention renders."""
    defused = re.sub(f"(?<=[<@]){ZWSP}", "", content)
    return {
        f"U+{ord(ch):04X}"
        for ch in defused
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch not in (ZWJ, "\n")
    }


async def test_a_slash_command_reminder_is_stored_and_posted_cleaned(bot) -> None:
    harness, world = bot
    answer = await _slash_remind(harness, "in 90 seconds", SPOOF)
    assert answer["content"].endswith(f"in <#{CHANNEL_ID}>: {CLEANED}"), answer["content"]
    [item] = await world.store.upcoming(ALICE_KEY, limit=5)
    assert item.text == CLEANED
    [post] = await _posted(harness, world, CHANNEL_ID, T0 + timedelta(seconds=90))
    assert post["content"] == f"Reminder: {CLEANED}"
    assert _hidden(post["content"]) == set()


async def test_a_dm_reminder_is_posted_cleaned_and_an_invisible_one_refused(bot) -> None:
    harness, world = bot
    [confirmed] = await harness.dm(f"remind in 2 minutes {SPOOF}")
    assert confirmed["content"].endswith(f": {CLEANED}"), confirmed["content"]
    [refused] = await harness.dm(f"remind in 3 minutes \x00{RLO}{PDF}{ZWSP}")
    assert refused["content"] == texts.NO_TEXT.format(when="in 3 minutes")
    [item] = await world.store.upcoming(ALICE_KEY, limit=5)
    assert item.text == CLEANED
    posted = await _posted(harness, world, DM_CHANNEL_ID, T0 + timedelta(minutes=2))
    assert [p["content"] for p in posted] == [f"Reminder: {CLEANED}"]


async def test_the_edit_modals_text_is_cleaned_and_an_invisible_one_refused(bot) -> None:
    harness, world = bot
    await harness.dm("remind tomorrow 9am call Sam")

    async def submit(text: str) -> str:
        [listing] = await harness.dm("reminders")
        press = harness.press_payload(listing, "edit")
        answered = len(harness.callbacks())
        await harness.fake.dispatch("INTERACTION_CREATE", press)
        opened = await harness.fake.wait_for("POST", CALLBACK, count=answered + 1)
        modal = opened.json["data"]
        fields = {c["label"]: c["component"] for c in modal["components"]}
        when = fields[texts.EDIT_FORM_WHEN]
        values = {when["custom_id"]: when["value"], fields[texts.EDIT_FORM_TEXT]["custom_id"]: text}
        await harness.fake.dispatch(
            "INTERACTION_CREATE", rules.modal_submit(modal, values, source=press)
        )
        done = await harness.fake.wait_for("POST", CALLBACK, count=answered + 2)
        content: str = done.json["data"]["content"]
        return content

    changed = await submit(f"{CODER} {RLO}pair{PDF} review\x00")
    assert changed.startswith(f"Changed to: {CODER} pair review ("), changed
    assert await submit(f"\x00{RLO}{ZWSP}") == texts.NOTHING_TO_POST
    [item] = await world.store.upcoming(ALICE_KEY, limit=5)
    assert item.text == f"{CODER} pair review"
