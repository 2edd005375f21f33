"""`takeorpass check --online` for Slack: whether Slack takes the bot token (and the app-level
token in Socket Mode), which workspace and bot they are, and whether the bot token has the
scopes slack-manifest.yml asks for."""

from __future__ import annotations

from typing import Final

from pydantic import SecretStr
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.check import ANSWER_WITHIN, UNREACHABLE, Finding, unreachable
from adapters.slack.run import AUTH_ERRORS
from adapters.slack.sending import api_base, error_code
from bot.config.settings import SLACK_API_DEFAULT, Settings

# slack-manifest.yml's bot scopes (tests/ops/test_check_online.py keeps the two the same).
BOT_SCOPES: Final = frozenset(
    {"commands", "chat:write", "im:history", "users:read", "channels:read", "groups:read"}
    | {"channels:history", "groups:history", "im:write", "files:write"}
)
REINSTALL: Final = (
    "add them under OAuth & Permissions (or paste slack-manifest.yml again), then reinstall the app"
)


async def check_slack(settings: Settings) -> list[Finding]:
    """The findings about Slack's tokens; SLACK_BOT_TOKEN must be set."""
    assert settings.slack_bot_token is not None
    # No retries: a check reports what it finds at once, and the first call says the rest.
    client = AsyncWebClient(base_url=api_base(settings.slack_api_url), timeout=ANSWER_WITHIN)
    found = await _bot_token(client, settings, settings.slack_bot_token.get_secret_value())
    if settings.slack_app_token is not None and all(f.ok for f in found):
        found.append(await _app_token(client, settings, settings.slack_app_token))
    if all(f.ok for f in found):
        found.append(
            Finding(
                f"Slack: {settings.slack_command} and the app's events can't be seen through the "
                "Web API; they come from slack-manifest.yml"
            )
        )
    return found


async def _bot_token(client: AsyncWebClient, settings: Settings, token: str) -> list[Finding]:
    try:
        answer = await client.auth_test(token=token)
    except UNREACHABLE as exc:
        return [
            unreachable("Slack", "SLACK_API_URL", settings.slack_api_url, SLACK_API_DEFAULT, exc)
        ]
    except Exception as exc:  # slack_sdk raises AttributeError on a non-JSON 200, for one
        code = error_code(exc)
        if isinstance(exc, SlackApiError) and code in AUTH_ERRORS:
            return [
                Finding.problem(
                    f"SLACK_BOT_TOKEN: Slack refused the bot token ({code}); copy the Bot User "
                    "OAuth Token from OAuth & Permissions again, or reinstall the app if it "
                    "was removed"
                )
            ]
        return [
            Finding.problem(
                f"SLACK_API_URL: no working Slack Web API at {settings.slack_api_url} ({code})"
            )
        ]
    data = answer.data if isinstance(answer.data, dict) else {}
    works = Finding(
        f"Slack: the bot token works: bot @{data.get('user', '?')} in workspace "
        f"{data.get('team', '?')} ({data.get('team_id', '?')})"
    )
    return [works, _scopes(answer.headers.get("x-oauth-scopes"))]


def _scopes(header: str | None) -> Finding:
    if header is None:
        return Finding("Slack: did not say which scopes the bot token has; scopes not checked")
    granted = {scope.strip() for scope in header.split(",") if scope.strip()}
    missing = sorted(BOT_SCOPES - granted)
    if missing:
        return Finding.problem(
            f"SLACK_BOT_TOKEN: the app lacks the scopes {', '.join(missing)}; {REINSTALL}"
        )
    extra = sorted(granted - BOT_SCOPES)
    unused = f" (and {', '.join(extra)}, which it does not use)" if extra else ""
    return Finding(f"Slack: the bot token has every scope the app needs{unused}")


async def _app_token(client: AsyncWebClient, settings: Settings, token: SecretStr) -> Finding:
    # Only this method takes an app-level token; the address it hands out is simply not used.
    try:
        await client.apps_connections_open(app_token=token.get_secret_value())
    except UNREACHABLE as exc:
        return unreachable("Slack", "SLACK_API_URL", settings.slack_api_url, SLACK_API_DEFAULT, exc)
    except Exception as exc:
        return Finding.problem(
            f"SLACK_APP_TOKEN: Slack refused the app-level token ({error_code(exc)}); make one "
            "with connections:write under Basic Information → App-Level Tokens, and turn on "
            "Socket Mode"
        )
    return Finding("Slack: the app-level token works: Socket Mode can connect")
