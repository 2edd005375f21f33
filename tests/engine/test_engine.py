"""The engine: per-user serialisation, refused stale writes, resumes and private logs."""

from __future__ import annotations

import asyncio
import io
import logging
import sqlite3

import pytest
from support.harness import Clock, Transcript, make_engine

from adapters.console import FAILED, Console
from bot.common.errors import StaleWrite, StorageError
from bot.common.events import Press, Text
from bot.common.replies import Kind
from bot.common.users import UserKey
from bot.questionnaire import texts
from bot.storage.sql import SqlStore

KEY = UserKey("discord", "", "1001")


async def _fifty_presses_per_question(engines, key: UserKey) -> list[list]:
    """Press the last choice of each question 50 times at once, spread over the engines (the
    first choice of the first question, "no way", would end the questionnaire at once)."""
    outcomes = []
    reply = (await engines[0].handle(key, Text("Acme")))[-1]
    while reply.kind is Kind.QUESTION:
        button = reply.choices[-1].id
        results = await asyncio.gather(
            *(engines[i % len(engines)].handle(key, Press(button)) for i in range(50))
        )
        outcomes.append(results)
        advanced = [r[-1] for r in results if r[-1].text != texts.STALE]
        assert len(advanced) == 1, [r[-1].text for r in results]
        reply = advanced[0]
    assert reply.kind is Kind.VERDICT
    return outcomes


async def test_fifty_concurrent_answers_apply_exactly_one_per_question(engine, store):
    outcomes = await _fifty_presses_per_question([engine], KEY)
    assert len(outcomes) == 7
    for results in outcomes:
        assert sum(1 for r in results if r[-1].text == texts.STALE) == 49
    history = await store.history(KEY)
    assert len(history) == 1
    assert history[0].answers == {
        "certainty": "maybe",
        "insight": "paper",
        "rust": "new",
        "dream": "no",
        "interviewer": "unknown",
        "pending": "no",
        "cost": "free",
    }


class InterleavingStore(SqlStore):
    """A real SQLite store that yields to the event loop after each load, so that two engines
    interleave between load and save the way two processes would; it counts refused saves."""

    refused = 0

    async def load(self, key):
        loaded = await super().load(key)
        await asyncio.sleep(0)
        return loaded

    async def save(self, key, session, **kwargs):
        try:
            return await super().save(key, session, **kwargs)
        except StaleWrite:
            InterleavingStore.refused += 1
            raise


async def test_two_processes_on_one_database_still_apply_one_answer_per_question(db_url, clock):
    # Two engines with their own stores share nothing but the database, like two instances:
    # only the version check on the stored session keeps them from double-applying.
    first = await InterleavingStore.open(db_url)
    second = await InterleavingStore.open(db_url)
    try:
        engines = [make_engine(first, clock), make_engine(second, clock)]
        await _fifty_presses_per_question(engines, KEY)
        assert len(await first.history(KEY)) == 1
        assert InterleavingStore.refused > 0  # the stale-write path was really taken
    finally:
        await first.close()
        await second.close()


async def test_a_repeated_delivery_is_ignored(engine):
    first = await engine.handle(KEY, Text("hi"), delivery_id="Ev1")
    again = await engine.handle(KEY, Text("3"), delivery_id="Ev2")
    repeat = await engine.handle(KEY, Text("3"), delivery_id="Ev2")
    assert first[-1].step_id == "certainty" and again[-1].step_id == "insight"
    assert repeat == []
    session, _ = await engine.store.load(KEY)
    assert len(session.conversation.answers) == 1


async def test_forget_me_leaves_no_delivery_id_naming_the_user(engine, db_url):
    key = UserKey("slack", "T1", "U_CAROL")
    await engine.handle(key, Text("hi"), delivery_id="press:1700000000.1:1700000001.2:U_CAROL")
    await engine.handle(key, Text("forget me"), delivery_id="event:Ev1")
    await engine.handle(key, Text("yes"), delivery_id="event:Ev2")
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        rows = [row for t in tables for row in conn.execute(f'SELECT * FROM "{t}"')]
    assert rows and not any("U_CAROL" in str(cell) for row in rows for cell in row)


async def test_resume_after_reopening_the_same_database(db_url):
    clock = Clock()
    store = await SqlStore.open(db_url)
    alice = Transcript(make_engine(store, clock), KEY)
    await alice.start("Acme — Analyst")
    await alice.answer_all(3, 2, 2)
    old_q4 = alice.last
    await store.close()

    reopened = await SqlStore.open(db_url)
    try:
        again = Transcript(make_engine(reopened, clock), KEY)
        # A press on the message sent before the restart carries on where it was.
        reply = await again.press(old_q4.choices[0].id)
        assert reply.step_id == "interviewer" and reply.progress == (5, 7)
        prompt = await again.start()
        assert "question 5 of 7" in prompt.text
        assert (await again.say("resume")).step_id == "interviewer"
    finally:
        await reopened.close()


async def test_info_logs_carry_no_answers_or_company_names(alice, caplog):
    caplog.set_level(logging.DEBUG)
    await alice.start("Zyxcorp — Secret Role")
    await alice.answer_all(3, 2, 2, 1, 1, 1, 1)
    await alice.say("history")
    logged = " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)
    assert "verdict reached" in logged
    for private in ("Zyxcorp", "Secret Role", "maybe", "paper", "recruiter", "TAKE IT", "U_ALICE"):
        assert private not in logged


async def test_a_database_failure_surfaces_as_our_storage_error(engine, db_url):
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
        conn.execute("DROP TABLE sessions")
    with pytest.raises(StorageError) as caught:
        await engine.handle(KEY, Text("hi"))
    assert "OperationalError" in str(caught.value) and "hi" not in str(caught.value)


async def test_the_console_answers_a_storage_failure_with_one_line(engine, db_url):
    out = io.StringIO()
    console = Console(engine, out=out, user="tester")
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
        conn.execute("DROP TABLE sessions")
    await console.send(Text("hi"))
    assert out.getvalue().strip() == FAILED


def test_conversation_ids_are_ten_characters_of_the_alphabet_and_do_not_repeat():
    from bot.common.clock import _ID_ALPHABET, new_conversation_id

    ids = [new_conversation_id() for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 10 and set(i) <= set(_ID_ALPHABET) for i in ids)
    # Every character turns up: the byte-to-character table covers the whole alphabet.
    assert set("".join(ids)) == set(_ID_ALPHABET)
