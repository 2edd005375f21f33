"""Setting reminders, carried out: `remind` (with its asked-back choice between two readings)
and interview times. The service hands these over; the reading is in reader.py and when.py,
the limits in plan.py, the words in texts.py and messages.py."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.common.buttons import ButtonId
from bot.common.replies import Kind, Reply
from bot.common.text import clean_text
from bot.common.users import UserKey
from bot.questionnaire.state import Pending, PendingKind
from bot.questionnaire.verdict import decide
from bot.questionnaire.views import describe_company
from bot.reminders import commands, messages, plan, texts
from bot.reminders.handling import Handled, ReminderConfig, error, refused, say
from bot.reminders.model import NewReminder, ReminderKind, Role
from bot.reminders.reader import AskBack, Reading, read_reminder
from bot.reminders.store import ReminderStore
from bot.reminders.timewords import EXAMPLES, WhenError, format_when
from bot.reminders.when import parse_when
from bot.storage.sql import SqlStore

log = logging.getLogger(__name__)


class Reminding:
    """Sets reminders from `remind` and from interview times, and confirms them."""

    def __init__(
        self,
        *,
        store: ReminderStore,
        sql: SqlStore,
        config: ReminderConfig,
        new_id: Callable[[], str],
        on_created: Callable[[], None],
        zone: Callable[[UserKey], Awaitable[ZoneInfo]],
        channel_problem: Callable[[UserKey, str, str | None], Awaitable[str | None]],
        job_hunt_channel: Callable[[str, str | None], Awaitable[str | None]],
    ) -> None:
        self._store = store
        self._sql = sql
        self._config = config
        self._new_id = new_id
        self._on_created = on_created
        self._zone = zone
        self._channel_problem = channel_problem
        self._job_hunt_channel = job_hunt_channel

    async def _with_zone_hint(self, key: UserKey, reply: Reply, tz: ZoneInfo) -> Reply:
        if key.platform not in self._config.ask_timezone or await self._sql.timezone(key):
            return reply
        return reply._replace(notice=texts.TIMEZONE_HINT.format(zone=tz.key))

    # --- interviews -------------------------------------------------------------------------

    async def interview(
        self, key: UserKey, conversation_id: str, typed: str, now: datetime
    ) -> Handled:
        entry = await self._sql.entry(key, conversation_id)
        if entry is None:
            return Handled(error(texts.INTERVIEW_UNKNOWN).replies, None)
        tz = await self._zone(key)
        try:
            when = parse_when(typed, now=now, tz=tz)
        except WhenError as exc:
            return error(str(exc))
        if when.rule is not None:
            return error(f"An interview happens once: give its day and time, such as {EXAMPLES}.")
        if await self._store.count_active(key, limited=True) >= plan.MAX_PENDING_PER_USER:
            return error(texts.TOO_MANY.format(limit=plan.MAX_PENDING_PER_USER))
        times = plan.interview_times(
            when.at, offsets=self._config.offsets, followup=self._config.followup, now=now
        )
        about = describe_company(entry.company, entry.role) or ""
        tips = decide(entry.answers, company=entry.company, role=entry.role).tips
        reminder = NewReminder(
            id=self._new_id(),
            owner=key,
            channel=None,  # they name a company: DM only
            text=about,
            kind=ReminderKind.INTERVIEW,
            timezone=tz.key,
            occurrences=times,
            notes=tips,
            conversation_id=conversation_id,
            event_at=when.at,
        )
        await self._store.create(reminder, now=now)
        self._on_created()
        log.info("interview reminders set on %s", key.platform)
        reply = messages.interview_confirmation(
            reminder_id=reminder.id, about_text=about, event_at=when.at, times=times, tz=tz
        )
        return Handled((await self._with_zone_hint(key, reply, tz),), None)

    # --- remind -----------------------------------------------------------------------------

    async def remind(
        self, key: UserKey, command: commands.Remind, server: str | None, now: datetime
    ) -> Handled:
        if not command.rest:
            return say(texts.REMIND_HELP)
        # Cleaned before it is read: what is stored and posted is the text as cleaned.
        rest = clean_text(command.rest)
        if not rest:
            return error(texts.NOTHING_TO_POST)
        wants_channel = command.channel is not None or command.unclear_channel
        if wants_channel and key.platform not in self._config.channel_platforms:
            return error(texts.NO_CHANNELS_HERE)
        if command.unclear_channel:
            return error(texts.UNCLEAR_CHANNEL)
        channel = command.channel
        if isinstance(channel, commands.JobHunt):
            channel = await self._job_hunt_channel(key.platform, server)
            if channel is None:
                return error(texts.NO_JOB_HUNT_CHANNEL if server else texts.JOB_HUNT_IN_SERVER)
        if channel is not None and (problem := await self._channel_problem(key, channel, server)):
            return error(problem)
        tz = await self._zone(key)
        try:
            read = read_reminder(rest, now=now, tz=tz)
        except WhenError as exc:
            return error(str(exc))
        if isinstance(read, AskBack):
            return await self._ask_back(key, read, channel, tz, now)
        return await self._create(key, read, channel, tz, now)

    async def _refusal(self, key: UserKey, reading: Reading, channel: str | None) -> Handled | None:
        """Why a reading cannot be set (too long, too many), or None."""
        if len(reading.text) > plan.MAX_TEXT:
            return error(texts.TOO_LONG.format(length=len(reading.text), limit=plan.MAX_TEXT))
        if await self._store.count_active(key, limited=True) >= plan.MAX_PENDING_PER_USER:
            return error(texts.TOO_MANY.format(limit=plan.MAX_PENDING_PER_USER))
        if reading.rule is not None and channel is not None:
            running = await self._store.count_channel_recurring(
                key.platform, key.workspace, channel
            )
            if running >= plan.MAX_RECURRING_PER_CHANNEL:
                return error(texts.TOO_MANY_IN_CHANNEL.format(limit=plan.MAX_RECURRING_PER_CHANNEL))
        return None

    async def _create(
        self, key: UserKey, reading: Reading, channel: str | None, tz: ZoneInfo, now: datetime
    ) -> Handled:
        """Store the reminder as read and confirm it, with Undo."""
        if (refusal := await self._refusal(key, reading, channel)) is not None:
            return refusal
        recurring = reading.rule is not None
        reminder = NewReminder(
            id=self._new_id(),
            owner=key,
            channel=channel,
            text=reading.text,
            kind=ReminderKind.RECURRING if recurring else ReminderKind.ONCE,
            timezone=tz.key,
            occurrences=(((Role.REPEAT if recurring else Role.ONCE), reading.at),),
            rule=reading.rule,
        )
        await self._store.create(reminder, now=now)
        self._on_created()
        log.info("reminder set on %s", key.platform)
        if reading.rule is not None:
            reply = messages.recurring_confirmation(
                reminder_id=reminder.id,
                rule=reading.rule,
                tz=tz,
                now=now,
                text=reading.text,
                channel=channel,
            )
        else:
            where = texts.WHERE_CHANNEL.format(channel=channel) if channel else ""
            shown = format_when(reading.at, tz, now=now)
            reply = Reply(
                kind=Kind.INFO,
                text=texts.REMIND_SET.format(when=shown, where=where, text=reading.text),
                buttons=(messages.undo_button(reminder.id),),
            )
        if reading.note:
            reply = reply._replace(text=reply.text + "\n" + reading.note)
        return Handled((await self._with_zone_hint(key, reply, tz),))

    async def _ask_back(
        self, key: UserKey, read: AskBack, channel: str | None, tz: ZoneInfo, now: datetime
    ) -> Handled:
        """Both readings as buttons; the user's open question remembers them."""
        for reading in (read.first, read.second):
            if (refusal := await self._refusal(key, reading, channel)) is not None:
                return refusal
        question = self._new_id()
        readings = [(r.at, r.rule, r.text) for r in (read.first, read.second)]
        remembered = {
            "question": question,
            "channel": channel,
            "readings": [
                {"at": at.isoformat(), "rule": rule, "text": text} for at, rule, text in readings
            ],
        }
        reply = messages.ask_back_reply(
            question=question, fragment=read.fragment, readings=readings, tz=tz, now=now
        )
        pending = Pending(PendingKind.REMIND, ref=json.dumps(remembered))
        return Handled((await self._with_zone_hint(key, reply, tz),), pending)

    async def answer_ask(
        self, key: UserKey, button: ButtonId, pending: Pending | None, now: datetime
    ) -> Handled:
        """A press on one of the two readings: set that one, once."""
        if pending is None or pending.kind is not PendingKind.REMIND or not pending.ref:
            return refused(texts.REMIND_ASK_GONE)
        remembered = json.loads(pending.ref)
        readings = remembered["readings"]
        if remembered["question"] != button.scope or button.value not in ("1", "2"):
            return refused(texts.REMIND_ASK_GONE)
        chosen = readings[int(button.value) - 1]
        at = datetime.fromisoformat(chosen["at"])
        if at <= now:
            return Handled(error(texts.REMIND_ASK_PASSED).replies, None)
        reading = Reading(at, chosen["rule"], chosen["text"])
        handled = await self._create(
            key, reading, remembered["channel"], await self._zone(key), now
        )
        return handled._replace(pending=None)
