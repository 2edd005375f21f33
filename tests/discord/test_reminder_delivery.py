"""Reminders posted on Discord by `DiscordDelivery`, through the real discord.py client against
FakeDiscord, driven by the real scheduler on a hand-moved clock; and the presses on the posts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from fakes.discord import (
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    JSON,
    USER_ID,
    FakeDiscord,
    RecordedRequest,
    button_press,
    slash_command,
    subcommand,
)
from fakes.discord import guilds as rules
from support.discord_harness import ALICE_KEY as KEY
from support.discord_harness import (
    CALLBACK,
    EPHEMERAL,
    HIDDEN_ID,
    LOCKED_ID,
    MANAGER,
    MEMBER,
    OPEN_DM,
    Harness,
    buttons,
    labels,
    reminder_servers,
)
from support.harness import Clock
from support.reminders import ReminderWorld

from adapters.discord import DiscordDelivery, DiscordPlaces, TakeOrPassClient
from adapters.discord.reminders import (
    CHANNEL_GONE,
    DMS_CLOSED,
    NO_ACCESS,
    NO_PERMISSION,
    nonce,
)
from bot.common.events import Start, Text
from bot.common.replies import Kind, Reply
from bot.reminders import texts
from bot.reminders.model import (
    Delivered,
    Destination,
    Outgoing,
    Places,
    RetryLater,
    Undeliverable,
)
from bot.storage.sql import SqlStore

OTHER_USER = "1400000000000000002"
WEBHOOK = r"/webhooks/\d+/[^/]+"


def posts(channel: str) -> str:
    return rf"/channels/{channel}/messages"


class Bot:
    def __init__(self, harness: Harness, world: ReminderWorld) -> None:
        self.harness = harness
        self.fake = harness.fake
        self.world = world

    @property
    def client(self) -> TakeOrPassClient:
        assert self.harness.client is not None
        return self.harness.client

    def use(self, delivery: DiscordDelivery) -> DiscordDelivery:
        self.world.scheduler = self.world.make_scheduler(delivery)
        return delivery

    async def remind(self, words: str, **where: str | bool) -> None:
        await self.world.engine.handle(KEY, Text(words, **where))  # type: ignore[arg-type]

    async def run(self, payload: JSON) -> RecordedRequest:
        answered = len(self.harness.callbacks())
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        return await self.fake.wait_for("POST", CALLBACK, count=answered + 1)

    async def after(self, delta: timedelta) -> None:
        await self.world.run_until(self.world.clock.now + delta)


@pytest.fixture
async def bot(store: SqlStore, clock: Clock) -> AsyncIterator[Bot]:
    places: dict[str, Places] = {}
    world = ReminderWorld(store, clock, places=places)
    async with Harness.started(world.engine, prepare=reminder_servers) as harness:
        harness.fake.dm_channel(USER_ID, DM_CHANNEL_ID)
        tested = Bot(harness, world)
        places["discord"] = DiscordPlaces(tested.client)
        tested.use(DiscordDelivery(tested.client))
        yield tested
        assert harness.fake.spec_violations == []


def _item(text: str, key: str, channel: str | None = None) -> Outgoing:
    reply = Reply(kind=Kind.REMINDER, text=f"Reminder: {text}")
    return Outgoing(Destination(KEY, channel), reply, key)


def _in_server(payload: JSON, permissions: int = MEMBER) -> JSON:
    return rules.with_member_permissions(payload, permissions)


# --- posting ----------------------------------------------------------------------------------


async def test_a_dm_reminder_has_its_key_as_nonce_and_may_ping_only_its_owner(bot: Bot) -> None:
    await bot.remind("remind in 90 seconds stretch")
    await bot.after(timedelta(seconds=90))
    [request] = bot.fake.requests_to("POST", posts(DM_CHANNEL_ID))
    body = request.json
    [due] = await bot.world.store.upcoming(KEY, limit=5) or [None]
    assert due is None  # delivered, nothing left
    assert body["nonce"] and len(body["nonce"]) <= 25
    assert body["enforce_nonce"] is True
    assert body["allowed_mentions"] == {"parse": [], "users": [int(USER_ID)]}
    [post] = bot.harness.visible()
    assert post["content"] == "Reminder: stretch"
    assert labels(post) == [
        "Done",
        "Snooze 20 minutes",
        "Snooze 1 hour",
        "Snooze 3 hours",
        "Snooze until tomorrow morning",
        "Snooze until next week",
    ]
    assert len(bot.fake.requests_to("POST", OPEN_DM)) == 1


async def test_the_dm_channel_is_remembered_from_a_dm_and_from_opening_it(bot: Bot) -> None:
    await bot.harness.dm("reminders")  # the bot now knows this user's DM channel
    await bot.remind("remind in 1 minute one")
    await bot.remind("remind in 2 minutes two")
    await bot.after(timedelta(minutes=1, seconds=5))
    await bot.after(timedelta(minutes=1))
    assert len(bot.fake.requests_to("POST", posts(DM_CHANNEL_ID))) == 3
    assert bot.fake.requests_to("POST", OPEN_DM) == []
    # Another client, knowing no DM yet, opens it once for two posts.
    delivery = DiscordDelivery(bot.client)
    bot.client.dm_channels.forget(int(USER_ID))
    assert await delivery.deliver(_item("a", "k.1")) == Delivered()
    assert await delivery.deliver(_item("b", "k.2")) == Delivered()
    assert len(bot.fake.requests_to("POST", OPEN_DM)) == 1


async def test_the_dm_channel_is_remembered_from_a_command_in_the_dm(bot: Bot) -> None:
    command = slash_command(
        "takeorpass",
        [subcommand("reminders")],
        guild_id=None,
        channel_id=DM_CHANNEL_ID,
        command_id=bot.fake.command_id("takeorpass"),
    )
    await bot.run(command)
    assert await DiscordDelivery(bot.client).deliver(_item("a", "k.1")) == Delivered()
    assert bot.fake.requests_to("POST", OPEN_DM) == []
    assert len(bot.fake.requests_to("POST", posts(DM_CHANNEL_ID))) == 1


async def test_a_channel_reminder_pings_nobody_whatever_its_text_says(bot: Bot) -> None:
    text = "@everyone <!channel> <!here> <@U1> <@&123> <@456> @here"
    await bot.remind(f"remind <#{CHANNEL_ID}> in 1 minute {text}", server=GUILD_ID)
    await bot.after(timedelta(minutes=2))
    [request] = bot.fake.requests_to("POST", posts(CHANNEL_ID))
    assert request.json["allowed_mentions"] == {"parse": []}
    assert request.json["enforce_nonce"] is True
    [post] = bot.harness.visible(CHANNEL_ID)
    assert bot.fake.pings(post) == set()
    assert "@\u200beveryone" in post["content"] and "@\u200bhere" in post["content"]
    assert "<\u200b@&123> <\u200b@456>" in post["content"]  # shown as written, as plain text
    # The same words with Discord's default (no allowed_mentions) would have pinged.
    assert rules.pings(f"{text}", None, in_guild=True) == {
        "everyone",
        "here",
        "role:123",
        "user:456",
    }


async def test_the_same_nonce_twice_creates_one_message(bot: Bot) -> None:
    delivery = DiscordDelivery(bot.client)
    item = _item("once only", "abcdefgh23.6745a1b0", CHANNEL_ID)
    assert await delivery.deliver(item) == Delivered()
    assert await delivery.deliver(item) == Delivered()
    assert len(bot.fake.requests_to("POST", posts(CHANNEL_ID))) == 2
    assert [m["content"] for m in bot.harness.visible(CHANNEL_ID)] == ["Reminder: once only"]


def test_nonces_of_a_long_post_stay_within_25_characters_and_differ() -> None:
    key = "abcdefgh23.6745a1b0"
    assert nonce(key, 0) == key
    assert nonce(key, 1) == key + "~1"
    long = "x" * 25
    parts = {nonce(long, i) for i in range(3)}
    assert len(parts) == 3 and all(len(n) <= 25 for n in parts)


async def test_a_reminder_too_long_for_one_message_gets_a_nonce_per_part(bot: Bot) -> None:
    delivery = DiscordDelivery(bot.client)
    reply = Reply(kind=Kind.REMINDER, text="Reminder", sections=())
    reply = reply._replace(text="Reminder: " + "word " * 500)
    item = Outgoing(Destination(KEY, CHANNEL_ID), reply, "abcdefgh23.6745a1b0")
    assert await delivery.deliver(item) == Delivered()
    assert await delivery.deliver(item) == Delivered()
    requests = bot.fake.requests_to("POST", posts(CHANNEL_ID))
    assert [r.json["nonce"] for r in requests] == [
        "abcdefgh23.6745a1b0",
        "abcdefgh23.6745a1b0~1",
    ] * 2
    assert len(bot.harness.visible(CHANNEL_ID)) == 2


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "reason"),
    [
        (None, DMS_CLOSED),
        ("1399999999999999999", CHANNEL_GONE),
        (LOCKED_ID, NO_PERMISSION),
        (HIDDEN_ID, NO_ACCESS),
    ],
    ids=["50007-dms-closed", "10003-unknown-channel", "50013-no-send", "50001-no-access"],
)
async def test_a_permanent_refusal_is_undeliverable_with_a_plain_reason(
    bot: Bot, channel: str | None, reason: str
) -> None:
    bot.fake.close_dms(USER_ID)
    result = await DiscordDelivery(bot.client).deliver(_item("x", "k.1", channel))
    assert result == Undeliverable(reason)
    assert "\n" not in reason
    assert bot.harness.visible(channel or DM_CHANNEL_ID) == []


async def test_a_channel_that_refuses_later_is_recorded_and_the_owner_told_by_dm(
    bot: Bot,
) -> None:
    await bot.remind(f"remind <#{CHANNEL_ID}> in 1 minute standup", server=GUILD_ID)
    bot.fake.refuse_posts(CHANNEL_ID, rules.MISSING_PERMISSIONS)
    await bot.after(timedelta(minutes=2))
    [notice] = bot.harness.visible()
    assert '"standup"' in notice["content"]
    assert NO_PERMISSION in notice["content"]
    assert bot.fake.pings(notice) == set()


@pytest.mark.timing
async def test_a_rate_limit_is_waited_out(bot: Bot) -> None:
    bot.fake.fail_next("POST", posts(CHANNEL_ID), retry_after=0.3, is_global=True)
    started = time.monotonic()
    assert await DiscordDelivery(bot.client).deliver(_item("x", "k.1", CHANNEL_ID)) == Delivered()
    refused, retried = bot.fake.requests_to("POST", posts(CHANNEL_ID))
    assert (refused.status, retried.status) == (429, 200)
    assert 0.28 <= retried.at - refused.at < 0.6
    assert time.monotonic() - started < 1.0


async def test_a_rate_limit_too_long_to_wait_is_retry_later_after_exactly_that(
    bot: Bot,
) -> None:
    bot.client.http.max_ratelimit_timeout = 30.0
    bot.fake.fail_next("POST", posts(CHANNEL_ID), retry_after=45.5, is_global=True)
    result = await DiscordDelivery(bot.client).deliver(_item("x", "k.1", CHANNEL_ID))
    assert isinstance(result, RetryLater)
    assert result.after == timedelta(seconds=45.5)


async def test_a_server_error_is_retry_later(bot: Bot) -> None:
    # 503 (discord.py retries 500, 502, 504 and 524 itself, for 25 s in all, then raises).
    bot.fake.fail_next("POST", posts(CHANNEL_ID), status=503)
    result = await DiscordDelivery(bot.client).deliver(_item("x", "k.1", CHANNEL_ID))
    assert result == RetryLater("Discord answered HTTP 503")
    assert bot.harness.visible(CHANNEL_ID) == []


async def test_before_login_a_delivery_waits_then_retries_later(bot: Bot) -> None:
    idle = TakeOrPassClient(engine=bot.world.engine)
    result = await DiscordDelivery(idle, ready_timeout=0.1).deliver(_item("x", "k.1"))
    assert result == RetryLater("not connected to Discord yet")


# --- pacing -----------------------------------------------------------------------------------


@pytest.mark.timing
async def test_deliveries_are_paced_across_the_bot(bot: Bot) -> None:
    delivery = DiscordDelivery(bot.client, per_second=20)
    items = [_item(f"n{i}", f"pace.{i}", CHANNEL_ID) for i in range(10)]
    started = time.monotonic()
    results = await asyncio.gather(*(delivery.deliver(item) for item in items))
    elapsed = time.monotonic() - started
    assert results == [Delivered()] * 10
    assert 9 / 20 * 0.9 <= elapsed < 10 / 20 + 0.4  # ≈ N/P


async def test_paced_under_the_fakes_global_limit_nothing_is_refused(bot: Bot) -> None:
    bot.fake.global_limit = 10
    delivery = DiscordDelivery(bot.client, per_second=9)
    items = [_item(f"n{i}", f"pace.{i}", CHANNEL_ID) for i in range(12)]
    assert await asyncio.gather(*(delivery.deliver(i) for i in items)) == [Delivered()] * 12
    assert {r.status for r in bot.fake.requests_to("POST", posts(CHANNEL_ID))} == {200}


async def test_unpaced_the_fakes_global_limit_answers_429_and_discord_py_waits(bot: Bot) -> None:
    bot.fake.global_limit = 5
    delivery = DiscordDelivery(bot.client, per_second=1000)
    items = [_item(f"n{i}", f"burst.{i}", CHANNEL_ID) for i in range(8)]
    assert await asyncio.gather(*(delivery.deliver(i) for i in items)) == [Delivered()] * 8
    statuses = [r.status for r in bot.fake.requests_to("POST", posts(CHANNEL_ID))]
    assert 429 in statuses and statuses.count(200) == 8
    assert len(bot.harness.visible(CHANNEL_ID)) == 8


# --- presses on posts -------------------------------------------------------------------------


def _closed(callback: RecordedRequest, label: str) -> None:
    assert callback.json["type"] == 7
    data = callback.json["data"]
    assert data["content"].endswith(f"→ **{label}**")
    pressed = [b for row in data["components"] for b in row["components"]]
    assert all(b["disabled"] for b in pressed)
    assert [b["style"] for b in pressed if b["label"] == label] == [3]


async def test_snooze_on_a_dm_post_closes_it_and_moves_the_reminder(bot: Bot) -> None:
    await bot.remind("remind in 1 minute stretch")
    await bot.after(timedelta(minutes=2))
    [post] = bot.harness.visible()
    callback, [note] = await bot.harness.press(post, "s1h")
    _closed(callback, "Snooze 1 hour")
    assert note["content"].startswith("Snoozed until ")
    [upcoming] = await bot.world.store.upcoming(KEY, limit=5)
    assert upcoming.text == "stretch"


async def test_stop_on_a_channel_post_closes_it_and_tells_only_the_presser(bot: Bot) -> None:
    await bot.remind(f"remind <#{CHANNEL_ID}> every monday 9am plan the week", server=GUILD_ID)
    await bot.after(timedelta(days=4, hours=5, minutes=1))  # Monday 09:01 in New York
    [post] = bot.harness.visible(CHANNEL_ID)
    assert labels(post) == [
        "Done",
        "Snooze 20 minutes",
        "Snooze 1 hour",
        "Snooze 3 hours",
        "Snooze until tomorrow morning",
        "Snooze until next week",
        "Stop",
    ]
    stop = next(b["custom_id"] for b in buttons(post) if b["label"] == "Stop")
    # Someone else, without Manage Channels: refused, told privately, the post unchanged.
    other = _in_server(button_press(stop, OTHER_USER, CHANNEL_ID, post, guild_id=GUILD_ID))
    other["member"]["user"]["id"] = OTHER_USER
    refused = await bot.run(other)
    assert refused.json["type"] == 4
    assert refused.json["data"]["flags"] & EPHEMERAL
    assert texts.NOT_YOURS in refused.json["data"]["content"]
    assert bot.fake.messages[post["id"]]["components"] == post["components"]
    # Its owner: the post closes, and the answer is theirs alone.
    mine = _in_server(button_press(stop, USER_ID, CHANNEL_ID, post, guild_id=GUILD_ID))
    _closed(await bot.run(mine), "Stop")
    note = await bot.fake.wait_for("POST", WEBHOOK)
    assert note.json["flags"] & EPHEMERAL
    assert note.json["content"].startswith("Stopped: plan the week")
    assert await bot.world.store.upcoming(KEY, limit=5) == []


async def test_a_channel_manager_may_stop_someone_elses_recurring_post(bot: Bot) -> None:
    await bot.remind(f"remind <#{CHANNEL_ID}> every day 9am water the plants", server=GUILD_ID)
    await bot.after(timedelta(hours=5, minutes=1))  # 09:01 in New York
    [post] = bot.harness.visible(CHANNEL_ID)
    stop = next(b["custom_id"] for b in buttons(post) if b["label"] == "Stop")
    press = _in_server(button_press(stop, OTHER_USER, CHANNEL_ID, post, guild_id=GUILD_ID), MANAGER)
    press["member"]["user"]["id"] = OTHER_USER
    _closed(await bot.run(press), "Stop")


async def test_the_follow_up_records_the_outcome_and_closes(bot: Bot) -> None:
    engine = bot.world.engine
    replies = await engine.handle(KEY, Start("Acme — Data Analyst"))
    for typed in ("3", "2", "2", "1", "1", "1", "3"):
        replies = await engine.handle(KEY, Text(typed))
    conversation = next(r.conversation_id for r in replies if r.conversation_id)
    assert conversation is not None
    await engine.handle(KEY, Text("tomorrow 3pm", interview=conversation))
    await bot.after(timedelta(days=2, hours=11))  # a day after, on time
    followup = bot.harness.visible()[-1]
    assert followup["content"] == "How did the interview at Acme — Data Analyst go?"
    assert labels(followup) == [
        "Offer",
        "Next round",
        "Waiting to hear",
        "Not this time",
        "Didn't go",
    ]
    callback, [answer] = await bot.harness.press(followup, "offer")
    _closed(callback, "Offer")
    assert "Congratulations" in answer["content"]
    [entry] = await bot.world.sql.history(KEY)
    assert entry.outcome == "offer"


async def test_a_press_on_an_old_post_works_after_a_restart(store: SqlStore, clock: Clock) -> None:
    world = ReminderWorld(store, clock)
    async with FakeDiscord() as fake:
        reminder_servers(fake)
        fake.dm_channel(USER_ID, DM_CHANNEL_ID)
        with fake.patch_discord():
            harness = Harness(fake, world.engine)
            async with harness.connected() as client:
                world.scheduler = world.make_scheduler(DiscordDelivery(client))
                await world.engine.handle(KEY, Text("remind in 1 minute stretch"))
                await world.run_until(clock.now + timedelta(minutes=2))
                [post] = harness.visible()
            # A new process: a new client that never sent that post.
            async with harness.connected():
                callback, [note] = await harness.press(post, "sweek")
    _closed(callback, "Snooze until next week")
    assert note["content"].startswith("Snoozed until ")
