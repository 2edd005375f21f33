"""Shared fixtures: a real SQLite store in a temporary folder, the engine on a hand-moved clock,
alice's transcript and the reminders world (their classes live in tests/support/)."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from fakes.spec_check import describe, forget_tracked, tracked
from sqlalchemy.engine import make_url
from support.harness import ALICE, Clock, Transcript, make_engine
from support.postgres import backends, fresh_database
from support.reminders import ReminderWorld

from bot.engine.engine import Engine
from bot.storage.sql import SqlStore


def pytest_configure(config: pytest.Config) -> None:
    """Run in parallel (pytest-xdist), each worker gets a PostgreSQL database of its own, so
    the tests that share TEST_POSTGRES_URL's database never meet another worker's rows."""
    if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("TEST_POSTGRES_URL"):
        own = ExitStack()
        os.environ["TEST_POSTGRES_URL"] = own.enter_context(fresh_database())
        config.add_cleanup(own.close)


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
    database (dropped afterwards). For a test that also takes the `store` fixture, which would
    bring it to the newest schema before the test begins, the PostgreSQL one is made a copy of
    `migrated_postgres` instead (as the SQLite file is made a copy of `migrated_sqlite`)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    at_head = (
        request.getfixturevalue("migrated_postgres") if "store" in request.fixturenames else None
    )
    with fresh_database(copy_of=at_head) as url:
        yield url


@pytest.fixture(scope="session")
def migrated_postgres() -> Iterator[str]:
    """A PostgreSQL database that SqlStore.open brought to the newest schema, made once per
    worker, with nobody connected to it; CREATE DATABASE ... TEMPLATE copies it in about half
    the time the migrations take."""

    async def migrate(url: str) -> None:
        await (await SqlStore.open(url)).close()

    with fresh_database() as url:
        asyncio.run(migrate(url))
        yield url


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'takeorpass.db'}"


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file that SqlStore.open brought to the newest schema, made once per worker."""
    path = tmp_path_factory.mktemp("migrated") / "takeorpass.db"

    async def migrate() -> None:
        await (await SqlStore.open(f"sqlite:///{path}")).close()

    asyncio.run(migrate())
    return path


def _start_as_copy(db_url: str, migrated: Path) -> None:
    """Copy `migrated` to the SQLite file `db_url` names, unless that is there already."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        if not path.exists():
            shutil.copyfile(migrated, path)


@pytest.fixture
async def store(db_url: str, migrated_sqlite: Path) -> AsyncIterator[SqlStore]:
    """The store on `db_url`, opened as the bot opens it. A SQLite file not there yet starts as
    a copy of `migrated_sqlite`, saving each test Alembic's run (about 70 ms); the migrations
    themselves are tested from empty databases in tests/storage and tests/instances."""
    _start_as_copy(db_url, migrated_sqlite)
    opened = await SqlStore.open(db_url)
    yield opened
    await opened.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(store: SqlStore, clock: Clock) -> Engine:
    return make_engine(store, clock)


@pytest.fixture
def alice(engine: Engine) -> Transcript:
    return Transcript(engine, ALICE)


# --- reminders -------------------------------------------------------------------------------


@pytest.fixture
def world(store: SqlStore, clock: Clock) -> ReminderWorld:
    return ReminderWorld(store, clock)
