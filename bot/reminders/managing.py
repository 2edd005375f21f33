"""Managing reminders, carried out: list positions, delete, clear (asked first), edit (typed or
by form), done and the snooze choices. The service hands these over; the decisions are in
manage.py (pure), the words in texts.py and messages.py."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot.common.buttons import USER_SCOPE, button_id
from bot.common.replies import Button, ButtonRole, Kind, Reply
from bot.common.text import clean_text
from bot.common.users import UserKey
from bot.questionnaire.state import Pending, PendingKind
from bot.reminders import messages, plan, texts
from bot.reminders.commands import EditReminder
from bot.reminders.manage import (
    SNOOZE_CHOICES,
    SNOOZE_VALUES,
    NewText,
    NewTime,
    Unreadable,
    edit_prefill,
    read_edit,
    snooze_choice,
    snooze_until,
)
from bot.reminders.model import ReminderKind, Role, Upcoming
from bot.reminders.recurrence import describe_rule
from bot.reminders.store import ReminderStore
from bot.reminders.timewords import WhenError, format_when
from bot.reminders.when import parse_when

log = logging.getLogger(__name__)

# How long a reminder marked done stays in the `reminders` list's "Done recently".
DONE_SHOWN_FOR = timedelta(days=7)
DONE_SHOWN = 5
# `tp:-:rem:clear` and `tp:-:rem:keep`: the answers to "Cancel all your reminders?".
CLEAR_VALUES = frozenset({"clear", "keep"})


class Outcome(NamedTuple):
    """What to say; `close` True when the user's open question is answered (set to None)."""

    replies: tuple[Reply, ...]
    pending: Pending | None = None
    close: bool = False


@dataclass(frozen=True)
class EditForm:
    """What an edit form opens with: the occurrence, and its time and text as they are."""

    occurrence_id: int
    when: str
    text: str


def _say(text: str, kind: Kind = Kind.INFO) -> Outcome:
    return Outcome((Reply(kind=kind, text=text),))


def _error(text: str) -> Outcome:
    return Outcome((Reply(kind=Kind.ERROR, text=text),))


def _refused(text: str) -> Outcome:
    return Outcome((Reply(kind=Kind.ERROR, text=text, refused=True),))


def clear_buttons() -> tuple[Button, ...]:
    """Confirm and keep, for `reminders clear`."""
    return (
        Button(button_id(USER_SCOPE, "rem", "clear"), texts.CLEAR_CONFIRM, ButtonRole.ACTION, True),
        Button(button_id(USER_SCOPE, "rem", "keep"), texts.CLEAR_KEEP, ButtonRole.ACTION),
    )


class Managing:
    """The managing half of the reminder service, on its store and its user's zone."""

    def __init__(
        self,
        store: ReminderStore,
        zone: Callable[[UserKey], Awaitable[ZoneInfo]],
        on_changed: Callable[[], None],
    ) -> None:
        self._store = store
        self._zone = zone
        self._on_changed = on_changed

    # --- the list ---------------------------------------------------------------------------

    async def listed(self, key: UserKey) -> list[Upcoming]:
        """The user's upcoming reminders in the order `reminders` numbers them."""
        return await self._store.upcoming(key, limit=plan.MAX_PENDING_PER_USER)

    async def done_lately(self, key: UserKey, now: datetime) -> list[Upcoming]:
        """What the user marked done in the last week, for the list's "Done recently"."""
        return await self._store.edits.recently_done(
            key, since=now - DONE_SHOWN_FOR, limit=DONE_SHOWN
        )

    async def _item(self, key: UserKey, number: int) -> Upcoming | Outcome:
        items = await self.listed(key)
        if not items:
            return _error(texts.NO_ITEMS)
        if not 1 <= number <= len(items):
            return _error(texts.NO_SUCH_ITEM.format(number=number, count=len(items)))
        return items[number - 1]

    async def _number(self, key: UserKey, occurrence_id: int) -> int | None:
        for number, item in enumerate(await self.listed(key), start=1):
            if item.occurrence_id == occurrence_id:
                return number
        return None

    # --- delete and clear -------------------------------------------------------------------

    async def cancel_item(self, key: UserKey, number: int, now: datetime) -> Outcome:
        """`remind delete 2`: as the Cancel (or Stop) button of item 2 does."""
        item = await self._item(key, number)
        if isinstance(item, Outcome):
            return item
        if item.rule:
            await self._store.cancel_series(item.reminder_id, now=now)
            return _say(texts.STOPPED_SERIES.format(text=item.text))
        shown = messages.upcoming_line(item, await self._zone(key))
        if not await self._store.cancel_occurrence(item.occurrence_id, now=now):
            return _refused(texts.GONE)
        return _say(texts.CANCELLED_ONE.format(text=shown))

    async def ask_clear(self, key: UserKey) -> Outcome:
        """`reminders clear`: asked first, with confirm and keep; the question stays open."""
        count = await self._store.count_active(key)
        if count == 0:
            return Outcome((Reply(kind=Kind.INFO, text=texts.CLEAR_NOTHING),), close=True)
        reply = Reply(
            kind=Kind.INFO, text=texts.CLEAR_ASK.format(count=count), buttons=clear_buttons()
        )
        return Outcome((reply,), Pending(PendingKind.CLEAR_REMINDERS))

    async def answer_clear(
        self, key: UserKey, value: str, pending: Pending | None, now: datetime
    ) -> Outcome:
        """Confirm or keep, honoured only while the question is open (a press on an old one
        clears nothing)."""
        if pending is None or pending.kind is not PendingKind.CLEAR_REMINDERS:
            return _refused(texts.CLEAR_STALE)
        if value == "keep":
            return Outcome((Reply(kind=Kind.INFO, text=texts.CLEAR_KEPT),), close=True)
        count = await self._store.edits.cancel_all(key, now=now)
        log.info("cleared reminders on %s", key.platform)
        text = texts.CLEARED.format(count=count, s="" if count == 1 else "s")
        return Outcome((Reply(kind=Kind.INFO, text=text),), close=True)

    async def snooze_item(self, key: UserKey, number: int, words: str, now: datetime) -> Outcome:
        """`snooze 2 1 hour`: as item 2's Snooze and then that choice; with no choice named,
        the choices to pick from."""
        item = await self._item(key, number)
        if isinstance(item, Outcome):
            return item
        value = snooze_choice(words) if words else "snooze"
        if value is None:
            choices = ", ".join(c.label.removeprefix("Snooze ") for c in SNOOZE_CHOICES)
            return _error(texts.SNOOZE_UNKNOWN.format(words=words[:40], choices=choices))
        done = await self.occurrence_press(key, item, value, now)
        return done if done is not None else _refused(texts.GONE)

    # --- presses on one occurrence ----------------------------------------------------------

    async def occurrence_press(
        self, key: UserKey, item: Upcoming, value: str, now: datetime
    ) -> Outcome | None:
        """Done, Edit, Snooze (the choices) and each snooze choice, by the owner; None for a
        value that is none of these."""
        tz = await self._zone(key)
        if item.kind is ReminderKind.WEEKLY and value != "cancel":
            return _refused(texts.WEEKLY_FIXED)
        if value == "done":
            marked = await self._store.edits.mark_done(item.occurrence_id, now=now)
            if marked is None:
                return _refused(texts.GONE)
            if not marked:
                return _refused(texts.ALREADY_DONE)
            log.info("reminder marked done on %s", key.platform)
            if item.rule and item.role is Role.REPEAT:
                rule = describe_rule(item.rule)
                return _say(texts.MARKED_DONE_REPEAT.format(text=item.text, rule=rule))
            return _say(texts.MARKED_DONE.format(text=item.text))
        if value == "snooze":
            return Outcome((messages.snooze_reply(item, tz),))
        if value == "edit":
            return await self._ask_edit(key, item, tz)
        if value in SNOOZE_VALUES:
            at = await self._store.edits.snooze_to(
                item.occurrence_id,
                pending_at=snooze_until(value, base=item.due_at, tz=tz),
                posted_at=snooze_until(value, base=now, tz=tz),
            )
            if at is None:
                return _refused(texts.GONE)
            self._on_changed()
            shown = item.text or messages.upcoming_line(item, tz)
            return _say(texts.SNOOZED.format(when=format_when(at, tz), text=shown))
        return None

    # --- edit -------------------------------------------------------------------------------

    async def _ask_edit(self, key: UserKey, item: Upcoming, tz: ZoneInfo) -> Outcome:
        """Edit pressed where no form opens it: how to type the change."""
        if item.role in (Role.BEFORE, Role.FOLLOWUP):
            return _error(texts.EDIT_INTERVIEW)
        number = await self._number(key, item.occurrence_id)
        text = texts.EDIT_ASK.format(
            text=item.text, when=format_when(item.due_at, tz), number=number or "N"
        )
        return _say(text)

    async def edit_item(self, key: UserKey, number: int, words: str, now: datetime) -> Outcome:
        """`edit 2 <new time or new text>`."""
        item = await self._item(key, number)
        if isinstance(item, Outcome):
            return item
        if item.kind is ReminderKind.WEEKLY:
            return _error(texts.WEEKLY_FIXED)
        tz = await self._zone(key)
        if not words:
            return await self._ask_edit(key, item, tz)
        return await self._apply(key, item, words=words, now=now, tz=tz)

    async def edit_form(self, key: UserKey, occurrence_id: int, now: datetime) -> EditForm | Reply:
        """What the edit form opens with, or why it can't open (gone, not yours, an
        interview's)."""
        found = await self._store.occurrence(occurrence_id)
        if found is None:
            return Reply(kind=Kind.ERROR, text=texts.GONE, refused=True)
        owner, item = found
        if owner != key:
            return Reply(kind=Kind.ERROR, text=texts.NOT_YOURS, refused=True)
        if await self._number(key, occurrence_id) is None:  # posted or cancelled since
            return Reply(kind=Kind.ERROR, text=texts.GONE, refused=True)
        if item.role in (Role.BEFORE, Role.FOLLOWUP):
            return Reply(kind=Kind.ERROR, text=texts.EDIT_INTERVIEW, refused=True)
        if item.kind is ReminderKind.WEEKLY:
            return Reply(kind=Kind.ERROR, text=texts.WEEKLY_FIXED, refused=True)
        tz = await self._zone(key)
        return EditForm(occurrence_id, self._prefill(item, tz, now), item.text)

    @staticmethod
    def _prefill(item: Upcoming, tz: ZoneInfo, now: datetime) -> str:
        if item.rule and item.role is Role.REPEAT:
            return describe_rule(item.rule)
        return edit_prefill(item.due_at, tz, now)

    async def form_edit(self, key: UserKey, edit: EditReminder, now: datetime) -> Outcome:
        """An edit from a form: the console's typed line, or a modal's two fields."""
        found = await self._store.occurrence(edit.occurrence_id)
        if found is None:
            return _refused(texts.GONE)
        owner, item = found
        if owner != key:
            return _refused(texts.NOT_YOURS)
        if item.role in (Role.BEFORE, Role.FOLLOWUP):
            return _error(texts.EDIT_INTERVIEW)
        if item.kind is ReminderKind.WEEKLY:
            return _error(texts.WEEKLY_FIXED)
        tz = await self._zone(key)
        if edit.typed is not None:
            if not edit.typed.strip():
                return _say(texts.EDIT_UNCHANGED.format(text=item.text, when=self._when(item, tz)))
            return await self._apply(key, item, words=edit.typed, now=now, tz=tz)
        when = (edit.when or "").strip()
        text = clean_text(edit.text or "")
        if not when or not text:
            typed = (edit.text or "").strip()
            return _error(texts.NOTHING_TO_POST if when and typed else texts.EDIT_FORM_EMPTY)
        new_when = None if when == self._prefill(item, tz, now) else when
        new_text = None if text == item.text else text
        return await self._apply(key, item, when=new_when, text=new_text, now=now, tz=tz)

    @staticmethod
    def _when(item: Upcoming, tz: ZoneInfo) -> str:
        return format_when(item.due_at, tz)

    async def _apply(
        self,
        key: UserKey,
        item: Upcoming,
        *,
        now: datetime,
        tz: ZoneInfo,
        words: str | None = None,
        when: str | None = None,
        text: str | None = None,
    ) -> Outcome:
        """Change the time and/or the text. `words` (typed) is read as one or the other; `when`
        must read fully as a time. Nothing is stored if any part is refused."""
        if item.role in (Role.BEFORE, Role.FOLLOWUP):
            return _error(texts.EDIT_INTERVIEW)
        new_time = None
        if words is not None:
            if not (words := clean_text(words)):
                return _error(texts.NOTHING_TO_POST)
            reading = read_edit(words, now=now, tz=tz)
            if isinstance(reading, Unreadable):
                return _error(reading.reason)
            if isinstance(reading, NewTime):
                new_time = reading.when
            elif isinstance(reading, NewText):
                text = clean_text(reading.text)
                if not text:
                    return _error(texts.NOTHING_TO_POST)
        elif when is not None:
            try:
                new_time = parse_when(when, now=now, tz=tz)
            except WhenError as exc:
                return _error(str(exc))
        if text is not None:
            if not text:
                return _error(texts.EDIT_HELP)
            if len(text) > plan.MAX_TEXT:
                return _error(texts.TOO_LONG.format(length=len(text), limit=plan.MAX_TEXT))
        shown_text = text if text is not None else item.text
        at = item.due_at
        if new_time is not None:
            moved = await self._store.edits.reschedule(
                item.occurrence_id, at=new_time.at, rule=new_time.rule
            )
            if moved is None:
                return _refused(texts.GONE)
            at = moved
            self._on_changed()
        if text is not None and text != item.text:
            if not await self._store.edits.edit_text(item.reminder_id, text):
                return _refused(texts.GONE)
        log.info("reminder edited on %s", key.platform)
        when_shown = format_when(at, tz)
        if new_time is not None and new_time.rule is not None:
            rule = describe_rule(new_time.rule)
            return _say(texts.EDITED_RULE.format(rule=rule, when=when_shown, text=shown_text))
        if new_time is not None:
            return _say(texts.EDITED_TIME.format(when=when_shown, text=shown_text))
        if text is not None and text != item.text:
            return _say(texts.EDITED_TEXT.format(text=shown_text, when=when_shown))
        return _say(texts.EDIT_UNCHANGED.format(text=item.text, when=when_shown))
