"""How many rows of the phrase table a plain parsedatetime reading gets right: a baseline for
the reader, not a test. Run: .venv/bin/python tests/reminders/parsedatetime_baseline.py

"Plain" means what a bot gets from parsedatetime alone: `Calendar.nlp` on the text after
`remind`, its first match taken as the time (in the user's zone, DST placed as our reader
does) and the rest, without a leading "to"/"about"/"that", as the text. A row counts as right
when the first time and the text both match; a row to be refused counts when parsedatetime
finds no time at all; a row to be asked back never counts (it cannot ask)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[2]), str(Path(__file__).resolve().parents[1])]

import parsedatetime  # noqa: E402
from reminders.phrase_table import ASKED, READ, REFUSED, Read, local, remind_text  # noqa: E402

from bot.reminders.timewords import to_utc  # noqa: E402

_CALENDAR = parsedatetime.Calendar(parsedatetime.Constants(usePyICU=False))
_LINKS = ("to ", "about ", "that ")


def plain(row: Read) -> tuple[object, str] | None:
    """parsedatetime's first instant (UTC) and the text left, or None if it found no time."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(row.zone)
    text = remind_text(row.typed)
    now = local(row.now, row.zone).astimezone(tz).replace(tzinfo=None)
    found = _CALENDAR.nlp(text, sourceTime=now.timetuple())
    if not found:
        return None
    when, _flag, start, end, _matched = found[0]
    rest = " ".join((text[:start] + " " + text[end:]).split()).strip(" ,:;-")
    for link in _LINKS:
        rest = rest.removeprefix(link)
    return to_utc(when.replace(microsecond=0), tz), rest


def main() -> None:
    right = sum(1 for row in READ if plain(row) == (local(row.times[0], row.zone), row.text))
    refused = sum(1 for row in REFUSED if plain(row) is None)  # type: ignore[arg-type]
    total = len(READ) + len(ASKED) + len(REFUSED)
    print(f"read as meant: {right} of {len(READ)}")
    print(f"refused (no time found): {refused} of {len(REFUSED)}; asked back: 0 of {len(ASKED)}")
    print(f"parsedatetime_plain_accuracy: {right + refused} of {total}")


if __name__ == "__main__":
    main()
