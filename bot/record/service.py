"""Carries out the record's commands for the engine: `export` and `weekly`."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.common.events import Press, Text
from bot.common.users import UserKey
from bot.questionnaire.state import Pending
from bot.record import weekly_texts as texts
from bot.record.commands import Export, Weekly, parse_record_command, press_command
from bot.record.exporting import export_record
from bot.reminders.handling import Handled, say
from bot.reminders.looking_back import Running
from bot.reminders.service import ReminderService
from bot.reminders.timewords import format_when
from bot.storage.sql import SqlStore

log = logging.getLogger(__name__)


class RecordService:
    """Answers `export` and `weekly …` (typed, or their buttons)."""

    def __init__(self, *, sql: SqlStore, reminders: ReminderService) -> None:
        self._sql = sql
        self._reminders = reminders

    async def handle(
        self, key: UserKey, action: Text | Press, *, now: datetime, pending: Pending | None
    ) -> Handled:
        """Carry out one record command or press."""
        if isinstance(action, Text):
            command = parse_record_command(action.text)
        else:
            command = press_command(action.button) if action.button is not None else None
        if isinstance(command, Export):
            return await self.export(key, now, pending=pending)
        if isinstance(command, Weekly):
            return await self.weekly(key, command.on, now)
        return say("Type export, weekly on or weekly off.")

    async def export(
        self, key: UserKey, now: datetime, *, pending: Pending | None = None
    ) -> Handled:
        """`export`: the user's record as a CSV and a JSON file, in one reply that adapters
        deliver to the user alone. One a minute per user (across instances); an empty record
        is said so and does not count."""
        zone = self._reminders.zone
        return await export_record(self._sql, key, now, zone=zone, pending=pending)

    async def weekly(self, key: UserKey, on: bool | None, now: datetime) -> Handled:
        """`weekly on` starts the weekly look back (one per user), `weekly off` stops it,
        `weekly` says whether it is on and when the next one comes."""
        if not self._reminders.serves(key.platform):
            return say(texts.WEEKLY_NOT_HERE)
        series = self._reminders.weekly
        if on is None:
            running = await series.running(key)
            if running is None:
                return say(texts.WEEKLY_IS_OFF)
            return say(texts.WEEKLY_IS_ON.format(next=_next(running)))
        if on:
            tz = await self._reminders.zone(key)
            new_id = self._reminders.new_id()
            running, started = await series.start(key, new_id, tz, now=now)
            if not started:
                return say(texts.WEEKLY_ALREADY_ON.format(next=_next(running)))
            log.info("weekly look back turned on on %s", key.platform)
            return say(texts.WEEKLY_ON.format(next=_next(running)))
        if not await series.stop(key, now=now):
            return say(texts.WEEKLY_ALREADY_OFF)
        log.info("weekly look back turned off on %s", key.platform)
        return say(texts.WEEKLY_OFF)


def _next(running: Running) -> str:
    if running.next_at is None:  # being posted right now; the next is made with it
        return texts.WEEKLY_NEXT_SOON
    return format_when(running.next_at, ZoneInfo(running.zone))
