"""`takeorpass check --online`: ask each platform whose token is set whether the settings work
there. Each platform's own questions live in its `check.py`; this module runs them and holds
what they share: a finding, one line each, and why nothing answered."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import aiohttp

from bot.config.settings import Settings

# Failures to get any answer at all: no network, no DNS, nothing listening, no reply in time.
# (aiohttp's connection errors are OSErrors too; its ServerTimeoutError is a TimeoutError.)
UNREACHABLE: Final = (aiohttp.ClientConnectionError, OSError, asyncio.TimeoutError)
# A platform that takes longer than this to answer one question is reported as not answering.
ANSWER_WITHIN: Final = 15


@dataclass(frozen=True)
class Finding:
    """One line of the online check: what was found, and whether it is a problem."""

    text: str
    ok: bool = True

    @classmethod
    def problem(cls, text: str) -> Finding:
        """A failure: the text says what is wrong and what to do."""
        return cls(text, ok=False)


def unreachable_reason(exc: BaseException) -> str:
    """Why nothing answered, in plain words."""
    if isinstance(exc, asyncio.TimeoutError):
        return "no answer in time"
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "host not found"
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return "its TLS certificate is not trusted"
    if isinstance(getattr(exc, "os_error", exc), ConnectionRefusedError):
        return "connection refused"
    return type(exc).__name__


def unreachable(platform: str, setting: str, url: str, default: str, exc: BaseException) -> Finding:
    """The line for a platform that did not answer: the network's fault at the default address,
    the setting's when the user changed it."""
    why = unreachable_reason(exc)
    if url == default:
        return Finding.problem(
            f"{platform} can't be reached ({why}); check this machine's network connection"
        )
    return Finding.problem(
        f"{setting}: nothing answers at {url} ({why}); check the URL and the network connection"
    )


async def check_online(settings: Settings, *, skip: Sequence[str] = ()) -> list[Finding]:
    """Ask Slack and Discord, whichever has a token set and is not in `skip`, about the
    settings; both at once, each bounded in time."""
    runs = []
    if settings.slack_bot_token is not None and "slack" not in skip:
        from adapters.slack.check import check_slack

        runs.append(check_slack(settings))
    if settings.discord_token is not None and "discord" not in skip:
        from adapters.discord.check import check_discord

        runs.append(check_discord(settings))
    found: list[Finding] = []
    for lines in await asyncio.gather(*runs):
        found += lines
    return found
