"""Whether a reminder was posted already. Slack takes no idempotency key, so each reminder post
carries its delivery key in its message metadata, and before a retry posts again the bot looks
for its own post in the conversation's history since the first attempt (a post Slack carried
out but answered too late for). Nothing else read there is kept or logged."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Final

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.sending import SLACK_FAILURES, bounded, error_code

log = logging.getLogger(__name__)

EVENT_TYPE: Final = "takeorpass_reminder"
# How far before the first attempt to look: this server's clock and Slack's may differ.
SKEW: Final = timedelta(minutes=5)
# At most this many pages of history are read; a post further back is not looked for.
PAGES: Final = 5
PAGE: Final = 200


def reminder_metadata(key: str) -> dict[str, Any]:
    """The metadata a reminder post carries: its delivery key, to be found by."""
    return {"event_type": EVENT_TYPE, "event_payload": {"key": key}}


class PostedCheck:
    """Looks for the app's own reminder post by its delivery key (conversations.history with
    the metadata's payload); each call to Slack is given up after `timeout` seconds."""

    def __init__(self, client: AsyncWebClient, *, timeout: float) -> None:
        self._client = client
        self._timeout = timeout
        self._dms: dict[str, str] = {}  # user id -> the app's DM with them
        self._bot: str | None = None  # the app's bot id, to know its own posts

    async def posted(self, target: str, key: str, *, since: datetime) -> bool | None:
        """Whether the post with `key` is in `target` (a channel, or a user id for the app's DM
        with them), made no sooner than `since`; None when Slack could not say."""
        try:
            channel = await self._conversation(target)
            bot = await self._bot_id()
            oldest = f"{(since - SKEW).timestamp():.6f}"
            cursor = None
            for _ in range(PAGES):
                page = await bounded(
                    self._client.conversations_history(
                        channel=channel,
                        oldest=oldest,
                        limit=PAGE,
                        cursor=cursor,
                        include_all_metadata=True,
                    ),
                    self._timeout,
                )
                if any(_is_ours(m, key, bot) for m in page.get("messages") or []):
                    return True
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not (page.get("has_more") and cursor):
                    return False
        except SLACK_FAILURES as exc:
            log.warning(
                "slack: could not look for an earlier post of a reminder (%s); posting it again%s",
                error_code(exc),
                _scope_hint(exc),
            )
            return None
        log.warning("slack: an earlier post of a reminder is further back than I look")
        return False

    async def _conversation(self, target: str) -> str:
        """The conversation to read: a channel as it is, a user's DM with the app opened."""
        if not target.startswith(("U", "W")):
            return target
        if target not in self._dms:
            opened = await bounded(self._client.conversations_open(users=target), self._timeout)
            self._dms[target] = str((opened.get("channel") or {}).get("id") or "")
        return self._dms[target]

    async def _bot_id(self) -> str | None:
        if self._bot is None:
            identity = await bounded(self._client.auth_test(), self._timeout)
            self._bot = str(identity.get("bot_id") or "") or None
        return self._bot


def _is_ours(message: Any, key: str, bot: str | None) -> bool:
    if not isinstance(message, dict):
        return False
    metadata = message.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != EVENT_TYPE:
        return False
    payload = metadata.get("event_payload")
    # Another app could post the same metadata: only the app's own post counts.
    mine = bot is None or message.get("bot_id") == bot
    return mine and isinstance(payload, dict) and payload.get("key") == key


def _scope_hint(exc: Exception) -> str:
    if error_code(exc) != "missing_scope":
        return ""
    return (
        " (reinstall the app with the scopes in slack-manifest.yml: channels:history, "
        "groups:history, im:history, im:write)"
    )
