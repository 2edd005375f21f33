"""One contract for every storage backend: SQLite always, PostgreSQL where a server is given.

Set TEST_POSTGRES_URL (postgresql://user:pass@host/db) to run the same tests on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from support.harness import ALICE
from support.postgres import backends

from bot.common.errors import DuplicateDelivery, StaleWrite
from bot.common.users import UserKey
from bot.questionnaire.state import Conversation, HistoryEntry, Session, Stage
from bot.storage.connect import SCHEMA_HEAD
from bot.storage.sql import SqlStore

BOB = UserKey("discord", "", "42")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture(params=backends())
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqlStore]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'contract.db'}"
    else:
        url = os.environ["TEST_POSTGRES_URL"]
    store = await SqlStore.open(url)
    await _wipe(store)
    yield store
    await _wipe(store)
    await store.close()


async def _wipe(store: SqlStore) -> None:
    for key in (ALICE, BOB):
        await store.forget(key)


def _session(answers: tuple[tuple[str, str], ...] = ()) -> Session:
    return Session(Conversation("conv1", Stage.QUESTIONS, NOW, NOW, answers, "Acme", "Analyst"))


def _entry(conversation_id: str, finished_at: datetime, verdict: str = "TAKE IT") -> HistoryEntry:
    return HistoryEntry(conversation_id, {"certainty": "maybe"}, verdict, 3, finished_at, "Acme")


async def test_missing_session_loads_as_none_version_zero(backend):
    assert await backend.load(ALICE) == (None, 0)


async def test_saved_session_round_trips_with_a_new_version(backend):
    session = _session((("certainty", "maybe"),))
    assert await backend.save(ALICE, session, expected_version=0) == 1
    assert await backend.load(ALICE) == (session, 1)
    assert await backend.save(ALICE, Session(), expected_version=1) == 2
    assert await backend.load(ALICE) == (Session(), 2)


async def test_a_stale_write_is_refused_and_changes_nothing(backend):
    await backend.save(ALICE, _session(), expected_version=0)
    with pytest.raises(StaleWrite):
        await backend.save(ALICE, Session(), expected_version=0)
    with pytest.raises(StaleWrite):
        await backend.save(ALICE, Session(), expected_version=5, record=_entry("x", NOW))
    assert await backend.load(ALICE) == (_session(), 1)
    assert await backend.history(ALICE) == []


async def test_concurrent_first_writes_let_exactly_one_win(backend):
    results = await asyncio.gather(
        *(backend.save(ALICE, _session(), expected_version=0) for _ in range(10)),
        return_exceptions=True,
    )
    assert sum(1 for r in results if r == 1) == 1
    assert all(isinstance(r, StaleWrite) for r in results if r != 1)


async def test_history_is_written_with_the_session_and_listed_newest_first(backend):
    version = await backend.save(ALICE, _session(), expected_version=0)
    for day in range(3):
        version = await backend.save(
            ALICE,
            Session(),
            expected_version=version,
            record=_entry(f"c{day}", NOW + timedelta(days=day)),
        )
    entries = await backend.history(ALICE)
    assert [e.conversation_id for e in entries] == ["c2", "c1", "c0"]
    assert entries[0].finished_at == NOW + timedelta(days=2)
    assert entries[0].answers == {"certainty": "maybe"} and entries[0].company == "Acme"
    assert [e.conversation_id for e in await backend.history(ALICE, limit=2)] == ["c2", "c1"]
    assert await backend.history(BOB) == []


async def test_timezone_is_remembered_and_replaced(backend):
    assert await backend.timezone(ALICE) is None
    await backend.set_timezone(ALICE, "Europe/Berlin")
    await backend.set_timezone(ALICE, "America/New_York")
    assert str(await backend.timezone(ALICE)) == "America/New_York"
    with pytest.raises(ValueError):
        await backend.set_timezone(ALICE, "Mars/Olympus")


async def test_forget_deletes_one_user_and_no_one_else(backend):
    for key in (ALICE, BOB):
        await backend.save(key, _session(), expected_version=0)
        await backend.save(key, Session(), expected_version=1, record=_entry("c", NOW))
        await backend.set_timezone(key, "Europe/Berlin")
    await backend.forget(ALICE)
    assert await backend.load(ALICE) == (None, 0)
    assert await backend.history(ALICE) == []
    assert await backend.timezone(ALICE) is None
    assert len(await backend.history(BOB)) == 1
    assert (await backend.load(BOB))[1] == 2


async def test_a_delivery_is_claimed_once_with_the_change_it_caused(backend):
    first = f"slack:{uuid.uuid4()}"  # the PostgreSQL database outlives test runs
    await backend.save(ALICE, _session(), expected_version=0, claim=first)
    with pytest.raises(DuplicateDelivery):
        await backend.save(
            ALICE, Session(), expected_version=1, record=_entry("c", NOW), claim=first
        )
    # The refused save wrote nothing: not the session, not the history.
    assert await backend.load(ALICE) == (_session(), 1)
    assert await backend.history(ALICE) == []
    with pytest.raises(DuplicateDelivery):
        await backend.forget(ALICE, claim=first)
    assert (await backend.load(ALICE))[1] == 1
    await backend.forget(ALICE, claim=f"slack:{uuid.uuid4()}")
    assert await backend.load(ALICE) == (None, 0)


async def test_a_delivery_claimed_on_its_own_is_refused_again(backend):
    event = f"discord:{uuid.uuid4()}"
    await backend.claim(event)
    with pytest.raises(DuplicateDelivery):
        await backend.claim(event)
    with pytest.raises(DuplicateDelivery):
        await backend.save(ALICE, _session(), expected_version=0, claim=event)
    assert await backend.load(ALICE) == (None, 0)


async def test_migrating_again_is_harmless(backend):
    await backend.migrate()
    await backend.save(ALICE, _session(), expected_version=0)
    await backend.migrate()
    assert (await backend.load(ALICE))[1] == 1


def test_schema_head_matches_the_newest_migration():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from bot.storage.connect import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_HEAD
