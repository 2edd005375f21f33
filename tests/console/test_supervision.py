"""Each platform runs supervised: a client that fails is logged in one line and started again
with backoff, while the other platforms and the reminder scheduler carry on; only a fatal
start-up error ends the process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from fakes.discord import DM_CHANNEL_ID, USER_ID, FakeDiscord, dm_message
from fakes.slack import FakeSlack, signed_headers, slash_command_body
from support.discord_harness import DM_POSTS, Harness
from support.processes import free_port
from support.slack_harness import SECRET, environment, shown_text

from adapters.cli import _platforms
from adapters.supervise import Backoff, supervise
from bot.common.errors import SettingsError
from bot.config.settings import load_settings
from bot.storage.sql import SqlStore

SHARDING_REQUIRED = 4011  # a close code after which Discord lets no session resume


class Script:
    """A platform's run, scripted: each call takes the next outcome (an exception to raise, or
    seconds it runs fine before returning), on a clock the script moves itself."""

    def __init__(self, *outcomes: BaseException | float) -> None:
        self.outcomes = list(outcomes)
        self.now = 0.0
        self.waits: list[float] = []
        self.finished = asyncio.Event()

    def clock(self) -> float:
        return self.now

    async def run(self) -> None:
        if not self.outcomes:
            self.finished.set()
            await asyncio.Event().wait()  # stays up until cancelled
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        self.now += outcome

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


async def _supervised(script: Script, backoff: Backoff) -> None:
    task = asyncio.create_task(
        supervise("discord", script.run, backoff=backoff, clock=script.clock, sleep=script.sleep)
    )
    try:
        async with asyncio.timeout(2):
            await script.finished.wait()
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_restarts_wait_twice_as_long_each_time_up_to_the_cap(
    caplog: pytest.LogCaptureFixture,
) -> None:
    failures = [ConnectionResetError("user 1400000000000000001 said Acme")] * 5
    script = Script(*failures)
    await _supervised(script, Backoff(first=1, most=5, settled=60))
    assert script.waits == [1, 2, 4, 5, 5]
    lines = [r for r in caplog.records if r.name == "adapters.supervise"]
    assert len(lines) == 5  # one line per failure
    assert all(r.exc_info is None for r in lines)
    assert "discord" in lines[0].getMessage()
    assert "ConnectionResetError" in lines[0].getMessage()
    assert "Acme" not in caplog.text and "1400000000000000001" not in caplog.text


async def test_a_run_that_lasted_resets_the_wait() -> None:
    script = Script(RuntimeError(), RuntimeError(), RuntimeError(), 120.0, RuntimeError())
    await _supervised(script, Backoff(first=1, most=60, settled=60))
    # Three failures in a row, then a run of two minutes (returned: restarted at once as
    # healthy), then a failure that starts the count again.
    assert script.waits == [1, 2, 4, 1, 2]


async def test_a_settings_error_on_the_first_start_is_fatal() -> None:
    script = Script(SettingsError(["DISCORD_TOKEN: refused"]))
    with pytest.raises(SettingsError):
        await supervise("discord", script.run, sleep=script.sleep)
    assert script.waits == []


async def test_a_settings_error_after_a_good_start_is_retried() -> None:
    script = Script(120.0, SettingsError(["DISCORD_API_URL: could not reach it"]))
    await _supervised(script, Backoff(first=1, most=60, settled=60))
    assert script.waits == [1, 2]


# --- the real process composition, against the fakes --------------------------------------------


@contextlib.asynccontextmanager
async def _both_platforms(
    slack: FakeSlack, discord: FakeDiscord, store: SqlStore, tmp_path: Path, port: int
) -> AsyncIterator[asyncio.Task[int]]:
    env = environment(slack, tmp_path, port) | {
        "DISCORD_TOKEN": "fake-discord-token-0123456789",
        "DISCORD_API_URL": discord.api_url,
        "DISCORD_GATEWAY_URL": discord.gateway_url,
    }
    settings = load_settings(env, env_file=None)
    backoff = Backoff(first=0.3, most=1.0, settled=60)
    with discord.patch_discord():  # _platforms points discord.py at the fake; put it back
        task = asyncio.create_task(
            _platforms(settings, store, ("slack", "discord"), backoff=backoff)
        )
        try:
            yield task
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def test_a_discord_client_that_dies_is_restarted_while_slack_and_reminders_go_on(
    store: SqlStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with (
        FakeSlack() as slack,
        FakeDiscord() as discord,
        _both_platforms(slack, discord, store, tmp_path, port) as running,
        aiohttp.ClientSession() as http,
    ):
        await discord.wait_until_connected(timeout=10)
        await discord.dispatch(
            "MESSAGE_CREATE", dm_message("remind in 1 second stretch", USER_ID, DM_CHANNEL_ID)
        )
        await discord.wait_for("POST", DM_POSTS)

        await discord.close_gateway(SHARDING_REQUIRED)
        # While Discord is down, Slack answers.
        body = slash_command_body("", response_url=slack.response_url("during"))
        async with http.post(
            f"{base}/slack/events", data=body, headers=signed_headers(SECRET, body)
        ) as response:
            assert response.status == 200
        on_slack = (await slack.wait_for_response("during", timeout=5)).body
        assert "Which company and role is it?" in shown_text(on_slack)

        # A fresh client identifies again and answers DMs; the reminder due meanwhile is posted
        # through it.
        await Harness.until(lambda: len([f for f in discord.gateway_received if f["op"] == 2]) == 2)
        await discord.wait_until_connected()
        reminder = await discord.wait_for("POST", DM_POSTS, count=2)
        assert "stretch" in reminder.json["content"]
        await discord.dispatch("MESSAGE_CREATE", dm_message("hi", USER_ID, DM_CHANNEL_ID))
        answer = await discord.wait_for("POST", DM_POSTS, count=3)
        assert "Question 1 of 7" in answer.json["content"]
        assert not running.done()

    failed = [r for r in caplog.records if r.name == "adapters.supervise"]
    assert [r.getMessage() for r in failed] == [
        "discord: client failed (ConnectionClosed); restarting in 0.3 s"
    ]


async def test_a_fatal_start_up_error_ends_takeorpass_with_one_line(tmp_path: Path) -> None:
    # Slack starts fine; Discord refuses the token: the process stops, Slack included.
    async with FakeSlack() as slack, FakeDiscord() as discord:
        discord.fail_next("GET", r"/users/@me", status=401, code=0, message="401: Unauthorized")
        env = environment(slack, tmp_path, free_port()) | {
            "DISCORD_TOKEN": "fake-discord-token-0123456789",
            "DISCORD_API_URL": discord.api_url,
            "DISCORD_GATEWAY_URL": discord.gateway_url,
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "from adapters.cli import main; raise SystemExit(main([]))",
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            _out, err = await asyncio.wait_for(process.communicate(), 30)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGKILL)
    assert process.returncode == 1
    text = err.decode()
    assert [line for line in text.splitlines() if line.startswith("takeorpass:")] == [
        "takeorpass: DISCORD_TOKEN: Discord refused this token; "
        "reset it on your application's Bot page"
    ]
    assert "Traceback" not in text
    assert "restarting" not in text
