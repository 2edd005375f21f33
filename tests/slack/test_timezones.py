"""Timezones by the names people use on Slack: `/takeorpass timezone …` through the real bolt app
and AsyncWebClient against FakeSlack, the real reminder service and scheduler on an injected
clock. Alice's Slack profile says Europe/Berlin until she names another zone."""

from __future__ import annotations

from datetime import datetime

from fakes.slack import FakeSlack
from support.harness import T0
from support.slack_harness import ALICE_KEY as ALICE
from support.slack_harness import (
    TAKE_IT,
    SlackReminders,
    SlackUser,
    buttons,
    posted_after,
    shown_text,
    view_of,
)

from adapters.slack.forms import TEXT_ACTION, TEXT_BLOCK
from adapters.slack.rendering import JOINER

# T0 is Thursday 26 Nov 2026, 09:00 UTC: 10:00 in Berlin, 01:00 in Los Angeles.


def _shown(body: dict) -> str:  # type: ignore[type-arg]
    """What a message shows, read as a person does: without the joiners that keep Slack from
    reading "Los_Angeles" as italics."""
    return shown_text(body).replace(JOINER, "")


def _listed(body: dict) -> list[str]:  # type: ignore[type-arg]
    return [line for line in _shown(body).split("\n") if " PST: " in line or " CET: " in line]


async def test_timezone_pst_is_said_back_as_america_los_angeles(alice: SlackUser) -> None:
    said = await alice.command("timezone PST")
    assert said.body["response_type"] == "ephemeral"
    assert (
        "Your times are now in America/Los_Angeles (PST). It's Thu 26 Nov, 01:00 PST there."
        in _shown(said.body)
    )


async def test_a_zone_change_moves_the_weekly_and_interview_reminders_and_keeps_the_one_off(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    weekly = _shown((await alice.command("remind every monday 9am plan the week")).body)
    assert "starting Mon 30 Nov, 09:00 CET" in weekly  # her Slack profile's zone
    once = _shown((await alice.command("remind tomorrow 15:00 call Sam")).body)
    assert "Fri 27 Nov, 15:00 CET" in once
    shown = (await alice.command("Acme — Data Analyst")).body
    for value in TAKE_IT:
        shown = (await alice.press(shown, value)).body
    await alice.post(alice.press_body(shown, "set", response_name="set"))
    view = view_of((await fake.wait_for("views.open")).params)
    typed = {TEXT_BLOCK: {TEXT_ACTION: {"type": "plain_text_input", "value": "tue 15:00"}}}
    assert await alice.submit(view, typed) == (200, "")
    assert "Tue 1 Dec, 15:00 CET" in _shown(await posted_after(fake, 1))

    said = _shown((await alice.command("timezone America/Los_Angeles")).body)
    assert "Your times are now in America/Los_Angeles. It's Thu 26 Nov, 01:00 PST there." in said
    assert (
        "Moved to keep their clock time: 1 recurring reminder, 3 interview reminders. "
        "One-off reminders keep their moment."
    ) in said

    listed = _listed((await alice.command("reminders")).body)
    assert listed == [
        "Fri 27 Nov, 06:00 PST: call Sam",  # 15:00 in Berlin, as set
        "Mon 30 Nov, 09:00 PST: plan the week (every Monday at 09:00)",
        "Mon 30 Nov, 15:00 PST: Your interview at Acme — Data Analyst is in 1 day: "
        "Tue 1 Dec, 15:00 PST.",
        "Tue 1 Dec, 14:00 PST: Your interview at Acme — Data Analyst is in 1 hour: "
        "Tue 1 Dec, 15:00 PST.",
        "Wed 2 Dec, 15:00 PST: How did the interview at Acme — Data Analyst go?",
    ]
    # Posted then: the weekly one at 09:00 in Los Angeles (17:00 UTC), not 09:00 in Berlin.
    await world.run_until(datetime(2026, 11, 30, 8, 0, tzinfo=T0.tzinfo))
    assert [p for p in world.posts(ALICE.user) if "plan the week" in p["text"]] == []
    await world.run_until(datetime(2026, 11, 30, 17, 0, tzinfo=T0.tzinfo))
    assert [p for p in world.posts(ALICE.user) if "plan the week" in p["text"]]


async def test_an_ambiguous_name_offers_buttons_and_a_press_sets_the_zone(
    alice: SlackUser, world: SlackReminders
) -> None:
    await alice.command("remind every day at 9am stretch")
    offered = (await alice.command("timezone IST")).body
    assert "IST can mean more than one timezone. Which is yours?" in _shown(offered)
    assert [b["text"]["text"] for b in buttons(offered)] == [
        "Asia/Kolkata",
        "Europe/Dublin",
        "Asia/Jerusalem",
    ]
    chosen = await alice.press(offered, "Asia/Kolkata")
    assert "Your times are now in Asia/Kolkata. It's Thu 26 Nov, 14:30 IST there." in (
        _shown(chosen.body)
    )
    assert str(await world.engine.store.timezone(ALICE)) == "Asia/Kolkata"
    listed = _listed((await alice.command("reminders")).body)
    assert listed == []  # no CET or PST left
    assert "Fri 27 Nov, 09:00 IST: stretch (every day at 09:00)" in _shown(
        (await alice.command("reminders")).body
    )


async def test_an_unknown_zone_is_one_line_with_examples(alice: SlackUser) -> None:
    said = _shown((await alice.command("timezone Narnia")).body)
    assert "I don't know the timezone 'Narnia'. Try a city (timezone Berlin)" in said
