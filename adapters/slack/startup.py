"""Start-up checks: ask Slack who we are once, so a wrong token or URL stops us with one line."""

from __future__ import annotations

import asyncio
from typing import Final

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.sending import error_code
from bot.common.errors import SettingsError
from bot.config.settings import SLACK_API_DEFAULT, Settings

AUTH_ERRORS: Final = {"invalid_auth", "not_authed", "account_inactive", "token_revoked"}


# Failures to get any answer at all: no network, no DNS, nothing listening, no reply in time.
# (aiohttp's connection errors are OSErrors too; its ServerTimeoutError is a TimeoutError.)
UNREACHABLE: Final = (aiohttp.ClientConnectionError, OSError, asyncio.TimeoutError)


def _unreachable(exc: BaseException) -> str:
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


async def _check_token(client: AsyncWebClient, settings: Settings) -> None:
    """Ask Slack who we are once at start-up, so a wrong token or URL stops us with one line."""
    try:
        await client.auth_test()
    except UNREACHABLE as exc:
        why = _unreachable(exc)
        # Blame SLACK_API_URL only when the user set it; slack.com unreachable is the network.
        if settings.slack_api_url == SLACK_API_DEFAULT:
            raise SettingsError(
                [f"Slack can't be reached ({why}); check this machine's network connection"]
            ) from None
        raise SettingsError(
            [
                f"SLACK_API_URL: nothing answers at {settings.slack_api_url} ({why}); "
                "check the URL and the network connection"
            ]
        ) from None
    except Exception as exc:  # slack_sdk raises AttributeError on a non-JSON 200, for one
        code = error_code(exc)
        if code in AUTH_ERRORS:
            raise SettingsError(
                [f"SLACK_BOT_TOKEN: Slack refused the bot token ({code})"]
            ) from None
        where = settings.slack_api_url
        raise SettingsError(
            [f"SLACK_API_URL: no working Slack Web API at {where} ({code})"]
        ) from None
