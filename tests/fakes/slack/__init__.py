"""A local fake of the Slack platform, split at its seams: payloads.py (request builders and
canned ids), web.py (Web API over HTTP and response_urls), history.py (the posts kept and
conversations.history) and socket.py (Socket Mode). FakeSlack composes the parts and holds
their state."""

# Waiting helpers take `timeout=` on purpose: tests read better than with asyncio.timeout blocks.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self, TypeVar

import aiohttp.web

from ..spec_check import SpecViolation, track
from .files import Files, Share, SharedFile, Upload
from .history import History
from .payloads import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    CHANNEL_ID,
    DEFAULT_TZ,
    SLACKBOT,
    TEAM_DOMAIN,
    TEAM_ID,
    USER_ID,
    Params,
    app_home_opened_event,
    block_actions_body,
    block_actions_payload,
    dm_channel_id,
    event_body,
    event_payload,
    message_im_event,
    next_ts,
    signed_headers,
    slackbot_im_event,
    slash_command_body,
    slash_command_payload,
    template,
    user_change_event,
    view_submission_body,
    view_submission_payload,
)
from .socket import SocketMode
from .web import ApiCall, Reply, ResponsePost, WebApi, _Failure, pings

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "CHANNEL_ID",
    "DEFAULT_TZ",
    "SLACKBOT",
    "TEAM_DOMAIN",
    "TEAM_ID",
    "USER_ID",
    "ApiCall",
    "FakeSlack",
    "Params",
    "ResponsePost",
    "Share",
    "SharedFile",
    "Upload",
    "app_home_opened_event",
    "block_actions_body",
    "block_actions_payload",
    "dm_channel_id",
    "event_body",
    "event_payload",
    "message_im_event",
    "next_ts",
    "pings",
    "signed_headers",
    "slackbot_im_event",
    "slash_command_body",
    "slash_command_payload",
    "template",
    "user_change_event",
    "view_submission_body",
    "view_submission_payload",
]

T = TypeVar("T")


class FakeSlack(History, WebApi, SocketMode, Files):
    """An aiohttp server on 127.0.0.1 that plays Slack's Web API, response_url, Socket Mode and
    the upload URLs of files.getUploadURLExternal."""

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self.responses: list[ResponsePost] = []
        self.acks: list[dict[str, Any]] = []
        # Requests refused for breaking Slack's spec or Block Kit's rules (spec_slack.py);
        # tests/conftest.py fails the test if any are left at its end.
        self.spec_violations: list[SpecViolation] = []
        self._held_handlers: set[asyncio.Task[object]] = set()  # holding.py
        track(self)
        self.users: dict[str, Params] = {}  # user id -> fields overriding users.info's user
        # channel id -> fields of conversations.info's channel (see add_channel); unknown
        # channels are not found
        self.channels: dict[str, Params] = {}
        # channel or user id -> the error chat.postMessage answers for a post there
        self.refusals: dict[str, str] = {}
        self.socket_connections = 0  # websockets opened so far (reconnects count)
        self._replies: dict[str, Reply] = {}
        self._failures: dict[str, deque[_Failure]] = {}
        self._holds: dict[str, float] = {}
        # conversation id -> the posts carried out there, oldest first (history.py)
        self.history: dict[str, list[Params]] = {}
        # file id -> a file announced with files.getUploadURLExternal; shares, the
        # files.completeUploadExternal calls carried out (files.py)
        self.uploads: dict[str, Upload] = {}
        self.shares: list[Share] = []
        self._lost: dict[str, float] = {}
        self._seen: dict[str, int] = {}  # how many items each wait_for* query handed out
        self._sockets: list[aiohttp.web.WebSocketResponse] = []
        self._changed = asyncio.Condition()
        self._runner: aiohttp.web.AppRunner | None = None
        self.url = ""

    # lifecycle

    async def start(self) -> None:
        """Start listening on a free port of 127.0.0.1."""
        app = aiohttp.web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._response_url)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/link/", self._socket)
        # A short shutdown timeout: a test's stop must not wait 60 s for lingering handlers.
        self._runner = aiohttp.web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = aiohttp.web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    async def stop(self) -> None:
        """Close open websockets and stop the server."""
        for ws in list(self._sockets):
            await ws.close()
        self._cut_off_held()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def api_url(self) -> str:
        """Web API base URL, for AsyncWebClient(base_url=...) and SLACK_API_URL."""
        return f"{self.url}/api/"

    def response_url(self, name: str = "default") -> str:
        """A response_url on the fake; POSTs to it are recorded in `responses` under `name`."""
        return f"{self.url}/response/{name}"

    # waiting

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _until(self, found: Callable[[], T | None], timeout: float, what: str) -> T:
        async with self._changed:
            try:
                async with asyncio.timeout(timeout):
                    while (result := found()) is None:
                        await self._changed.wait()
            except TimeoutError:
                seen = [c.method for c in self.calls]
                raise TimeoutError(f"waited {timeout}s for {what}; API calls: {seen}") from None
        return result

    async def _next(self, key: str, items: Callable[[], list[T]], timeout: float) -> T:
        def found() -> T | None:
            done, current = self._seen.get(key, 0), items()
            if len(current) <= done:
                return None
            self._seen[key] = done + 1
            return current[done]

        return await self._until(found, timeout, key)
