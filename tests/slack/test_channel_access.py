"""Who may have the app post where, on Slack: only a channel's members may make it the job-hunt
channel or have a reminder posted in it, and a recurring reminder pauses once its owner has left
the channel. The real bolt app and AsyncWebClient against FakeSlack, which holds the channels'
members and answers users.conversations as Slack does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
from fakes.slack import USER_ID, FakeSlack, Params
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Connection, select
from support.harness import T0, Clock
from support.slack_harness import (
    ALICE_KEY,
    BOB,
    SlackReminders,
    SlackUser,
    buttons,
    shown_text,
)

from adapters.slack import SlackPlaces
from adapters.slack.reminders import NOT_YOURS
from bot.common.users import UserKey
from bot.reminders import lapse, texts
from bot.reminders.model import Access, Status
from bot.storage.schema import occurrences
from bot.storage.sql import SqlStore

CPRIV = "C0PRIV01"  # "hr-private": a private channel the app is in, and Alice, not Bob
BOB_KEY = UserKey("slack", ALICE_KEY.workspace, BOB)
FROM_OUTSIDE = "in 3 seconds hello from outside, see https://evil.example"


@pytest.fixture
def private(fake: FakeSlack) -> str:
    fake.add_channel(CPRIV, "hr-private", private=True, members=[USER_ID])
    return CPRIV


@pytest.fixture
async def bob(fake: FakeSlack, world: SlackReminders, alice: SlackUser) -> AsyncIterator[SlackUser]:
    async with aiohttp.ClientSession() as http:
        yield SlackUser(http, alice.url, fake, user_id=BOB)


async def _said_in_dm(user: SlackUser, text: str) -> str:
    """Type `text` in the app's DM; what the app answered there."""
    before = len(user.fake.calls_to("chat.postMessage"))
    assert await user.dm(text) == 200
    answer = (await user.fake.wait_for_calls("chat.postMessage", before + 1))[before]
    assert answer.params["channel"] == user.dm_channel
    return str(answer.params["text"])


def _posts_in_dm(fake: FakeSlack, user: SlackUser) -> list[Params]:
    """What the scheduler posted to the user (Slack takes the user id as the app's DM)."""
    return [
        c.params for c in fake.calls_to("chat.postMessage") if c.params["channel"] == user.user_id
    ]


def _posts_in(fake: FakeSlack, channel: str) -> list[str]:
    return [
        shown_text(c.params)
        for c in fake.calls_to("chat.postMessage")
        if c.params.get("channel") == channel
    ]


# --- the job-hunt channel ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "how",
    ["slash, picked", "slash, typed", "dm, typed"],
)
async def test_a_non_member_cannot_make_a_private_channel_the_job_hunt_channel(
    bob: SlackUser, fake: FakeSlack, world: SlackReminders, private: str, how: str
) -> None:
    if how == "slash, picked":
        said = (await bob.command(f"channel <#{private}|hr-private>")).body["text"]
    elif how == "slash, typed":
        # Typed by hand: Slack escapes the brackets, and plain_text turns them back.
        said = (await bob.command(f"channel &lt;#{private}&gt;")).body["text"]
    else:
        said = await _said_in_dm(bob, f"channel &lt;#{private}&gt;")
    assert said == NOT_YOURS
    assert "hr-private" not in said  # nothing about the channel is told to an outsider
    assert await world.store.job_hunt_channel("slack", ALICE_KEY.workspace) is None
    assert _posts_in(fake, private) == []
    [asked] = fake.calls_to("users.conversations")
    assert asked.params["user"] == BOB
    assert asked.params["types"] == "public_channel,private_channel"


@pytest.mark.parametrize("how", ["slash", "dm"])
async def test_a_member_makes_the_private_channel_the_job_hunt_channel(
    alice: SlackUser, world: SlackReminders, private: str, how: str
) -> None:
    if how == "slash":
        said = (await alice.command(f"channel <#{private}|hr-private>")).body["text"]
    else:
        said = await _said_in_dm(alice, f"channel &lt;#{private}&gt;")
    assert said == texts.CHANNEL_SET.format(channel=private)
    assert await world.store.job_hunt_channel("slack", ALICE_KEY.workspace) == private


# --- channel reminders ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        f"remind <#{CPRIV}|x> {FROM_OUTSIDE}",
        f"remind &lt;#{CPRIV}&gt; {FROM_OUTSIDE}",
        f"remind <#{CPRIV}|x> every monday 9am hello from outside",
        f"remind channel {FROM_OUTSIDE}",  # the job-hunt channel, which Alice chose
    ],
    ids=["one-off", "one-off, typed", "recurring", "job-hunt channel"],
)
async def test_a_non_member_cannot_have_a_reminder_posted_in_a_private_channel(
    alice: SlackUser,
    bob: SlackUser,
    fake: FakeSlack,
    world: SlackReminders,
    private: str,
    command: str,
) -> None:
    await alice.command(f"channel <#{private}|hr-private>")
    said = (await bob.command(command)).body["text"]
    assert said == NOT_YOURS
    assert await world.store.count_active(BOB_KEY) == 0
    await world.run_until(T0 + timedelta(days=8))
    assert _posts_in(fake, private) == []
    assert fake.calls_to("chat.postMessage") == []  # the refusal was Bob's alone


async def test_a_member_has_one_posted_and_the_yes_is_kept_for_a_minute(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders, private: str
) -> None:
    said = shown_text((await alice.command(f"remind <#{private}|x> in 3 seconds hello")).body)
    assert f"in <#{private}>: hello" in said
    await alice.command(f"remind <#{private}|x> in 4 seconds again")
    assert len(fake.calls_to("users.conversations")) == 1  # kept
    await world.run_until(T0 + timedelta(seconds=4))
    assert [p.splitlines()[0] for p in _posts_in(fake, private)] == [
        "Reminder: hello",
        "Reminder: again",
    ]
    world.clock.now = T0 + timedelta(seconds=61)
    await alice.command(f"remind <#{private}|x> in 5 seconds once more")
    assert len(fake.calls_to("users.conversations")) == 2  # asked again


async def test_membership_is_found_on_a_later_page(
    fake: FakeSlack, store: SqlStore, clock: Clock
) -> None:
    for n in range(5):
        fake.add_channel(f"C0OTHER{n}", f"other-{n}")
    fake.add_channel(CPRIV, "hr-private", private=True)  # listed last
    fake.page_size = 2
    places = SlackPlaces(AsyncWebClient(token="xoxb-test", base_url=fake.api_url))
    assert await places.check_channel(ALICE_KEY, CPRIV, ALICE_KEY.workspace) is None
    cursors = [c.params.get("cursor") for c in fake.calls_to("users.conversations")]
    assert len(cursors) == 3 and cursors[0] is None and all(cursors[1:])
    assert await places.may_post(ALICE_KEY, CPRIV) is Access.ALLOWED  # kept: no more calls
    assert len(fake.calls_to("users.conversations")) == 3
    assert await places.check_channel(BOB_KEY, CPRIV, ALICE_KEY.workspace) == NOT_YOURS


async def test_a_failed_membership_check_is_one_line_and_sets_nothing(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders, private: str
) -> None:
    fake.fail_next("users.conversations", error="fatal_error")
    said = (await alice.command(f"remind <#{private}|x> in 3 seconds hi")).body["text"]
    assert said.startswith("I couldn't check that channel with Slack just now (fatal")
    assert "\n" not in said
    assert await world.store.count_active(ALICE_KEY) == 0


# --- a member who leaves ----------------------------------------------------------------------


async def test_a_recurring_reminder_pauses_when_its_owner_leaves_and_resumes_on_return(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders, store: SqlStore, private: str
) -> None:
    await alice.command(f"remind <#{private}|x> every day 11am standup notes")
    first = T0 + timedelta(hours=1)  # 11:00 in Berlin
    await world.run_until(first)
    assert len(_posts_in(fake, private)) == 1
    fake.leave(private, alice.user_id)
    await world.run_until(first + timedelta(days=1))
    assert len(_posts_in(fake, private)) == 1  # not posted for someone who left
    [told] = _posts_in_dm(fake, alice)
    text = shown_text(told)
    assert text.startswith('Your recurring reminder "standup notes" in')
    assert "is paused" in text and "Stop" in [b["text"]["text"] for b in buttons(told)]
    await world.run_until(first + timedelta(days=2))
    assert len(fake.calls_to("chat.postMessage")) == 2  # told once, not at every skipped post
    statuses = await _statuses(store)
    assert statuses[1:3] == [(Status.CANCELLED.value, lapse.PAUSED)] * 2
    fake.join(private, alice.user_id)
    await world.run_until(first + timedelta(days=3))
    assert len(_posts_in(fake, private)) == 2  # back in: it carries on by itself


async def test_the_paused_notice_stop_button_ends_the_series(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders, private: str
) -> None:
    await alice.command(f"remind <#{private}|x> every day 11am standup notes")
    fake.leave(private, alice.user_id)
    await world.run_until(T0 + timedelta(hours=1))
    [told] = _posts_in_dm(fake, alice)
    await alice.press_posted(told, "stop", channel_id=alice.dm_channel)
    pressed = await fake.wait_for("chat.update")
    assert shown_text(pressed.params).endswith("✓ Stopped")
    assert await world.store.count_active(ALICE_KEY) == 0


async def test_a_membership_slack_cannot_answer_is_asked_again_not_taken_for_a_yes(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders, private: str
) -> None:
    await alice.command(f"remind <#{private}|x> every day 11am standup notes")
    first = T0 + timedelta(hours=1)  # the yes kept from setting it has expired by then
    fake.fail_next("users.conversations", error="fatal_error")
    await world.run_until(first)
    assert _posts_in(fake, private) == []
    await world.run_until(first + timedelta(seconds=5))  # the first retry's backoff
    assert len(_posts_in(fake, private)) == 1


async def _statuses(store: SqlStore) -> list[tuple[str, str | None]]:
    """Every occurrence's status and note, in time order."""

    def read(conn: Connection) -> list[tuple[str, str | None]]:
        column = occurrences.c
        rows = conn.execute(select(column.status, column.last_error).order_by(column.due_at))
        return [(row.status, row.last_error) for row in rows]

    return await store.read(read)


async def test_a_slow_answer_about_membership_is_given_up_and_never_taken_for_a_yes(
    fake: FakeSlack, private: str
) -> None:
    places = SlackPlaces(AsyncWebClient(token="xoxb-test", base_url=fake.api_url), timeout=0.2)
    fake.hold_next("users.conversations", 3.0)
    said = await places.check_channel(ALICE_KEY, private, ALICE_KEY.workspace)
    assert (
        said == "I couldn't check that channel with Slack just now (TimeoutError). Try again soon."
    )
    fake.hold_next("users.conversations", 3.0)
    assert await places.may_post(ALICE_KEY, private) is Access.UNKNOWN
    assert await places.may_post(ALICE_KEY, private) is Access.ALLOWED  # answered in time
