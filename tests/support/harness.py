"""The core harness: a clock the test moves by hand, the engine on a real store, and a transcript
of one user's conversation; and the moments and users the tests share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.common.events import Event, Press, Start, Text
from bot.common.replies import Kind, Reply
from bot.common.users import UserKey
from bot.engine.engine import Engine
from bot.storage.sql import SqlStore

# A Thursday, 09:00 UTC: 10:00 for Alice, whose Slack profile says Europe/Berlin.
T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
TTL = timedelta(hours=24)

ALICE = UserKey("slack", "T1", "U_ALICE")
BOB = UserKey("slack", "T1", "U_BOB")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


class Transcript:
    """Drives the engine as one user and keeps what the bot said, like a chat log."""

    def __init__(self, engine: Engine, key: UserKey) -> None:
        self.engine = engine
        self.key = key
        self.said: list[Reply] = []

    async def send(self, event: Event) -> list[Reply]:
        replies = await self.engine.handle(self.key, event)
        self.said.extend(replies)
        return replies

    async def start(self, company: str | None = None, *, ask: bool = True) -> Reply:
        return (await self.send(Start(company, ask_company=ask)))[-1]

    async def say(self, text: str) -> Reply:
        return (await self.send(Text(text)))[-1]

    async def press(self, button_id: str) -> Reply:
        return (await self.send(Press(button_id)))[-1]

    @property
    def last(self) -> Reply:
        return self.said[-1]

    def question(self) -> Reply:
        """The most recent question asked."""
        return next(r for r in reversed(self.said) if r.kind is Kind.QUESTION)

    async def answer_all(self, *numbers: int) -> Reply:
        """Answer the remaining questions by pressing the numbered choice buttons."""
        reply = self.question()
        for n in numbers:
            reply = await self.press(reply.choices[n - 1].id)
        return reply


def make_engine(store: SqlStore, clock: Clock) -> Engine:
    return Engine(store=store, ttl=TTL, clock=clock)
