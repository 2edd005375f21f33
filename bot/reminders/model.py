"""The reminder model: kinds, statuses, what a claimed post carries, and the delivery protocol."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple, Protocol

from bot.common.replies import Reply
from bot.common.users import UserKey


class ReminderKind(StrEnum):
    """What the user made: an interview's reminders, a one-off, or a recurring series."""

    INTERVIEW = "interview"
    ONCE = "once"
    RECURRING = "recurring"
    # The user's weekly look back (`weekly on`): a recurring series whose post is composed
    # at its time by a `Composer`, not a text stored with it.
    WEEKLY = "weekly"


class Role(StrEnum):
    """What one occurrence is for."""

    ONCE = "once"
    REPEAT = "repeat"
    # An interview's reminder ahead of it, and the "how did it go?" after it.
    BEFORE = "before"
    FOLLOWUP = "followup"


class Status(StrEnum):
    """Where an occurrence is in its life."""

    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    LATE = "late"
    MISSED = "missed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    # Delivered, and the owner pressed Done: nothing more about it, listed as done.
    DONE = "done"
    # Its time came and its composer had nothing to say (a weekly look back of an empty
    # week): nothing posted, and the series goes on.
    SKIPPED = "skipped"


@dataclass(frozen=True)
class NewReminder:
    """A reminder to store, with the times of its first occurrences."""

    id: str
    owner: UserKey
    channel: str | None
    text: str
    kind: ReminderKind
    timezone: str
    occurrences: tuple[tuple[Role, datetime], ...]
    rule: str | None = None
    notes: tuple[str, ...] = ()
    conversation_id: str | None = None
    event_at: datetime | None = None


@dataclass(frozen=True)
class Due:
    """A claimed occurrence with everything its post needs."""

    occurrence_id: int
    reminder_id: str
    owner: UserKey
    channel: str | None
    text: str
    notes: tuple[str, ...]
    role: Role
    rule: str | None
    timezone: str
    conversation_id: str | None
    event_at: datetime | None
    due_at: datetime
    # Counts this claim: it is also the claim's token, so a result recorded after another
    # scheduler took the occurrence over (its lease ran out) is refused.
    attempts: int
    delivery_key: str
    # Put back by the platform's pace (Deferred) before: its lateness is the queue's, not
    # downtime's, so it is not marked late.
    paced: bool = False
    # The kind of reminder it belongs to: a kind with a composer has its post written then.
    kind: ReminderKind = ReminderKind.ONCE


@dataclass(frozen=True)
class Upcoming:
    """An occurrence as `reminders` lists it."""

    occurrence_id: int
    reminder_id: str
    role: Role
    text: str
    channel: str | None
    due_at: datetime
    rule: str | None
    event_at: datetime | None
    kind: ReminderKind = ReminderKind.ONCE


class Destination(NamedTuple):
    """Where a post goes: the owner's DM (`channel` None) or a channel of their workspace."""

    owner: UserKey
    channel: str | None


class Outgoing(NamedTuple):
    """One post for a platform to deliver. `key` is unique per occurrence: a platform that can
    refuse a repeat (Discord's nonce) should pass it on. `tried_since` is set on a retry: an
    earlier attempt, made no sooner than then, may have been carried out though its answer
    never came (no answer in time, or the process stopped mid-post); a platform that can look
    for its own post should, before posting again."""

    destination: Destination
    message: Reply
    key: str
    tried_since: datetime | None = None


@dataclass(frozen=True)
class Delivered:
    """Posted."""


@dataclass(frozen=True)
class RetryLater:
    """Not posted this time; try again after `after` (a 429's Retry-After) or a backoff."""

    reason: str
    after: timedelta | None = None


@dataclass(frozen=True)
class Deferred:
    """Not tried: the platform's pace (one post a second to a Slack channel) leaves no room
    before `after`. Unlike a retry this is no attempt, so it never counts towards giving up."""

    after: timedelta


@dataclass(frozen=True)
class Undeliverable:
    """Never going to work (channel gone, not a member, DMs closed): record it and tell."""

    reason: str


DeliveryResult = Delivered | RetryLater | Deferred | Undeliverable


class Delivery(Protocol):
    """What a platform implements so the scheduler can post reminders through it."""

    async def deliver(self, item: Outgoing) -> DeliveryResult:
        """Post one reminder and say how it went; never raise for a platform's refusal."""
        ...


class Composer(Protocol):
    """Writes the post of an occurrence whose kind has no stored text (the weekly look back),
    at its time. Given to the scheduler by kind; it lives above the reminders floor."""

    async def compose(self, due: Due, now: datetime) -> Reply | None:
        """The post for `due`, or None when there is nothing to say: then nothing is posted,
        the occurrence is recorded as skipped and the series goes on."""
        ...


class Access(StrEnum):
    """What a platform says, at a delivery, about a reminder's owner and its channel."""

    # The owner may still have posts made there (a member; may view and send).
    ALLOWED = "allowed"
    # The owner no longer may: left the channel or the server, or lost the permission.
    DENIED = "denied"
    # The channel itself can't take the bot's posts (gone, the bot removed): not the owner's
    # doing, and the post itself fails and says why.
    UNREACHABLE = "unreachable"
    # The platform could not be asked just now.
    UNKNOWN = "unknown"


class Places(Protocol):
    """What a platform tells the reminder service (and the scheduler) about its users and
    channels."""

    async def user_timezone(self, key: UserKey) -> str | None:
        """The IANA zone the platform knows for the user (Slack's profile), or None."""
        ...

    async def check_channel(self, key: UserKey, channel: str, server: str | None) -> str | None:
        """None if the user of `key` may have reminders posted in `channel`, from where they
        asked (`server`: the workspace or server, None from a Discord DM): the user may post
        there themselves (a member on Slack; may view and send on Discord) and so may the bot.
        Else one line saying what to do (join it, invite the app, grant a permission, run it in
        the server)."""
        ...

    async def may_post(self, owner: UserKey, channel: str) -> Access:
        """Whether `owner` may still have posts made in `channel`: asked again at each delivery
        of a recurring channel reminder, since people leave channels and lose permissions."""
        ...
