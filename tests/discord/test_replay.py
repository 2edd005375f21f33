"""Payload shapes Discord sends, replayed through the real discord.py client and the adapter:
each file in tests/fakes/payloads/discord/replay/ is either answered or deliberately ignored,
and none leaves a WARNING, an ERROR or a traceback in any log (discord.py's own included).

The files are written from Discord's documented shapes, each naming its source; `shapes` maps
objects in them to the response schemas of Discord's OpenAPI spec, which they must fit."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fakes.discord import DM_CHANNEL_ID, GUILD_ID, JSON, USER_ID, FakeDiscord
from fakes.discord.payloads import load_replay, replay_names
from fakes.spec_discord import shape_problems
from support.discord_harness import EPHEMERAL, Harness, settle, with_reminders
from support.harness import T0, Clock
from support.reminders import ReminderWorld

from bot.engine.engine import Engine
from bot.reminders.model import Places
from bot.storage.sql import SqlStore

REPLAYS = replay_names()
ON_THE_WIRE = [name for name in REPLAYS if load_replay(name)["expect"] != "session"]
SESSIONS = [name for name in REPLAYS if load_replay(name)["expect"] == "session"]


def _at(data: Any, path: str) -> Any:
    for part in path.split(".") if path else ():
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def _trouble(records: list[logging.LogRecord]) -> list[str]:
    """Every record at WARNING or above, or carrying a traceback, from any logger."""
    return [
        f"{r.name} {r.levelname}: {r.getMessage()}"
        for r in records
        if r.levelno >= logging.WARNING or r.exc_info or "Traceback" in r.getMessage()
    ]


@pytest.fixture
async def bot(store: SqlStore, clock: Clock) -> AsyncIterator[Harness]:
    clock.now = T0
    places: dict[str, Places] = {}
    world = ReminderWorld(store, clock, places=places)
    async with with_reminders(world, places) as harness:
        yield harness


def test_every_replay_names_its_source_and_fits_discords_shapes() -> None:
    assert len(REPLAYS) >= 15
    for name in REPLAYS:
        replay = load_replay(name)
        assert replay["source"].startswith(("Discord developer docs", "discord.py")), name
        assert replay["expect"] in ("answered", "ignored", "session"), name
        assert replay["why"], name
        for path, schema in replay.get("shapes", {}).items():
            assert shape_problems(schema, _at(replay["data"], path)) == [], (name, path)


def _answers(fake: FakeDiscord, replay: JSON, since: int) -> list[str]:
    """The requests after `since` that answer the replayed event: its interaction's callback,
    or a message in the channel it was written in."""
    data = replay["data"]
    if replay["event"] == "INTERACTION_CREATE":
        wanted = f"/interactions/{data['id']}/{data['token']}/callback"
    else:
        wanted = f"/channels/{data.get('channel_id')}/messages"
    return [r.path for r in fake.requests[since:] if r.path == wanted and r.status < 300]


def _seen_only_by_the_user(fake: FakeDiscord, replay: JSON) -> bool:
    """Whether the interaction's first answer is private: an ephemeral message or placeholder,
    an edit of an ephemeral message, choices or a form."""
    data = replay["data"]
    [callback] = fake.requests_to("POST", f"/interactions/{data['id']}/{data['token']}/callback")
    kind, body = callback.json["type"], callback.json.get("data") or {}
    if kind in (4, 5):
        return bool(body.get("flags", 0) & EPHEMERAL)
    if kind in (6, 7):
        return bool(data["message"]["flags"] & EPHEMERAL)
    return kind in (8, 9)


@pytest.mark.parametrize("name", ON_THE_WIRE)
async def test_each_replayed_payload_is_answered_or_deliberately_ignored(
    bot: Harness, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    replay = load_replay(name)
    event, data = replay["event"], replay["data"]
    caplog.set_level(logging.INFO)
    caplog.clear()
    since = len(bot.fake.requests)
    if replay.get("delivery") == "despite_intents":
        await bot.fake.dispatch_malformed(event, data)
    else:
        await bot.fake.dispatch(event, data)
    if replay["expect"] == "answered":
        try:
            await bot.until(lambda: bool(_answers(bot.fake, replay, since)))
        except TimeoutError:
            pytest.fail(f"{name} was not answered; logged: {_trouble(caplog.records)}")
    await settle(0.3)
    if replay["expect"] == "ignored":
        assert [r.path for r in bot.fake.requests[since:]] == []
    if replay.get("private"):
        assert _seen_only_by_the_user(bot.fake, replay)
    assert _trouble(caplog.records) == []
    assert bot.client is not None and not bot.client.is_closed()
    if event == "GUILD_CREATE" and not data.get("unavailable"):
        guild = bot.client.get_guild(int(data["id"]))
        assert guild is not None and not guild.unavailable
        # Every member is read (the absent nick, the null one); only the bot's own is kept,
        # as it asks for no members intent.
        assert bot.client.user is not None
        assert [m.id for m in guild.members] == [bot.client.user.id]
    if event == "GUILD_DELETE":
        guild = bot.client.get_guild(int(data["id"]))
        assert guild is not None and guild.unavailable
    # The client keeps working after it: a DM is still answered.
    [answer] = await bot.dm("help", user=USER_ID, channel=DM_CHANNEL_ID)
    assert answer["content"]
    assert _trouble(caplog.records) == []


@pytest.mark.parametrize("name", SESSIONS)
async def test_a_replayed_ready_starts_a_working_session(
    engine: Engine, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    replay = load_replay(name)
    caplog.set_level(logging.INFO)

    def prepare(fake: FakeDiscord) -> None:
        fake.ready = replay["data"]

    async with Harness.started(engine, prepare=prepare) as bot:
        assert bot.client is not None
        for listed in replay["data"]["guilds"]:
            guild = bot.client.get_guild(int(listed["id"]))
            assert guild is not None
            # Ours arrives in its GUILD_CREATE; the one in an outage never does.
            assert guild.unavailable == (listed["id"] != GUILD_ID)
        bot.fake.dm_channel(USER_ID, DM_CHANNEL_ID)
        [answer] = await bot.dm("help")
        assert answer["content"]
    assert _trouble(caplog.records) == []
