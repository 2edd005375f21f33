"""Reminders survive the bot being killed: `takeorpass` as a real process, SIGKILLed at the
worst moments and started again, against the platforms' fakes.

- Killed after confirming a reminder, restarted after its time: it is posted once, marked late.
- Killed after a post reached the platform but before the result was recorded (the fake holds
  its answer): after the lease it is delivered again, and people see it once. Discord refuses
  the repeat by its nonce; Slack has no such key, so the bot first looks for its own post by
  the delivery key in the message's metadata, finds it, and posts nothing more."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
from fakes.discord import DM_CHANNEL_ID, USER_ID, FakeDiscord, dm_message
from fakes.slack import USER_ID as SLACK_USER
from fakes.slack import FakeSlack, signed_headers, slash_command_body
from support.discord_harness import DM_POSTS, TOKEN
from support.processes import REPO, free_port, wait_healthy
from support.slack_harness import SECRET, shown_text

from bot.reminders import texts

# A running scheduler posts on time; marked late is only what is over 10 s late.
LATE_BY = 12.0
LEASE = 2.0


def _environment(database: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env |= {
        "DATABASE_URL": f"sqlite:///{database}",
        "REMINDER_LEASE": f"{LEASE:g}s",
        "LOG_LEVEL": "INFO",
        "PYTHONPATH": str(REPO),
    }
    return env | settings


@asynccontextmanager
async def bot_process(
    argv: list[str], env: dict[str, str], cwd: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`takeorpass ARGV` until the block ends (SIGTERM, unless the test killed it)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        f"from adapters.cli import main; raise SystemExit(main({argv!r}))",
        cwd=cwd,  # no .env there
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(process.communicate(), 15)
        assert b"Traceback" not in err, err.decode()


async def kill(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGKILL)
    await process.wait()


# --- Discord ----------------------------------------------------------------------------------


def _discord_env(fake: FakeDiscord, database: Path) -> dict[str, str]:
    return _environment(
        database,
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_URL=fake.api_url,
        DISCORD_GATEWAY_URL=fake.gateway_url,
    )


async def _discord_dm(fake: FakeDiscord, text: str, count: int) -> str:
    """Write to the bot in its DM; the content of its answer (its `count`th post there)."""
    await fake.dispatch("MESSAGE_CREATE", dm_message(text, USER_ID, DM_CHANNEL_ID))
    answer = await fake.wait_for("POST", DM_POSTS, count=count, timeout=10)
    content: str = answer.json["content"]
    return content


def _posted(fake: FakeDiscord, words: str) -> list[dict[str, object]]:
    return [m for m in fake.messages.values() if words in str(m.get("content"))]


async def test_discord_reminder_confirmed_before_a_kill_is_posted_once_late(
    tmp_path: Path,
) -> None:
    async with FakeDiscord() as fake:
        fake.dm_channel(USER_ID, DM_CHANNEL_ID)
        env = _discord_env(fake, tmp_path / "bot.db")
        async with bot_process(["discord"], env, tmp_path) as first:
            await fake.wait_until_connected(timeout=30)
            confirmed = await _discord_dm(fake, "remind in 2 seconds stand up", count=1)
            assert "Reminder set for" in confirmed
            confirmed_at = time.monotonic()
            await kill(first)
        await asyncio.sleep(max(0.0, confirmed_at + 2 + LATE_BY - time.monotonic()))
        assert _posted(fake, "Reminder: stand up") == [], "nothing may post while the bot is down"
        async with bot_process(["discord"], env, tmp_path):
            post = await fake.wait_for("POST", DM_POSTS, count=2, timeout=30)
            await asyncio.sleep(LEASE + 1.5)  # long enough for a second post, if one came
        [shown] = _posted(fake, "Reminder: stand up")
        assert shown["content"] == post.json["content"]
        assert "Sorry, this is late" in str(shown["content"])


async def test_discord_post_cut_off_by_a_kill_is_repeated_with_its_nonce_and_shown_once(
    tmp_path: Path,
) -> None:
    async with FakeDiscord() as fake:
        fake.dm_channel(USER_ID, DM_CHANNEL_ID)
        env = _discord_env(fake, tmp_path / "bot.db")
        async with bot_process(["discord"], env, tmp_path) as first:
            await fake.wait_until_connected(timeout=30)
            await _discord_dm(fake, "remind in 2 seconds stand up", count=1)
            # The reminder's post is carried out, but its answer never reaches this process.
            fake.hold_next("POST", DM_POSTS, seconds=30)
            cut_off = await fake.wait_for("POST", DM_POSTS, count=2, timeout=15)
            await kill(first)
        assert cut_off.status == 200  # Discord has it
        async with bot_process(["discord"], env, tmp_path):
            again = await fake.wait_for("POST", DM_POSTS, count=3, timeout=30)
            await asyncio.sleep(LEASE + 1.5)
        posts = fake.requests_to("POST", DM_POSTS)[1:]
        assert len(posts) == 2, "posted again once the lease ran out, not more"
        assert again.json["nonce"] == cut_off.json["nonce"]
        assert again.json["enforce_nonce"] is True
        assert len(_posted(fake, "Reminder: stand up")) == 1
        assert texts.LATE.split(":")[0] not in str(again.json["content"])


# --- Slack ------------------------------------------------------------------------------------


class SlackBot:
    """`takeorpass slack` in HTTP mode against FakeSlack, and a user's signed commands."""

    def __init__(self, fake: FakeSlack, folder: Path) -> None:
        self.fake = fake
        self.folder = folder
        self.port = free_port()
        self.env = _environment(
            folder / "bot.db",
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.api_url,
            SLACK_HOST="127.0.0.1",
            SLACK_PORT=str(self.port),
        )

    @asynccontextmanager
    async def running(self) -> AsyncIterator[asyncio.subprocess.Process]:
        async with bot_process(["slack"], self.env, self.folder) as process:
            async with aiohttp.ClientSession() as http:
                await wait_healthy(http, f"http://127.0.0.1:{self.port}/healthz", process)
            yield process

    async def command(self, text: str) -> str:
        """Run `/takeorpass TEXT`; what its ephemeral answer shows."""
        body = slash_command_body(text, response_url=self.fake.response_url("restart"))
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{self.port}/slack/events"
            async with http.post(url, data=body, headers=signed_headers(SECRET, body)) as sent:
                assert sent.status == 200
        return shown_text((await self.fake.wait_for_response("restart", timeout=10)).body)

    def reminder_posts(self) -> list[str]:
        return [
            str(call.params.get("text"))
            for call in self.fake.calls_to("chat.postMessage")
            if "Reminder: stand up" in str(call.params.get("text"))
        ]


async def test_slack_reminder_confirmed_before_a_kill_is_posted_once_late(tmp_path: Path) -> None:
    async with FakeSlack() as fake:
        bot = SlackBot(fake, tmp_path)
        async with bot.running() as first:
            confirmed = await bot.command("remind in 2 seconds stand up")
            assert "Reminder set for" in confirmed
            confirmed_at = time.monotonic()
            await kill(first)
        await asyncio.sleep(max(0.0, confirmed_at + 2 + LATE_BY - time.monotonic()))
        assert bot.reminder_posts() == [], "nothing may post while the bot is down"
        async with bot.running():
            await fake.wait_for_calls("chat.postMessage", 1, timeout=30)
            await asyncio.sleep(LEASE + 1.5)
        assert len(bot.reminder_posts()) == 1
        [call] = fake.calls_to("chat.postMessage")
        assert call.params["channel"] == SLACK_USER  # the user's DM with the app
        assert "Sorry, this is late" in shown_text(call.params)


async def test_slack_post_cut_off_by_a_kill_is_found_and_not_posted_again(
    tmp_path: Path,
) -> None:
    async with FakeSlack() as fake:
        bot = SlackBot(fake, tmp_path)
        async with bot.running() as first:
            await bot.command("remind in 2 seconds stand up")
            fake.hold_next("chat.postMessage", 30)
            await fake.wait_for_calls("chat.postMessage", 1, timeout=15)
            await kill(first)
        async with bot.running():
            # Once the lease runs out, the retry looks in the DM for its own post first.
            await fake.wait_for_calls("conversations.history", 1, timeout=30)
            await asyncio.sleep(LEASE + 1.5)  # long enough for a second post, if one came
        assert len(bot.reminder_posts()) == 1
        [kept] = fake.messages_in(SLACK_USER)
        assert "Reminder: stand up" in kept["text"]
