"""The Slack adapter in HTTP mode, the questionnaire: pressed or typed through to each verdict,
the buttons' ids, back, why, cancel, help, history and forget me, App Home, and the copy of a
verdict. Signed requests as Slack sends them, against FakeSlack."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from fakes.slack import (
    FakeSlack,
    app_home_opened_event,
    event_body,
)
from support.slack_harness import (
    SlackUser,
    button,
    buttons,
    choice_buttons,
    home_press_body,
    serve,
    shown_text,
    slack_settings,
)

from bot.config.settings import Settings
from bot.engine.engine import Engine
from bot.questionnaire.rules import QUESTIONS

BUTTON_ID = re.compile(r"^tp:[a-z0-9]+:([a-z_]+):([a-z_]+)$")


@pytest.fixture
def settings(fake: FakeSlack) -> Settings:
    return slack_settings(fake)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def url(settings: Settings, engine: Engine) -> AsyncIterator[str]:
    async with serve(settings, engine) as events_url:
        yield events_url


@pytest.fixture
def user(http: aiohttp.ClientSession, url: str, fake: FakeSlack) -> SlackUser:
    return SlackUser(http, url, fake)


VERDICT_RUNS = {
    "TAKE IT": ("maybe", "paper", "while", "yes", "recruiter", "late", "free"),
    "LEAN TAKE": ("doubtful", "well", "recent", "no", "team", "no", "some"),
    "PASS": ("no_way",),  # ends the questionnaire at once
    "PASS ": ("doubtful", "well", "recent", "no", "unknown", "no", "sneak"),  # on cost
}


@pytest.mark.parametrize("expected", list(VERDICT_RUNS))
async def test_full_questionnaire_by_presses_ends_in_each_verdict(
    user: SlackUser, fake: FakeSlack, expected: str
) -> None:
    shown = (await user.command("Acme — Data Analyst")).body
    assert shown["response_type"] == "ephemeral"
    assert "Got it: Acme — Data Analyst." in shown_text(shown)
    for number, (question, value) in enumerate(
        zip(QUESTIONS, VERDICT_RUNS[expected], strict=False), start=1
    ):
        assert f"Question {number} of 7" in shown_text(shown)
        assert question.prompt in shown_text(shown)
        choices = choice_buttons(shown)
        assert [b["value"].split(":")[2:] for b in choices] == [
            [question.id, c.value] for c in question.choices
        ]
        assert [b["text"]["text"] for b in choices] == [c.label for c in question.choices]
        answered = await user.press(shown, value)
        assert answered.body["replace_original"] is True
        shown = answered.body
    verdict = expected.strip()
    assert shown["text"].startswith(verdict)
    first = shown["blocks"][0]["text"]["text"]
    assert first.startswith(f"*{verdict} — Acme — Data Analyst*")
    text = shown_text(shown)
    assert any(title in text for title in ("In favour of going", "Against going", "Why"))
    if verdict == "PASS":
        assert "A polite decline you can copy" in text
        note = "```Thank you for inviting me to interview for the Data Analyst role at Acme."
        assert note in text
    else:
        assert "To prepare" in text and "```" not in text
    # Privacy: everything went to the user's response_url, ephemerally; no channel post.
    assert fake.calls_to("chat.postMessage") == [] and fake.calls_to("chat.postEphemeral") == []
    for response in fake.responses:
        body = response.body
        assert body.get("response_type") == "ephemeral" or body.get("replace_original") is True
        assert body.get("response_type") != "in_channel"


async def test_first_question_buttons_carry_spec_ids(user: SlackUser) -> None:
    shown = (await user.command("")).body
    # No company given: the optional first step asks for it, with skip.
    assert button(shown, "skip")["value"].endswith(":company:skip")
    shown = (await user.press(shown, "skip")).body
    ids = [BUTTON_ID.match(b["value"]) for b in buttons(shown)]
    assert all(ids), [b["value"] for b in buttons(shown)]
    assert [m.groups() for m in ids if m] == [
        ("certainty", "no_way"),
        ("certainty", "doubtful"),
        ("certainty", "maybe"),
        ("certainty", "restart"),
        ("certainty", "cancel"),
        ("certainty", "why"),
    ]
    action_ids = [b["action_id"] for b in buttons(shown)]
    assert len(set(action_ids)) == len(action_ids)
    assert all(b["text"]["type"] == "plain_text" for b in buttons(shown))


async def test_typed_answers_in_dm_reach_a_verdict(user: SlackUser, fake: FakeSlack) -> None:
    assert await user.dm("start Acme — Data Analyst") == 200
    said = await fake.wait_for("chat.postMessage")
    assert said.params["channel"] == user.dm_channel
    assert "Question 1 of 7" in shown_text(said.params)
    for typed in ("3", "only on paper", "a year or more ago", "yes", "recruiter", "late", "2"):
        assert await user.dm(typed) == 200
        said = await fake.wait_for("chat.postMessage")
    assert said.params["text"].startswith("TAKE IT — Acme — Data Analyst")
    assert {c.params["channel"] for c in fake.calls_to("chat.postMessage")} == {user.dm_channel}


async def test_unmatched_typed_answer_reprompts_with_choices(
    user: SlackUser, fake: FakeSlack
) -> None:
    await user.dm("hello")
    assert "Question 1 of 7" in shown_text((await fake.wait_for("chat.postMessage")).params)
    await user.dm("purple")
    retry = shown_text((await fake.wait_for("chat.postMessage")).params)
    assert "1 (No way), 2 (Doubtful), 3 (Maybe)" in retry
    await user.dm("maybe")
    assert "Question 2 of 7" in shown_text((await fake.wait_for("chat.postMessage")).params)


async def test_press_in_dm_updates_that_message(user: SlackUser, fake: FakeSlack) -> None:
    await user.dm("hi")
    first = await fake.wait_for("chat.postMessage")
    message = {"type": "message", "ts": "1700000010.000100", **first.params}
    body = user.press_body(first.params, "maybe", channel_id=user.dm_channel, message=message)
    assert (await user.post(body))[0] == 200
    updated = await fake.wait_for("chat.update")
    assert updated.params["channel"] == user.dm_channel
    assert updated.params["ts"] == "1700000010.000100"
    assert "Question 2 of 7" in shown_text(updated.params)


async def test_start_another_opens_a_new_message_and_keeps_the_verdict(
    user: SlackUser,
) -> None:
    shown = (await user.command("Acme")).body
    for value in VERDICT_RUNS["PASS"]:
        shown = (await user.press(shown, value)).body
    assert shown["text"].startswith("PASS")
    fresh = await user.press(shown, "new")
    assert fresh.body["replace_original"] is False
    assert fresh.body["response_type"] == "ephemeral"
    assert "Which company and role is it?" in shown_text(fresh.body)


async def test_back_why_and_cancel_buttons(user: SlackUser) -> None:
    shown = (await user.command("Acme")).body
    shown = (await user.press(shown, "maybe")).body
    why = (await user.press(shown, "why")).body
    assert QUESTIONS[1].why in shown_text(why) and "Question 2 of 7" in shown_text(why)
    back = (await user.press(why, "back")).body
    assert "Question 1 of 7" in shown_text(back)
    cancelled = await user.press(back, "cancel")
    assert cancelled.body["replace_original"] is True
    assert "Cancelled." in shown_text(cancelled.body)


async def test_help_history_and_forget_me_commands(user: SlackUser) -> None:
    helped = shown_text((await user.command("help")).body)
    assert "seven quick questions" in helped and "forget me" in helped
    assert "No finished questionnaires yet." in shown_text((await user.command("history")).body)
    shown = (await user.command("Acme — Data Analyst")).body
    for value in VERDICT_RUNS["LEAN TAKE"]:
        shown = (await user.press(shown, value)).body
    history = shown_text((await user.command("history")).body)
    assert "Lean take (Acme — Data Analyst)" in history
    asked = (await user.command("forget me")).body
    assert button(asked, "yes").get("style") == "danger"
    done = await user.press(asked, "yes")
    assert done.body["replace_original"] is True
    assert "deleted everything" in shown_text(done.body)
    assert "No finished questionnaires yet." in shown_text((await user.command("history")).body)


async def test_app_home_shows_past_verdicts_and_a_start_button(
    user: SlackUser, fake: FakeSlack
) -> None:
    shown = (await user.command("Acme — Data Analyst")).body
    for value in VERDICT_RUNS["TAKE IT"]:
        shown = (await user.press(shown, value)).body
    body = event_body(app_home_opened_event(user.user_id))
    assert (await user.post(body))[0] == 200
    published = await fake.wait_for("views.publish")
    assert published.params["user_id"] == user.user_id
    view = published.params["view"]
    assert view["type"] == "home"
    assert "Take it (Acme — Data Analyst)" in shown_text(view)
    assert button(view, "new")["value"] == "tp:-:start:new"


async def test_start_from_app_home_continues_in_the_dm(user: SlackUser, fake: FakeSlack) -> None:
    body = event_body(app_home_opened_event(user.user_id))
    await user.post(body)
    view = (await fake.wait_for("views.publish")).params["view"]
    assert "No verdicts yet." in shown_text(view)
    assert (await user.post(home_press_body(view, "new", user_id=user.user_id)))[0] == 200
    said = await fake.wait_for("chat.postMessage")
    assert said.params["channel"] == user.user_id  # the app's DM with this user
    assert "Which company and role is it?" in shown_text(said.params)


async def test_keep_a_copy_sends_the_ephemeral_verdict_to_the_dm(
    user: SlackUser, fake: FakeSlack
) -> None:
    shown = (await user.command("Acme — Data Analyst")).body
    for value in VERDICT_RUNS["PASS "]:
        shown = (await user.press(shown, value)).body
    assert shown["text"].startswith("PASS")
    assert button(shown, "dm")["text"]["text"] == "Keep a copy"
    answer = await user.press(shown, "dm")
    assert answer.body["replace_original"] is False  # the verdict stays where it was
    assert "sent a copy to your messages" in shown_text(answer.body)
    [posted] = fake.calls_to("chat.postMessage")
    assert posted.params["channel"] == user.user_id  # the app's DM with the user
    assert posted.params["text"].startswith("PASS — Acme — Data Analyst")
    copied = shown_text(posted.params)
    assert "```Thank you for inviting me to interview for the Data Analyst role at Acme." in copied
    assert "Keep a copy" not in copied  # in the DM it stays anyway


async def test_verdicts_in_the_dm_have_no_copy_button(user: SlackUser, fake: FakeSlack) -> None:
    await user.dm("start Acme")
    asked = await fake.wait_for("chat.postMessage")
    assert "Question 1 of 7" in shown_text(asked.params)
    await user.dm("1")  # "no way": the verdict at once
    verdict = await fake.wait_for("chat.postMessage")
    assert shown_text(verdict.params).startswith("PASS")
    assert "Keep a copy" not in shown_text(verdict.params)


async def test_no_way_then_not_certain_carries_on_to_a_new_verdict(user: SlackUser) -> None:
    shown = (await user.command("Acme — Data Analyst")).body
    verdict = (await user.press(shown, "no_way")).body  # the verdict at once
    assert verdict["text"].startswith("PASS")
    assert "Question 2 of 7" not in shown_text(verdict)
    again = (await user.press(verdict, "uncertain:yes")).body
    assert again["replace_original"] is True
    assert "Question 1 of 7" in shown_text(again)
    shown = again
    for value in ("maybe", "paper", "while", "yes", "recruiter", "late", "free"):
        shown = (await user.press(shown, value)).body
    assert shown["text"].startswith("TAKE IT — Acme — Data Analyst")
