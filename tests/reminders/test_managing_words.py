"""Reading the managing words: `remind list`, `remind delete 2`, `reminders clear` and
`edit 2 …` are read before a reminder's when and what; an edit is a time only when it reads
fully as one; and each snooze choice lands in local time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from support.managing import NOW

from bot.reminders.commands import (
    CancelItem,
    ClearReminders,
    EditItem,
    ListReminders,
    Remind,
    parse_command,
)
from bot.reminders.manage import NewText, NewTime, Unreadable, read_edit, snooze_until

NEW_YORK = ZoneInfo("America/New_York")


# --- the words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "command"),
    [
        ("remind list", ListReminders()),
        ("remind me list", None),  # "me" makes it a reminder to be read as one
        ("remind delete 2", CancelItem(2)),
        ("remind cancel 2", CancelItem(2)),
        ("reminders delete 3", CancelItem(3)),
        ("reminders clear", ClearReminders()),
        ("remind clear", ClearReminders()),
        ("edit 2 tomorrow 10am", EditItem(2, "tomorrow 10am")),
        ("edit 2 call Sam and Ann", EditItem(2, "call Sam and Ann")),
        ("remind edit 1 noon", EditItem(1, "noon")),
        ("edit 2", EditItem(2, "")),
        # Only the exact forms: these stay reminders (or aren't commands at all).
        ("remind list the groceries at 5pm", Remind("list the groceries at 5pm")),
        (
            "remind me to cancel 2 subscriptions tomorrow",
            Remind("to cancel 2 subscriptions tomorrow"),
        ),
        ("edit the cover letter", None),
    ],
)
def test_managing_words_are_read_before_remind_when_what(typed, command):
    found = parse_command(typed)
    if command is None:
        assert not isinstance(found, ListReminders | CancelItem | ClearReminders | EditItem)
    else:
        assert found == command


@pytest.mark.parametrize(
    ("words", "reading"),
    [
        ("tomorrow 10am", NewTime),
        ("every friday 4pm", NewTime),
        ("call Sam and Ann", NewText),
        ('"tomorrow"', NewText),
        ("tomorrow at 25:00", Unreadable),
        ("at 25:00 call Sam", Unreadable),
        # Numbers and lead words in a text stay text.
        ("10 push-ups", NewText),
        ("in the office call Sam", NewText),
        ("next steps for the offer", NewText),
    ],
)
def test_an_edit_is_a_time_only_when_it_reads_fully_as_one(words, reading):
    assert isinstance(read_edit(words, now=NOW, tz=NEW_YORK), reading)


@pytest.mark.parametrize(
    ("value", "base", "expected"),
    [
        # 20 minutes, 1 hour, 3 hours: elapsed time, across the autumn change too.
        (
            "s20m",
            datetime(2026, 11, 1, 5, 50, tzinfo=UTC),
            datetime(2026, 11, 1, 6, 10, tzinfo=UTC),
        ),
        ("s1h", datetime(2026, 11, 1, 5, 30, tzinfo=UTC), datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
        ("s3h", NOW, NOW + timedelta(hours=3)),
        # Tomorrow morning: 09:00 local the next day, here the first day of summer time.
        (
            "smorning",
            datetime(2026, 3, 8, 3, 0, tzinfo=UTC),
            datetime(2026, 3, 8, 13, 0, tzinfo=UTC),
        ),
        # Next week: the same wall-clock time 7 days on, 09:00 EDT → 09:00 EST.
        (
            "sweek",
            datetime(2026, 10, 31, 13, 0, tzinfo=UTC),
            datetime(2026, 11, 7, 14, 0, tzinfo=UTC),
        ),
        # A time the spring change skips moves to the first that exists (SPEC §3): 02:30 → 03:00
        # EDT, as recurring times do.
        ("sweek", datetime(2026, 3, 1, 7, 30, tzinfo=UTC), datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
    ],
)
def test_each_snooze_choice_lands_in_local_time(value, base, expected):
    assert snooze_until(value, base=base, tz=NEW_YORK) == expected
