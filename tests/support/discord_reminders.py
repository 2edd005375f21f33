"""The Discord reminders end to end harness: `Bot`, the harness (client + fake) and the reminder
world behind it on one clock, with what the user does and what the scheduler posts; and the check
that a pressed button closed its message."""

from __future__ import annotations

import copy
import re
from datetime import datetime, timedelta

from fakes.discord import (
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    JSON,
    USER_ID,
    RecordedRequest,
    button_press,
    slash_command,
    subcommand,
)
from fakes.discord import guilds as rules

from adapters.discord import TakeOrPassClient
from support.discord_harness import CALLBACK, EPHEMERAL, MEMBER, Harness, buttons
from support.reminders import ReminderWorld

SECOND = timedelta(seconds=1)
SUCCESS, SECONDARY = 3, 2  # button styles


def _posts(channel: str) -> str:
    return rf"/channels/{channel}/messages"


class Bot:
    """The harness (client + fake) and the reminder world (engine, service, scheduler) behind
    it, on one clock."""

    def __init__(self, harness: Harness, world: ReminderWorld) -> None:
        self.harness = harness
        self.fake = harness.fake
        self.world = world
        self.scheduled: list[RecordedRequest] = []

    @property
    def client(self) -> TakeOrPassClient:
        assert self.harness.client is not None
        return self.harness.client

    # what the user does

    def command(self, name: str, *options: JSON, channel: str | None = None) -> JSON:
        """`/takeorpass <name> …` run by the user in the server's #job-hunt; `channel` fills the
        CHANNEL option, with the channel in `resolved` as Discord sends it."""
        resolved = None
        listed = list(options)
        if channel is not None:
            picked = rules.resolved_channel(self.fake.channels[channel], MEMBER)
            resolved = {"channels": {channel: picked}}
            listed.append(rules.channel_option("channel", channel))
        payload = slash_command(
            "takeorpass",
            [subcommand(name, listed)],
            guild_id=GUILD_ID,
            channel_id=CHANNEL_ID,
            command_id=self.fake.command_id("takeorpass"),
            resolved=resolved,
        )
        return rules.with_member_permissions(payload, MEMBER)

    async def run(self, payload: JSON) -> RecordedRequest:
        """Dispatch an interaction; return the bot's callback to it."""
        answered = len(self.harness.callbacks())
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        return await self.fake.wait_for("POST", CALLBACK, count=answered + 1)

    async def in_server(self, name: str, *options: JSON, channel: str | None = None) -> JSON:
        """Run a reminder subcommand in the server; return its answer, checked private."""
        callback = await self.run(self.command(name, *options, channel=channel))
        assert callback.json["type"] == 4
        data: JSON = callback.json["data"]
        assert data["flags"] & EPHEMERAL
        return data

    async def press_label(self, message: JSON, label: str) -> tuple[RecordedRequest, list[JSON]]:
        """Press the button labelled `label` on a DM message; return the callback and the one
        message that follows it."""
        current = self.fake.messages.get(message["id"], message)
        [custom_id] = [b["custom_id"] for b in buttons(current) if b["label"] == label]
        before = len(self.harness.visible())
        answered = len(self.harness.callbacks())
        await self.fake.dispatch(
            "INTERACTION_CREATE", button_press(custom_id, USER_ID, DM_CHANNEL_ID, current)
        )
        callback = await self.fake.wait_for("POST", CALLBACK, count=answered + 1)
        await self.harness.until(lambda: len(self.harness.visible()) >= before + 1)
        return callback, self.harness.visible()[before:]

    # what the scheduler posts

    async def tick(self, moment: datetime) -> list[RecordedRequest]:
        """Move the clock to `moment` and let the scheduler deliver; return the messages posted
        meanwhile (nothing else talks to Discord then)."""
        start = len(self.fake.requests)
        await self.world.run_until(moment)
        posted = [
            r
            for r in self.fake.requests[start:]
            if r.method == "POST" and re.fullmatch(_posts(r"\d+"), r.path)
        ]
        self.scheduled += posted
        return posted

    def reminder_posts(self, channel: str) -> list[RecordedRequest]:
        """Every post the scheduler made to `channel` so far."""
        return [r for r in self.scheduled if r.path == _posts(channel)]

    async def on_time(
        self, due: datetime, channel: str = DM_CHANNEL_ID
    ) -> tuple[RecordedRequest, JSON]:
        """Check that nothing is posted one second before `due`, and that one reminder is
        posted, to `channel`, on the tick at `due`; return the request and its message."""
        assert await self.tick(due - SECOND) == [], f"something posted before {due}"
        posted = await self.tick(due)
        assert [(r.path, r.status) for r in posted] == [(_posts(channel), 200)], (
            f"not one post to {channel} at {due}"
        )
        return posted[0], self.posted(posted[0])

    def posted(self, request: RecordedRequest) -> JSON:
        """The message a reminder post created (found by its nonce), as it was posted."""
        channel = request.path.split("/")[2]
        nonce = request.json["nonce"]
        [message] = [m for m in self.harness.visible(channel) if m.get("nonce") == nonce]
        return copy.deepcopy(message)  # the fake's own copy changes when a press edits it


def _closed(callback: RecordedRequest, content: str, label: str) -> None:
    """The press edited its message in place: the choice shown, every button grey and
    disabled but the pressed one, green."""
    assert callback.json["type"] == 7
    data = callback.json["data"]
    assert data["content"] == f"{content}\n→ **{label}**"
    pressed = [b for row in data["components"] for b in row["components"]]
    assert all(b["disabled"] for b in pressed)
    assert [b["style"] for b in pressed] == [
        SUCCESS if b["label"] == label else SECONDARY for b in pressed
    ]
