"""At each post of a recurring channel reminder its owner's platform is asked whether they may
still post there (people leave channels and lose permissions): a series whose owner no longer
may pauses, and they are told once by DM; a platform that can't answer is asked again, never
taken for a yes. Through the real scheduler on every database backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from support.harness import BOB, Transcript
from support.reminders import ReminderWorld

from bot.common.users import UserKey
from bot.reminders import lapse, texts
from bot.reminders.lapse import AtDelivery
from bot.reminders.model import Access, Destination

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # a Thursday, 10:00 in New York


class Standing:
    """A platform that says whatever the test scripts about owners and channels."""

    def __init__(self) -> None:
        self.access: dict[str, Access] = {}  # by channel; allowed when not set
        self.asked: list[tuple[UserKey, str]] = []

    async def user_timezone(self, key: UserKey) -> str | None:
        return None

    async def check_channel(self, key: UserKey, channel: str, server: str | None) -> str | None:
        return None

    async def may_post(self, owner: UserKey, channel: str) -> Access:
        self.asked.append((owner, channel))
        return self.access.get(channel, Access.ALLOWED)


@pytest.fixture
def db_url(fresh_db_url: str) -> str:
    """Every test here runs on both databases."""
    return fresh_db_url


@pytest.fixture
def places() -> Standing:
    return Standing()


@pytest.fixture
def world(store, clock, places) -> ReminderWorld:
    made = ReminderWorld(store, clock, places={"slack": places})
    made.clock.now = NOW
    return made


async def _bobs_weekly(world: ReminderWorld) -> None:
    await Transcript(world.engine, BOB).say("remind <#C0JOBS|jobs> every monday 9am weekly goals")


MONDAY = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # Bob's first "every monday 9am" (New York)
WEEK = timedelta(days=7)


async def test_a_series_whose_owner_may_no_longer_post_there_pauses_and_they_are_told_once(
    world, places
):
    await _bobs_weekly(world)
    places.access["C0JOBS"] = Access.DENIED
    await world.run_until(MONDAY)
    [(_, told)] = world.delivery.posts
    assert told.destination == Destination(BOB, None)  # by DM, never in the channel
    assert told.message.text == texts.PAUSED.format(text="weekly goals", channel="C0JOBS")
    assert [b.label for b in told.message.buttons] == [texts.STOP]
    await world.run_until(MONDAY + WEEK)
    assert len(world.delivery.posts) == 1  # still paused, and not told again
    places.access["C0JOBS"] = Access.ALLOWED
    await world.run_until(MONDAY + 2 * WEEK)
    [*_, (_, posted)] = world.delivery.posts
    assert posted.destination == Destination(BOB, "C0JOBS")  # back: it carries on
    assert places.asked == [(BOB, "C0JOBS")] * 3


async def test_a_platform_that_cannot_say_is_asked_again_never_taken_for_a_yes(world, places):
    await _bobs_weekly(world)
    places.access["C0JOBS"] = Access.UNKNOWN
    # Asked at the time and at each backoff of a refused post; then given up, and Bob told.
    for after in (0, 5, 15, 35, 75, 155):
        await world.run_until(MONDAY + timedelta(seconds=after))
    assert len(places.asked) == 6
    [(_, told)] = world.delivery.posts
    assert told.destination == Destination(BOB, None)
    assert lapse.UNCHECKED in told.message.text


async def test_a_channel_out_of_the_bots_reach_is_posted_to_so_its_refusal_says_why(world, places):
    await _bobs_weekly(world)
    places.access["C0JOBS"] = Access.UNREACHABLE
    await world.run_until(MONDAY)
    [(_, posted)] = world.delivery.posts
    assert posted.destination == Destination(BOB, "C0JOBS")


async def test_one_offs_and_dms_are_not_asked_again_at_delivery(world, places):
    bob = Transcript(world.engine, BOB)
    await bob.say("remind <#C0JOBS|jobs> in 5 minutes mock interview")
    await bob.say("remind every day 9am stretch")
    places.access["C0JOBS"] = Access.DENIED
    await world.run_until(NOW + timedelta(minutes=5))
    await world.run_until(NOW + timedelta(days=1))
    assert len(world.delivery.posts) == 2 and places.asked == []


@pytest.mark.parametrize(
    ("access", "paused_before", "decision"),
    [
        (Access.ALLOWED, False, AtDelivery.POST),
        (Access.UNREACHABLE, False, AtDelivery.POST),
        (Access.DENIED, False, AtDelivery.PAUSE_AND_TELL),
        (Access.DENIED, True, AtDelivery.PAUSE),
        (Access.UNKNOWN, False, AtDelivery.RETRY),
    ],
)
def test_what_becomes_of_a_post_by_what_the_platform_says(access, paused_before, decision):
    assert lapse.at_delivery(access, paused_before=paused_before) is decision
