"""`takeorpass check --online` for Discord: whether Discord takes the token, whether the
application has `/takeorpass` registered where the bot registers it, and whether the intents the
bot asks for are allowed by the application's settings."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Final

import discord
from discord.http import HTTPClient, Route

from adapters.check import ANSWER_WITHIN, UNREACHABLE, Finding, unreachable
from adapters.discord.client import minimal_intents
from adapters.discord.receiving import COMMAND
from adapters.discord.run import point_discord_at
from bot.config.settings import DISCORD_API_DEFAULT, Settings

# Each privileged intent, its name on the Developer Portal's Bot page, and the application flags
# that allow it (the full flag, or the "limited" one of an app in fewer than 100 servers).
PRIVILEGED: Final = (
    (
        "message_content",
        "Message Content Intent",
        ("gateway_message_content", "gateway_message_content_limited"),
    ),
    (
        "members",
        "Server Members Intent",
        ("gateway_guild_members", "gateway_guild_members_limited"),
    ),
    ("presences", "Presence Intent", ("gateway_presence", "gateway_presence_limited")),
)


async def check_discord(
    settings: Settings, *, intents: discord.Intents | None = None
) -> list[Finding]:
    """The findings about DISCORD_TOKEN's bot and application; `intents` are those the bot asks
    for (the adapter's own by default). DISCORD_TOKEN must be set."""
    assert settings.discord_token is not None
    point_discord_at(settings.discord_api_url, None)
    http = HTTPClient(asyncio.get_running_loop())
    try:
        async with asyncio.timeout(ANSWER_WITHIN):
            return await _ask(http, settings, settings.discord_token.get_secret_value(), intents)
    except UNREACHABLE as exc:
        return [_unreachable(settings, exc)]
    finally:
        await http.close()


def _unreachable(settings: Settings, exc: BaseException) -> Finding:
    url = settings.discord_api_url
    return unreachable("Discord", "DISCORD_API_URL", url, DISCORD_API_DEFAULT, exc)


async def _ask(
    http: HTTPClient, settings: Settings, token: str, intents: discord.Intents | None
) -> list[Finding]:
    try:
        me = await http.static_login(token)
    except discord.LoginFailure:
        return [
            Finding.problem(
                "DISCORD_TOKEN: Discord refused this token (401 Unauthorized); reset it on your "
                "application's Bot page and paste the new one"
            )
        ]
    except discord.HTTPException as exc:
        return [_failed(settings, "who the bot is", exc)]
    found = [Finding(f"Discord: the token works: bot {me.get('username', '?')} ({me['id']})")]
    try:
        application = await http.request(Route("GET", "/applications/@me"))
    except discord.HTTPException as exc:
        return [*found, _failed(settings, "the application's settings", exc)]
    found += intent_findings(application.get("flags") or 0, intents or minimal_intents())
    found += await _commands(http, str(application["id"]), settings.discord_guild_ids)
    return found


def _failed(settings: Settings, what: str, exc: discord.HTTPException) -> Finding:
    return Finding.problem(
        f"DISCORD_API_URL: asking {settings.discord_api_url} for {what} failed "
        f"(HTTP {exc.status}); check the URL"
    )


def intent_findings(flags: int, intents: discord.Intents) -> list[Finding]:
    """Whether the application's flags allow each privileged intent that `intents` asks for
    (Discord closes the connection of a bot asking for one that is off: 4014)."""
    allowed = discord.ApplicationFlags()
    allowed.value = flags
    asked = [name for name, on in intents if on]
    found = []
    for intent, portal, bits in PRIVILEGED:
        if intent in asked and not any(getattr(allowed, bit) for bit in bits):
            found.append(
                Finding.problem(
                    f"Discord: the bot asks for the {portal}, which is off for this application; "
                    "turn it on on the Bot page of the Developer Portal"
                )
            )
    if not found:
        privileged = [portal for intent, portal, _ in PRIVILEGED if intent in asked]
        which = ", ".join(privileged) if privileged else "none of them privileged"
        found.append(
            Finding(f"Discord: the application allows the intents the bot asks for ({which})")
        )
    return found


async def _commands(
    http: HTTPClient, application_id: str, guild_ids: Sequence[int]
) -> list[Finding]:
    # Where the bot registers /takeorpass: in each of DISCORD_GUILD_IDS, or else globally.
    places: list[tuple[str, int | None]] = [(f"in server {g}", g) for g in guild_ids] or [
        ("globally", None)
    ]
    found = []
    for where, guild_id in places:
        try:
            if guild_id is None:
                commands: Any = await http.get_global_commands(application_id)
            else:
                commands = await http.get_guild_commands(application_id, guild_id)
        except discord.Forbidden:
            found.append(
                Finding.problem(
                    f"Discord: the bot may not see the commands {where}; invite it there with the "
                    "applications.commands scope, or fix DISCORD_GUILD_IDS"
                )
            )
            continue
        except discord.HTTPException as exc:
            found.append(
                Finding.problem(f"Discord: could not list the commands {where} (HTTP {exc.status})")
            )
            continue
        if any(c.get("name") == COMMAND and c.get("type", 1) == 1 for c in commands):
            found.append(Finding(f"Discord: /{COMMAND} is registered {where}"))
        else:
            found.append(
                Finding.problem(
                    f"Discord: /{COMMAND} is not registered {where}; start the bot once "
                    "(takeorpass discord): it registers the command as it starts"
                )
            )
    return found
