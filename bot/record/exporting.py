"""`export` carried out: one a minute per user, the record read from the database, the two
files built (in a worker thread when the record is large, so the event loop keeps turning) and
returned in one reply for the adapter to deliver to the user alone."""

from __future__ import annotations

import asyncio
import gc
import logging
import math
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from bot.common.replies import Kind, Reply
from bot.common.users import UserKey
from bot.questionnaire.flow import forget_prompt
from bot.questionnaire.state import Pending, PendingKind
from bot.record.export import build_files
from bot.record.model import UserRecord
from bot.record.reading import EXPORT_EVERY, claim_export, last_export, read_record
from bot.reminders.handling import Handled
from bot.storage.sql import SqlStore

log = logging.getLogger(__name__)

# Records with more questionnaires than this are turned into files in a worker thread: a
# thousand take a few tens of milliseconds of CPU, too long to hold the event loop.
LARGE: Final = 200

EXPORTED: Final = (
    "Your record: {questionnaires} and {reminders}, as a spreadsheet (CSV) and a JSON file "
    "with everything I keep about you. Only you get these files."
)
NOTHING: Final = (
    "There's nothing to export: I keep no questionnaires, reminders or settings for you yet."
)
TOO_SOON: Final = "You can export once a minute; try again in {seconds} second{s}."
# Asked again after an export made while "Delete everything?" is open.
FORGET_AFTER: Final = "Still want me to delete everything I keep about you?"


_paused = 0
_was_enabled = False
_pause_lock = threading.Lock()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while an export reads and builds. An export
    makes tens of thousands of short-lived objects, none in cycles; while they live, they push
    the collector into walking every object of the process, which stops all threads, the
    event loop's with them, for tens of milliseconds. Held off, they are freed as they die
    (by reference counting) and never counted towards a full collection. Nested or
    concurrent exports share one pause; a collector already off stays off."""
    global _paused, _was_enabled
    with _pause_lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _pause_lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _say(text: str, pending: Pending | None, reply: Reply | None = None) -> Handled:
    first = reply or Reply(kind=Kind.INFO, text=text)
    if pending is not None and pending.kind is PendingKind.FORGET:
        # The question stays open, asked again below the export so that its buttons are
        # the ones on screen.
        return Handled((first, forget_prompt(FORGET_AFTER, offer_export=False)))
    return Handled((first,))


def _too_soon(last: datetime, now: datetime, pending: Pending | None) -> Handled:
    left = math.ceil((last + EXPORT_EVERY - now).total_seconds())
    left = min(max(left, 1), int(EXPORT_EVERY.total_seconds()))
    return _say(TOO_SOON.format(seconds=left, s="" if left == 1 else "s"), pending)


async def export_record(
    sql: SqlStore,
    key: UserKey,
    now: datetime,
    *,
    zone: Callable[[UserKey], Awaitable[ZoneInfo]],
    pending: Pending | None = None,
) -> Handled:
    """The export of `key`'s record made at `now` (local times in `zone(key)`), or one line
    saying why not: too soon after the last one, or nothing stored."""
    last = await last_export(sql, key)
    if last is not None and now - last < EXPORT_EVERY:
        return _too_soon(last, now, pending)
    shown_in = (await zone(key)).key
    with collector_paused():
        record = await read_record(sql, key, shown_in=shown_in)
        if record.empty:
            return _say(NOTHING, pending)
        if not await claim_export(sql, key, now):  # another instance exported meanwhile
            return _too_soon(await last_export(sql, key) or now, now, pending)
        reply = await export_reply(record, now)
    log.info(
        "exported a record on %s: %d questionnaires, %d reminders",
        key.platform,
        len(record.history),
        len(record.reminders),
    )
    return _say(reply.text, pending, reply)


async def export_reply(record: UserRecord, now: datetime) -> Reply:
    """The reply that carries the two files; built off the event loop when `record` is large."""
    if len(record.history) > LARGE:
        files = await asyncio.to_thread(build_files, record, now)
    else:
        files = build_files(record, now)
    text = EXPORTED.format(
        questionnaires=_count(len(record.history), "questionnaire"),
        reminders=_count(len(record.reminders), "reminder"),
    )
    return Reply(kind=Kind.INFO, text=text, files=files)
