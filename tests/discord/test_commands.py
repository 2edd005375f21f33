"""`/takeorpass` in a server and in the bot's DM, with the real discord.py client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fakes.discord import (
    APP_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    USER_ID,
    RecordedRequest,
    option,
    slash_command,
    subcommand,
)
from support.discord_harness import CALLBACK, EPHEMERAL, Harness, labels

from adapters.discord.receiving import user_key
from adapters.discord.rendering import DMS_CLOSED
from bot.common.events import Start, Text
from bot.engine.engine import Engine
from bot.questionnaire import texts

ORIGINAL = r"/webhooks/\d+/[^/]+/messages/@original"


@pytest.fixture
async def bot(engine: Engine) -> AsyncIterator[Harness]:
    async with Harness.started(engine) as harness:
        harness.fake.dm_channel(USER_ID, DM_CHANNEL_ID)
        yield harness


async def _in_server(bot: Harness, name: str, *options: dict) -> RecordedRequest:
    """Run `/takeorpass <name>` in the server; return the edit that ends "thinking"."""
    payload = slash_command(
        "takeorpass",
        [subcommand(name, list(options))],
        command_id=bot.fake.command_id("takeorpass"),
    )
    edits = len(bot.fake.requests_to("PATCH", ORIGINAL))
    await bot.fake.dispatch("INTERACTION_CREATE", payload)
    return await bot.fake.wait_for("PATCH", ORIGINAL, count=edits + 1)


async def _in_dm(bot: Harness, name: str, *options: dict) -> RecordedRequest:
    payload = slash_command(
        "takeorpass",
        [subcommand(name, list(options))],
        guild_id=None,
        channel_id=DM_CHANNEL_ID,
        command_id=bot.fake.command_id("takeorpass"),
    )
    answered = len(bot.callbacks())
    await bot.fake.dispatch("INTERACTION_CREATE", payload)
    return await bot.fake.wait_for("POST", CALLBACK, count=answered + 1)


async def test_command_is_registered_globally_with_its_subcommands(bot: Harness) -> None:
    [command] = bot.fake.commands[None]
    assert command["name"] == "takeorpass"
    assert [(o["name"], o["type"]) for o in command["options"]] == [
        ("start", 1),
        ("help", 1),
        ("history", 1),
        ("forget", 1),
        ("remind", 1),
        ("reminders", 1),
        ("channel", 1),
        ("timezone", 1),
        ("stats", 1),
        ("export", 1),
        ("weekly", 1),
    ]
    [company] = command["options"][0]["options"]
    assert (company["name"], company["type"], company.get("required", False)) == (
        "company",
        3,
        False,
    )
    # Installed to servers only, offered in servers and the bot's DM, as sent, not defaulted.
    [sync] = bot.fake.requests_to("PUT", rf"/applications/{APP_ID}/commands")
    [sent] = sync.json
    assert (sent["integration_types"], sent["contexts"]) == ([0], [0, 1])
    assert (command["integration_types"], command["contexts"]) == ([0], [0, 1])
    assert not bot.fake.requests_to("PUT", r"/applications/\d+/guilds/\d+/commands")


async def test_start_in_a_server_answers_ephemerally_and_continues_in_dm(bot: Harness) -> None:
    edit = await _in_server(bot, "start", option("company", "Acme — Data Analyst"))
    [ack] = bot.callbacks()
    assert ack.json == {"type": 5, "data": {"flags": EPHEMERAL}}
    [question] = bot.visible(DM_CHANNEL_ID)
    assert "Got it: Acme — Data Analyst." in question["content"]
    assert "Question 1 of 7" in question["content"]
    assert labels(question)[:3] == ["No way", "Doubtful", "Maybe"]
    assert edit.json["content"].startswith("Continuing in your DMs")
    link = f"https://discord.com/channels/@me/{DM_CHANNEL_ID}/{question['id']}"
    assert link in edit.json["content"]
    assert bot.visible(CHANNEL_ID) == []  # nothing anyone else in the server can see


async def test_start_in_a_server_without_company_asks_for_it_in_dm(bot: Harness) -> None:
    await _in_server(bot, "start")
    [prompt] = bot.visible(DM_CHANNEL_ID)
    assert prompt["content"].endswith(f"**{texts.COMPANY_PROMPT}**")
    assert labels(prompt) == ["Skip", "Why I ask", "Cancel"]
    _, [question] = await bot.press(prompt, "skip")
    assert "Question 1 of 7" in question["content"]


async def test_closed_dms_get_an_ephemeral_answer_on_how_to_open_them(bot: Harness) -> None:
    bot.fake.fail_next(
        "POST",
        rf"/channels/{DM_CHANNEL_ID}/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
    )
    edit = await _in_server(bot, "start")
    assert edit.json["content"] == DMS_CLOSED
    assert "Privacy Settings" in DMS_CLOSED and "Direct Messages" in DMS_CLOSED
    assert bot.visible(DM_CHANNEL_ID) == []
    assert bot.visible(CHANNEL_ID) == []


async def test_start_in_the_bots_dm_answers_in_the_interaction(bot: Harness) -> None:
    callback = await _in_dm(bot, "start", option("company", "Initech"))
    assert callback.json["type"] == 4
    data = callback.json["data"]
    assert not data.get("flags", 0) & EPHEMERAL
    assert "Got it: Initech." in data["content"]
    [question] = bot.visible(DM_CHANNEL_ID)
    _, [q2] = await bot.press(question, "maybe")
    assert "Question 2 of 7" in q2["content"]


async def test_history_lists_past_verdicts(bot: Harness) -> None:
    key = user_key(int(USER_ID))
    await bot.engine.handle(key, Start("Globex — Tester"))
    for typed in ("3", "2", "2", "1", "1", "1", "3"):
        await bot.engine.handle(key, Text(typed))
    callback = await _in_dm(bot, "history")
    content = callback.json["data"]["content"]
    assert "Your past verdicts" in content
    assert "Take it (Globex — Tester)" in content
    edit = await _in_server(bot, "history")
    assert edit.json["content"].startswith("Continuing in your DMs")
    assert "Take it (Globex — Tester)" in bot.last["content"]


async def test_help_in_a_server_is_sent_to_the_dm(bot: Harness) -> None:
    await _in_server(bot, "help")
    assert texts.HELP.split(".")[0] in bot.last["content"]
    assert labels(bot.last) == ["Start a questionnaire"]


async def test_forget_asks_first_then_deletes_everything(bot: Harness) -> None:
    key = user_key(int(USER_ID))
    await bot.engine.handle(key, Text("hi"))
    await _in_server(bot, "forget")
    prompt = bot.last
    # A copy is offered before anything is deleted (the export, issue 21).
    assert labels(prompt) == ["Yes, delete everything", "No, keep it", "Export first"]
    assert [b["style"] for row in prompt["components"] for b in row["components"]] == [4, 1, 1]
    callback, [done] = await bot.press(prompt, "yes")
    assert callback.json["data"]["content"].endswith("→ **Yes, delete everything**")
    assert done["content"] == texts.FORGOTTEN
    assert await bot.engine.store.load(key) == (None, 0)


async def test_guild_ids_sync_the_command_to_those_servers_at_once(engine: Engine) -> None:
    async with Harness.started(engine, guild_ids=[int(GUILD_ID)]) as bot:
        bot.fake.dm_channel(USER_ID, DM_CHANNEL_ID)
        assert bot.fake.requests_to("PUT", rf"/applications/{APP_ID}/guilds/{GUILD_ID}/commands")
        assert not bot.fake.requests_to("PUT", rf"/applications/{APP_ID}/commands")
        payload = slash_command(
            "takeorpass",
            [subcommand("start")],
            command_id=bot.fake.command_id("takeorpass", GUILD_ID),
            command_guild_id=GUILD_ID,
        )
        await bot.fake.dispatch("INTERACTION_CREATE", payload)
        edit = await bot.fake.wait_for("PATCH", ORIGINAL)
        assert edit.json["content"].startswith("Continuing in your DMs")
