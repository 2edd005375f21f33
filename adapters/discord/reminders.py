"""Reminders on Discord: posting what the scheduler hands over (`DiscordDelivery`) and telling
the reminder service whether a channel can take posts (`DiscordPlaces`)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Final, Protocol, runtime_checkable

import aiohttp
import discord

from adapters.discord.access import TIMEOUT as ACCESS_TIMEOUT
from adapters.discord.access import VIEW_AND_SEND, VIEW_CHANNEL, MemberPermissions, Unanswered
from adapters.discord.components import to_view
from adapters.discord.receiving import user_key
from adapters.discord.rendering import render, without_mass_mentions
from adapters.discord.sending import log_failure
from bot.common.errors import StorageError
from bot.common.users import UserKey
from bot.config.settings import DEFAULT_PLATFORM_TIMEOUT
from bot.reminders.model import (
    Access,
    Deferred,
    Delivered,
    DeliveryResult,
    Outgoing,
    RetryLater,
    Undeliverable,
)
from bot.storage.dms import DmChannelStore

log = logging.getLogger(__name__)

# Discord's JSON error codes that no retry can fix.
UNKNOWN_CHANNEL: Final = 10003
MISSING_ACCESS: Final = 50001
CANNOT_DM: Final = 50007
MISSING_PERMISSIONS: Final = 50013
MAX_NONCE: Final = 25
# A delivery whose turn under the pace is further away than this is handed back as Deferred
# rather than held: the scheduler tries it again then, and meanwhile holds no slot.
MAX_PACE_WAIT: Final = 5.0

# What the owner is told when a post can never be made (one plain line each).
CHANNEL_GONE: Final = "the channel no longer exists"
NO_ACCESS: Final = "I can't see that channel any more (View Channel)"
NO_PERMISSION: Final = "I'm not allowed to post in that channel (Send Messages)"
DMS_CLOSED: Final = "they don't accept direct messages from me"
NOT_A_CHANNEL: Final = "that isn't a Discord channel"
NOT_A_USER: Final = "that isn't a Discord user"

# What `check_channel` answers (one line each).
CANT_SEE: Final = "I can't see that channel: add me to it, or pick another."
NOT_TEXT: Final = "#{name} isn't a text channel: pick one where people write messages."
NOT_A_TEXT_CHANNEL: Final = "That isn't a text channel: pick one where people write messages."
OTHER_SERVER: Final = "#{name} is in another server: pick a channel of this one."
CANT_VIEW: Final = (
    "I can't see #{name}: give Take or Pass the View Channel permission there, or pick another."
)
CANT_POST: Final = (
    "I'm not allowed to post in #{name}: give Take or Pass the Send Messages permission "
    "there, or pick another channel."
)
# A channel named from a DM: the server (and who may post where in it) is unknown there.
RUN_IN_SERVER: Final = "Run this in the server, in the channel or with `channel:`."
# Said without the channel's name: someone who can't see a channel learns nothing about it.
YOU_CANT_SEE: Final = "You can't see that channel, so I won't post there for you: pick one you can."
YOU_CANT_POST: Final = (
    "You can't send messages in #{name}, so I won't post there for you: pick a channel you "
    "can write in."
)
CHECK_FAILED: Final = "I couldn't check that channel with Discord just now. Try again soon."


class DmChannels:
    """Users' DM channel ids, as the bot sees them: so a reminder to a DM costs one request,
    not two (opening DMs quickly is itself rate limited)."""

    def __init__(self) -> None:
        self._by_user: dict[int, int] = {}

    def remember(self, user_id: int, channel_id: int) -> None:
        self._by_user[user_id] = channel_id

    def get(self, user_id: int) -> int | None:
        return self._by_user.get(user_id)

    def forget(self, user_id: int) -> None:
        self._by_user.pop(user_id, None)


@runtime_checkable
class KnowsDms(Protocol):
    """A client that keeps a `DmChannels` (TakeOrPassClient does)."""

    dm_channels: DmChannels


class Pace:
    """One request every 1/`per_second` seconds across everything sharing it: Discord allows a
    bot 50 requests a second in all."""

    def __init__(self, per_second: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self._gap = 1.0 / per_second
        self._clock = clock
        self._next = 0.0

    def wait(self) -> float:
        """How long until a request could go, without taking the turn."""
        return max(self._next - self._clock(), 0.0)

    async def turn(self) -> None:
        """Wait for the next free turn and take it."""
        now = self._clock()
        at = max(now, self._next)
        self._next = at + self._gap
        if at > now:
            await asyncio.sleep(at - now)


def nonce(key: str, index: int) -> str:
    """The nonce of part `index` of a post: the delivery key itself, then keys derived from it,
    all within Discord's 25 characters."""
    if index == 0 and len(key) <= MAX_NONCE:
        return key
    suffix = f"~{index}"
    if len(key) + len(suffix) <= MAX_NONCE:
        return key + suffix
    digest = hashlib.sha256(key.encode()).hexdigest()
    return digest[: MAX_NONCE - len(suffix)] + suffix


def _user_id(key: UserKey) -> int | None:
    return int(key.user) if key.user.isdigit() else None


def _retry_after(exc: discord.HTTPException) -> timedelta | None:
    # discord.py keeps the 429's headers but not its body: Reset-After carries the exact
    # seconds (the body's retry_after), Retry-After the same rounded up.
    headers = getattr(exc.response, "headers", None) or {}
    for name in ("X-RateLimit-Reset-After", "Retry-After"):
        value = headers.get(name)
        try:
            return timedelta(seconds=float(value)) if value is not None else None
        except ValueError:
            continue
    return None


def result_of_error(exc: discord.HTTPException, *, dm: bool) -> DeliveryResult:
    """A refused post as the scheduler understands it."""
    if exc.status == 429:
        return RetryLater("Discord is rate limiting the bot", _retry_after(exc))
    if exc.code == CANNOT_DM:
        return Undeliverable(DMS_CLOSED)
    if exc.code == UNKNOWN_CHANNEL:
        return Undeliverable(CHANNEL_GONE)
    if exc.code == MISSING_ACCESS:
        return Undeliverable(NO_ACCESS)
    if exc.code == MISSING_PERMISSIONS:
        return Undeliverable(NO_PERMISSION if not dm else DMS_CLOSED)
    if exc.status >= 500 or exc.status in (401, 408):
        return RetryLater(f"Discord answered HTTP {exc.status}")
    return Undeliverable(f"Discord refused the post (error {exc.code or exc.status})")


# A client, or where to find the current one: a restarted platform runs a fresh client.
ClientSource = discord.Client | Callable[[], discord.Client]


def _current(client: ClientSource) -> Callable[[], discord.Client]:
    if isinstance(client, discord.Client):
        return lambda: client
    return client


class DiscordDelivery:
    """Posts reminders through discord.py's HTTP client: to the owner's DM (pinging only them)
    or to a channel (pinging nobody), with the delivery key as nonce so that Discord itself
    refuses a repeat, paced under the global rate limit. Never raises."""

    def __init__(
        self,
        client: ClientSource,
        *,
        per_second: float = 45.0,
        ready_timeout: float = 30.0,
        kept: DmChannelStore | None = None,
        timeout: float = DEFAULT_PLATFORM_TIMEOUT.total_seconds(),
    ) -> None:
        self._current = _current(client)
        # The longest one request to Discord may take, its own retries included.
        self._timeout = timeout
        # DM channel ids in the database: what another instance opened costs no request here.
        self._kept = kept
        self._pace = Pace(per_second)
        self._ready_timeout = ready_timeout
        self._own_dms = DmChannels()

    @property
    def _client(self) -> discord.Client:
        return self._current()

    @property
    def _dms(self) -> DmChannels:
        client = self._client
        return client.dm_channels if isinstance(client, KnowsDms) else self._own_dms

    async def deliver(self, item: Outgoing) -> DeliveryResult:
        try:
            return await self._deliver(item)
        except discord.RateLimited as exc:
            after = timedelta(seconds=exc.retry_after)
            return RetryLater("Discord is rate limiting the bot", after)
        except discord.HTTPException as exc:
            result = result_of_error(exc, dm=item.destination.channel is None)
            log.warning("discord: reminder post refused (HTTP %s, code %s)", exc.status, exc.code)
            return result
        except TimeoutError:
            log.warning("discord: reminder post not answered within %g s", self._timeout)
            return RetryLater(f"Discord did not answer within {self._timeout:g} s")
        except (aiohttp.ClientError, OSError) as exc:
            return RetryLater(f"could not reach Discord ({type(exc).__name__})")
        except Exception as exc:  # a delivery answers, never raises
            log_failure("discord: a reminder delivery", exc)
            return RetryLater(f"delivery failed ({type(exc).__name__})")

    async def _deliver(self, item: Outgoing) -> DeliveryResult:
        if not await self._logged_in():
            return RetryLater("not connected to Discord yet")
        wait = self._pace.wait()
        if wait > MAX_PACE_WAIT:
            return Deferred(timedelta(seconds=wait))
        owner = _user_id(item.destination.owner)
        channel = item.destination.channel
        if channel is None:
            if owner is None:
                return Undeliverable(NOT_A_USER)
            target = await self._dm_channel(owner)
            mentions = discord.AllowedMentions(
                everyone=False, roles=False, users=[discord.Object(owner)], replied_user=False
            )
        elif channel.isdigit():
            target = int(channel)
            mentions = discord.AllowedMentions.none()
        else:
            return Undeliverable(NOT_A_CHANNEL)
        for index, message in enumerate(render(item.message)):
            params = discord.http.handle_message_parameters(
                content=without_mass_mentions(message.content),
                nonce=nonce(item.key, index),
                allowed_mentions=mentions,
                view=to_view(message),
            )
            await self._pace.turn()
            try:
                async with asyncio.timeout(self._timeout):
                    await self._client.http.send_message(target, params=params)
            except discord.NotFound as exc:
                if channel is None and exc.code == UNKNOWN_CHANNEL and owner is not None:
                    # A DM channel id we kept is stale: open it afresh next time.
                    await self._forget_dm_channel(owner)
                    return RetryLater("the DM channel changed")
                raise
        return Delivered()

    async def _logged_in(self) -> bool:
        deadline = time.monotonic() + self._ready_timeout
        while self._client.user is None or self._client.is_closed():
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    async def _dm_channel(self, user_id: int) -> int:
        known = self._dms.get(user_id)
        if known is not None:
            return known
        key = user_key(user_id)
        if self._kept is not None:
            with contextlib.suppress(StorageError):  # then Discord is asked, as without it
                kept = await self._kept.find(key)
                if kept is not None and kept.isdigit():
                    self._dms.remember(user_id, int(kept))
                    return int(kept)
        await self._pace.turn()
        async with asyncio.timeout(self._timeout):
            data: Any = await self._client.http.start_private_message(user_id)
        channel_id = int(data["id"])
        self._dms.remember(user_id, channel_id)
        if self._kept is not None:
            with contextlib.suppress(StorageError):
                await self._kept.keep(key, str(channel_id))
        return channel_id

    async def _forget_dm_channel(self, user_id: int) -> None:
        self._dms.forget(user_id)
        if self._kept is not None:
            with contextlib.suppress(StorageError):
                await self._kept.clear(user_key(user_id))


class DiscordPlaces:
    """What Discord tells the reminder service: no user timezones (Discord has none; users set
    `timezone`), and whether a user may have the bot post in a channel: they can view it and
    send messages there (access.py), and so can the bot."""

    def __init__(
        self,
        client: ClientSource,
        *,
        clock: Callable[[], float] = time.monotonic,
        timeout: float = ACCESS_TIMEOUT,
    ) -> None:
        self._current = _current(client)
        self._timeout = timeout
        self._permissions = MemberPermissions(self._current, clock=clock, timeout=timeout)

    @property
    def _client(self) -> discord.Client:
        return self._current()

    async def user_timezone(self, key: UserKey) -> str | None:
        return None

    async def check_channel(self, key: UserKey, channel: str, server: str | None) -> str | None:
        if server is None:
            return RUN_IN_SERVER
        user = _user_id(key)
        if not channel.isdigit() or user is None:
            return CANT_SEE
        try:
            found = await self._channel(int(channel))
            if found is None:
                return CANT_SEE
            if not isinstance(found, discord.abc.GuildChannel):
                return NOT_A_TEXT_CHANNEL
            # The person first: nothing about a channel they can't see is said to them.
            theirs = await self._permissions.permissions(user, found)
        except Unanswered:
            return CHECK_FAILED
        name = found.name or "that channel"
        if not theirs & VIEW_CHANNEL:
            return YOU_CANT_SEE
        if str(found.guild.id) != server:
            return OTHER_SERVER.format(name=name)
        if not isinstance(found, discord.TextChannel):
            return NOT_TEXT.format(name=name)
        if theirs & VIEW_AND_SEND != VIEW_AND_SEND:
            return YOU_CANT_POST.format(name=name)
        return _bot_problem(found, name)

    async def may_post(self, owner: UserKey, channel: str) -> Access:
        """Whether the owner can still view and send in `channel`; a channel the bot can no
        longer see is the channel's doing, which the post itself reports."""
        user = _user_id(owner)
        if not channel.isdigit() or user is None:
            return Access.UNREACHABLE
        try:
            found = await self._channel(int(channel))
            if not isinstance(found, discord.abc.GuildChannel):
                return Access.UNREACHABLE
            theirs = await self._permissions.permissions(user, found)
        except Unanswered as exc:
            log.info("discord: could not check a reminder's channel (%s)", exc)
            return Access.UNKNOWN
        allowed = theirs & VIEW_AND_SEND == VIEW_AND_SEND
        return Access.ALLOWED if allowed else Access.DENIED

    async def _channel(self, channel_id: int) -> object | None:
        """The channel from the cache, else over REST; None when Discord says there is none the
        bot can see. Raises Unanswered when Discord could not be asked."""
        cached = self._client.get_channel(channel_id)
        if cached is not None:
            return cached
        try:
            async with asyncio.timeout(self._timeout):
                return await self._client.fetch_channel(channel_id)
        except (discord.NotFound, discord.Forbidden, discord.InvalidData):
            return None
        except (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.warning("discord: could not look a channel up (%s)", type(exc).__name__)
            raise Unanswered(type(exc).__name__) from exc


def _bot_problem(found: discord.TextChannel, name: str) -> str | None:
    me = found.guild.me
    if me is None:
        # Fetched from a server this client holds no copy of (another shard's): it can see
        # the channel, and the post itself will say if it may not write there.
        return None
    allowed = found.permissions_for(me)
    if not allowed.view_channel:
        return CANT_VIEW.format(name=name)
    if not allowed.send_messages:
        return CANT_POST.format(name=name)
    return None
