"""Sending to Slack: the Web API client, the two ways a reply reaches a user privately, and
showing a message in one of them with its fallbacks (`deliver`); a reply's files go to the
user's DM with the app (`DmOutlet.share`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from typing import Any, Final, Protocol, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError, SlackRequestError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.logs import quiet_logger
from adapters.slack.rendering import Block, Message, fallback_text
from bot.common.errors import PlatformError
from bot.common.replies import Attachment, Kind, Reply
from bot.config.settings import Settings

log = logging.getLogger(__name__)

# Seconds a reply may take to reach Slack (response_url or Web API), retries and rate-limit
# waits included; the clients also apply it to each request of a session they make themselves.
TIMEOUT = 15

T = TypeVar("T")


async def bounded(call: Awaitable[T], seconds: float) -> T:
    """`call`, given up after `seconds` (TimeoutError). The Slack clients apply their own
    timeout only to a session they make themselves, and not to retries and rate-limit waits."""
    async with asyncio.timeout(seconds):
        return await call


def retry_handlers() -> list[AsyncRetryHandler]:
    """Retry dropped connections, and wait out HTTP 429 for as long as Retry-After says."""
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=3),
    ]


def api_base(url: str) -> str:
    """slack_sdk appends method names to the base URL, so it must end with a slash."""
    return url if url.endswith("/") else url + "/"


def make_client(settings: Settings) -> AsyncWebClient:
    """The Web API client: SLACK_BOT_TOKEN, SLACK_API_URL, PLATFORM_TIMEOUT, and our retry
    handlers."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return AsyncWebClient(
        token=token,
        base_url=api_base(settings.slack_api_url),
        timeout=int(settings.platform_timeout.total_seconds()),  # whole seconds, at least 1
        retry_handlers=retry_handlers(),
    )


def error_code(exc: Exception) -> str:
    """Slack's error code ("channel_not_found"), the HTTP status, or the exception's type."""
    if isinstance(exc, SlackApiError) and exc.response is not None:
        data = exc.response.data
        if isinstance(data, dict) and data.get("error"):
            return str(data["error"])
        return f"HTTP {exc.response.status_code}"
    return type(exc).__name__


def platform_error(exc: Exception, what: str) -> PlatformError:
    """Our error for a Slack failure; its text names the call and the error code only."""
    return PlatformError(f"{what} failed: {error_code(exc)}")


SLACK_FAILURES = (SlackClientError, aiohttp.ClientError, asyncio.TimeoutError, OSError)


class SlackTimeout(PlatformError):
    """Slack, or a response_url, did not answer in time: trying the same place again would only
    keep the user waiting longer."""

    def __init__(self, what: str, seconds: float) -> None:
        super().__init__(f"{what} failed: no answer within {seconds:g} s")


class FilesNotSent(PlatformError):
    """A reply's files could not be sent; `reason` says why in words a user can read."""

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(f"{what} failed: {reason}")
        self.reason = reason


def _files_reason(exc: Exception) -> str:
    """Why an upload failed, for the user: never a traceback, at most Slack's error code."""
    if isinstance(exc, TimeoutError):
        return "Slack did not answer in time"
    code = error_code(exc)
    if code in ("ratelimited", "rate_limited", "HTTP 429"):
        return "Slack asked me to slow down"
    if code == "missing_scope":
        return "this app may not send files yet (it needs reinstalling with files:write)"
    if isinstance(exc, SlackApiError):
        return f"Slack refused them ({code})"
    if isinstance(exc, SlackRequestError | PlatformError):
        return "Slack did not take the upload"  # the POST of the bytes was refused
    return "Slack could not be reached"


class Outlet(Protocol):
    """A place where replies to one user are shown."""

    async def send(self, message: Message, *, replace: bool = False) -> None:
        """Show `message`; with `replace`, in place of the message that was pressed."""
        ...


class ResponseUrlOutlet:
    """Ephemeral messages through a slash command's or a press's response_url."""

    def __init__(
        self,
        url: str | None,
        *,
        handlers: list[AsyncRetryHandler] | None = None,
        session: aiohttp.ClientSession | None = None,
        logger: logging.Logger | None = None,
        timeout: float = TIMEOUT,
    ) -> None:
        self._url = url
        self._handlers = retry_handlers() if handlers is None else handlers
        self._logger = logger or quiet_logger("adapters.slack.response_url")
        self._timeout = timeout
        # A shared session keeps connections to Slack's response_url host open between replies.
        self._session = session

    async def send(self, message: Message, *, replace: bool = False) -> None:
        if not self._url:
            raise PlatformError("response_url missing from the payload")
        body: dict[str, Any] = {**message, "replace_original": replace}
        if not replace:
            # Never in_channel: only the user may see the questionnaire.
            body["response_type"] = "ephemeral"
        webhook = AsyncWebhookClient(
            self._url,
            timeout=int(self._timeout) or 1,  # used only for a session of its own
            session=self._session,
            retry_handlers=self._handlers,
            logger=self._logger,
        )
        try:
            response = await bounded(webhook.send_dict(body), self._timeout)
        except TimeoutError as exc:
            raise SlackTimeout("response_url", self._timeout) from exc
        except SLACK_FAILURES as exc:
            raise platform_error(exc, "response_url") from exc
        if response.status_code != 200:
            raise PlatformError(f"response_url failed: HTTP {response.status_code}")


class DmOutlet:
    """Messages in the user's DM with the bot (the App Home messages tab)."""

    def __init__(
        self,
        client: AsyncWebClient,
        channel: str,
        *,
        message_ts: str | None = None,
        timeout: float = TIMEOUT,
    ) -> None:
        self._client = client
        # A DM channel id (D…), or the user id, which Slack takes as "the app's DM with them".
        self._channel = channel
        self._message_ts = message_ts
        self._timeout = timeout

    async def send(self, message: Message, *, replace: bool = False) -> None:
        updating = replace and self._message_ts is not None
        what = "chat.update" if updating else "chat.postMessage"
        try:
            if updating:
                call = self._client.chat_update(
                    channel=self._channel,
                    ts=str(self._message_ts),
                    text=message["text"],
                    blocks=message["blocks"],
                )
            else:
                call = self._client.chat_postMessage(
                    channel=self._channel, text=message["text"], blocks=message["blocks"]
                )
            await bounded(call, self._timeout)
        except TimeoutError as exc:
            raise SlackTimeout(what, self._timeout) from exc
        except SLACK_FAILURES as exc:
            raise platform_error(exc, what) from exc

    async def share(self, files: Sequence[Attachment], comment: str) -> None:
        """Put `files` in this DM under `comment` (mrkdwn, already escaped), with the upload
        flow Slack requires of new apps (files.upload is retired for them): for each file
        files.getUploadURLExternal and a POST of its bytes, then one files.completeUploadExternal
        (slack_sdk's files_upload_v2). The DM is found with conversations.open unless this
        outlet already has its id. The client's retry handlers wait out HTTP 429 on each of
        these requests; all of them together get this outlet's timeout. FilesNotSent if any
        step fails."""
        try:
            async with asyncio.timeout(self._timeout):
                channel = await self._dm_channel()
                await self._client.files_upload_v2(
                    file_uploads=[
                        {"filename": f.name, "content": f.data, "title": f.name} for f in files
                    ],
                    channel=channel,
                    initial_comment=comment,
                )
        except (*SLACK_FAILURES, PlatformError) as exc:
            reason = _files_reason(exc)
            raise FilesNotSent("file upload", reason) from exc

    async def _dm_channel(self) -> str:
        # A D… id is the app's DM already; a user id is not a channel files can be shared to.
        if self._channel.startswith("D"):
            return self._channel
        opened = await self._client.conversations_open(users=self._channel)
        channel = opened.get("channel") or {}
        if not isinstance(channel, dict) or not channel.get("id"):
            raise PlatformError("conversations.open failed: no channel in the answer")
        return str(channel["id"])


FILES_SENT: Final = "I've sent your files to your messages with Take or Pass."
FILES_NOT_SENT: Final = (
    "I couldn't send your files just now: {reason}; try export again in a minute."
)


async def share_files(replies: Sequence[Reply], dm: DmOutlet | None, *, in_dm: bool) -> list[Reply]:
    """Send each reply's files to the user's DM with the app (`dm`), the reply's text above
    them, and return what is left to show where the user asked: the replies without files,
    and for each with files where they went (unless that place is the DM itself: `in_dm`) or
    one line saying why they could not be sent. Files never go anywhere else."""
    left: list[Reply] = []
    for reply in replies:
        if not reply.files:
            left.append(reply)
            continue
        try:
            if dm is None:
                raise FilesNotSent("file upload", "I can't find our direct messages")
            await dm.share(reply.files, fallback_text(reply))
        except PlatformError as exc:
            log.warning("slack: %s", exc)
            reason = exc.reason if isinstance(exc, FilesNotSent) else "Slack could not be reached"
            left.append(Reply(Kind.ERROR, FILES_NOT_SENT.format(reason=reason)))
            continue
        if not in_dm:
            left.append(Reply(Kind.INFO, FILES_SENT))
    return left


async def deliver(
    outlet: Outlet,
    message: Message,
    *,
    replace: bool = False,
    fallback: Message | None = None,
    elsewhere: Outlet | None = None,
) -> None:
    """Show `message` in `outlet`, failures logged, never raised. With `replace`, in place of
    the pressed message, else (that message may be gone) below it; if Slack refuses the message
    itself, `fallback` there instead; if nothing could be shown there, `fallback` in
    `elsewhere` (the user's DM). A place that does not answer in time is not asked again."""
    attempts = [(message, replace)]
    if replace:
        attempts.append((message, False))  # the pressed message may be gone: show it below
    if fallback is not None:
        attempts.append((fallback, False))  # Slack refused the reply itself: say so
    for attempt, in_place in attempts:
        try:
            await outlet.send(attempt, replace=in_place)
            return
        except PlatformError as exc:
            log.warning("slack: %s", exc)
            if isinstance(exc, SlackTimeout):
                break  # that place does not answer: asking again only adds to the wait
    if fallback is None or elsewhere is None:
        return
    try:
        await elsewhere.send(fallback)
    except PlatformError as exc:
        log.warning("slack: %s", exc)


async def update_message(
    client: AsyncWebClient, channel: str, ts: str, text: str, blocks: list[Block], limit: float
) -> None:
    """Replace a message of ours with chat.update; a failure is logged, not raised."""
    try:
        await bounded(client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks), limit)
    except SLACK_FAILURES as exc:
        log.warning("slack: %s", platform_error(exc, "chat.update"))


async def open_view(
    client: AsyncWebClient, trigger_id: object, view: dict[str, Any], limit: float
) -> None:
    """Open a modal with views.open; PlatformError if Slack (or the payload) does not allow it."""
    if not trigger_id:
        raise PlatformError("views.open failed: no trigger_id in the payload")
    try:
        await bounded(client.views_open(trigger_id=str(trigger_id), view=view), limit)
    except SLACK_FAILURES as exc:
        raise platform_error(exc, "views.open") from exc
