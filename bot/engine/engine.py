"""Runs the core against storage: one event at a time per user, state loaded under a lock. Each
event goes to the wing the router names; the questionnaire's effects are carried out here."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.common.clock import new_conversation_id, utc_now
from bot.common.errors import DiskFull, DuplicateDelivery, ImpossibleState, StaleWrite, StorageBusy
from bot.common.events import Event, Press, Text
from bot.common.replies import Kind, Reply
from bot.common.users import UserKey
from bot.engine.router import Wing, route, understand
from bot.engine.typed import Misread, remembered
from bot.questionnaire import texts
from bot.questionnaire.effects import (
    Context,
    ForgetUser,
    InterviewTime,
    Recall,
    RecordVerdict,
    ShowHistory,
)
from bot.questionnaire.flow import step
from bot.questionnaire.state import HistoryEntry, Pending, PendingKind, Session
from bot.questionnaire.views import history_reply
from bot.record.service import RecordService
from bot.reminders.commands import EditReminder
from bot.reminders.handling import KEEP, Keep
from bot.reminders.service import ReminderService
from bot.reminders.texts import NOT_HERE
from bot.storage import Store

log = logging.getLogger(__name__)

# A save refused because another process wrote first is retried with fresh state this often.
MAX_ATTEMPTS = 8


def _claim_id(platform: str, delivery_id: str) -> str:
    # Delivery ids can name the user (Slack's press ids do); only a digest is stored, so
    # nothing in the table of handled deliveries says whose they were.
    return hashlib.sha256(f"{platform}:{delivery_id}".encode()).hexdigest()[:40]


class _KeyLocks:
    """One asyncio lock per user key, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[UserKey, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: UserKey) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class Engine:
    """The conversation service adapters talk to: `await engine.handle(key, event)`."""

    def __init__(
        self,
        *,
        store: Store,
        ttl: timedelta,
        clock: Callable[[], datetime] = utc_now,
        new_id: Callable[[], str] = new_conversation_id,
        reminders: ReminderService | None = None,
        record: RecordService | None = None,
    ) -> None:
        self.store = store
        self.reminders = reminders
        self.record = record
        self._ttl = ttl
        self._clock = clock
        self._new_id = new_id
        self._locks = _KeyLocks()

    async def handle(
        self, key: UserKey, event: Event | EditReminder, *, delivery_id: str | None = None
    ) -> list[Reply]:
        """Apply one event for one user and return what to say.

        With `delivery_id` (the platform's id for this delivery) a repeated delivery changes
        nothing and gets no reply. The id is claimed in the same transaction as the change it
        caused, so a crash in between cannot lose the event; a repeat is found when its own
        claim is refused (replayed on the new state, it changes something or nothing, and
        either way claims).

        When the database cannot take the change, the answer says so in one line: its disk is
        full, or it stayed busy for DATABASE_TIMEOUT. A turn that only reads (help, history)
        is answered on a full disk all the same: see `_unsaved`."""
        try:
            return await self._handle(key, event, delivery_id)
        except DiskFull:  # the store has said so in the log, at most once a minute
            return [Reply(kind=Kind.ERROR, text=texts.DISK_FULL, refused=True)]
        except StorageBusy as exc:
            log.warning("a turn on %s was refused: %s", key.platform, exc)
            return [Reply(kind=Kind.ERROR, text=texts.STORAGE_BUSY, refused=True)]

    async def _handle(
        self, key: UserKey, event: Event | EditReminder, delivery_id: str | None
    ) -> list[Reply]:
        claim = _claim_id(key.platform, delivery_id) if delivery_id is not None else None
        reminders = self.reminders is not None and self.reminders.serves(key.platform)
        async with self._locks.hold(key):
            if isinstance(event, EditReminder):
                return await self._delegate(key, event, claim, self._clock())
            first_load = await self.store.load(key)
            loaded: tuple[Session | None, int] | None = first_load
            before = first_load[0] or Session()
            read = understand(event, before.shown, answering=self._answering(before))
            if isinstance(read, Misread):
                return await self._misread(key, read, claim)
            event = read
            wing = route(event)
            if isinstance(event, Text | Press) and wing is Wing.REMINDERS:
                return await self._delegate(key, event, claim, self._clock(), before)
            if isinstance(event, Text | Press) and wing is Wing.RECORD:
                return await self._delegate_record(key, event, claim, before)
            for _attempt in range(MAX_ATTEMPTS):
                stored, version = loaded if loaded is not None else await self.store.load(key)
                loaded = None
                session = stored or Session()
                now = self._clock()
                context = Context(now, self._ttl, self._new_id(), reminders=reminders)
                result = step(session, event, context)
                recall = next((e for e in result.effects if isinstance(e, Recall)), None)
                if recall is not None:
                    entry = await self.store.entry(key, recall.conversation_id)
                    if entry is None:
                        gone = Reply(kind=Kind.INFO, text=texts.HISTORY_GONE, refused=True)
                        return [gone]
                    recalled = replace(context, recalled=entry.as_conversation(now))
                    result = step(session, event, recalled)
                    if any(isinstance(e, Recall) for e in result.effects):
                        raise ImpossibleState("a step asked for history it was given")
                interview = next((e for e in result.effects if isinstance(e, InterviewTime)), None)
                if interview is not None:
                    return await self._delegate(key, interview, claim, now)
                replies = list(result.replies)
                if any(isinstance(e, ShowHistory) for e in result.effects):
                    tz = await self.store.timezone(key) or UTC
                    replies.append(history_reply(await self.store.history(key), tz=tz))
                # What typed words press next: the buttons of the last message sent.
                after = replace(result.session, shown=remembered(session.shown, replies))
                try:
                    if any(isinstance(e, ForgetUser) for e in result.effects):
                        await self.store.forget(key, claim=claim)
                        log.info("forgot a user on %s", key.platform)
                        return replies
                    record = next(
                        (e.entry for e in result.effects if isinstance(e, RecordVerdict)), None
                    )
                    if after != session or record is not None:
                        await self.store.save(
                            key, after, expected_version=version, record=record, claim=claim
                        )
                    elif claim is not None:
                        await self.store.claim(claim)
                except DiskFull:
                    if record is None and _unsaved(session, after):
                        return replies
                    raise
                except StaleWrite:
                    # Another process answered for this user first: replay on its state.
                    continue
                except DuplicateDelivery:
                    return []
                if record is not None:
                    log.info("verdict reached on %s", key.platform)
                return replies
        raise StaleWrite(f"gave up after {MAX_ATTEMPTS} conflicting writes")

    def _answering(self, session: Session) -> bool:
        """Whether typed words are awaited as an answer: a questionnaire not yet expired (its
        question or company step), or an open question other than "delete everything?"."""
        conv = session.conversation
        if conv is not None and self._clock() - conv.touched_at <= self._ttl:
            return True
        return session.pending is not None and session.pending.kind is not PendingKind.FORGET

    async def _misread(self, key: UserKey, read: Misread, claim: str | None) -> list[Reply]:
        """A mistyped or unknown command word: say so, and what it may have meant."""
        text = texts.UNKNOWN_WORD.format(word=read.word)
        if read.suggestion is not None:
            text += " " + texts.DID_YOU_MEAN_COMMAND.format(command=read.suggestion)
        replies = [Reply(kind=Kind.ERROR, text=text)]
        try:
            await self._settle(key, replies, claim=claim)
        except DuplicateDelivery:
            return []
        return replies

    async def _delegate(
        self,
        key: UserKey,
        action: Text | Press | InterviewTime | EditReminder,
        claim: str | None,
        now: datetime,
        session: Session | None = None,
    ) -> list[Reply]:
        """Reminder commands, presses, edit forms and interview times, carried out by the reminders
        wing. The delivery is claimed first: a repeat must never create a second reminder, and
        if the service fails the user is told and can simply ask again. `session`: the user's
        state as just loaded, if it was."""
        if self.reminders is None:
            return await self._not_here(key)
        if not await self._claim_first(claim):
            return []
        if session is None:
            session = (await self.store.load(key))[0] or Session()
        pending = session.pending
        handled = await self.reminders.handle(key, action, now=now, pending=pending)
        await self._settle(key, handled.replies, pending=handled.pending)
        return list(handled.replies)

    async def _delegate_record(
        self, key: UserKey, action: Text | Press, claim: str | None, session: Session
    ) -> list[Reply]:
        """`export` and `weekly …`, carried out by the record's service; the delivery is claimed
        first, as for reminders, so a repeated delivery never sends a second export."""
        if self.record is None:
            return await self._not_here(key)
        if not await self._claim_first(claim):
            return []
        handled = await self.record.handle(key, action, now=self._clock(), pending=session.pending)
        await self._settle(key, handled.replies, pending=handled.pending)
        return list(handled.replies)

    async def _not_here(self, key: UserKey) -> list[Reply]:
        """A wing this process does not run (an engine built without it)."""
        replies = [Reply(kind=Kind.INFO, text=NOT_HERE)]
        await self._settle(key, replies)
        return replies

    async def _claim_first(self, claim: str | None) -> bool:
        """Claim a delivery before a wing acts on it; False when it was claimed before (a
        repeat, which must change nothing and get no reply)."""
        if claim is None:
            return True
        try:
            await self.store.claim(claim)
        except DuplicateDelivery:
            return False
        except DiskFull:
            # Unclaimed, a read is answered; a change fails on the same full disk.
            pass
        return True

    async def _settle(
        self,
        key: UserKey,
        replies: Sequence[Reply],
        *,
        pending: Pending | Keep | None = KEEP,
        claim: str | None = None,
    ) -> None:
        """Keep what the replies leave open outside the questionnaire: the open question
        (unless KEEP) and the buttons typed words press next. Saved only when either changed
        (with `claim`, the delivery is claimed either way)."""
        for _attempt in range(MAX_ATTEMPTS):
            stored, version = await self.store.load(key)
            session = stored or Session()
            after = replace(session, shown=remembered(session.shown, replies))
            if not isinstance(pending, Keep):
                after = replace(after, pending=pending)
            try:
                if after != session:
                    await self.store.save(key, after, expected_version=version, claim=claim)
                elif claim is not None:
                    await self.store.claim(claim)
                return
            except DiskFull:
                if _unsaved(session, after):
                    return
                raise
            except StaleWrite:
                continue
        raise StaleWrite(f"gave up after {MAX_ATTEMPTS} conflicting writes")

    async def history(self, key: UserKey, *, limit: int = 20) -> list[HistoryEntry]:
        """The user's finished questionnaires, newest first (for App Home and the like)."""
        return await self.store.history(key, limit=limit)


def _unsaved(before: Session, after: Session) -> bool:
    """Whether a turn may be answered although its save was refused for want of disk space: it
    changed nothing but what typed words press next and when the questionnaire was last
    touched (help, why), besides the claim of its delivery, whose loss can at worst answer a
    repeated read twice. Until the disk has room, typed numbers then press the buttons of the
    message before, and any change they ask for meets the same full disk and is refused."""
    kept = replace(after, shown=before.shown)
    if before.conversation is not None and kept.conversation is not None:
        touched = before.conversation.touched_at
        kept = replace(kept, conversation=replace(kept.conversation, touched_at=touched))
    return kept == before
