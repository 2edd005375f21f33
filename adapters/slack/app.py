"""The bolt app: `build_app` wires the listeners (listeners.py, and form_listeners.py for the
forms) to what Slack sends.
`run.run_slack` checks the token and serves the app, over HTTP or Socket Mode."""

from __future__ import annotations

import logging
import re
from typing import Any, Final

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.forms import EDIT_CALLBACK, INTERVIEW_CALLBACK
from adapters.slack.listeners import Listeners
from adapters.slack.logs import quiet_logger
from adapters.slack.reminders import SlackPlaces
from adapters.slack.rendering import ACTION_ID_PATTERN
from adapters.slack.sending import TIMEOUT, make_client
from bot.config.settings import Settings
from bot.engine.engine import Engine

log = logging.getLogger(__name__)

AUTH_FAILED: Final = "Take or Pass can't reach Slack right now. Please try again in a minute."
# Whatever no listener above it takes: see `_ignore_event`.
_ANY: Final = re.compile(".*")


def _not_token_skipped(record: logging.LogRecord) -> bool:
    # bolt reads SLACK_BOT_TOKEN from the environment by itself and then warns that our client
    # wins over it; the client holds that very token, so the warning only confuses.
    return not record.getMessage().startswith("As you gave `client` as well")


def _bolt_logger() -> logging.Logger:
    # bolt logs whole request bodies, at INFO when a signature is wrong and at WARNING for a
    # request no listener takes.
    bolt = quiet_logger("adapters.slack.bolt")
    if _not_token_skipped not in bolt.filters:
        bolt.addFilter(_not_token_skipped)
    return bolt


def build_app(
    settings: Settings,
    engine: Engine,
    *,
    client: AsyncWebClient | None = None,
    http: aiohttp.ClientSession | None = None,
    places: SlackPlaces | None = None,
    response_timeout: float = TIMEOUT,
) -> AsyncApp:
    """The bolt app both modes run: `/takeorpass`, our buttons, the interview form, DM text,
    App Home and profile changes. `client` defaults to one made from the settings; `http`, the
    session for response_url posts, to a new one per post (the caller owns and closes a
    session it passes); `places`, the reminder service's view of Slack, has its timezone cache
    cleared when a user changes their profile. A reply that takes longer than
    `response_timeout` seconds to reach Slack is given up (in the DM, the user is told)."""
    secret = settings.slack_signing_secret
    app = AsyncApp(
        name="takeorpass",
        client=client or make_client(settings),
        # Socket Mode requests are not signed; bolt checks signatures on HTTP requests only.
        signing_secret=secret.get_secret_value() if secret else "",
        logger=_bolt_logger(),
        user_facing_authorize_error_message=AUTH_FAILED,
    )
    listeners = Listeners(
        engine, command=settings.slack_command, http=http, places=places, timeout=response_timeout
    )
    app.command(settings.slack_command)(listeners.on_command)
    app.action({"type": "block_actions", "action_id": ACTION_ID_PATTERN})(listeners.on_press)
    app.view(INTERVIEW_CALLBACK)(listeners.forms.on_interview_submission)
    app.view(EDIT_CALLBACK)(listeners.forms.on_edit_submission)
    app.event("message")(listeners.on_message)
    app.event("app_home_opened")(listeners.on_home_opened)
    app.event("user_change")(listeners.on_user_change)
    app.event("app_uninstalled")(_removed)
    app.event("tokens_revoked")(_removed)
    # Registered last, so that they take only what nothing above took.
    app.event(_ANY)(_ignore_event)
    app.action({"type": "block_actions", "action_id": _ANY})(_ignore_interaction)
    app.view(_ANY)(_ignore_interaction)
    return app


async def _removed(body: dict[str, Any], event: dict[str, Any]) -> None:
    """The app was uninstalled, or its tokens revoked: worth one line in the log, nothing more."""
    where = body.get("team_id") or body.get("enterprise_id") or "an unknown workspace"
    log.info("slack: %s for %s", str(event.get("type")), where)


async def _ignore_event(event: dict[str, Any]) -> None:
    """An event no listener takes (bolt has acknowledged it): ignored with one DEBUG line. Left
    to bolt, it would answer 404 and warn, and Slack retries events answered with errors,
    then stops sending events to an app that keeps failing."""
    log.debug("slack: ignored an event of type %s", str(event.get("type"))[:40])


async def _ignore_interaction(ack: AsyncAck, body: dict[str, Any]) -> None:
    """A press or form that is not ours (a picker on an old message, a form of an older
    version): acknowledged, so the user sees no error, and ignored with one DEBUG line."""
    await ack()
    log.debug("slack: ignored an interaction of type %s", str(body.get("type"))[:40])
