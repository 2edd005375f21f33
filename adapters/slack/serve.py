"""The two ways to serve the bolt app: HTTP on /slack/events (with /healthz), or Socket Mode."""

from __future__ import annotations

import asyncio
import logging
from typing import Final

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from adapters.slack.outbound import error_code
from bot.errors import SettingsError
from bot.settings import Settings

log = logging.getLogger(__name__)

EVENTS_PATH: Final = "/slack/events"
HEALTH_PATH: Final = "/healthz"


def build_web_app(app: AsyncApp) -> web.Application:
    """HTTP mode: `POST /slack/events` (commands, interactivity and events; bolt checks the
    signature and answers 401 to a bad or stale one) and `GET /healthz`."""

    async def events(request: web.Request) -> web.Response:
        response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    web_app = web.Application()
    web_app.router.add_post(EVENTS_PATH, events)
    web_app.router.add_get(HEALTH_PATH, healthz)
    return web_app


async def run_socket_mode(settings: Settings, app: AsyncApp) -> None:
    assert settings.slack_app_token is not None
    app_token = settings.slack_app_token.get_secret_value()
    # The Socket Mode client retries a refused token forever; ask once first, so a wrong
    # SLACK_APP_TOKEN stops start-up with one line. The unused connection URL just expires.
    try:
        await app.client.apps_connections_open(app_token=app_token)
    except SlackApiError as exc:
        raise SettingsError([f"SLACK_APP_TOKEN: Slack refused it ({error_code(exc)})"]) from None
    handler = AsyncSocketModeHandler(app, app_token)
    try:
        await handler.connect_async()  # type: ignore[no-untyped-call]
        log.info("slack: connected in Socket Mode")
        await asyncio.Event().wait()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]


async def run_http(settings: Settings, app: AsyncApp) -> None:
    runner = web.AppRunner(build_web_app(app), access_log=None, shutdown_timeout=5)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, settings.slack_host, settings.slack_port).start()
        except OSError as exc:
            where = f"{settings.slack_host}:{settings.slack_port}"
            raise SettingsError(
                [f"SLACK_PORT: cannot listen on {where} ({exc.strerror})"]
            ) from None
        log.info(
            "slack: HTTP mode on http://%s:%s%s",
            settings.slack_host,
            settings.slack_port,
            EVENTS_PATH,
        )
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
