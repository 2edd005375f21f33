"""Buttons survive a restart of the bot, a form opened before one is answered, and slow storage
never makes Discord drop a press."""

from __future__ import annotations

import asyncio
from typing import Any

from fakes.discord import DM_CHANNEL_ID, USER_ID, FakeDiscord, slash_command, subcommand
from fakes.discord import guilds as rules
from support.discord_harness import ALICE_KEY, CALLBACK, EPHEMERAL, Harness
from support.harness import T0, TTL, Clock
from support.reminders import ReminderWorld

from adapters.discord.forms import FORM_EXPIRED, InterviewTimeForm, OpenForms
from bot.common.users import UserKey
from bot.engine.engine import Engine
from bot.questionnaire import texts
from bot.questionnaire.state import Session
from bot.storage.sql import SqlStore


async def test_a_press_on_a_message_from_before_a_restart_resumes(db_url: str) -> None:
    store = await SqlStore.open(db_url)
    async with FakeDiscord() as fake:
        with fake.patch_discord():
            bot = Harness(fake, Engine(store=store, ttl=TTL))
            async with bot.connected():
                [q1] = await bot.dm("hi")
                _, [q2] = await bot.press(q1, "maybe")
            await store.close()

            # A new process: a new client, the database opened afresh, no view registered.
            store = await SqlStore.open(db_url)
            bot.engine = Engine(store=store, ttl=TTL)
            async with bot.connected() as client:
                assert client.persistent_views == []
                callback, [q3] = await bot.press(q2, "paper")
                assert callback.json["type"] == 7
                assert "Question 3 of 7" in q3["content"]
                stale, _ = await bot.press(q1, "doubtful", expect=0)
                assert stale.json["type"] == 4
                assert stale.json["data"]["content"] == texts.STALE
                assert stale.json["data"]["flags"] == EPHEMERAL
    await store.close()


class SlowStore:
    """The real store, with loads that take longer than Discord waits for an answer."""

    def __init__(self, store: SqlStore, delay: float) -> None:
        self._store = store
        self.delay = delay

    async def load(self, key: UserKey) -> tuple[Session | None, int]:
        await asyncio.sleep(self.delay)
        return await self._store.load(key)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


async def test_slow_storage_defers_a_press_within_discords_deadline(store: SqlStore) -> None:
    slow = SlowStore(store, delay=0.0)
    engine = Engine(store=slow, ttl=TTL)  # type: ignore[arg-type]
    async with Harness.started(engine, defer_after=0.05) as bot:
        [q1] = await bot.dm("hi")
        slow.delay = 0.5
        bot.fake.interaction_timeout = 0.3  # later than this, the fake answers 10062
        callback, [q2] = await bot.press(q1, "maybe")
        assert callback.json == {"type": 6}  # deferred update, in time
        assert callback.status == 200  # not 10062: it came within the 3 s
        [edit] = bot.fake.requests_to("PATCH", r"/webhooks/\d+/[^/]+/messages/@original")
        assert edit.json["content"].endswith("→ **Maybe**")
        assert "Question 2 of 7" in q2["content"]


async def test_slow_storage_defers_a_command_in_the_dm(store: SqlStore) -> None:
    slow = SlowStore(store, delay=0.5)
    engine = Engine(store=slow, ttl=TTL)  # type: ignore[arg-type]
    async with Harness.started(engine, defer_after=0.05) as bot:
        bot.fake.interaction_timeout = 0.3
        payload = slash_command(
            "takeorpass",
            [subcommand("start")],
            guild_id=None,
            channel_id=DM_CHANNEL_ID,
            command_id=bot.fake.command_id("takeorpass"),
            user_id=USER_ID,
        )
        await bot.fake.dispatch("INTERACTION_CREATE", payload)
        callback = await bot.fake.wait_for("POST", CALLBACK)
        assert callback.json == {"type": 5}  # "thinking"
        assert callback.status == 200  # in time
        edit = await bot.fake.wait_for("PATCH", r"/webhooks/\d+/[^/]+/messages/@original")
        assert edit.json["content"].endswith(f"**{texts.COMPANY_PROMPT}**")


async def test_a_form_opened_before_a_restart_is_answered_and_changes_nothing(
    store: SqlStore, clock: Clock
) -> None:
    clock.now = T0
    world = ReminderWorld(store, clock)
    async with FakeDiscord() as fake:
        fake.dm_channel(USER_ID, DM_CHANNEL_ID)
        with fake.patch_discord():
            bot = Harness(fake, world.engine)
            async with bot.connected():
                await bot.dm("remind tomorrow 9am call Sam")
                [listing] = await bot.dm("reminders")
                press = bot.press_payload(listing, "edit")
                await fake.dispatch("INTERACTION_CREATE", press)
                opened = await fake.wait_for("POST", CALLBACK)
                assert opened.json["type"] == 9
                form = opened.json["data"]

            # A new client: the form is still open on alice's screen, and she submits it.
            async with bot.connected():
                values = {c["component"]["custom_id"]: "fri 3pm" for c in form["components"]}
                await fake.dispatch(
                    "INTERACTION_CREATE", rules.modal_submit(form, values, source=press)
                )
                answer = await fake.wait_for("POST", CALLBACK, count=2)
                assert answer.json["type"] == 4
                assert answer.json["data"]["content"] == FORM_EXPIRED
                assert answer.json["data"]["flags"] == EPHEMERAL
                [item] = await world.store.upcoming(ALICE_KEY, limit=5)
                assert item.text == "call Sam"


async def test_open_forms_hold_a_form_until_it_closes() -> None:
    async def submitted(*_: Any) -> None: ...

    forms = OpenForms()
    form = InterviewTimeForm("c1", key="1", submitted=submitted)
    assert not forms.holds(form.custom_id)
    forms.add(form)
    assert forms.holds(form.custom_id)
    form.stop()  # submitted, or timed out
    assert not forms.holds(form.custom_id)
