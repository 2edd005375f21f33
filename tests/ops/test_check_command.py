"""`takeorpass check` as an operator runs it, a real process: every problem at once, one line
each, what was checked and how, and with --online the platforms' (fakes') own answers."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import aiohttp
from fakes.discord import APP_ID, FakeDiscord
from fakes.slack import FakeSlack
from support.discord_harness import TOKEN as DISCORD_TOKEN
from support.processes import ENTRY, run_takeorpass

FORM_ONLY = "Tokens were checked for their form only"
CLOSED = "http://127.0.0.1:9"  # nothing listens on the discard port


async def takeorpass(args: list[str], cwd: Path, **env: str) -> tuple[int, str, str]:
    """Run `takeorpass ARGS` without blocking the fakes, which answer in this event loop."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        ENTRY,
        *args,
        cwd=cwd,
        env=environment | env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def both(slack: FakeSlack, discord: FakeDiscord) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": "xoxb-1-cli",
        "SLACK_APP_TOKEN": "xapp-1-cli",
        "SLACK_API_URL": slack.api_url,
        "DISCORD_TOKEN": DISCORD_TOKEN,
        "DISCORD_API_URL": discord.api_url,
    }


async def register_command(fake: FakeDiscord) -> None:
    url = f"{fake.api_url}/applications/{APP_ID}/commands"
    body = [{"name": "takeorpass", "description": "Take or pass?", "type": 1}]
    async with aiohttp.ClientSession() as http, http.put(url, json=body) as answer:
        assert answer.status == 200


def test_check_lists_every_problem_at_once_one_line_each(tmp_path):
    result = run_takeorpass(
        ["check"], "", tmp_path, DEFAULT_TIMEZONE="Mars/Base", SLACK_BOT_TOKEN="xoxb-1"
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "takeorpass: DEFAULT_TIMEZONE: 'Mars/Base' is not an IANA timezone such as Europe/Berlin",
        "takeorpass: SLACK_SIGNING_SECRET: required for HTTP mode; "
        "or set SLACK_APP_TOKEN to use Socket Mode",
    ]


def test_check_says_the_tokens_were_checked_for_their_form_only(tmp_path):
    result = run_takeorpass(
        ["check"], "", tmp_path, SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1"
    )
    assert result.returncode == 0, result.stderr
    assert "Settings are valid." in result.stdout
    assert f"{FORM_ONLY}, not with Slack or Discord; `takeorpass check --online` asks them." in (
        result.stdout
    )
    console_only = run_takeorpass(["check"], "", tmp_path)
    assert console_only.returncode == 0 and FORM_ONLY not in console_only.stdout


async def test_check_online_confirms_good_tokens_and_exits_zero(tmp_path):
    async with FakeSlack() as slack, FakeDiscord() as discord:
        await register_command(discord)
        status, out, err = await takeorpass(["check", "--online"], tmp_path, **both(slack, discord))
    assert (status, err) == (0, "")
    assert "Slack: the bot token works" in out and "Discord: the token works" in out
    assert FORM_ONLY not in out


async def test_check_online_names_each_refused_token_in_one_line_and_fails(tmp_path):
    async with FakeSlack() as slack, FakeDiscord() as discord:
        slack.fail_next("auth.test", error="invalid_auth")
        discord.fail_next("GET", "/users/@me", status=401, code=0, message="401: Unauthorized")
        status, _, err = await takeorpass(["check", "--online"], tmp_path, **both(slack, discord))
    assert status == 1
    lines = err.splitlines()
    assert [line.split(":", 2)[1].strip() for line in lines] == ["SLACK_BOT_TOKEN", "DISCORD_TOKEN"]
    assert all(line.startswith("takeorpass: ") for line in lines)


async def test_check_online_names_a_missing_scope_and_a_missing_command(tmp_path):
    async with FakeSlack() as slack, FakeDiscord() as discord:
        slack.scopes = tuple(s for s in slack.scopes if s != "users:read")
        status, _, err = await takeorpass(["check", "--online"], tmp_path, **both(slack, discord))
    assert status == 1
    assert err.splitlines() == [
        "takeorpass: SLACK_BOT_TOKEN: the app lacks the scopes users:read; add them under "
        "OAuth & Permissions (or paste slack-manifest.yml again), then reinstall the app",
        "takeorpass: Discord: /takeorpass is not registered globally; start the bot once "
        "(takeorpass discord): it registers the command as it starts",
    ]


async def test_check_online_with_nothing_answering_is_one_line_per_platform(tmp_path):
    env = {
        "SLACK_BOT_TOKEN": "xoxb-1-cli",
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": f"{CLOSED}/api/",
        "DISCORD_TOKEN": DISCORD_TOKEN,
        "DISCORD_API_URL": f"{CLOSED}/api/v10",
    }
    status, _, err = await takeorpass(["check", "--online"], tmp_path, **env)
    assert status == 1
    assert err.splitlines() == [
        f"takeorpass: SLACK_API_URL: nothing answers at {CLOSED}/api/ (connection refused); "
        "check the URL and the network connection",
        f"takeorpass: DISCORD_API_URL: nothing answers at {CLOSED}/api/v10 (connection "
        "refused); check the URL and the network connection",
    ]


async def test_check_online_lists_the_settings_problems_and_still_asks_the_platforms(tmp_path):
    # A bad timezone has nothing to do with the tokens: both are reported in the same run.
    async with FakeSlack() as slack, FakeDiscord() as discord:
        await register_command(discord)
        env = both(slack, discord) | {"DEFAULT_TIMEZONE": "Mars/Base"}
        status, out, err = await takeorpass(["check", "--online"], tmp_path, **env)
        assert slack.calls_to("auth.test")
    assert status == 1
    assert err.splitlines() == [
        "takeorpass: DEFAULT_TIMEZONE: 'Mars/Base' is not an IANA timezone such as Europe/Berlin"
    ]
    assert "Slack: the bot token works" in out and "Discord: the token works" in out


def test_a_platform_whose_address_is_wrong_is_not_asked(tmp_path):
    # The default address would be the real Slack: not what the operator meant to ask.
    result = run_takeorpass(
        ["check", "--online"], "", tmp_path, SLACK_BOT_TOKEN="xoxb-1", SLACK_API_URL="slack.local"
    )
    assert result.returncode == 1
    assert result.stderr.startswith("takeorpass: SLACK_API_URL: 'slack.local' must start with")
    assert len(result.stderr.splitlines()) == 2  # and the signing secret HTTP mode needs
    assert "Slack: not asked until SLACK_API_URL is fixed." in result.stdout
