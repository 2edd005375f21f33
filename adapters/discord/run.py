"""Running the Discord adapter: pointing discord.py at its addresses, building the client and
running it (a refused token or an unreachable API stops start-up with one line), each of its
requests bounded in time, the reminders' share of the request budget, and `DiscordRunner`,
which starts a fresh client whenever one fails (`adapters.supervise`)."""

from __future__ import annotations

from typing import Any

import aiohttp
import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import HTTPClient, Route

from adapters.check import UNREACHABLE, unreachable
from adapters.discord.client import ShardedTakeOrPassClient, TakeOrPassClient
from adapters.discord.reminders import DiscordDelivery, DiscordPlaces, DmChannels
from bot.common.errors import SettingsError
from bot.config.settings import DISCORD_API_DEFAULT, Settings
from bot.engine.engine import Engine
from bot.storage.dms import DmChannelStore


def point_discord_at(api_url: str | None, gateway_url: str | None) -> None:
    """Send discord.py's REST calls to `api_url` and open its gateway at `gateway_url` (a
    rate-limit or gateway proxy, or a local fake); None keeps Discord's own address."""
    # discord.py has no public option for either address. It reads these two class attributes
    # each time it builds a request URL or opens a fresh gateway connection, so they are set
    # here, and only here. (A dropped session is resumed at the `resume_gateway_url` named in
    # READY; a gateway proxy rewrites that field to its own address.)
    if api_url:
        discord.http.Route.BASE = api_url.rstrip("/")
    if gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


class _BoundedRequest:
    """discord.py's `HTTPClient.request` with a time limit on each try: discord.py gives its
    requests no limit of its own, so a hung API held each for aiohttp's default of 300 s. A try
    that is not answered in time raises TimeoutError."""

    def __init__(self, request: Any, seconds: float) -> None:
        self.unbounded = request
        self._timeout = aiohttp.ClientTimeout(total=seconds)

    async def __call__(self, route: Route, **kwargs: Any) -> Any:
        # Passed through to aiohttp's session.request with the rest of the request's options.
        kwargs.setdefault("timeout", self._timeout)
        return await self.unbounded(route, **kwargs)


def bound_requests(http: HTTPClient, seconds: float) -> None:
    """Give every REST request `http` makes (login, commands, answers, posts) at most `seconds`
    a try (PLATFORM_TIMEOUT); calling it again replaces the limit."""
    request = http.request
    if isinstance(request, _BoundedRequest):
        request = request.unbounded
    http.request = _BoundedRequest(request, seconds)  # type: ignore[method-assign]


def build_client(
    settings: Settings, engine: Engine, *, dm_channels: DmChannels | None = None
) -> TakeOrPassClient:
    """The client for these settings, not yet connected: reminders' delivery and places are
    built on it before `run_discord` runs it. With DISCORD_SHARD_COUNT set, a sharded client
    running DISCORD_SHARD_IDS (or every shard)."""
    point_discord_at(settings.discord_api_url, settings.discord_gateway_url)
    if settings.discord_shard_count is None:
        return TakeOrPassClient(
            engine=engine, guild_ids=settings.discord_guild_ids, dm_channels=dm_channels
        )
    return ShardedTakeOrPassClient(
        engine=engine,
        guild_ids=settings.discord_guild_ids,
        dm_channels=dm_channels,
        shard_count=settings.discord_shard_count,
        shard_ids=settings.discord_shard_ids,  # none: every shard
    )


async def run_discord(
    settings: Settings, engine: Engine, *, client: TakeOrPassClient | None = None
) -> None:
    """Run the Discord client (`client`, or one built from the settings) until cancelled; a
    refused token or an unreachable API stops start-up with one line naming the setting."""
    if settings.discord_token is None:
        raise SettingsError(["DISCORD_TOKEN: required to run discord"])
    if client is None:
        client = build_client(settings, engine)
    else:
        point_discord_at(settings.discord_api_url, settings.discord_gateway_url)
    bound_requests(client.http, settings.platform_timeout.total_seconds())
    try:
        async with client:
            await client.start(settings.discord_token.get_secret_value())
    except discord.LoginFailure:
        raise SettingsError(
            ["DISCORD_TOKEN: Discord refused this token; reset it on your application's Bot page"]
        ) from None
    except (aiohttp.ClientError, *UNREACHABLE) as exc:
        # Reconnects after start-up are discord.py's own; this is the first login failing.
        # Blame the setting only if the user changed it: at the default it is the network.
        url = settings.discord_api_url
        found = unreachable("Discord", "DISCORD_API_URL", url, DISCORD_API_DEFAULT, exc)
        raise SettingsError([found.text]) from None


# Reminders leave a tenth of the bot's request budget to the conversations.
REMINDER_SHARE_OF_LIMIT = 0.9


def reminder_pace(settings: Settings) -> float:
    """Requests a second this instance's reminders may make. Discord's global limit
    (DISCORD_RATE_LIMIT) counts every instance of the bot together, so each takes the part of
    it its shards are of the whole."""
    return REMINDER_SHARE_OF_LIMIT * settings.discord_rate_limit * settings.discord_shard_share


# A scheduler claims about this many seconds' worth of posts at a time: an instance that
# claimed more would sit on them, paced, while the other instances ran out of work.
CLAIM_SECONDS = 2.0


def claim_batch(settings: Settings, *, most: int = 100) -> int:
    """How many reminders a scheduler posting to Discord should claim at once."""
    return max(5, min(most, round(CLAIM_SECONDS * reminder_pace(settings))))


class DiscordRunner:
    """Discord for the whole process: `run_client()` runs one client until it stops, and a
    fresh one on each later call (a closed discord.py client cannot start again), for the
    supervisor (`adapters.supervise`) to restart. `delivery` and `places` always act through
    the current client, so reminders carry on across restarts."""

    def __init__(
        self, settings: Settings, engine: Engine, *, kept_dms: DmChannelStore | None = None
    ) -> None:
        self._settings = settings
        self._engine = engine
        # Users' DM channels outlive a client: a reminder after a restart still costs one call.
        self._dms = DmChannels()
        self.client = build_client(settings, engine, dm_channels=self._dms)
        self._started = False
        self.delivery = DiscordDelivery(
            lambda: self.client,
            per_second=reminder_pace(settings),
            kept=kept_dms,
            timeout=settings.platform_timeout.total_seconds(),
        )
        self.places = DiscordPlaces(
            lambda: self.client, timeout=settings.platform_timeout.total_seconds()
        )

    async def run_client(self) -> None:
        """Run the current client, or a fresh one if it already ran, until it stops; a refused
        token or an unreachable API raises SettingsError (run_discord)."""
        if self._started:
            self.client = build_client(self._settings, self._engine, dm_channels=self._dms)
        self._started = True
        await run_discord(self._settings, self._engine, client=self.client)
