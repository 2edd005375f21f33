"""Carries out the record's commands for the engine: `export` and `weekly`."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.common.events import Press, Text
from bot.common.users import UserKey
from bot.questionnaire.state import Pending
from bot.record.commands import Export, Weekly, parse_record_command, press_command
from bot.record.exporting import export_record
from bot.reminders.handling import Handled, say
from bot.reminders.service import ReminderService
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
        """SKELETON: the weekly look back's helper builds this."""
        return say("The weekly look back is not ready yet.")
