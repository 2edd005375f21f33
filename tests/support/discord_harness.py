"""Drives the real Discord adapter through FakeDiscord the way a user would: DMs, presses and
slash commands in; the messages the bot sent, as the fake stored them, out."""

# Waiting helpers take timeout= on purpose, like the fake's, and poll the fake's state, which
# offers no event for "a message of this kind arrived".
# ruff: noqa: ASYNC109, ASYNC110

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from fakes.discord import (
    BOT_ID,
    DM_CHANNEL_ID,
    USER_ID,
    FakeDiscord,
    RecordedRequest,
    button_press,
    dm_message,
    running,
)
from fakes.discord import guilds as rules

from adapters.discord import DiscordDelivery, DiscordPlaces, TakeOrPassClient
from adapters.discord.receiving import user_key
from bot.engine.engine import Engine
from bot.reminders.model import Places

JSON = dict[str, Any]
CALLBACK = r"/interactions/\d+/[^/]+/callback"
EPHEMERAL = 64
OPEN_DM = r"/users/@me/channels"
DM_POSTS = rf"/channels/{DM_CHANNEL_ID}/messages"
TOKEN = "fake-discord-token-0123456789"  # for `takeorpass discord` processes
ALICE_KEY = user_key(int(USER_ID))  # the fake's member "alice"
MEMBER = 2248473465835073  # the fake's default member permissions: no Manage Channels
MANAGER = MEMBER | rules.MANAGE_CHANNELS


def dm_posts(channel: str = DM_CHANNEL_ID) -> str:
    return rf"/channels/{channel}/messages"


class Harness:
    """One FakeDiscord, one engine, and the adapter's client (restartable)."""

    def __init__(self, fake: FakeDiscord, engine: Engine) -> None:
        self.fake = fake
        self.engine = engine
        self.client: TakeOrPassClient | None = None

    @classmethod
    @contextlib.asynccontextmanager
    async def started(
        cls,
        engine: Engine,
        *,
        prepare: Callable[[FakeDiscord], None] | None = None,
        **client_options: Any,
    ) -> AsyncIterator[Harness]:
        """A fake, pointed at by discord.py, with a connected client; `prepare` sets the fake
        up (servers, channels) before the client connects."""
        async with FakeDiscord() as fake:
            if prepare is not None:
                prepare(fake)
            with fake.patch_discord():
                harness = cls(fake, engine)
                async with harness.connected(**client_options):
                    yield harness

    @contextlib.asynccontextmanager
    async def connected(self, **client_options: Any) -> AsyncIterator[TakeOrPassClient]:
        """Run a fresh client until the block ends (a restart is two blocks in a row)."""
        client = TakeOrPassClient(engine=self.engine, guild_ready_timeout=0.05, **client_options)
        self.client = client
        async with running(client):
            yield client
        self.client = None

    # what the bot said

    def messages(self, channel: str = DM_CHANNEL_ID) -> list[JSON]:
        """The bot's messages in a channel, oldest first, ephemeral notes included."""
        return [
            m
            for m in self.fake.messages.values()
            if m["channel_id"] == channel and m["author"]["id"] == BOT_ID
        ]

    def visible(self, channel: str = DM_CHANNEL_ID) -> list[JSON]:
        """The bot's messages everyone in the channel sees."""
        return [m for m in self.messages(channel) if not m["flags"] & EPHEMERAL]

    @property
    def last(self) -> JSON:
        return self.visible()[-1]

    def callbacks(self) -> list[RecordedRequest]:
        return self.fake.requests_to("POST", CALLBACK)

    # what the user does

    async def dm(
        self,
        text: str,
        *,
        user: str = USER_ID,
        channel: str = DM_CHANNEL_ID,
        expect: int = 1,
        timeout: float = 5.0,
    ) -> list[JSON]:
        """Write to the bot; return the `expect` messages it answers with."""
        before = len(self.visible(channel))
        await self.fake.dispatch("MESSAGE_CREATE", dm_message(text, user, channel))
        await self.until(lambda: len(self.visible(channel)) >= before + expect, timeout)
        return self.visible(channel)[before:]

    async def press(
        self,
        message: JSON,
        value: str,
        *,
        user: str = USER_ID,
        channel: str = DM_CHANNEL_ID,
        expect: int = 1,
        timeout: float = 5.0,
    ) -> tuple[RecordedRequest, list[JSON]]:
        """Press the button whose id ends in `:value` on `message` (as it is now); return
        the interaction's first answer and the `expect` new messages that follow."""
        payload = self.press_payload(message, value, user=user, channel=channel)
        before = len(self.visible(channel))
        answered = len(self.callbacks())
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        callback = await self.fake.wait_for("POST", CALLBACK, timeout=timeout, count=answered + 1)
        await self.until(lambda: len(self.visible(channel)) >= before + expect, timeout)
        return callback, self.visible(channel)[before:]

    @staticmethod
    async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until `condition()` holds."""
        async with asyncio.timeout(timeout):
            while not condition():
                await asyncio.sleep(0.005)

    def press_payload(
        self, message: JSON, value: str, *, user: str = USER_ID, channel: str = DM_CHANNEL_ID
    ) -> JSON:
        current = self.fake.messages.get(message["id"], message)
        return button_press(button_id(current, value), user, channel, current)


def buttons(message: JSON) -> list[JSON]:
    """Every button on a message, row by row."""
    return [b for row in message.get("components", []) for b in row.get("components", [])]


def button_id(message: JSON, value: str) -> str:
    """The custom id of the button ending in `:value`."""
    ids = [b["custom_id"] for b in buttons(message) if b["custom_id"].endswith(f":{value}")]
    assert len(ids) == 1, (
        f"no single button for {value!r} in {[b['label'] for b in buttons(message)]}"
    )
    return ids[0]


def labels(message: JSON) -> list[str]:
    return [b["label"] for b in buttons(message)]


def sent_message_bodies(fake: FakeDiscord) -> Iterator[tuple[RecordedRequest, JSON]]:
    """Every request that carried message content to Discord, with the message part of it."""
    for request in fake.requests:
        body = request.json if isinstance(request.json, dict) else {}
        if request.path.endswith("/callback"):
            body = body.get("data") or {}
        if any(key in body for key in ("content", "embeds", "components")):
            yield request, body


async def settle(seconds: float = 0.15) -> None:
    """Give stray requests a moment to arrive, before asserting that none did."""
    await asyncio.sleep(seconds)


# --- servers for reminders ---------------------------------------------------------------------

LOCKED_ID = "1300000000000000002"  # "announcements": the bot may read but not post
HIDDEN_ID = "1300000000000000003"  # "secret": the bot can't see it
VOICE_ID = "1300000000000000004"  # "lounge": a voice channel
OTHER_GUILD_ID = "1200000000000000002"
OTHER_CHANNEL_ID = "1300000000000000009"  # "elsewhere", in the other server
BOT_ROLE_ID = "1210000000000000001"


def reminder_servers(fake: FakeDiscord) -> None:
    """The fake's server with channels the bot may and may not post in, and a second server."""
    guild_id = fake.guild["id"]
    fake.add_channel(
        rules.text_channel(
            LOCKED_ID,
            "announcements",
            guild_id,
            overwrites=[rules.overwrite(BOT_ROLE_ID, deny=rules.SEND_MESSAGES)],
        )
    )
    fake.add_channel(
        rules.text_channel(
            HIDDEN_ID,
            "secret",
            guild_id,
            overwrites=[rules.overwrite(guild_id, deny=rules.VIEW_CHANNEL)],
        )
    )
    fake.add_channel(rules.text_channel(VOICE_ID, "lounge", guild_id, kind=rules.GUILD_VOICE))
    other = rules.guild_with(
        fake.guild,
        guild_id=OTHER_GUILD_ID,
        name="Elsewhere",
        channels=[rules.text_channel(OTHER_CHANNEL_ID, "elsewhere", OTHER_GUILD_ID)],
    )
    fake.add_guild(other)


@contextlib.asynccontextmanager
async def with_reminders(
    world: Any,
    places: dict[str, Places],
    *,
    prepare: Callable[[FakeDiscord], None] | None = None,
) -> AsyncIterator[Harness]:
    """The client started on a `support.reminders.ReminderWorld`'s engine, with alice's DM
    open and the reminders wired to it: the service asks the client about channels
    (`places`, the dict the world's service was given) and the world's scheduler posts
    through it. On the way out, the fake must have seen no request Discord would refuse."""
    async with Harness.started(world.engine, prepare=prepare) as harness:
        harness.fake.dm_channel(USER_ID, DM_CHANNEL_ID)
        assert harness.client is not None
        places["discord"] = DiscordPlaces(harness.client)
        world.scheduler = world.make_scheduler(DiscordDelivery(harness.client))
        yield harness
        assert harness.fake.spec_violations == []
