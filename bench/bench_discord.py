"""Discord figures: a DM to the bot until its reply reaches Discord, through the local fakes.

The clock runs from pushing MESSAGE_CREATE down the fake gateway until the bot's
`POST /channels/{id}/messages` for that DM arrives at the fake REST server. Every DM comes from
a new user, so each one starts a questionnaire: a claimed delivery, a load and a committed save
to a SQLite file, and the first question rendered with its buttons. The baseline is a bare
discord.py client (same intents, no pings) whose on_message only replies with a text, timed the
same way, in the same run, in alternating rounds. The fake shares the event loop with the
client, so its own work is in both figures alike.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import discord  # noqa: E402
from aiohttp import web  # noqa: E402
from common import emit, median, percentile  # noqa: E402
from fakes.discord import FakeDiscord, dm_message, running  # noqa: E402

from adapters.discord import TakeOrPassClient, minimal_intents  # noqa: E402
from bot.engine.engine import Engine  # noqa: E402
from bot.storage.sql import SqlStore  # noqa: E402

ROUNDS = 4
PER_ROUND = 75
CONCURRENT = 200
BURSTS = 5
WARMUP = 20
# Between sequential DMs the bot finishes with the last one (parsing Discord's answer), so each
# sample is one DM to an otherwise idle bot.
IDLE = 0.005
BARE_REPLY = "Is there any chance you'd want to work there, in this role?"

_users = iter(range(1_000_000))


class TimedFake(FakeDiscord):
    """The fake, noting when the bot's first message in each awaited channel arrives.

    It checks every request against Discord's OpenAPI spec as the tests' fake does, but once
    the clock has stopped (`check_requests`): the check is the fake's CPU, not the bot's, and
    validating a message with buttons costs the fake several times what a plain text does, which
    on a shared event loop would be counted against the bot."""

    def __init__(self) -> None:
        super().__init__()
        self.awaited: dict[str, asyncio.Future[float]] = {}
        self._unchecked: list[tuple[Any, Any]] = []

    def _refuse_off_spec(self, req: Any, form: Any) -> web.Response | None:
        self._unchecked.append((req, form))
        return None

    def check_requests(self) -> None:
        """Check the requests received so far; stop the bench at the first the spec refuses."""
        for req, form in self._unchecked:
            if super()._refuse_off_spec(req, form) is not None:
                raise SystemExit(f"Discord would refuse {req.method} {req.path}: {req.json}")
        self._unchecked.clear()

    async def _create_message(self, req: Any, m: Any) -> web.Response:
        response = await super()._create_message(req, m)
        arrival = self.awaited.pop(m["channel"], None)
        if arrival is not None and response.status == 200:
            arrival.set_result(req.at)
        return response


class BareClient(discord.Client):
    """The least a discord.py bot does to answer a DM."""

    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None and not message.author.bot:
            await message.channel.send(BARE_REPLY)


async def idle_dm(fake: TimedFake) -> float:
    """One DM to an idle bot."""
    await asyncio.sleep(IDLE)
    return await one_dm(fake)


async def one_dm(fake: TimedFake) -> float:
    """Send one DM from a new user; milliseconds until the bot's reply arrived."""
    n = next(_users)
    user, channel = str(1_400_000_000_100_000_000 + n), str(1_500_000_000_100_000_000 + n)
    arrival: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    fake.awaited[channel] = arrival
    began = time.monotonic()
    await fake.dispatch("MESSAGE_CREATE", dm_message("hi", user, channel))
    return (await asyncio.wait_for(arrival, 30) - began) * 1000


@asynccontextmanager
async def connected(make: Callable[[], discord.Client]) -> AsyncIterator[TimedFake]:
    async with TimedFake() as fake:
        with fake.patch_discord():
            async with running(make(), timeout=10):
                for _ in range(WARMUP):
                    await one_dm(fake)
                yield fake
        fake.check_requests()


async def main_async(folder: Path) -> None:
    store = await SqlStore.open(f"sqlite:///{folder / 'bench.db'}")
    engine = Engine(store=store, ttl=timedelta(hours=24))

    def ours() -> discord.Client:
        return TakeOrPassClient(engine=engine, guild_ready_timeout=0.05)

    def bare() -> discord.Client:
        return BareClient(
            intents=minimal_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=0.05,
        )

    ours_ms: list[float] = []
    bare_ms: list[float] = []
    for _ in range(ROUNDS):
        for make, samples in ((bare, bare_ms), (ours, ours_ms)):
            async with connected(make) as fake:
                samples += [await idle_dm(fake) for _ in range(PER_ROUND)]

    # One burst's p99 is one sample, and on this shared machine it varies by half from run to
    # run, so bursts alternate too and the medians of their p99s are compared.
    ours_p99: list[float] = []
    bare_p99: list[float] = []
    for _ in range(BURSTS):
        for make, p99s in ((bare, bare_p99), (ours, ours_p99)):
            async with connected(make) as fake:
                burst = await asyncio.gather(*(one_dm(fake) for _ in range(CONCURRENT)))
                p99s.append(percentile(list(burst), 0.99))
    await store.close()

    emit("discord_dm_median_ms", median(ours_ms), "ms")
    emit("discord_dm_p99_ms_200_concurrent", median(ours_p99), "ms")
    emit("discord_bare_p99_ms_200_concurrent", median(bare_p99), "ms")
    emit("discord_overhead_ratio", median(ours_ms) / median(bare_ms), "ratio")
    emit("discord_p99_ratio_200_concurrent", median(ours_p99) / median(bare_p99), "ratio")
    print(
        f"bare discord.py median {median(bare_ms):.2f} ms over {len(bare_ms)} DMs; "
        f"ours {median(ours_ms):.2f} ms; p99 of 200 at once, per burst: "
        f"ours {', '.join(f'{v:.0f}' for v in ours_p99)} ms, "
        f"bare {', '.join(f'{v:.0f}' for v in bare_p99)} ms",
        file=sys.stderr,
    )


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    # discord.py warns on every start that voice support is missing; the bench starts nine.
    logging.getLogger("discord.client").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(main_async(Path(folder)))


if __name__ == "__main__":
    main()
