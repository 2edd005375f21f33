"""The questionnaire as a DM conversation with the real discord.py client, against FakeDiscord."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from fakes.discord import (
    DIRECT_MESSAGES,
    GUILDS,
    MESSAGE_CONTENT,
    USER_ID,
    slash_command,
    subcommand,
)
from support.discord_harness import (
    CALLBACK,
    EPHEMERAL,
    Harness,
    buttons,
    dm_posts,
    labels,
    sent_message_bodies,
    settle,
)

from adapters.discord.receiving import user_key
from adapters.discord.rendering import NOT_SAVED
from bot.engine.engine import Engine
from bot.questionnaire import texts

SPEC_ID = r"tp:[a-z2-9]{10}:{step}:{value}"


@pytest.fixture
async def bot(engine: Engine) -> AsyncIterator[Harness]:
    async with Harness.started(engine) as harness:
        yield harness


def _ids(message: dict) -> list[str]:
    return [b["custom_id"] for b in buttons(message)]


async def test_any_dm_starts_the_questionnaire_with_one_button_per_choice(bot: Harness) -> None:
    [question] = await bot.dm("hi")
    assert "Question 1 of 7" in question["content"]
    assert "Is there any chance you'd want to work there" in question["content"]
    assert labels(question) == ["No way", "Doubtful", "Maybe", "Restart", "Cancel", "Why I ask"]
    conversation = _ids(question)[0].split(":")[1]
    assert _ids(question) == [
        f"tp:{conversation}:certainty:{value}"
        for value in ("no_way", "doubtful", "maybe", "restart", "cancel", "why")
    ]
    rows = question["components"]
    assert [len(row["components"]) for row in rows] == [3, 3]  # choices, then controls


@pytest.mark.parametrize(
    ("answers", "verdict"),
    [
        (("maybe", "paper", "while", "yes", "recruiter", "late", "free"), "TAKE IT"),
        (("doubtful", "well", "recent", "no", "team", "no", "some"), "LEAN TAKE"),
        (("doubtful", "well", "recent", "no", "unknown", "no", "sneak"), "PASS"),
        (("no_way",), "PASS"),
    ],
    ids=["take-it", "lean-take", "pass-on-cost", "pass-no-way"],
)
async def test_full_questionnaire_by_buttons_reaches_each_verdict(
    bot: Harness, answers: tuple[str, ...], verdict: str
) -> None:
    [message] = await bot.dm("hello there")
    pressed = []
    for number, value in enumerate(answers, start=1):
        assert f"Question {number} of 7" in message["content"]
        callback, [message] = await bot.press(message, value)
        assert callback.json["type"] == 7  # the press edits the message it was on
        pressed.append(callback.json["data"])
    assert message["content"].startswith(verdict)
    expected = ["Change an answer", "Start another"]
    if answers == ("no_way",):  # "no way" ends it at once, with a way back
        expected.insert(0, "I'm not totally certain")
    assert labels(message) == expected
    for data, value in zip(pressed, answers, strict=True):
        shown = [b for row in data["components"] for b in row["components"]]
        assert all(b["disabled"] for b in shown)
        [chosen] = [b for b in shown if b["custom_id"].endswith(f":{value}")]
        assert data["content"].endswith(f"→ **{chosen['label']}**")
    if verdict == "PASS":
        assert (
            "A polite decline you can copy**\n```\nThank you for inviting me to interview."
            in (message["content"])
        )
    else:
        assert "```" not in message["content"]
        assert "**To prepare**" in message["content"]
    [entry] = await bot.engine.history(user_key(int(USER_ID)))
    assert entry.verdict == verdict


async def test_full_questionnaire_by_typed_answers_reprompts_nonsense(bot: Harness) -> None:
    await bot.dm("hi")
    [q2] = await bot.dm("3")
    assert "Question 2 of 7" in q2["content"]
    [retry] = await bot.dm("banana split")
    assert retry["content"].startswith("I didn't catch that")
    assert "1 (From the inside), 2 (Only on paper)" in retry["content"]
    assert retry["components"] == []
    [q3] = await bot.dm("Only on paper")  # a label; the nonsense changed nothing
    assert "Question 3 of 7" in q3["content"]
    [why] = await bot.dm("why")
    assert "Question 3 of 7" in why["content"]
    assert "Interviewing is a skill that fades" in why["content"]
    [q4] = await bot.dm("a while")  # a synonym
    [again] = await bot.dm("back")
    assert "Question 3 of 7" in again["content"]
    [q4] = await bot.dm("a year or more ago")
    assert "Question 4 of 7" in q4["content"]
    for typed in ("yes", "recruiter", "2"):
        [_question] = await bot.dm(typed)
    [verdict] = await bot.dm("flexible")
    assert verdict["content"].startswith("TAKE IT")
    [entry] = await bot.engine.history(user_key(int(USER_ID)))
    assert entry.answers == {
        "certainty": "maybe",
        "insight": "paper",
        "rust": "while",
        "dream": "yes",
        "interviewer": "recruiter",
        "pending": "early",
        "cost": "free",
    }


async def test_a_double_press_advances_once(bot: Harness) -> None:
    [q1] = await bot.dm("hi")
    first = bot.press_payload(q1, "maybe")
    second = bot.press_payload(q1, "maybe")
    await asyncio.gather(
        bot.fake.dispatch("INTERACTION_CREATE", first),
        bot.fake.dispatch("INTERACTION_CREATE", second),
    )
    await bot.fake.wait_for("POST", CALLBACK, count=2)
    await bot.fake.wait_for("POST", dm_posts(), count=2)
    await settle()
    questions = [m for m in bot.visible() if "Question 2 of 7" in m["content"]]
    assert len(questions) == 1
    kinds = sorted(r.json["type"] for r in bot.callbacks())
    assert kinds == [4, 7]
    [refusal] = [r.json["data"] for r in bot.callbacks() if r.json["type"] == 4]
    assert refusal["content"] == texts.STALE
    assert refusal["flags"] == EPHEMERAL
    # Discord delivering the same press again gets no second answer either.
    await bot.fake.dispatch("INTERACTION_CREATE", first)
    await settle()
    assert len(bot.callbacks()) == 2
    assert len(bot.fake.requests_to("POST", dm_posts())) == 2


async def test_why_updates_the_question_in_place(bot: Harness) -> None:
    [q1] = await bot.dm("hi")
    callback, _ = await bot.press(q1, "why", expect=0)
    await settle()
    assert bot.visible() == [bot.fake.messages[q1["id"]]]  # nothing new was sent
    assert callback.json["type"] == 7
    data = callback.json["data"]
    assert "If you're sure you'd never take it" in data["content"]
    assert not any(b["disabled"] for row in data["components"] for b in row["components"])


async def test_back_closes_the_question_and_asks_the_previous_one(bot: Harness) -> None:
    [q1] = await bot.dm("hi")
    _, [q2] = await bot.press(q1, "doubtful")
    callback, [again] = await bot.press(q2, "back")
    assert callback.json["data"]["content"].endswith("→ **Back**")
    assert "Question 1 of 7" in again["content"]


async def test_user_text_cannot_ping_and_every_message_allows_no_mentions(bot: Harness) -> None:
    [q1] = await bot.dm("start @everyone <@&1210000000000000001> — <@1400000000000000001>")
    # Shown as typed, as plain text: neither a mention nor a ping.
    assert "Got it: @\u200beveryone <\u200b@&1210000000000000001>" in q1["content"]
    _, [q2] = await bot.press(q1, "maybe")
    await bot.press(q1, "maybe", expect=0)  # a stale press: an ephemeral answer
    await bot.press(q2, "why", expect=0)
    await bot.fake.dispatch(
        "INTERACTION_CREATE",
        slash_command(
            "takeorpass", [subcommand("help")], command_id=bot.fake.command_id("takeorpass")
        ),
    )
    await bot.fake.wait_for("PATCH", r"/webhooks/\d+/[^/]+/messages/@original")
    sent = list(sent_message_bodies(bot.fake))
    kinds = {(r.method, r.path.split("/")[1]) for r, _ in sent}
    assert kinds >= {("POST", "channels"), ("POST", "interactions"), ("PATCH", "webhooks")}
    for request, body in sent:
        assert body.get("allowed_mentions") == {"parse": []}, (request.method, request.path)


async def test_a_429_from_discord_is_waited_out(bot: Harness) -> None:
    bot.fake.fail_next("POST", dm_posts(), status=429, retry_after=0.3)
    [question] = await bot.dm("hi")
    assert "Question 1 of 7" in question["content"]
    posts = bot.fake.requests_to("POST", dm_posts())
    assert [r.status for r in posts] == [429, 200]
    assert posts[1].at - posts[0].at >= 0.3


async def test_only_unprivileged_intents_are_asked_for(bot: Harness) -> None:
    assert bot.fake.intents == GUILDS | DIRECT_MESSAGES
    assert not (bot.fake.intents or 0) & MESSAGE_CONTENT


async def test_a_storage_failure_gets_one_line_and_changes_nothing(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk on fire: Acme")

    monkeypatch.setattr(bot.engine.store, "save", broken)
    [apology] = await bot.dm("hi")
    assert apology["content"] == NOT_SAVED
    assert apology["components"] == []
    monkeypatch.undo()
    session, version = await bot.engine.store.load(user_key(int(USER_ID)))
    assert session is None and version == 0


async def test_logs_carry_no_answers_or_company_names(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    [q1] = await bot.dm("start Zyxwarecorp — Quokka Wrangler")
    for value in ("maybe", "paper", "while", "yes", "recruiter", "late", "free"):
        _, [q1] = await bot.press(q1, value)
    assert q1["content"].startswith("TAKE IT — Zyxwarecorp — Quokka Wrangler")
    logged = caplog.text.lower()
    for private in ("zyxwarecorp", "quokka", "recruiter", "paper", "maybe"):
        assert private not in logged


async def test_change_an_answer_by_buttons_gives_the_new_verdict_and_history_opens_it(
    bot: Harness,
) -> None:
    [message] = await bot.dm("hi")
    for value in ("doubtful", "well", "recent", "no", "team", "no", "some"):  # LEAN TAKE
        _, [message] = await bot.press(message, value)
    assert message["content"].startswith("LEAN TAKE")
    _, [picker] = await bot.press(message, "pick")
    assert "Which answer would you like to change?" in picker["content"]
    assert len(labels(picker)) == 7
    _, [question] = await bot.press(picker, "cost")
    assert "Changing your answer to: Cost of going" in question["content"]
    _, [changed] = await bot.press(question, "sneak")  # 1 + 1 - 3
    assert changed["content"].startswith("PASS")
    [entry] = await bot.engine.history(user_key(int(USER_ID)))
    assert entry.verdict == "PASS" and entry.answers["cost"] == "sneak"
    [listing] = await bot.dm("history")
    assert "1. " in listing["content"] and "Pass (no company given)" in listing["content"]
    _, [opened] = await bot.press(listing, "show")
    assert opened["content"].startswith("PASS")
    assert "A polite decline you can copy" in opened["content"]
