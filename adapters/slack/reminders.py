"""Reminders on Slack: posting them (paced, with Slack's refusals sorted into retry or give up),
and what the reminder service asks about users' timezones and channels."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, Final

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.access import Memberships, TooManyChannels
from adapters.slack.logs import quiet_logger
from adapters.slack.posted import PostedCheck, reminder_metadata
from adapters.slack.rendering import message
from adapters.slack.sending import SLACK_FAILURES, TIMEOUT, bounded, error_code
from bot.common.errors import StorageError
from bot.common.logs import failure
from bot.common.users import UserKey
from bot.reminders.lanes import Lane, Lanes, MemoryLanes
from bot.reminders.model import (
    Access,
    Deferred,
    Delivered,
    DeliveryResult,
    Outgoing,
    RetryLater,
    Undeliverable,
)

log = logging.getLogger(__name__)

INVITE: Final = "invite me with /invite @Take or Pass"

# chat.postMessage refusals that will not change by trying again, each with what to do. The
# Web API spec documents channel_not_found, not_in_channel and is_archived; the others are on
# the method's page at api.slack.com.
PERMANENT: Final[Mapping[str, str]] = {
    "channel_not_found": (
        f"the channel is gone, or it's private and I'm not in it; pick another channel, or {INVITE}"
    ),
    "not_in_channel": f"I'm not in that channel; {INVITE}",
    "is_archived": "the channel is archived; pick another channel",
    "channel_is_archived": "the channel is archived; pick another channel",
    "user_not_found": "that Slack account is gone",
    "user_disabled": "that Slack account is deactivated",
    "cannot_dm_bot": "that account is a bot, which can't get direct messages",
    "restricted_action": (
        "the workspace doesn't let me post in that channel; ask an admin, or pick another channel"
    ),
    "restricted_action_read_only_channel": (
        "that channel is read-only for me; ask an admin, or pick another channel"
    ),
    "restricted_action_non_threadable_channel": (
        "the workspace doesn't let me post in that channel; pick another channel"
    ),
    "team_access_not_granted": (
        "the app isn't allowed in that channel's workspace; pick another channel"
    ),
    "messages_tab_disabled": (
        "direct messages with the app are turned off; turn its Messages tab on in the app's "
        "settings (App Home)"
    ),
    "msg_too_long": "the message is too long for Slack",
    "no_text": "the message came out empty",
    "invalid_blocks": "Slack refused the message's layout",
}
# The recipient's account rather than ours: account_inactive is also what Slack answers for
# a deactivated bot token, so it is permanent only for a post to someone's DM.
INACTIVE_RECIPIENT: Final = "that Slack account is deactivated"
# A DM that can't be found is about the person, not a channel to pick.
NO_DM: Final = "I can't reach that Slack account by direct message"
RATE_LIMITED: Final = frozenset({"ratelimited", "rate_limited"})


def delivery_client(client: AsyncWebClient) -> AsyncWebClient:
    """A client like `client` that neither retries nor waits out a rate limit by itself: the
    scheduler waits out Retry-After exactly (and records it), and a post that may have gone
    through is not repeated at once."""
    return AsyncWebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        session=client.session,
        logger=quiet_logger("adapters.slack.delivery"),
        retry_handlers=[],
    )


def _retry_after(exc: SlackApiError) -> timedelta | None:
    headers = getattr(exc.response, "headers", None) or {}
    raw = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return timedelta(seconds=max(int(str(raw)), 0)) if raw is not None else None
    except ValueError:
        return None


def classify(exc: Exception, *, to_dm: bool) -> DeliveryResult:
    """Slack's answer to a failed post, as a delivery result with a plain reason."""
    code = error_code(exc)
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", None)
        if status == 429 or code in RATE_LIMITED:
            return RetryLater("Slack asked me to slow down", after=_retry_after(exc))
        if to_dm and code in ("channel_not_found", "not_in_channel"):
            return Undeliverable(NO_DM)
        if code in PERMANENT:
            return Undeliverable(PERMANENT[code])
        if code == "account_inactive" and to_dm:
            return Undeliverable(INACTIVE_RECIPIENT)
        return RetryLater(f"Slack refused the post ({code})")
    if isinstance(exc, TimeoutError):
        # It may have been posted all the same: the retry looks for it first.
        return RetryLater("Slack did not answer in time")
    return RetryLater(f"Slack could not be reached ({code})")


class SlackDelivery:
    """Posts reminders with chat.postMessage: to a channel, or to the owner's DM with the app
    (Slack takes the user id as that DM). Posts to one channel are paced to one per `interval`
    seconds, first come first served: a post whose turn is within `hold` seconds waits for it,
    a later one is handed back as Deferred and keeps its turn for when it returns. Channels'
    turns are kept in `lanes` (shared by every instance on the database when given SqlLanes);
    DMs' in this process."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        interval: float = 1.0,
        hold: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        lanes: Lanes | None = None,
    ) -> None:
        self._client = delivery_client(client)
        self._interval = interval
        self._hold = hold
        self._clock = clock
        self._own_lanes = MemoryLanes(clock)
        self._lanes: Lanes = lanes or self._own_lanes
        # The turns handed out to deferred posts, by their delivery key (this clock's time).
        self._turns: dict[str, float] = {}
        self._posted = PostedCheck(self._client, timeout=self._client.timeout)

    async def _wait_for_turn(self, lanes: Lanes, lane: Lane, key: str) -> float:
        now = self._clock()
        if len(self._turns) > 1000:
            # A deferred post that never came back (cancelled meanwhile) must not hold memory.
            self._turns = {k: t for k, t in self._turns.items() if t > now - 600}
        turn = self._turns.pop(key, None)
        if turn is not None:
            return turn - now
        return await lanes.take(lane, self._interval)

    async def deliver(self, item: Outgoing) -> DeliveryResult:
        """Post one reminder; never raises."""
        owner, channel = item.destination
        target = channel or owner.user
        lane = ("slack", owner.workspace, target)
        lanes = self._lanes if channel else self._own_lanes
        try:
            wait = await self._wait_for_turn(lanes, lane, item.key)
        except StorageError as exc:
            return RetryLater(f"could not book a turn in the channel ({exc})")
        if wait > self._hold:
            self._turns[item.key] = self._clock() + wait
            return Deferred(timedelta(seconds=wait))
        if wait > 0:
            await asyncio.sleep(wait)
        if item.tried_since is not None:
            # An earlier try may have posted it and lost only Slack's answer: look first.
            if await self._posted.posted(target, item.key, since=item.tried_since):
                log.info("slack reminder was posted by an earlier try; not posting it again")
                return Delivered()
        shown = message([item.message])
        try:
            # No link_names: typed @here or @channel stays text; the blocks are escaped. The
            # metadata carries the delivery key, for the look above.
            post = self._client.chat_postMessage(
                channel=target,
                text=shown["text"],
                blocks=shown["blocks"],
                unfurl_links=False,
                metadata=reminder_metadata(item.key),
            )
            # The client's own timeout holds only for sessions it makes itself.
            await bounded(post, self._client.timeout)
        except SLACK_FAILURES as exc:
            result = classify(exc, to_dm=channel is None)
            if isinstance(result, RetryLater) and result.after is not None:
                # Nobody else gets this channel's turn before Slack's wait is over either.
                with contextlib.suppress(StorageError):
                    await lanes.hold(lane, result.after.total_seconds())
            log.info("slack reminder post refused: %s", error_code(exc))
            return result
        except Exception as exc:  # a delivery answers, never raises
            log.warning("slack reminder post failed: %s", type(exc).__name__)
            log.debug("slack reminder post failed: %s", failure(exc))
            return RetryLater(f"unexpected failure ({type(exc).__name__})")
        return Delivered()


# --- what the reminder service asks about Slack ----------------------------------------------

NOT_FOUND: Final = (
    "I can't see that channel. If it's private, invite me first ({invite}), then try again."
)
ARCHIVED: Final = "#{name} is archived. Pick another channel."
NOT_A_CHANNEL: Final = "That's a direct message, not a channel. Pick a channel."
NOT_MEMBER: Final = "I'm not in #{name}: invite me with /invite @Take or Pass, then try again."
MISSING_SCOPE: Final = (
    "Take or Pass lacks a Slack permission to check that channel ({scope}). Ask a workspace "
    "admin to reinstall the app with it, then try again."
)
CHECK_FAILED: Final = "I couldn't check that channel with Slack just now ({code}). Try again soon."
# Said without the channel's name: a private channel's name is its members' business.
NOT_YOURS: Final = (
    "You're not in that channel, and only its members can have me post there. Join it first, "
    "or pick a channel you're in."
)
# What conversations.info needs, when Slack's answer does not say.
CHANNEL_SCOPES: Final = "channels:read, groups:read"


class SlackPlaces:
    """Users' timezones from their Slack profiles (users.info, cached for `ttl` seconds and
    dropped when the profile changes), and whether a user may have the app post in a channel
    (they are in it, access.py, and so is the app); each asks Slack for at most `timeout`
    seconds."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        ttl: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
        timeout: float = TIMEOUT,
    ) -> None:
        self._client = client
        self._ttl = ttl
        self._timeout = timeout
        self._clock = clock
        self._zones: dict[UserKey, tuple[float, str | None]] = {}
        self._memberships = Memberships(client, clock=clock, timeout=timeout)

    async def user_timezone(self, key: UserKey) -> str | None:
        """The IANA zone of the user's Slack profile, or None if Slack won't say."""
        now = self._clock()
        cached = self._zones.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            response = await bounded(self._client.users_info(user=key.user), self._timeout)
        except SLACK_FAILURES as exc:
            log.warning("slack users.info failed: %s", error_code(exc))
            return None  # not cached: the next reminder asks again
        user = response.get("user") or {}
        zone = user.get("tz") if isinstance(user, dict) else None
        found = str(zone) if zone else None
        self._zones[key] = (now + self._ttl, found)
        return found

    def forget_user(self, user_id: str) -> None:
        """The user changed their profile (maybe their timezone): ask Slack again next time."""
        for key in [k for k in self._zones if k.user == user_id]:
            del self._zones[key]

    async def check_channel(self, key: UserKey, channel: str, server: str | None) -> str | None:
        """None if the user is in `channel` and the app is in it and may post there; else what
        to do about it."""
        try:
            info = await self._info(channel)
        except SlackApiError as exc:
            return _channel_problem(exc)
        except SLACK_FAILURES as exc:
            return CHECK_FAILED.format(code=error_code(exc))
        # Plain text: the renderer escapes it when the answer is shown (names hold no markup).
        name = str(info.get("name") or channel)
        if info.get("is_im") or info.get("is_mpim"):
            return NOT_A_CHANNEL
        # The person first: nothing more about a channel they are not in is said to them.
        try:
            if not await self._memberships.is_member(key, channel):
                return NOT_YOURS
        except SlackApiError as exc:
            return _channel_problem(exc)
        except (*SLACK_FAILURES, TooManyChannels) as exc:
            return CHECK_FAILED.format(code=error_code(exc))
        if info.get("is_archived"):
            return ARCHIVED.format(name=name)
        if not info.get("is_member"):
            return NOT_MEMBER.format(name=name)
        return None

    async def may_post(self, owner: UserKey, channel: str) -> Access:
        """Whether the owner is still in `channel`. Not listed there also when the app can no
        longer see the channel (deleted, or a private one it was removed from): that is the
        channel's doing, which the post itself reports."""
        try:
            if await self._memberships.is_member(owner, channel):
                return Access.ALLOWED
        except (*SLACK_FAILURES, TooManyChannels) as exc:
            log.info("slack users.conversations failed: %s", error_code(exc))
            return Access.UNKNOWN
        try:
            info = await self._info(channel)
        except SLACK_FAILURES as exc:
            gone = isinstance(exc, SlackApiError) and error_code(exc) == "channel_not_found"
            return Access.UNREACHABLE if gone else Access.UNKNOWN
        if info.get("is_archived") or not info.get("is_member"):
            return Access.UNREACHABLE
        return Access.DENIED

    async def _info(self, channel: str) -> dict[str, Any]:
        """conversations.info's channel, as the app sees it (`is_member` is the app's)."""
        response = await bounded(self._client.conversations_info(channel=channel), self._timeout)
        info = response.get("channel")
        return info if isinstance(info, dict) else {}


def _channel_problem(exc: SlackApiError) -> str:
    code = error_code(exc)
    data = exc.response.data if exc.response is not None else None
    if code == "channel_not_found":
        return NOT_FOUND.format(invite=INVITE)
    if code in ("missing_scope", "not_allowed_token_type"):
        needed = data.get("needed") if isinstance(data, dict) else None
        return MISSING_SCOPE.format(scope=needed or CHANNEL_SCOPES)
    return CHECK_FAILED.format(code=code)
