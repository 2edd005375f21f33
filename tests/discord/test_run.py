"""`takeorpass discord` as an operator runs it: a real process pointed at FakeDiscord."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import discord
import pytest
from discord.gateway import DiscordWebSocket
from fakes.discord import (
    DIRECT_MESSAGES,
    DM_CHANNEL_ID,
    GUILDS,
    USER_ID,
    FakeDiscord,
    dm_message,
)
from support.discord_harness import TOKEN

from adapters.discord import run_discord
from bot.common.errors import SettingsError
from bot.config.settings import load_settings
from bot.engine.engine import Engine


def _environment(fake: FakeDiscord, database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update(
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_URL=fake.api_url,
        DISCORD_GATEWAY_URL=fake.gateway_url,
        DATABASE_URL=f"sqlite:///{database}",
    )
    return env


@pytest.mark.parametrize("argv", [["discord"], []], ids=["takeorpass discord", "takeorpass"])
async def test_takeorpass_discord_answers_a_dm_with_the_first_question(
    tmp_path: Path, argv: list[str]
) -> None:
    async with FakeDiscord() as fake:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            f"from adapters.cli import main; raise SystemExit(main({argv!r}))",
            cwd=tmp_path,  # no .env here
            env=_environment(fake, tmp_path / "bot.db"),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await fake.wait_until_connected(timeout=30)
            await fake.dispatch("MESSAGE_CREATE", dm_message("hi", USER_ID, DM_CHANNEL_ID))
            reply = await fake.wait_for("POST", rf"/channels/{DM_CHANNEL_ID}/messages", timeout=10)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            _out, err = await asyncio.wait_for(process.communicate(), 15)
    assert process.returncode == 0, err.decode()
    assert fake.identify is not None and fake.identify["token"] == TOKEN
    assert fake.intents == GUILDS | DIRECT_MESSAGES
    assert "Question 1 of 7" in reply.json["content"]
    ids = [b["custom_id"] for row in reply.json["components"] for b in row["components"]]
    conversation = ids[0].split(":")[1]
    assert re.fullmatch(r"[a-z2-9]{10}", conversation)
    assert ids[:3] == [
        f"tp:{conversation}:certainty:{value}" for value in ("no_way", "doubtful", "maybe")
    ]
    assert reply.json["allowed_mentions"] == {"parse": []}
    assert TOKEN not in err.decode()
    assert "Traceback" not in err.decode()


async def test_a_refused_token_stops_start_up_with_one_line(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        fake.fail_next("GET", r"/users/@me", status=401, code=0, message="401: Unauthorized")
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "from adapters.cli import main; raise SystemExit(main(['discord']))",
            cwd=tmp_path,
            env=_environment(fake, tmp_path / "bot.db"),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _out, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 1
    lines = [line for line in err.decode().splitlines() if line.startswith("takeorpass:")]
    assert lines == [
        "takeorpass: DISCORD_TOKEN: Discord refused this token; "
        "reset it on your application's Bot page"
    ]
    assert "Traceback" not in err.decode()


async def test_an_unreachable_api_stops_start_up_with_one_line(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # run_discord points discord.py at the settings' addresses; put them back afterwards.
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    settings = load_settings(
        {"DISCORD_TOKEN": TOKEN, "DISCORD_API_URL": "http://127.0.0.1:9/api/v10"}, env_file=None
    )
    with pytest.raises(SettingsError) as caught:
        await run_discord(settings, engine)
    assert caught.value.problems == [
        "DISCORD_API_URL: nothing answers at http://127.0.0.1:9/api/v10 (connection refused); "
        "check the URL and the network connection"
    ]


async def test_unreachable_at_the_default_url_blames_the_network_not_a_setting(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stand a closed local port in for Discord's own address, so nothing leaves this machine.
    closed = "http://127.0.0.1:9/api/v10"
    monkeypatch.setattr("adapters.discord.run.DISCORD_API_DEFAULT", closed)
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    settings = load_settings({"DISCORD_TOKEN": TOKEN, "DISCORD_API_URL": closed}, env_file=None)
    with pytest.raises(SettingsError) as caught:
        await run_discord(settings, engine)
    [problem] = caught.value.problems
    assert problem == (
        "Discord can't be reached (connection refused); check this machine's network connection"
    )
    assert "DISCORD_API_URL" not in problem
