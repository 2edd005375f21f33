"""Shared fixtures: a real SQLite store in a temporary folder and a transcript harness."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakes.spec_check import describe, forget_tracked, tracked
from postgres import fresh_database

from bot.common.clock import new_conversation_id
from bot.common.events import Event, Press, Start, Text
from bot.common.replies import Kind, Reply
from bot.common.users import UserKey
from bot.engine.engine import Engine
from bot.reminders.model import Delivered, Delivery, DeliveryResult, Outgoing, Places
from bot.reminders.queue import DueQueue
from bot.reminders.scheduler import Scheduler
from bot.reminders.service import ReminderConfig, ReminderService
from bot.reminders.store import ReminderStore
from bot.storage.sql import SqlStore

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
TTL = timedelta(hours=24)


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


def run_takeorpass(
    args: list[str], stdin: str, cwd: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    """`takeorpass ARGS` as a user runs it, in `cwd`, with no platform tokens from outside."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "from adapters.cli import main; raise SystemExit(main())", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=60,
        check=False,
    )


def backends() -> list[object]:
    """SQLite always; PostgreSQL where TEST_POSTGRES_URL names one (required in CI)."""
    postgres = os.environ.get("TEST_POSTGRES_URL")
    if os.environ.get("REQUIRE_POSTGRES") and not postgres:
        raise RuntimeError("REQUIRE_POSTGRES is set (as in CI) but TEST_POSTGRES_URL is not")
    skip = pytest.mark.skipif(not postgres, reason="TEST_POSTGRES_URL is not set")
    return ["sqlite", pytest.param("postgresql", marks=skip)]


@pytest.fixture(autouse=True)
def requests_keep_to_the_specs() -> Iterator[None]:
    """Fail a test whose code sent FakeSlack or FakeDiscord a request the real platform would
    refuse by its official spec (checked after every other fixture is torn down). A test that
    sends one on purpose clears the fake's `spec_violations` once it has looked at them."""
    forget_tracked()
    yield
    violations = [v for fake in tracked() for v in fake.spec_violations]
    forget_tracked()
    if violations:
        message = "requests the real platform would refuse:\n" + describe(violations)
        pytest.fail(message, pytrace=False)


@pytest.fixture(params=backends())
def fresh_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty database on each backend in turn: a SQLite file, then a fresh PostgreSQL
    database (dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    with fresh_database() as url:
        yield url


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'takeorpass.db'}"


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[SqlStore]:
    opened = await SqlStore.open(db_url)
    yield opened
    await opened.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_engine(store: SqlStore, clock: Clock) -> Engine:
    return Engine(store=store, ttl=TTL, clock=clock)


@pytest.fixture
def engine(store: SqlStore, clock: Clock) -> Engine:
    return make_engine(store, clock)


@pytest.fixture
def alice(engine: Engine) -> Transcript:
    return Transcript(engine, UserKey("slack", "T1", "U_ALICE"))


# --- reminders -------------------------------------------------------------------------------


class RecordingDelivery:
    """A platform for reminders that records every post, and answers as a test scripts it:
    `results` is consumed one per delivery (Delivered once it runs out)."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock
        self.posts: list[tuple[datetime | None, Outgoing]] = []
        self.results: list[DeliveryResult] = []
        self.arrived = asyncio.Event()

    async def deliver(self, item: Outgoing) -> DeliveryResult:
        self.posts.append((self.clock() if self.clock else None, item))
        self.arrived.set()
        return self.results.pop(0) if self.results else Delivered()

    @property
    def keys(self) -> list[str]:
        return [item.key for _, item in self.posts]

    @property
    def texts(self) -> list[str]:
        return [item.message.text for _, item in self.posts]


class ReminderWorld:
    """The engine with reminders, a scheduler and a recording platform, on one clock."""

    def __init__(
        self,
        store: SqlStore,
        clock: Clock,
        places: dict[str, Places] | None = None,
        **config: object,
    ) -> None:
        self.clock = clock
        self.sql = store
        self.store = ReminderStore(store)
        self.delivery = RecordingDelivery(clock)
        settings = {
            "offsets": (timedelta(hours=24), timedelta(hours=1)),
            "followup": timedelta(days=1),
            "default_timezone": "America/New_York",
            "platforms": frozenset({"console", "slack", "discord"}),
        } | config
        self.service = ReminderService(
            store=self.store,
            sql=store,
            config=ReminderConfig(**settings),  # type: ignore[arg-type]
            new_id=new_conversation_id,
            places=places,
        )
        self.engine = Engine(store=store, ttl=TTL, clock=clock, reminders=self.service)
        self.scheduler = self.make_scheduler(self.delivery)

    def make_scheduler(self, delivery: Delivery, **options: object) -> Scheduler:
        settings: dict[str, object] = {
            "lease": timedelta(seconds=60),
            "grace": timedelta(hours=1),
            "max_sleep": 0.02,
        } | options
        return Scheduler(
            queue=DueQueue(self.sql),
            deliveries={"console": delivery, "slack": delivery, "discord": delivery},
            clock=self.clock,
            **settings,  # type: ignore[arg-type]
        )

    async def run_until(self, moment: datetime) -> None:
        """Move the clock to `moment` and deliver everything due by then."""
        self.clock.now = moment
        while await self.scheduler.tick():
            pass


@pytest.fixture
def world(store: SqlStore, clock: Clock) -> ReminderWorld:
    return ReminderWorld(store, clock)
