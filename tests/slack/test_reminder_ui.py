"""Reminders on Slack as people use them: buttons on reminder posts and lists, the interview
form (a modal), and the App Home tab; the real bolt app against FakeSlack."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from fakes.slack import FakeSlack, app_home_opened_event, pings
from support.harness import T0
from support.slack_harness import (
    ALICE_KEY,
    BOB,
    JOB_HUNT,
    TAKE_IT,
    SlackReminders,
    SlackUser,
    button,
    buttons,
    home_press_body,
    posted_after,
    serve,
    shown_text,
    slack_settings,
    updates,
    view_of,
)

from adapters.slack.forms import (
    INTERVIEW_CALLBACK,
    PICK_ACTION,
    PICK_BLOCK,
    TEXT_ACTION,
    TEXT_BLOCK,
)
from adapters.slack.rendering import MAX_HOME_BLOCKS

Params = dict[str, Any]


@pytest.fixture
async def url(fake: FakeSlack, world: SlackReminders) -> AsyncIterator[str]:
    async with serve(slack_settings(fake), world.engine, places=world.places) as events_url:
        yield events_url


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def alice(http: aiohttp.ClientSession, url: str, fake: FakeSlack) -> SlackUser:
    return SlackUser(http, url, fake)


@pytest.fixture
def bob(http: aiohttp.ClientSession, url: str, fake: FakeSlack) -> SlackUser:
    return SlackUser(http, url, fake, user_id=BOB)


# --- presses on reminder posts -------------------------------------------------------------


async def test_snooze_on_a_dm_post_marks_the_post_and_answers_in_the_dm(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    await alice.command("remind in 2 hours stretch")
    await world.run_until(T0 + timedelta(hours=2))
    [post] = world.posts(alice.user_id)
    await alice.press_posted(post, "s1h", channel_id=alice.dm_channel, ts="1700000040.1")
    [updated] = await updates(fake, 1)
    assert (updated["channel"], updated["ts"]) == (alice.dm_channel, "1700000040.1")
    assert buttons(updated) == []
    assert "✓ Snoozed 1 hour" in shown_text(updated)
    assert "Reminder: stretch" in shown_text(updated)  # the post itself stays
    answer = await posted_after(fake, 2)
    assert answer["channel"] == alice.dm_channel
    assert "Snoozed until Thu 26 Nov, 13:00 CET: stretch" in shown_text(answer)
    # And it comes again an hour later.
    await world.run_until(T0 + timedelta(hours=3))
    assert "Reminder: stretch" in shown_text(world.posts(alice.user_id)[-1])


async def test_member_stops_a_recurring_channel_post_and_only_they_see_the_answer(
    alice: SlackUser, bob: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    fake.add_channel(JOB_HUNT, "job-hunt")
    await alice.command(f"remind <#{JOB_HUNT}|job-hunt> every monday 9am standup notes")
    await world.run_until(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))  # Monday 09:00 in Berlin
    [post] = world.posts(JOB_HUNT)
    assert [b["text"]["text"] for b in buttons(post)] == [
        "Done",
        "Snooze 20 minutes",
        "Snooze 1 hour",
        "Snooze 3 hours",
        "Snooze until tomorrow morning",
        "Snooze until next week",
        "Stop",
    ]
    await bob.press_posted(post, "stop", channel_id=JOB_HUNT, response_name="bob-stop")
    [updated] = await updates(fake, 1)
    assert updated["channel"] == JOB_HUNT and buttons(updated) == []
    assert "✓ Stopped" in shown_text(updated)
    assert pings(updated) == set()
    answer = (await fake.wait_for_response("bob-stop")).body
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    assert "Stopped: standup notes" in shown_text(answer)
    assert len(world.posts(JOB_HUNT)) == 1  # nothing more said in the channel
    await world.run_until(datetime(2026, 12, 7, 8, 0, tzinfo=UTC))
    assert len(world.posts(JOB_HUNT)) == 1  # and it won't come again


async def test_refused_press_leaves_the_post_alone_and_tells_only_the_presser(
    alice: SlackUser, bob: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    fake.add_channel(JOB_HUNT, "job-hunt")
    await alice.command(f"remind <#{JOB_HUNT}|job-hunt> in 1 hour send the notes")
    await world.run_until(T0 + timedelta(hours=1))
    [post] = world.posts(JOB_HUNT)
    await bob.press_posted(post, "s1h", channel_id=JOB_HUNT, response_name="bob-snooze")
    answer = (await fake.wait_for_response("bob-snooze")).body
    assert "That reminder isn't yours" in shown_text(answer)
    assert answer["response_type"] == "ephemeral"
    await asyncio.sleep(0.1)
    assert fake.calls_to("chat.update") == []
    assert len(world.posts()) == 1


# --- the interview form --------------------------------------------------------------------


async def ephemeral_verdict(alice: SlackUser) -> Params:
    shown = (await alice.command("Acme — Data Analyst")).body
    for value in TAKE_IT:
        shown = (await alice.press(shown, value)).body
    assert shown["text"].startswith("TAKE IT")
    return shown


async def open_form(alice: SlackUser, fake: FakeSlack) -> Params:
    verdict = await ephemeral_verdict(alice)
    assert button(verdict, "set")["text"]["text"] == "Set interview reminders"
    status, _ = await alice.post(alice.press_body(verdict, "set", response_name="set"))
    assert status == 200
    opened = await fake.wait_for("views.open")
    assert opened.params["trigger_id"].startswith("1000000003.")  # the press's trigger_id
    return view_of(opened.params)


async def test_set_interview_reminders_under_an_ephemeral_verdict_opens_the_form(
    alice: SlackUser, fake: FakeSlack
) -> None:
    view = await open_form(alice, fake)
    assert view["type"] == "modal" and view["callback_id"] == INTERVIEW_CALLBACK
    assert len(view["title"]["text"]) <= 24
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert inputs[PICK_BLOCK]["element"] == {"type": "datetimepicker", "action_id": PICK_ACTION}
    assert inputs[TEXT_BLOCK]["element"]["type"] == "plain_text_input"
    assert all(b["optional"] for b in inputs.values())
    assert view["private_metadata"]  # the questionnaire it is for
    # Nothing was said in the channel, and the verdict stays as it was.
    assert fake.calls_to("chat.postMessage") == []
    assert [r.name for r in fake.responses if r.name == "set"] == []


async def test_form_submitted_with_the_picker_sets_the_reminders(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    view = await open_form(alice, fake)
    picked = int(datetime(2026, 12, 8, 15, 0, tzinfo=UTC).timestamp())
    values = {PICK_BLOCK: {PICK_ACTION: {"type": "datetimepicker", "selected_date_time": picked}}}
    assert await alice.submit(view, values) == (200, "")
    confirmed = await posted_after(fake, 1)
    assert confirmed["channel"] == alice.user_id  # the DM: it names the company
    text = shown_text(confirmed)
    assert "Interview reminders set for Acme — Data Analyst, Tue 8 Dec, 16:00 CET." in text
    assert await world.store.count_active(ALICE_KEY) == 1


async def test_form_submitted_with_typed_text_sets_the_reminders(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    view = await open_form(alice, fake)
    typed = {TEXT_BLOCK: {TEXT_ACTION: {"type": "plain_text_input", "value": "dec 3 14:30"}}}
    assert await alice.submit(view, typed) == (200, "")
    confirmed = shown_text(await posted_after(fake, 1))
    assert "Thu 3 Dec, 14:30 CET" in confirmed
    assert await world.store.count_active(ALICE_KEY) == 1


@pytest.mark.parametrize(
    ("values", "block", "says"),
    [
        (
            {TEXT_BLOCK: {TEXT_ACTION: {"type": "plain_text_input", "value": "purple"}}},
            TEXT_BLOCK,
            "",
        ),
        (
            {PICK_BLOCK: {PICK_ACTION: {"type": "datetimepicker", "selected_date_time": 1}}},
            PICK_BLOCK,
            "has already passed",
        ),
        ({}, TEXT_BLOCK, "Pick the date and time above, or type it here."),
    ],
    ids=["nonsense", "in-the-past", "empty"],
)
async def test_form_with_no_usable_time_stays_open_with_the_reason(
    alice: SlackUser,
    fake: FakeSlack,
    world: SlackReminders,
    values: dict[str, dict[str, Params]],
    block: str,
    says: str,
) -> None:
    view = await open_form(alice, fake)
    status, body = await alice.submit(view, values)
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [block]
    reason = answer["errors"][block]
    assert says in reason and 0 < len(reason) <= 150 and "\n" not in reason
    await asyncio.sleep(0.1)
    assert fake.calls_to("chat.postMessage") == []
    assert await world.store.count_active(ALICE_KEY) == 0


async def test_in_the_dm_the_prompt_takes_typing_and_offers_the_form_too(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    await alice.dm("start Acme — Data Analyst")
    for typed in ("3", "only on paper", "a year or more ago", "yes", "recruiter", "late", "3"):
        await alice.dm(typed)
    verdict = await posted_after(fake, 8)
    assert verdict["text"].startswith("TAKE IT")
    await alice.press_posted(verdict, "set", channel_id=alice.dm_channel)
    prompt = await posted_after(fake, 9)  # below the verdict, which stays
    assert "When is the interview?" in shown_text(prompt)
    assert button(prompt, "form")["text"]["text"] == "Pick the date and time"
    assert fake.calls_to("chat.update") == []
    await alice.press_posted(prompt, "form", channel_id=alice.dm_channel)
    view = view_of((await fake.wait_for("views.open")).params)
    assert view["callback_id"] == INTERVIEW_CALLBACK
    # Typing works as well: the interview is tomorrow at 15:00 in Berlin.
    await alice.dm("tomorrow 3pm")
    confirmed = shown_text(await posted_after(fake, 10))
    assert "Interview reminders set for Acme — Data Analyst, Fri 27 Nov, 15:00 CET." in confirmed

    # The follow-up's outcome buttons: the press marks the post and answers below it.
    await world.run_until(datetime(2026, 11, 28, 14, 0, tzinfo=UTC))
    followup = world.posts(alice.user_id)[-1]
    assert "How did the interview at Acme — Data Analyst go?" in shown_text(followup)
    labels = [b["text"]["text"] for b in buttons(followup)]
    assert labels == ["Offer", "Next round", "Waiting to hear", "Not this time", "Didn't go"]
    count = len(fake.calls_to("chat.postMessage"))
    await alice.press_posted(followup, "offer", channel_id=alice.dm_channel, ts="1700000050.1")
    [updated] = await updates(fake, 1)
    assert buttons(updated) == [] and "✓ Offer" in shown_text(updated)
    answer = shown_text(await posted_after(fake, count + 1))
    assert "Noted: Offer." in answer
    assert "A note to the company you prefer" in answer  # waiting on a preferred company


# --- lists ---------------------------------------------------------------------------------


async def test_cancel_in_an_ephemeral_list_replaces_it_with_the_answer_and_the_new_list(
    alice: SlackUser, world: SlackReminders
) -> None:
    await alice.command("remind in 2 hours stretch")
    await alice.command("remind tomorrow 9am call Sam")
    listed = (await alice.command("reminders")).body
    assert [b["text"]["text"] for b in buttons(listed)].count("Cancel") == 2
    answer = (await alice.press(listed, "cancel")).body
    assert answer["replace_original"] is True
    text = shown_text(answer)
    assert "Cancelled: Thu 26 Nov, 12:00 CET: stretch" in text
    assert "call Sam" in text and [b["text"]["text"] for b in buttons(answer)].count("Cancel") == 1
    assert await world.store.count_active(ALICE_KEY) == 1


async def test_undo_replaces_the_confirmation(alice: SlackUser, world: SlackReminders) -> None:
    confirmed = (await alice.command("remind in 2 hours stretch")).body
    undone = (await alice.press(confirmed, "undo")).body
    assert undone["replace_original"] is True
    assert "Undone. Nothing will be posted for it." in shown_text(undone)
    assert await world.store.count_active(ALICE_KEY) == 0


# --- App Home ------------------------------------------------------------------------------


async def test_app_home_lists_reminders_and_a_press_there_answers_in_the_dm(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    fake.add_channel(JOB_HUNT, "job-hunt")
    await alice.command("channel", channel_id=JOB_HUNT)
    await alice.command("remind in 2 hours stretch")
    await alice.command("remind tomorrow 9am call Sam")
    assert await alice.event(app_home_opened_event(alice.user_id)) == 200
    view = (await fake.wait_for("views.publish")).params["view"]
    text = shown_text(view)
    assert "Your upcoming reminders" in text
    assert "Thu 26 Nov, 12:00 CET: stretch" in text and "call Sam" in text
    assert f"Job-hunt channel for reminders: <#{JOB_HUNT}>" in text
    labels = [b["text"]["text"] for b in buttons(view)]
    assert labels.count("Edit") == 2 and labels.count("Cancel") == 2 and labels.count("Snooze") == 2
    assert len(view["blocks"]) <= MAX_HOME_BLOCKS
    status, _ = await alice.post(home_press_body(view, "cancel", user_id=alice.user_id))
    assert status == 200
    answer = await posted_after(fake, 1)
    assert answer["channel"] == alice.user_id
    assert "Cancelled: Thu 26 Nov, 12:00 CET: stretch" in shown_text(answer)
    republished = (await fake.wait_for("views.publish")).params["view"]
    assert "stretch" not in shown_text(republished) and "call Sam" in shown_text(republished)


async def test_cancel_in_a_dm_list_marks_only_that_line(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    await alice.command("remind in 2 hours stretch")
    await alice.command("remind tomorrow 9am call Sam")
    await alice.dm("reminders")
    listed = await posted_after(fake, 1)
    assert listed["channel"] == alice.dm_channel
    await alice.press_posted(listed, "cancel", channel_id=alice.dm_channel, ts="1700000060.1")
    [updated] = await updates(fake, 1)
    assert "✓ Cancelled" in shown_text(updated)
    assert [b["text"]["text"] for b in buttons(updated)] == ["Edit", "Cancel", "Snooze"]
    assert "stretch" in shown_text(updated) and "call Sam" in shown_text(updated)
    answer = await posted_after(fake, 2)
    assert "Cancelled: Thu 26 Nov, 12:00 CET: stretch" in shown_text(answer)
    assert await world.store.count_active(ALICE_KEY) == 1


async def test_form_that_slack_would_not_open_is_said_plainly(
    alice: SlackUser, fake: FakeSlack
) -> None:
    verdict = await ephemeral_verdict(alice)
    fake.fail_next("views.open", error="expired_trigger_id")
    said = await alice.press(verdict, "set")
    assert said.body["response_type"] == "ephemeral" and said.body["replace_original"] is False
    assert "I couldn't open the form just now. Please press the button again." in shown_text(
        said.body
    )
    assert fake.calls_to("chat.postMessage") == []
