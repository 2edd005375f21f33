"""Running the Slack adapter: the start-up check of the bot token, then serving the bolt app,
over HTTP on /slack/events (with /healthz) or in Socket Mode."""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Final

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.check import UNREACHABLE, unreachable
from adapters.slack.app import build_app
from adapters.slack.guard import BadBody, Refusals, read_body, signature_problem
from adapters.slack.reminders import SlackPlaces
from adapters.slack.sending import error_code, make_client
from bot.common.errors import SettingsError
from bot.config.settings import SLACK_API_DEFAULT, Settings
from bot.engine.engine import Engine

log = logging.getLogger(__name__)

EVENTS_PATH: Final = "/slack/events"
HEALTH_PATH: Final = "/healthz"
# The longest /healthz waits for the database before it answers 503.
HEALTH_LIMIT: Final = 2.0
HEALTH_SLOW: Final = "the database did not answer in time"

# `None` when the database answers, else a short reason (the store's `health`).
Health = Callable[[], Awaitable[str | None]]


async def run_slack(
    settings: Settings,
    engine: Engine,
    *,
    client: AsyncWebClient | None = None,
    places: SlackPlaces | None = None,
) -> None:
    """Run the Slack adapter until cancelled: Socket Mode when SLACK_APP_TOKEN is set, else an
    HTTP server on SLACK_HOST:SLACK_PORT. Pass the `client` the reminder delivery uses, and
    its `places`, so that all share one client and profile changes reach the cache."""
    client = client or make_client(settings)
    await _check_token(client, settings)
    async with aiohttp.ClientSession() as http:
        app = build_app(
            settings,
            engine,
            client=client,
            http=http,
            places=places,
            response_timeout=settings.platform_timeout.total_seconds(),
        )
        if settings.slack_mode == "socket":
            await run_socket_mode(settings, app)
        else:
            await run_http(settings, app, health=engine.store.health)


# --- start-up: ask Slack who we are once, so a wrong token or URL stops us with one line ---

AUTH_ERRORS: Final = {"invalid_auth", "not_authed", "account_inactive", "token_revoked"}


async def _check_token(client: AsyncWebClient, settings: Settings) -> None:
    """Ask Slack who we are once at start-up, so a wrong token or URL stops us with one line."""
    try:
        await client.auth_test()
    except UNREACHABLE as exc:
        # Blame SLACK_API_URL only when the user set it; slack.com unreachable is the network.
        url = settings.slack_api_url
        found = unreachable("Slack", "SLACK_API_URL", url, SLACK_API_DEFAULT, exc)
        raise SettingsError([found.text]) from None
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


# --- serving: HTTP or Socket Mode ---


def _bad_request(reason: str) -> web.Response:
    log.warning("slack: refused a signed request: %s", reason)
    return web.Response(status=400, text=f"Bad request: {reason}.")


def build_web_app(
    app: AsyncApp,
    *,
    signing_secret: str | None = None,
    health: Health | None = None,
    health_limit: float = HEALTH_LIMIT,
) -> web.Application:
    """HTTP mode: `POST /slack/events` (commands, interactivity and events) and `GET /healthz`.

    Every request's signature is checked on its raw bytes before anything reads them: a bad or
    stale one gets 401. A signed body is read here (`guard.read_body`): one that is not Slack's
    (not UTF-8, broken JSON) gets 400; else bolt gets its fields. `signing_secret` defaults to
    the one the bolt app was built with.
    `/healthz` answers 200 `{"status": "ok"}`, or 503 with a reason when `health` says the
    database is unwell or does not answer within `health_limit` seconds."""
    # This is the only signature check on HTTP requests (bolt's is skipped, see below).
    secret = app._signing_secret if signing_secret is None else signing_secret
    refusals = Refusals()

    async def events(request: web.Request) -> web.Response:
        raw = await request.read()
        refused = signature_problem(secret, request.headers, raw, now=time.time())
        if refused is not None:
            refusals.note(refused)
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            # bolt takes a body already read only in "socket_mode", whose one difference from
            # "http" is that bolt does not check the signature: that was done above, on the
            # raw bytes.
            bolt_request = AsyncBoltRequest(
                body=read_body(raw, request.content_type),
                query=request.query_string,
                headers=request.headers,  # type: ignore[arg-type]
                mode="socket_mode",
            )
        except BadBody as exc:
            return _bad_request(str(exc))
        except (ValueError, TypeError, AttributeError, LookupError, RecursionError) as exc:
            # bolt reads the team, user and so on as it builds the request: wrong types fail.
            return _bad_request(f"its fields are not as Slack sends them ({type(exc).__name__})")
        response = await app.async_dispatch(bolt_request)
        return await to_aiohttp_response(response)

    unwell: list[str | None] = [None]  # the last reason given, to log changes only

    async def healthz(_request: web.Request) -> web.Response:
        reason = await _database_problem(health, health_limit)
        if reason != unwell[0]:
            if reason is None:
                log.info("slack: /healthz: the database answers again")
            else:
                log.warning("slack: /healthz: %s", reason)
            unwell[0] = reason
        if reason is None:
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "unavailable", "reason": reason}, status=503)

    web_app = web.Application()
    web_app.router.add_post(EVENTS_PATH, events)
    web_app.router.add_get(HEALTH_PATH, healthz)
    return web_app


async def _database_problem(health: Health | None, limit: float) -> str | None:
    if health is None:
        return None
    try:
        async with asyncio.timeout(limit):
            return await health()
    except TimeoutError:
        return HEALTH_SLOW
    except Exception as exc:  # a health check answers; it never fails the request
        return f"the database check failed ({type(exc).__name__})"


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


# Failures to listen that are about the address, not the port.
_HOST_ERRORS: Final = {errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT}


def _bind_error(host: str, port: int) -> OSError | None:
    """What bind() says for each address of `host`, as asyncio binds them: the first refusal."""
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        for family, kind, protocol, _, address in addresses:
            with socket.socket(family, kind, protocol) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind(address)
    except OSError as exc:
        return exc
    return None


def listen_problem(exc: OSError, host: str, port: int) -> str:
    """Why HTTP mode cannot listen, naming the setting to change."""
    where = f"{host}:{port}"
    if exc.errno is None and not isinstance(exc, socket.gaierror):
        # Since Python 3.13, asyncio passes over an address that bind() refuses with
        # EADDRNOTAVAIL and, when that was every address, says only "could not bind on any
        # address", with no errno; binding once more here recovers the reason.
        exc = _bind_error(host, port) or exc
    if isinstance(exc, socket.gaierror):
        return f"SLACK_HOST: cannot listen on {where}: no such host or address ({exc.strerror})"
    # The message of an error from bind() repeats the address; the code's text is enough.
    why = os.strerror(exc.errno) if exc.errno else type(exc).__name__
    if exc.errno in _HOST_ERRORS:
        return f"SLACK_HOST: cannot listen on {where}: not an address of this machine ({why})"
    if exc.errno == errno.EADDRINUSE:
        return f"SLACK_PORT: cannot listen on {where}: the port is in use ({why})"
    if exc.errno == errno.EACCES:
        return f"SLACK_PORT: cannot listen on {where}: not allowed to use this port ({why})"
    return f"SLACK_HOST, SLACK_PORT: cannot listen on {where} ({why})"


async def run_http(settings: Settings, app: AsyncApp, *, health: Health | None = None) -> None:
    runner = web.AppRunner(build_web_app(app, health=health), access_log=None, shutdown_timeout=5)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, settings.slack_host, settings.slack_port).start()
        except OSError as exc:
            problem = listen_problem(exc, settings.slack_host, settings.slack_port)
            raise SettingsError([problem]) from None
        log.info(
            "slack: HTTP mode on http://%s:%s%s",
            settings.slack_host,
            settings.slack_port,
            EVENTS_PATH,
        )
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
