"""The Slack adapter in HTTP mode: signed requests as Slack sends them, against FakeSlack."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from fakes.slack import (
    FakeSlack,
    app_home_opened_event,
    event_body,
    message_im_event,
    signed_headers,
    slash_command_body,
)
from support.harness import TTL, Clock
from support.slack_harness import (
    SECRET,
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
from bot.storage.sql import SqlStore

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


async def test_forged_signature_gets_401_and_no_api_call(user: SlackUser, fake: FakeSlack) -> None:
    body = slash_command_body("Acme", response_url=fake.response_url("forged"))
    status, _ = await user.post(body, signed_headers("not-the-secret", body))
    assert status == 401
    await asyncio.sleep(0.1)
    assert fake.calls == [] and fake.responses == []


async def test_six_minute_old_timestamp_gets_401_and_no_api_call(
    user: SlackUser, fake: FakeSlack
) -> None:
    body = slash_command_body("Acme", response_url=fake.response_url("stale"))
    status, _ = await user.post(body, signed_headers(SECRET, body, int(time.time()) - 360))
    assert status == 401
    body = event_body(app_home_opened_event())
    status, _ = await user.post(body, signed_headers(SECRET, body, int(time.time()) - 360))
    assert status == 401
    await asyncio.sleep(0.1)
    assert fake.calls == [] and fake.responses == []


async def test_healthz_answers_200(http: aiohttp.ClientSession, url: str) -> None:
    async with http.get(url.replace("/slack/events", "/healthz")) as response:
        assert response.status == 200


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


async def test_press_whose_message_is_gone_posts_the_reply_anew(
    user: SlackUser, fake: FakeSlack
) -> None:
    await user.dm("hi")
    first = await fake.wait_for("chat.postMessage")
    message = {"type": "message", "ts": "1700000011.000100", **first.params}
    fake.fail_next("chat.update", error="message_not_found")
    body = user.press_body(first.params, "maybe", channel_id=user.dm_channel, message=message)
    assert (await user.post(body))[0] == 200
    await fake.wait_for("chat.update")
    posted = await fake.wait_for("chat.postMessage")
    assert posted.params["channel"] == user.dm_channel
    assert "Question 2 of 7" in shown_text(posted.params)


async def test_reply_slack_refuses_becomes_a_one_line_notice(
    user: SlackUser, fake: FakeSlack
) -> None:
    fake.fail_next("chat.postMessage", error="invalid_blocks")
    await user.dm("hi")
    await fake.wait_for("chat.postMessage")  # refused
    told = await fake.wait_for("chat.postMessage")
    assert told.params["text"] == (
        "I couldn't show my last reply, but your answer is saved. "
        "Run /takeorpass to pick up where you left off."
    )
    await user.dm("maybe")  # the conversation went on regardless
    assert "Question 2 of 7" in shown_text((await fake.wait_for("chat.postMessage")).params)


async def test_redelivered_event_advances_once(user: SlackUser, fake: FakeSlack) -> None:
    await user.dm("hi")
    await fake.wait_for("chat.postMessage")
    assert await user.dm("maybe", event_id="EvSAME01") == 200
    assert await user.dm("maybe", event_id="EvSAME01", retry=1) == 200
    assert await user.dm("maybe", event_id="EvSAME01", retry=2) == 200
    said = await fake.wait_for("chat.postMessage")
    assert "Question 2 of 7" in shown_text(said.params)
    await asyncio.sleep(0.2)
    assert len(fake.calls_to("chat.postMessage")) == 2
    # The conversation is at question 2: "maybe" is no answer to it.
    await user.dm("from the inside")
    assert "Question 3 of 7" in shown_text((await fake.wait_for("chat.postMessage")).params)


async def test_double_press_advances_once(user: SlackUser, fake: FakeSlack) -> None:
    shown = (await user.command("Acme")).body
    bodies = [
        user.press_body(shown, "maybe", response_name=name, message_ts="1700000020.000100")
        for name in ("first", "second")
    ]
    results = await asyncio.gather(*(user.post(b) for b in bodies))
    assert [status for status, _ in results] == [200, 200]
    answers = [await fake.wait_for_response(name) for name in ("first", "second")]
    advanced = [a for a in answers if "Question 2 of 7" in shown_text(a.body)]
    stale = [a for a in answers if "already answered" in shown_text(a.body)]
    assert len(advanced) == 1 and len(stale) == 1
    assert advanced[0].body["replace_original"] is True
    # The stale press leaves the (new) question in place and says so below it.
    assert stale[0].body == stale[0].body | {"replace_original": False}
    assert stale[0].body["response_type"] == "ephemeral"
    following = await user.press(advanced[0].body, "paper")
    assert "Question 3 of 7" in shown_text(following.body)


async def test_repeated_press_delivery_is_ignored(user: SlackUser, fake: FakeSlack) -> None:
    shown = (await user.command("Acme")).body
    body = user.press_body(shown, "maybe", response_name="once")
    assert (await user.post(body))[0] == 200
    assert (await user.post(body))[0] == 200
    await fake.wait_for_response("once")
    await asyncio.sleep(0.2)
    assert len([r for r in fake.responses if r.name == "once"]) == 1


async def test_restart_of_app_mid_questionnaire_resumes_at_same_question(
    fake: FakeSlack, settings: Settings, http: aiohttp.ClientSession, db_url: str, clock: Clock
) -> None:
    store = await SqlStore.open(db_url)
    async with serve(settings, Engine(store=store, ttl=TTL, clock=clock)) as url:
        user = SlackUser(http, url, fake)
        shown = (await user.command("Acme")).body
        shown = (await user.press(shown, "maybe")).body
        shown = (await user.press(shown, "paper")).body
        assert "Question 3 of 7" in shown_text(shown)
    await store.close()

    store = await SqlStore.open(db_url)
    async with serve(settings, Engine(store=store, ttl=TTL, clock=clock)) as url:
        user = SlackUser(http, url, fake)
        # The question on screen still works after the restart…
        after = (await user.press(shown, "while")).body
        assert "Question 4 of 7" in shown_text(after)
        # …and the command offers to resume at the question where the user is.
        offer = (await user.command("")).body
        assert "at question 4 of 7" in shown_text(offer)
        resumed = (await user.press(offer, "yes")).body
        assert "Question 4 of 7" in shown_text(resumed)
        assert QUESTIONS[3].prompt in shown_text(resumed)
    await store.close()


async def test_rate_limited_post_is_waited_out_and_arrives(
    user: SlackUser, fake: FakeSlack
) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()
    await user.dm("hi")
    await fake.wait_for("chat.postMessage")  # the refused attempt
    delivered = await fake.wait_for("chat.postMessage", timeout=5)
    assert time.monotonic() - started >= 1
    assert "Question 1 of 7" in shown_text(delivered.params)
    assert len(fake.calls_to("chat.postMessage")) == 2


async def test_stale_press_adds_a_note_and_keeps_the_question(
    user: SlackUser, fake: FakeSlack
) -> None:
    old = (await user.command("Acme")).body
    await user.press(old, "maybe")
    again = await user.press(old, "no_way")
    assert again.body["replace_original"] is False
    assert "That question was already answered." in shown_text(again.body)


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


async def test_messages_tab_opening_and_bot_echoes_are_ignored(
    user: SlackUser, fake: FakeSlack
) -> None:
    await user.post(event_body(app_home_opened_event(user.user_id, tab="messages")))
    echo = message_im_event("Question 1 of 7") | {"bot_id": "B0001", "subtype": "bot_message"}
    assert (await user.post(event_body(echo)))[0] == 200
    await asyncio.sleep(0.2)
    assert [c.method for c in fake.calls if c.method != "auth.test"] == []


async def test_engine_failure_gives_one_line_and_keeps_state(
    user: SlackUser, fake: FakeSlack, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = (await user.command("Acme")).body

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("disk on fire")

    with monkeypatch.context() as patched:
        patched.setattr(engine.store, "save", broken)
        failed = await user.press(shown, "maybe")
    text = shown_text(failed.body)
    assert failed.body["replace_original"] is False
    assert "Something went wrong on my side" in text and "Traceback" not in text
    assert len(failed.body["blocks"]) == 1
    # Nothing changed: the same question takes the answer once things work again.
    assert "Question 2 of 7" in shown_text((await user.press(shown, "maybe")).body)


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
