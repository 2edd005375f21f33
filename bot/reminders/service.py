"""Carries out reminder commands and presses for the engine: the I/O around the pure parts in
commands, plan, when and messages. Setting reminders (`remind`, interview times) is handed to
reminding.py, managing them (delete, clear, edit, snooze, done) to managing.py."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.common.buttons import ASK_STEP, INTERVIEW_STEP, USER_SCOPE, ZONE_STEP
from bot.common.clock import utc_now
from bot.common.events import Press, Text
from bot.common.replies import Reply
from bot.common.users import UserKey
from bot.questionnaire.effects import InterviewTime
from bot.questionnaire.state import OUTCOMES, Pending, PendingKind
from bot.reminders import commands, messages, plan, texts, zone_replies, zones
from bot.reminders.handling import KEEP, Handled, ReminderConfig, error, refused, say
from bot.reminders.looking_back import WeeklySeries
from bot.reminders.managing import CLEAR_VALUES, EditForm, Managing, Outcome
from bot.reminders.model import Places
from bot.reminders.reminding import Reminding
from bot.reminders.store import ReminderStore
from bot.reminders.timewords import format_when
from bot.storage.sql import SqlStore

log = logging.getLogger(__name__)


def _handled(outcome: Outcome) -> Handled:
    return Handled(outcome.replies, None if outcome.close else (outcome.pending or KEEP))


class ReminderService:
    """Handles what the flow delegates: reminder commands, reminder buttons, interview times."""

    def __init__(
        self,
        *,
        store: ReminderStore,
        sql: SqlStore,
        config: ReminderConfig,
        new_id: Callable[[], str],
        on_created: Callable[[], None] = lambda: None,
        places: dict[str, Places] | None = None,
    ) -> None:
        self.store = store
        # Per platform: users' timezones and whether the bot may post in a channel. Kept as
        # given: the composition root fills it once the platforms' clients exist.
        self._places = places if places is not None else {}
        self._sql = sql
        self.config = config
        self.new_id = new_id
        # The weekly look back's series (`weekly on|off`, and its offer after an outcome).
        self.weekly = WeeklySeries(sql)
        self._on_created = on_created
        self._manage = Managing(store, self.zone, lambda: self._on_created())
        self._reminding = Reminding(
            store=store,
            sql=sql,
            config=config,
            new_id=new_id,
            on_created=lambda: self._on_created(),
            zone=self.zone,
            channel_problem=self._channel_problem,
            job_hunt_channel=self._job_hunt_channel,
        )

    def serves(self, platform: str) -> bool:
        """Whether reminders are delivered on this platform by this process."""
        return platform in self.config.platforms

    async def zone(self, key: UserKey) -> ZoneInfo:
        """The zone the user chose with `timezone`, else the platform's (a Slack profile's),
        else the default."""
        own = await self._sql.timezone(key)
        if isinstance(own, ZoneInfo):
            return own
        place = self._places.get(key.platform)
        if place is not None:
            found = zones.find_zone(await place.user_timezone(key) or "")
            if found is not None:
                return ZoneInfo(found)
        return ZoneInfo(self.config.default_timezone)

    async def _channel_problem(self, key: UserKey, channel: str, server: str | None) -> str | None:
        place = self._places.get(key.platform)
        return None if place is None else await place.check_channel(key, channel, server)

    async def handle(
        self,
        key: UserKey,
        action: Text | Press | InterviewTime | commands.EditReminder,
        *,
        now: datetime,
        pending: Pending | None = None,
    ) -> Handled:
        """Carry out one delegated event. `pending` is the user's open question, if any (a
        reminder asked back, a clear to confirm): what a press or a typed answer resolves."""
        if not self.serves(key.platform):
            return say(texts.NOT_HERE)
        if isinstance(action, InterviewTime):
            return await self._reminding.interview(key, action.conversation_id, action.text, now)
        if isinstance(action, Press):
            if action.button is not None and action.button.step == ASK_STEP:
                return await self._reminding.answer_ask(key, action.button, pending, now)
            return await self._press(key, action, now, pending)
        if isinstance(action, commands.EditReminder):
            return _handled(await self._manage.form_edit(key, action, now))
        command = commands.parse_command(action.text)
        server = action.server or key.workspace or None
        if isinstance(command, commands.Remind):
            return await self._reminding.remind(key, command, server, now)
        if isinstance(command, commands.ListReminders):
            return await self._list(key, action.channel, server, now)
        if isinstance(command, commands.CancelItem):
            return _handled(await self._manage.cancel_item(key, command.number, now))
        if isinstance(command, commands.ClearReminders):
            return _handled(await self._manage.ask_clear(key))
        if isinstance(command, commands.SnoozeItem):
            snooze = await self._manage.snooze_item(key, command.number, command.words, now)
            return _handled(snooze)
        if isinstance(command, commands.EditItem):
            return _handled(await self._manage.edit_item(key, command.number, command.words, now))
        if isinstance(command, commands.SetTimezone):
            return await self._timezone(key, command.name, now)
        if isinstance(command, commands.SetChannel):
            return await self._channel(key, command, action, server, now)
        if isinstance(command, commands.ShowStats):
            entries = await self._sql.history(key, limit=10_000)
            return Handled((messages.stats_reply(entries),))
        return say(texts.REMIND_HELP)

    async def upcoming_reply(self, key: UserKey) -> Reply:
        """The user's upcoming reminders with their buttons, for an overview such as Slack's
        App Home (missed ones stay to be shown by `reminders`)."""
        tz = await self.zone(key)
        upcoming = await self.store.upcoming(key, limit=plan.MAX_PENDING_PER_USER)
        return messages.list_reply(upcoming, (), tz, "remind in 2 hours call Sam back")

    async def edit_form(
        self, key: UserKey, occurrence_id: int, *, now: datetime | None = None
    ) -> EditForm | Reply:
        """What an Edit form (Slack's or Discord's modal) opens with: the reminder's time and
        text as they are; or, as a refused reply, why it can't be edited. Its submission comes
        back as a `commands.EditReminder` through the engine."""
        return await self._manage.edit_form(key, occurrence_id, now or utc_now())

    async def job_hunt_channel(self, platform: str, server: str | None) -> str | None:
        """The job-hunt channel of a workspace or server: chosen with `channel`, else the
        setting's default."""
        return await self._job_hunt_channel(platform, server)

    async def _job_hunt_channel(self, platform: str, server: str | None) -> str | None:
        chosen = await self.store.job_hunt_channel(platform, server) if server else None
        return chosen or self.config.job_hunt_channels.get(platform)

    # --- reminders, timezone, channel ------------------------------------------------------

    async def _list(
        self, key: UserKey, here: str | None, server: str | None, now: datetime
    ) -> Handled:
        tz = await self.zone(key)
        upcoming = await self.store.upcoming(key, limit=plan.MAX_PENDING_PER_USER)
        missed = await self.store.take_missed(key, now=now)
        done = await self._manage.done_lately(key, now)
        example = "remind in 2 hours call Sam back"
        replies = [messages.list_reply(upcoming, missed, tz, example, done)]
        if here is not None:
            # Asked in a channel: its recurring reminders too, whoever set them.
            mine = {item.reminder_id for item in upcoming}
            running = await self.store.channel_recurring(
                key.platform, key.workspace, here, limit=plan.MAX_RECURRING_PER_CHANNEL
            )
            others = [item for item in running if item.reminder_id not in mine]
            if others:
                replies.append(messages.channel_list_reply(others, tz))
        return Handled(tuple(replies))

    async def _timezone(self, key: UserKey, name: str | None, now: datetime) -> Handled:
        if name is None:
            tz = await self.zone(key)
            return say(texts.TIMEZONE_SHOW.format(zone=tz.key, now=format_when(now, tz)))
        found = zones.resolve(name)
        if isinstance(found, zones.Candidates):
            return Handled((zone_replies.zone_choices(found, now),))
        if isinstance(found, zones.Unknown):
            return Handled((zone_replies.zone_unknown(found),))
        return await self._set_zone(key, found, now)

    async def _set_zone(self, key: UserKey, found: zones.Found, now: datetime) -> Handled:
        """Make `found` the user's zone; their recurring and interview reminders keep their
        clock time in it, one-offs their moment."""
        moved = await self.store.change_zone(key, found.zone, now=now)
        if moved.recurring or moved.interview:
            self._on_created()  # due times changed: the scheduler looks again
        log.info("timezone changed on %s", key.platform)
        return Handled((zone_replies.zone_set(found, moved, now),))

    async def _channel(
        self,
        key: UserKey,
        command: commands.SetChannel,
        action: Text,
        server: str | None,
        now: datetime,
    ) -> Handled:
        if key.platform not in self.config.channel_platforms:
            return error(texts.NO_CHANNELS_HERE)
        if command.unclear_channel:
            return error(texts.UNCLEAR_CHANNEL)
        chosen = command.channel or action.channel
        if chosen is None:
            current = await self._job_hunt_channel(key.platform, server)
            if current is None:
                return say(texts.CHANNEL_ASK)
            return say(texts.CHANNEL_SHOW.format(channel=current))
        if server is None:
            return error(texts.CHANNEL_IN_SERVER)
        if not action.manage:
            return error(texts.CHANNEL_NEEDS_MANAGE)
        if problem := await self._channel_problem(key, chosen, server):
            return error(problem)
        await self.store.set_job_hunt_channel(key.platform, server, chosen, now=now)
        return say(texts.CHANNEL_SET.format(channel=chosen))

    # --- buttons ----------------------------------------------------------------------------

    def _may_manage(self, key: UserKey, owner: UserKey, channel: str | None, press: Press) -> bool:
        """The owner, or someone allowed to manage the channel's reminders, pressing in it."""
        if owner == key:
            return True
        return (
            channel is not None
            and press.manage
            and press.channel == channel
            and owner.platform == key.platform
            and owner.workspace == key.workspace
        )

    async def _press(
        self, key: UserKey, press: Press, now: datetime, pending: Pending | None = None
    ) -> Handled:
        if press.button is None:
            return refused(texts.GONE)
        scope, step, value = press.button
        if step == ZONE_STEP:
            # A zone picked from an ambiguous name's candidates: for whoever pressed.
            if not zones.is_zone(value):
                unknown = zone_replies.zone_unknown(zones.Unknown(value))
                return Handled((unknown._replace(refused=True),))
            return await self._set_zone(key, zones.Found(value), now)
        if scope == USER_SCOPE and step == "rem" and value in CLEAR_VALUES:
            return _handled(await self._manage.answer_clear(key, value, pending, now))
        if step == "occ" and scope.isdigit():
            return await self._occurrence_press(key, int(scope), value, press, now)
        found = await self.store.reminder(scope)
        if found is None:
            return refused(texts.GONE)
        owner, conversation_id, text = found.owner, found.conversation_id, found.text
        if step == "rem" and value == "stop" and found.rule:
            if not self._may_manage(key, owner, found.channel, press):
                return refused(texts.NOT_YOURS)
        elif owner != key:
            return refused(texts.NOT_YOURS)
        if step == "rem" and value in ("undo", "stop"):
            cancelled = await self.store.cancel_series(scope, now=now)
            if value == "undo":
                return say(texts.UNDONE) if cancelled else refused(texts.GONE)
            return say(texts.STOPPED_SERIES.format(text=text))
        if step == "out" and value in OUTCOMES and conversation_id is not None:
            entry = await self.store.set_outcome(key, conversation_id, value, now=now)
            if entry is None:
                return refused(texts.OUTCOME_GONE)
            log.info("interview outcome recorded on %s", key.platform)
            reply = messages.outcome_reply(value, entry)
            # The first outcome ever: the weekly look back is offered, once.
            offered = await self.weekly.offer_once(key, now=now)
            if value == "next":
                # Marked like the first "When is it?", so adapters offer the same form; that
                # question stays the last thing said, the offer just before it.
                reply = reply._replace(conversation_id=conversation_id, step_id=INTERVIEW_STEP)
                pending = Pending(PendingKind.INTERVIEW, ref=conversation_id)
                return Handled(((messages.weekly_offer(),) if offered else ()) + (reply,), pending)
            return Handled((messages.with_weekly_offer(reply) if offered else reply,))
        return refused(texts.GONE)

    async def _occurrence_press(
        self, key: UserKey, occurrence_id: int, value: str, press: Press, now: datetime
    ) -> Handled:
        found = await self.store.occurrence(occurrence_id)
        if found is None:
            return refused(texts.GONE)
        owner, item = found
        recurring_cancel = value == "cancel" and item.rule is not None
        if owner != key and not (
            recurring_cancel and self._may_manage(key, owner, item.channel, press)
        ):
            return refused(texts.NOT_YOURS)
        managed = await self._manage.occurrence_press(key, item, value, now)
        if managed is not None:
            return _handled(managed)
        shown = messages.upcoming_line(item, await self.zone(key))
        if value == "cancel":
            if item.rule:
                await self.store.cancel_series(item.reminder_id, now=now)
                return say(texts.STOPPED_SERIES.format(text=item.text))
            done = await self.store.cancel_occurrence(occurrence_id, now=now)
            return say(texts.CANCELLED_ONE.format(text=shown)) if done else refused(texts.GONE)
        return refused(texts.GONE)
