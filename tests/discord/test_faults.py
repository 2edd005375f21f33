"""The Discord adapter under bad input: malformed gateway events, DMs with nothing to read, user
text full of Discord markup, and what its own log lines may say; and stopped mid-answer."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import discord
import pytest
from fakes.discord import (
    DM_CHANNEL_ID,
    USER_ID,
    button_press,
    dm_message,
    slash_command,
    snowflake,
    subcommand,
)
from support.discord_harness import CALLBACK, Harness, dm_posts, settle

from adapters.discord.rendering import NOT_SAVED
from bot.engine.engine import Engine

# Discord's markup, as a user could type it into a company name (at most 120 characters each):
# a live timestamp, role, user and command mentions, mass mentions; bold, underline,
# strike-through, inline code and two masked links.
MARKUP = (
    "<t:0:R> <@&1210000000000000001> <@1400000000000000002> </takeorpass start:1> @everyone @here",
    "**bold** __under__ ~~gone~~ `code` [click](https://example.com/a) [again](https://e.io/b)",
)
# What Discord would read as markup in message content (rendered, not shown as typed).
RENDERED = [
    r"<t:-?\d+(:[tTdDfFR])?>",  # timestamp
    r"<@[!&]?\d+>",  # user or role mention
    r"</[\w -]+:\d+>",  # command mention
    r"(?<!\\)@(everyone|here)",
    r"(?<!\\)\*\*[^*]+(?<!\\)\*\*",
    r"(?<!\\)__[^_]+(?<!\\)__",
    r"(?<!\\)~~[^~]+(?<!\\)~~",
    r"(?<![\\`])`[^`]+(?<!\\)`",
    r"(?<!\\)\[[^\]]+\]\(",  # masked link
    r"\]\(https?://",  # the same, whatever comes before the bracket
]


@pytest.fixture
async def bot(engine: Engine) -> AsyncIterator[Harness]:
    async with Harness.started(engine) as harness:
        yield harness


def _button_press(**changes: Any) -> dict[str, Any]:
    """A real button press on an old message, then changed as a faulty gateway might send it."""
    message = {
        "id": snowflake(),
        "type": 0,
        "channel_id": DM_CHANNEL_ID,
        "author": {"id": "1100000000000000001", "username": "takeorpass", "discriminator": "0"},
        "content": "Question 1 of 7",
        "timestamp": "2025-01-06T09:30:01.000000+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": False,
        "flags": 0,
    }
    payload = button_press("tp:abcdefghij:certainty:maybe", USER_ID, DM_CHANNEL_ID, message)
    for key, value in changes.items():
        if value is None:
            payload.pop(key, None)
        else:
            payload[key] = value
    return payload


def _without_custom_id() -> dict[str, Any]:
    return _button_press(data={"component_type": 2})


def _non_numeric_user() -> dict[str, Any]:
    payload = _button_press()
    payload["user"] = {**payload["user"], "id": "not-a-snowflake-4417"}
    return payload


def _message_in_no_channel() -> dict[str, Any]:
    return {**dm_message("hello", USER_ID, DM_CHANNEL_ID), "channel_id": "dm-4417"}


MALFORMED = {
    "interaction without data": ("INTERACTION_CREATE", lambda: _button_press(data=None)),
    "interaction without type": ("INTERACTION_CREATE", lambda: _button_press(type=None)),
    "press without custom_id": ("INTERACTION_CREATE", _without_custom_id),
    "non-numeric user id": ("INTERACTION_CREATE", _non_numeric_user),
    "message in no channel": ("MESSAGE_CREATE", _message_in_no_channel),
    "channel update of nothing": ("CHANNEL_UPDATE", lambda: {"type": 0}),
}


@pytest.mark.parametrize("case", MALFORMED.values(), ids=MALFORMED.keys())
async def test_a_malformed_gateway_event_is_dropped_and_the_next_dm_is_answered(
    bot: Harness, caplog: pytest.LogCaptureFixture, case: tuple[str, Any]
) -> None:
    event, payload = case
    caplog.set_level(logging.DEBUG)
    await bot.fake.dispatch_malformed(event, payload())
    [question] = await bot.dm("hi", timeout=3)
    assert "Question 1 of 7" in question["content"]
    dropped = [r for r in caplog.records if "malformed" in r.getMessage()]
    assert len(dropped) == 1
    [record] = dropped
    assert record.levelno == logging.WARNING
    assert event in record.getMessage()
    assert record.exc_info is None  # one line, no traceback
    assert "4417" not in record.getMessage() and USER_ID not in record.getMessage()


def _with_attachment(content: str = "") -> dict[str, Any]:
    payload = dm_message(content, USER_ID, DM_CHANNEL_ID)
    payload["attachments"] = [
        {
            "id": snowflake(),
            "filename": "offer.png",
            "size": 48213,
            "url": "https://cdn.discordapp.com/attachments/1/2/offer.png",
            "proxy_url": "https://media.discordapp.net/attachments/1/2/offer.png",
            "content_type": "image/png",
            "width": 640,
            "height": 480,
        }
    ]
    return payload


def _with_sticker() -> dict[str, Any]:
    payload = dm_message("", USER_ID, DM_CHANNEL_ID)
    payload["sticker_items"] = [{"id": snowflake(), "name": "wave", "format_type": 1}]
    return payload


@pytest.mark.parametrize("payload", [_with_attachment, _with_sticker], ids=["image", "sticker"])
async def test_a_dm_with_no_text_neither_starts_nor_answers(bot: Harness, payload: Any) -> None:
    await bot.fake.dispatch("MESSAGE_CREATE", payload())
    await settle()
    assert bot.visible() == []  # nothing started
    [company_prompt] = await bot.dm("start")
    await bot.fake.dispatch("MESSAGE_CREATE", payload())
    await settle()
    assert bot.visible() == [company_prompt]  # not a blank company, nor a re-prompt
    [question] = await bot.dm("skip")
    await bot.fake.dispatch("MESSAGE_CREATE", payload())
    await settle()
    assert bot.visible() == [company_prompt, question]  # not an answer
    _, [second] = await bot.press(question, "maybe")
    assert "Question 2 of 7" in second["content"]


@pytest.mark.parametrize("markup", MARKUP, ids=["mentions", "markdown"])
async def test_user_markup_is_shown_as_typed_never_rendered(bot: Harness, markup: str) -> None:
    [question] = await bot.dm(f"start {markup}")
    notice = question["content"].split("\n\n")[1]
    assert "\nGot it: " in notice
    shown = notice.split("\nGot it: ", 1)[1].removesuffix(".*")
    for pattern in RENDERED:
        assert re.search(pattern, shown) is None, (pattern, shown)
    # Still there to read: every character the user typed, in order.
    assert shown.replace("\u200b", "").replace("\\", "") == markup
    assert bot.fake.pings(question) == set()
    _, [answer] = await bot.press(question, "maybe")
    assert "Question 2 of 7" in answer["content"]


async def test_adapter_logs_carry_no_user_ids_company_names_or_text_even_at_debug(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    [question] = await bot.dm("start Zyxwarecorp — Quokka Wrangler")
    _, [question] = await bot.press(question, "maybe")
    await bot.fake.dispatch_malformed("INTERACTION_CREATE", _non_numeric_user())
    bot.fake.fail_next(
        "POST", rf"/channels/{DM_CHANNEL_ID}/messages", status=403, code=50001, times=2
    )
    await bot.fake.dispatch("MESSAGE_CREATE", dm_message("paper", USER_ID, DM_CHANNEL_ID))
    await bot.until(lambda: any("could not" in r.getMessage() for r in caplog.records), 5)
    ours = [r for r in caplog.records if r.name.startswith("adapters")]
    assert ours, "the adapter logged nothing to check"
    logged = "\n".join(r.getMessage() for r in ours).lower()
    for private in ("zyxwarecorp", "quokka", "wrangler", "paper", "maybe", USER_ID, "4417"):
        assert private not in logged


async def test_an_event_that_breaks_a_handler_is_logged_by_type_only(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    # discord.py reads a MESSAGE_CREATE without an author, and our handler then fails on it.
    payload = dm_message("Zyxwarecorp", USER_ID, DM_CHANNEL_ID)
    del payload["author"]
    await bot.fake.dispatch_malformed("MESSAGE_CREATE", payload)
    [question] = await bot.dm("hi")
    assert "Question 1 of 7" in question["content"]
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.name.startswith("adapters.discord")
    assert record.getMessage().startswith("discord: on_message failed: AttributeError")
    assert record.exc_info is None
    assert "has no attribute" not in record.getMessage()  # not the exception's message


# --- stopped while answering -------------------------------------------------------------------

# The tasks discord.py runs our handlers in: events, slash commands, button presses and forms.
HANDLER_TASKS = re.compile(r"^(discord\.py: on_|CommandTree-invoker|discord-ui-)")


def _help(guild: bool) -> Callable[[Harness], dict[str, Any]]:
    def payload(bot: Harness) -> dict[str, Any]:
        where: dict[str, Any] = {} if guild else {"guild_id": None, "channel_id": DM_CHANNEL_ID}
        return slash_command(
            "takeorpass",
            [subcommand("help")],
            command_id=bot.fake.command_id("takeorpass"),
            **where,
        )

    return payload


async def _dispatch_help(guild: bool, bot: Harness) -> None:
    await bot.fake.dispatch("INTERACTION_CREATE", _help(guild)(bot))


async def _dispatch_press(bot: Harness) -> None:
    [question] = await bot.dm("hi")
    await bot.fake.dispatch("INTERACTION_CREATE", bot.press_payload(question, "maybe"))


async def _dispatch_dm(bot: Harness) -> None:
    await bot.fake.dispatch("MESSAGE_CREATE", dm_message("hi", USER_ID, DM_CHANNEL_ID))


# What the user does, and the request whose answer is still on its way when the bot is stopped.
MID_ANSWER: dict[str, tuple[Callable[[Harness], Awaitable[None]], str, str]] = {
    "/takeorpass help in the DM": (lambda bot: _dispatch_help(False, bot), "POST", CALLBACK),
    # The "thinking…" acknowledgement; opening the DM then meets the closed session.
    "/takeorpass help in a server": (lambda bot: _dispatch_help(True, bot), "POST", CALLBACK),
    "a button press": (_dispatch_press, "POST", CALLBACK),
    "a DM": (_dispatch_dm, "POST", dm_posts()),
}


@pytest.mark.parametrize("case", MID_ANSWER.values(), ids=MID_ANSWER.keys())
async def test_stopping_mid_answer_ends_the_handler_quietly(
    bot: Harness,
    caplog: pytest.LogCaptureFixture,
    case: tuple[Callable[[Harness], Awaitable[None]], str, str],
) -> None:
    act, method, held = case
    caplog.set_level(logging.DEBUG)
    client = bot.client
    assert client is not None
    before = asyncio.all_tasks()
    bot.fake.hold_next(method, held, 0.5)
    answered = len(bot.fake.requests_to(method, held))
    await act(bot)
    await bot.fake.wait_for(method, held, count=answered + 1)  # carried out, answer held back
    handlers = [t for t in asyncio.all_tasks() - before if HANDLER_TASKS.match(t.get_name())]
    assert handlers, "no handler is running to be cut off"
    caplog.clear()

    await client.close()  # what SIGTERM comes to: the supervisor's task is cancelled
    done, running = await asyncio.wait(handlers, timeout=3)

    assert not running
    for task in done:  # an exception left in one is logged by asyncio, with its traceback
        assert not task.cancelled() and task.exception() is None, task
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    said = [r for r in caplog.records if r.name.startswith("adapters")]
    assert len(said) <= 1, [r.getMessage() for r in said]
    assert all("shutdown" in r.getMessage() for r in said)


async def test_a_closed_session_while_the_client_runs_is_still_a_failure(
    bot: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same error as a shutdown's, with no shutdown: a bug, so it is logged as one, and the
    # user is told (the apology, sent after, goes through).
    send = discord.InteractionResponse.send_message
    broken = [RuntimeError("Session is closed")]

    async def breaks_once(*args: Any, **kwargs: Any) -> Any:
        if broken:
            raise broken.pop()
        return await send(*args, **kwargs)

    monkeypatch.setattr(discord.InteractionResponse, "send_message", breaks_once)
    answered = len(bot.callbacks())
    await bot.fake.dispatch("INTERACTION_CREATE", _help(False)(bot))
    callback = await bot.fake.wait_for("POST", CALLBACK, count=answered + 1)
    assert callback.json["data"]["content"] == NOT_SAVED
    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert [f.split("\n")[0] for f in failures] == ["/takeorpass failed: RuntimeError"]
