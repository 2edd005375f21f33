"""`takeorpass check --online` asks Slack and Discord (here their fakes) whether the settings
work: the tokens, the scopes, the command, the intents, and one line when nothing answers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import aiohttp
import discord
import pytest
from fakes.discord import APP_ID, GUILD_ID, FakeDiscord
from fakes.slack import FakeSlack
from support.discord_harness import TOKEN as DISCORD_TOKEN
from support.processes import REPO

from adapters.check import Finding, check_online
from adapters.discord.check import check_discord, intent_findings
from adapters.slack.check import BOT_SCOPES
from bot.config.settings import Settings, load_settings

SLACK_TOKEN = "xoxb-1-online-check"
APP_TOKEN = "xapp-1-online-check"
CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens there


@pytest.fixture(autouse=True)
def discord_base_restored(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The check points discord.py at DISCORD_API_URL, a process-wide setting.
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    yield


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        yield fake


def settings_for(
    slack: FakeSlack | None = None, fake_discord: FakeDiscord | None = None, **extra: str
) -> Settings:
    env: dict[str, str] = {}
    if slack is not None:
        env |= {"SLACK_BOT_TOKEN": SLACK_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN}
        env["SLACK_API_URL"] = slack.api_url
    if fake_discord is not None:
        env |= {"DISCORD_TOKEN": DISCORD_TOKEN, "DISCORD_API_URL": fake_discord.api_url}
    return load_settings(env | extra, env_file=None)


async def register(
    fake: FakeDiscord, *, guild: str | None = None, name: str = "takeorpass"
) -> None:
    """Register a command the way the bot does at start-up: PUT to Discord (the fake)."""
    where = f"/guilds/{guild}" if guild else ""
    url = f"{fake.api_url}/applications/{APP_ID}{where}/commands"
    body = [{"name": name, "description": "Should you take that interview?", "type": 1}]
    async with aiohttp.ClientSession() as http, http.put(url, json=body) as answer:
        assert answer.status == 200


def problems(found: list[Finding]) -> list[str]:
    return [f.text for f in found if not f.ok]


async def test_good_tokens_are_confirmed_with_the_workspace_bot_scopes_command_and_intents(
    slack: FakeSlack, fake_discord: FakeDiscord
):
    await register(fake_discord)
    found = await check_online(settings_for(slack, fake_discord))
    assert problems(found) == []
    text = "\n".join(f.text for f in found)
    assert (
        "Slack: the bot token works: bot @takeorpass in workspace Take or Pass Test (T0001)" in text
    )
    assert "Slack: the bot token has every scope the app needs" in text
    assert "Slack: the app-level token works" in text
    assert f"Discord: the token works: bot takeorpass ({APP_ID})" in text
    assert "Discord: /takeorpass is registered globally" in text
    assert "Discord: the application allows the intents the bot asks for" in text
    assert [c.token for c in slack.calls_to("auth.test")] == [SLACK_TOKEN]
    assert fake_discord.requests_to("GET", "/applications/@me")


async def test_a_revoked_slack_token_is_one_line_naming_the_setting(slack: FakeSlack):
    slack.fail_next("auth.test", error="invalid_auth")  # HTTP 200, ok: false, as Slack answers
    [line] = problems(await check_online(settings_for(slack)))
    assert line.startswith("SLACK_BOT_TOKEN: Slack refused the bot token (invalid_auth); ")
    assert SLACK_TOKEN not in line
    assert slack.calls_to("apps.connections.open") == []  # one failure, one line


async def test_a_refused_app_level_token_is_named(slack: FakeSlack):
    slack.fail_next("apps.connections.open", error="invalid_auth")
    [line] = problems(await check_online(settings_for(slack)))
    assert line.startswith("SLACK_APP_TOKEN: Slack refused the app-level token (invalid_auth)")


async def test_a_scope_the_app_was_installed_without_is_named(slack: FakeSlack):
    slack.scopes = tuple(s for s in BOT_SCOPES if s not in ("users:read", "commands"))
    [line] = problems(await check_online(settings_for(slack)))
    assert line.startswith("SLACK_BOT_TOKEN: the app lacks the scopes commands, users:read; ")
    assert "reinstall" in line


async def test_a_refused_discord_token_is_one_line_naming_the_setting(fake_discord: FakeDiscord):
    # What Discord answers to a reset or mistyped bot token.
    fake_discord.fail_next("GET", "/users/@me", status=401, code=0, message="401: Unauthorized")
    [line] = problems(await check_online(settings_for(fake_discord=fake_discord)))
    assert line.startswith("DISCORD_TOKEN: Discord refused this token (401 Unauthorized); ")


async def test_a_command_that_is_not_registered_is_named_with_what_to_do(
    fake_discord: FakeDiscord,
):
    await register(fake_discord, name="something-else")
    [line] = problems(await check_online(settings_for(fake_discord=fake_discord)))
    assert line == (
        "Discord: /takeorpass is not registered globally; start the bot once "
        "(takeorpass discord): it registers the command as it starts"
    )


async def test_with_server_ids_the_command_is_looked_for_in_each_server(fake_discord: FakeDiscord):
    await register(fake_discord)  # globally, but the bot registers it per server here
    settings = settings_for(fake_discord=fake_discord, DISCORD_GUILD_IDS=GUILD_ID)
    [line] = problems(await check_online(settings))
    assert line.startswith(f"Discord: /takeorpass is not registered in server {GUILD_ID}")
    await register(fake_discord, guild=GUILD_ID)
    found = await check_online(settings)
    assert problems(found) == []
    assert f"Discord: /takeorpass is registered in server {GUILD_ID}" in [f.text for f in found]


async def test_a_privileged_intent_the_application_does_not_allow_is_named(
    fake_discord: FakeDiscord,
):
    await register(fake_discord)
    fake_discord.application["flags"] = 0  # no privileged intent switched on
    asking = discord.Intents.none()
    asking.dm_messages = asking.message_content = True
    settings = settings_for(fake_discord=fake_discord)
    [line] = problems(await check_discord(settings, intents=asking))
    assert line == (
        "Discord: the bot asks for the Message Content Intent, which is off for this "
        "application; turn it on on the Bot page of the Developer Portal"
    )
    # The bot's own intents need no switch: DM text comes without the Message Content intent.
    assert problems(await check_discord(settings)) == []


def test_an_intents_limited_flag_allows_it_as_the_full_one_does():
    asking = discord.Intents.none()
    asking.message_content = asking.members = True
    content_limited, members = 1 << 19, 1 << 14
    assert problems(intent_findings(content_limited | members, asking)) == []
    [line] = problems(intent_findings(content_limited, asking))
    assert "Server Members Intent" in line


async def test_a_platform_that_does_not_answer_is_one_line_each():
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": SLACK_TOKEN,
            "SLACK_APP_TOKEN": APP_TOKEN,
            "SLACK_API_URL": f"{CLOSED}/api/",
            "DISCORD_TOKEN": DISCORD_TOKEN,
            "DISCORD_API_URL": f"{CLOSED}/api/v10",
        },
        env_file=None,
    )
    assert problems(await check_online(settings)) == [
        f"SLACK_API_URL: nothing answers at {CLOSED}/api/ (connection refused); "
        "check the URL and the network connection",
        f"DISCORD_API_URL: nothing answers at {CLOSED}/api/v10 (connection refused); "
        "check the URL and the network connection",
    ]


def test_the_scopes_checked_are_the_manifests():
    lines = (REPO / "slack-manifest.yml").read_text().splitlines()
    start = lines.index("    bot:")
    asked = set()
    for line in lines[start + 1 :]:
        if not line.startswith("      "):
            break
        if line.strip().startswith("- "):
            asked.add(line.strip()[2:])
    assert asked == BOT_SCOPES
