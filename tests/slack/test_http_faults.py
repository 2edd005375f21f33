"""The Slack adapter in HTTP mode, when requests go wrong: forged or old signatures, redelivered
events, double and stale presses, a restart mid-questionnaire, rate limits, replies Slack refuses,
messages to ignore, and an engine failure; and the health check. Signed requests as Slack sends
them, against FakeSlack."""

from __future__ import annotations

import asyncio
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
    serve,
    shown_text,
    slack_settings,
)

from bot.config.settings import Settings
from bot.engine.engine import Engine
from bot.questionnaire.rules import QUESTIONS
from bot.storage.sql import SqlStore


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
