"""Whether a Slack user is in a channel: only a channel's members may have reminders posted in
it, or make it the job-hunt channel.

Asked with users.conversations for that user (public and private channels), page by page until
the channel turns up. The other way, conversations.members, walks the channel's members instead:
a workspace-wide channel can have tens of thousands, dozens of pages for every "no", while a
person is in a few dozen channels, one page. Both need only channels:read and groups:read, which
the app has for conversations.info. For a private channel Slack lists only those the app is in
too, which is no loss: the app must be in a channel to post there. A "yes" is kept for a minute
per (workspace, user, channel); a "no" is not kept, so someone who has just joined can try
again at once."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Final

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.sending import TIMEOUT, bounded
from bot.common.users import UserKey

# users.conversations' largest page, and how many pages are read at most (a person in more
# than 20,000 channels is not answered: the walk would take too long to wait for).
PAGE: Final = 1000
MAX_PAGES: Final = 20
TYPES: Final = "public_channel,private_channel"
MEMBERSHIP_TTL: Final = 60.0


class TooManyChannels(Exception):
    """The user is in more channels than are read to find one."""


class Memberships:
    """Answers "is this user in that channel?" from Slack, keeping a yes for `ttl` seconds; the
    whole walk is given up after `timeout` seconds (TimeoutError)."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        ttl: float = MEMBERSHIP_TTL,
        clock: Callable[[], float] = time.monotonic,
        timeout: float = TIMEOUT,
    ) -> None:
        self._client = client
        self._ttl = ttl
        self._clock = clock
        self._timeout = timeout
        self._members: dict[tuple[str, str, str], float] = {}

    async def is_member(self, key: UserKey, channel: str) -> bool:
        """Whether the user of `key` is in `channel`. Raises what the Slack client raises
        (SlackApiError with Slack's error code, a timeout, a lost connection), or
        TooManyChannels."""
        cached = (key.workspace, key.user, channel)
        now = self._clock()
        if self._members.get(cached, 0.0) > now:
            return True
        found = await bounded(self._find(key.user, channel), self._timeout)
        if found:
            if len(self._members) > 10_000:
                # Expired answers must not pile up in a long-running process.
                self._members = {k: t for k, t in self._members.items() if t > now}
            self._members[cached] = now + self._ttl
        return found

    async def _find(self, user: str, channel: str) -> bool:
        cursor = ""
        for _ in range(MAX_PAGES):
            page: Any = await self._client.users_conversations(
                user=user, types=TYPES, limit=PAGE, cursor=cursor or None
            )
            if any(c.get("id") == channel for c in page.get("channels") or []):
                return True
            cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                return False
        raise TooManyChannels(f"more than {MAX_PAGES * PAGE} channels")
