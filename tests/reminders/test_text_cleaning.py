"""Text is text: a reminder's text is cleaned as company names are, wherever it enters
(`remind`, `edit N …`, the edit form), before it is stored and again before it is posted.
Bidirectional overrides, zero-width characters, NUL and other controls go; accents and emoji,
joined ones too, stay; a text with nothing left is refused with one line. On SQLite and on
PostgreSQL, which refuses a NUL in text outright."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from support.harness import Transcript
from support.reminders import ReminderWorld

from bot.common.replies import Kind
from bot.common.text import clean_text
from bot.common.users import UserKey
from bot.questionnaire.reading import MAX_COMPANY_CHARS, clean_company
from bot.reminders import texts
from bot.reminders.commands import EditReminder
from bot.storage.schema import reminders

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
CONSOLE = UserKey("console", "local", "me")

RLO, PDF, LRI, PDI, LRM = "\u202e", "\u202c", "\u2066", "\u2069", "\u200e"
ZWSP, ZWJ, WJ, BOM = "\u200b", "\u200d", "\u2060", "\ufeff"
CODER = f"👩{ZWJ}💻"  # woman, joiner, laptop: one picture
RAINBOW = f"🏳\ufe0f{ZWJ}🌈"  # flag, "as emoji", joiner, rainbow
SCOTLAND = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"  # a tag sequence
# A channel post that would read "review the invoice fdp.exe" right to left, with hidden parts.
SPOOF = f"\x00review{ZWSP} the {RLO}exe.pdf{PDF} invoice{BOM}\x1b[31m{WJ}\x85"
SPOOF_CLEANED = "review the exe.pdf invoice[31m"


@pytest.fixture
def db_url(fresh_db_url: str) -> str:
    """Every test here runs on SQLite and on PostgreSQL."""
    return fresh_db_url


@pytest.fixture
def me(world: ReminderWorld) -> Transcript:
    world.clock.now = NOW
    return Transcript(world.engine, CONSOLE)


async def _stored_texts(world: ReminderWorld) -> list[str]:
    def read(conn):  # type: ignore[no-untyped-def]
        return [row.text for row in conn.execute(select(reminders.c.text)).all()]

    return await world.sql.read(read)


# --- the cleaning itself --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        (SPOOF, SPOOF_CLEANED),
        (f"{LRI}call{PDI} {LRM}Sam\u200f \u061c", "call Sam"),  # isolates and marks
        ("tab\tnew\nline\u2028and\u00a0nbsp", "tab new line and nbsp"),
        ("\ud800lone surrogate", "lone surrogate"),
        (f"pay{ZWJ}pal pay{ZWSP}pal", "paypal paypal"),  # a joiner between letters hides
        # What people write stays: accents (composed or combining), scripts, emoji.
        ("Café Zoë Ångström naïve e\u0301", "Café Zoë Ångström naïve e\u0301"),
        ("Straße Ελλάδα 東京 עברית العربية", "Straße Ελλάδα 東京 עברית العربية"),
        (
            f"{CODER} {RAINBOW} 🧑🏽{ZWJ}🚀 ❤\ufe0f{ZWJ}🔥",
            f"{CODER} {RAINBOW} 🧑🏽{ZWJ}🚀 ❤\ufe0f{ZWJ}🔥",
        ),
        ("🇫🇷 🇯🇵 1\ufe0f\u20e3 👍🏾", "🇫🇷 🇯🇵 1\ufe0f\u20e3 👍🏾"),
        (SCOTLAND, SCOTLAND),
        ("🫨 🪿", "🫨 🪿"),  # newer than some Unicode tables: kept all the same
        # Tags outside a flag are hidden text; a joiner not between two emoji goes.
        ("hi\U000e0068\U000e0069", "hi"),
        (f"{ZWJ}👩 👩{ZWJ} a{ZWJ}💻 👩{ZWJ}{ZWJ}💻", "👩 👩 a💻 👩💻"),
        (f"\x00{RLO}{ZWSP}\x07 \u200c", ""),
    ],
)
def test_cleaning_removes_what_hides_or_reorders_and_keeps_what_people_write(typed, kept):
    assert clean_text(typed) == kept
    assert clean_text(kept) == kept  # cleaning again changes nothing


def test_company_names_are_cleaned_by_the_same_function_and_then_cut():
    assert clean_company(SPOOF) == SPOOF_CLEANED
    assert clean_company(f"Acme {CODER}") == f"Acme {CODER}"
    # A cut that splits an emoji sequence leaves no dangling joiner.
    cut = clean_company("x" * (MAX_COMPANY_CHARS - 2) + CODER)
    assert cut == "x" * (MAX_COMPANY_CHARS - 2) + "👩"
    assert clean_company(f"\x00{RLO}") is None


# --- where reminder text enters -------------------------------------------------------------


async def test_a_reminder_with_nul_and_bidi_controls_is_stored_and_posted_cleaned(me, world):
    confirmed = await me.say(f"remind in 3 seconds {SPOOF}")
    assert confirmed.kind is Kind.INFO, confirmed.text
    assert confirmed.text.endswith(f": {SPOOF_CLEANED}")
    assert await _stored_texts(world) == [SPOOF_CLEANED]
    await world.run_until(NOW + timedelta(seconds=3))
    assert world.delivery.texts == [f"Reminder: {SPOOF_CLEANED}"]


async def test_controls_inside_the_time_words_neither_stop_the_reading_nor_stay(me, world):
    confirmed = await me.say(f"remind every friday {RLO}at 5{PDF} pm call\x00 mum")
    assert confirmed.text.startswith("Recurring reminder set, every Friday at 17:00"), confirmed
    assert await _stored_texts(world) == ["call mum"]


async def test_both_readings_asked_back_carry_the_cleaned_text(me, world):
    asked = await me.say(f"remind at 5 call\x00 {LRI}mum{PDI} tomorrow{ZWSP}")
    assert [b.label for b in asked.buttons] == [
        "Thu 26 Nov, 17:00 EST: call mum tomorrow",
        "Fri 27 Nov, 17:00 EST: call mum",
    ]
    await me.press(asked.buttons[0].id)
    assert await _stored_texts(world) == ["call mum tomorrow"]


async def test_emoji_sequences_and_accents_are_stored_and_posted_as_typed(me, world):
    text = f"{CODER} café review 🇫🇷 {SCOTLAND} {RAINBOW}"
    await me.say(f"remind in 3 seconds {text}")
    assert await _stored_texts(world) == [text]
    await world.run_until(NOW + timedelta(seconds=3))
    assert world.delivery.texts == [f"Reminder: {text}"]


INVISIBLE = f"\x00{RLO}{PDF}{ZWSP}\x1b{BOM}\x7f"


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        # Nothing visible after the time: the reader asks what to remind of.
        (f"remind in 3 seconds {INVISIBLE}", texts.NO_TEXT.format(when="in 3 seconds")),
        # Nothing visible after the channel word, or at all (read as `remind` alone: its help).
        (f"remind channel {INVISIBLE}", texts.NOTHING_TO_POST),
        (f"remind {INVISIBLE}", texts.REMIND_HELP),
    ],
)
async def test_a_reminder_text_of_only_control_characters_is_refused(me, world, typed, answer):
    refused = await me.say(typed)
    assert refused.text == answer
    assert refused.kind is (Kind.INFO if answer == texts.REMIND_HELP else Kind.ERROR)
    assert await _stored_texts(world) == []
    await world.run_until(NOW + timedelta(minutes=1))
    assert world.delivery.posts == []


async def test_an_edited_text_is_cleaned_and_keeps_its_emoji(me, world):
    await me.say("remind in 2 hours old text")
    edited = await me.say(f"edit 1 {RLO}{CODER} pair\x00 review{ZWSP}")
    assert edited.kind is not Kind.ERROR, edited.text
    assert await _stored_texts(world) == [f"{CODER} pair review"]
    refused = await me.say(f"edit 1 \x00{RLO}{ZWSP}")
    assert (refused.kind, refused.text) == (Kind.ERROR, texts.NOTHING_TO_POST)
    assert await _stored_texts(world) == [f"{CODER} pair review"]


async def test_the_edit_form_text_is_cleaned_and_an_invisible_one_refused(me, world):
    await me.say("remind in 2 hours old text")
    listed = await me.say("reminders")
    occurrence = int(listed.items[0].buttons[0].id.split(":")[1])

    async def submit(text: str) -> list[str]:
        edit = EditReminder(occurrence, when="in 3 hours", text=text)
        replies = await me.engine.handle(CONSOLE, edit)
        return [r.text for r in replies]

    await submit(f"{CODER} {LRI}new{PDI} text\x00")
    assert await _stored_texts(world) == [f"{CODER} new text"]
    assert await submit(f"\x00{RLO}{ZWSP}") == [texts.NOTHING_TO_POST]
    assert await _stored_texts(world) == [f"{CODER} new text"]
