"""`export` on Discord, end to end: the real discord.py client against FakeDiscord, the record
read from a real database. The two files arrive as attachments of one message in the user's
DM (multipart/form-data, checked by the fake against Discord's OpenAPI spec), never in a
server; what cannot be sent is said in one line."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from fakes.discord import (
    CHANNEL_ID,
    DM_CHANNEL_ID,
    USER_ID,
    RecordedRequest,
    slash_command,
    subcommand,
)
from fakes.discord.uploads import UploadedFile
from support.discord_harness import ALICE_KEY, CALLBACK, DM_POSTS, EPHEMERAL, Harness, labels
from support.harness import T0
from support.records import history_rows, seed_history
from support.reminders import ReminderWorld

from adapters.discord.rendering import FILES_DMS_CLOSED, FILES_IN_DM, FILES_NOT_DELIVERED
from bot.record.exporting import NOTHING

DM_MESSAGES = f"/channels/{DM_CHANNEL_ID}/messages"
ORIGINAL = r"/webhooks/\d+/[^/]+/messages/@original"
SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "export.schema.json"
CSV_NAME = "takeorpass-record-2026-11-26.csv"
JSON_NAME = "takeorpass-record-2026-11-26.json"
INJECTED = '=HYPERLINK("http://evil.example","click")'
QUOTED = 'Smith, "Jones" & Co'


@pytest.fixture
async def bot(world: ReminderWorld) -> AsyncIterator[Harness]:
    async with Harness.started(world.engine) as harness:
        harness.fake.dm_channel(USER_ID, DM_CHANNEL_ID)
        yield harness
        assert harness.fake.spec_violations == []


async def _three_questionnaires(world: ReminderWorld) -> None:
    """Alice's record: three questionnaires, one with an outcome, two companies that test the
    CSV (a formula, and commas and quotes)."""
    # Every row names the same columns: an insert of many rows takes them from the first.
    rows = history_rows(ALICE_KEY, 3, T0 - timedelta(days=3), outcome=None, outcome_at=None)
    rows[0]["company"] = INJECTED
    rows[1]["company"] = QUOTED
    rows[2] |= {"outcome": "offer", "outcome_at": T0 - timedelta(days=1)}
    await seed_history(world.sql, rows)


async def _export_in_server(bot: Harness) -> RecordedRequest:
    """`/takeorpass export` in the server; the edit that ends its private "thinking"."""
    payload = slash_command(
        "takeorpass", [subcommand("export")], command_id=bot.fake.command_id("takeorpass")
    )
    edits = len(bot.fake.requests_to("PATCH", ORIGINAL))
    await bot.fake.dispatch("INTERACTION_CREATE", payload)
    return await bot.fake.wait_for("PATCH", ORIGINAL, count=edits + 1)


async def _export_in_dm(bot: Harness) -> RecordedRequest:
    """`/takeorpass export` in the bot's DM; its answer (the interaction callback)."""
    payload = slash_command(
        "takeorpass",
        [subcommand("export")],
        guild_id=None,
        channel_id=DM_CHANNEL_ID,
        command_id=bot.fake.command_id("takeorpass"),
    )
    answered = len(bot.callbacks())
    await bot.fake.dispatch("INTERACTION_CREATE", payload)
    return await bot.fake.wait_for("POST", CALLBACK, count=answered + 1)


def _with_files(bot: Harness) -> list[RecordedRequest]:
    """Every answered request that carried files, to any route."""
    return [r for r in bot.fake.requests if r.files and r.status]


def _check_files(files: list[UploadedFile]) -> None:
    """The two files as the export makes them, read back as a spreadsheet and a JSON reader
    would: the CSV (BOM, quoting, no cell a spreadsheet would run) and the JSON (its
    documented schema)."""
    assert [f.filename for f in files] == [CSV_NAME, JSON_NAME]
    data = files[0].data
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header, *entries = rows
    assert len(entries) == 3
    assert header[:3] == ["Date", "Company", "Role"] and header[-2:] == ["Outcome", "Outcome date"]
    companies = [row[1] for row in entries]
    assert companies == ["'" + INJECTED, QUOTED, "Company 2"]
    assert f'"{QUOTED.replace(chr(34), chr(34) * 2)}"'.encode() in data  # quoted as CSV does
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in entries for cell in row)
    assert [row[-2] for row in entries] == ["", "", "Offer"]
    document = json.loads(files[1].data)
    validator = jsonschema.Draft202012Validator(
        json.loads(SCHEMA.read_text()),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    assert list(validator.iter_errors(document)) == []
    assert len(document["history"]) == 3


async def test_export_in_a_server_sends_both_files_to_the_dm_and_only_a_pointer_there(
    bot: Harness, world: ReminderWorld
) -> None:
    await _three_questionnaires(world)
    edit = await _export_in_server(bot)
    [ack] = bot.callbacks()
    assert ack.json == {"type": 5, "data": {"flags": EPHEMERAL}}
    [upload] = _with_files(bot)
    assert upload.method == "POST" and upload.path == DM_MESSAGES
    assert upload.json["allowed_mentions"] == {"parse": []}
    _check_files(upload.files)
    [message] = bot.visible(DM_CHANNEL_ID)
    assert "3 questionnaires" in message["content"]
    assert [a["filename"] for a in message["attachments"]] == [CSV_NAME, JSON_NAME]
    # The server sees nothing; the user alone is told where the files went, and no more.
    link = f"https://discord.com/channels/@me/{DM_CHANNEL_ID}/{message['id']}"
    assert edit.json["content"] == FILES_IN_DM.format(link=link)
    assert bot.visible(CHANNEL_ID) == []
    assert all("questionnaire" not in m["content"] for m in bot.messages(CHANNEL_ID))


async def test_export_typed_in_the_dm_answers_with_one_message_carrying_both_files(
    bot: Harness, world: ReminderWorld
) -> None:
    await _three_questionnaires(world)
    [message] = await bot.dm("export")
    [upload] = _with_files(bot)
    assert upload.method == "POST" and upload.path == DM_MESSAGES
    assert upload.json["allowed_mentions"] == {"parse": []}
    _check_files(upload.files)
    assert "3 questionnaires" in message["content"]
    assert [a["filename"] for a in message["attachments"]] == [CSV_NAME, JSON_NAME]
    assert bot.visible(CHANNEL_ID) == []


async def test_export_by_slash_command_in_the_dm_answers_with_the_files(
    bot: Harness, world: ReminderWorld
) -> None:
    await _three_questionnaires(world)
    callback = await _export_in_dm(bot)
    assert callback.content_type == "multipart/form-data"
    assert callback.json["type"] == 4
    data = callback.json["data"]
    assert not data.get("flags", 0) & EPHEMERAL and "3 questionnaires" in data["content"]
    assert data["allowed_mentions"] == {"parse": []}
    _check_files(callback.files)
    [message] = bot.visible(DM_CHANNEL_ID)
    assert [a["filename"] for a in message["attachments"]] == [CSV_NAME, JSON_NAME]


async def test_an_empty_record_gets_one_line_and_no_files(bot: Harness) -> None:
    edit = await _export_in_server(bot)
    assert edit.json["content"] == NOTHING
    assert bot.visible(DM_CHANNEL_ID) == [] and bot.visible(CHANNEL_ID) == []
    [message] = await bot.dm("export")
    assert message["content"] == NOTHING and message["attachments"] == []
    assert _with_files(bot) == []


async def test_a_second_export_within_a_minute_is_refused_and_sends_nothing(
    bot: Harness, world: ReminderWorld
) -> None:
    await _three_questionnaires(world)
    await bot.dm("export")
    world.clock.now += timedelta(seconds=20)
    [again] = await bot.dm("export")
    assert again["content"].startswith("You can export once a minute; try again in 40 seconds")
    assert again["attachments"] == []
    edit = await _export_in_server(bot)
    assert edit.json["content"].startswith("You can export once a minute")
    assert len(_with_files(bot)) == 1  # the first export only
    assert len(bot.visible(DM_CHANNEL_ID)) == 2


async def test_export_from_a_server_to_closed_dms_says_how_to_open_them_in_one_line(
    bot: Harness, world: ReminderWorld, caplog: pytest.LogCaptureFixture
) -> None:
    await _three_questionnaires(world)
    bot.fake.close_dms(USER_ID)
    edit = await _export_in_server(bot)
    assert edit.json["content"] == FILES_DMS_CLOSED
    assert bot.visible(DM_CHANNEL_ID) == [] and bot.visible(CHANNEL_ID) == []
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


@pytest.mark.parametrize("where", ["server", "dm"])
async def test_files_discord_refuses_are_one_line_without_a_traceback(
    bot: Harness, world: ReminderWorld, caplog: pytest.LogCaptureFixture, where: str
) -> None:
    await _three_questionnaires(world)
    bot.fake.fail_next("POST", DM_POSTS, 403, code=50013)
    if where == "server":
        edit = await _export_in_server(bot)
        assert edit.json["content"] == FILES_NOT_DELIVERED
    else:
        [note] = await bot.dm("export")
        assert note["content"] == FILES_NOT_DELIVERED and note["attachments"] == []
    assert bot.visible(CHANNEL_ID) == []
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    warned = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert all("Company" not in r.getMessage() for r in warned)


async def test_a_rate_limited_upload_is_waited_out_and_the_files_arrive_once(
    bot: Harness, world: ReminderWorld
) -> None:
    await _three_questionnaires(world)
    bot.fake.fail_next("POST", DM_POSTS, 429, retry_after=0.2)
    await _export_in_server(bot)
    limited, sent = [r for r in bot.fake.requests if r.files]
    assert (limited.status, sent.status) == (429, 200)
    assert [f.data for f in limited.files] == [f.data for f in sent.files]  # sent again whole
    _check_files(sent.files)
    [message] = bot.visible(DM_CHANNEL_ID)
    assert len(message["attachments"]) == 2


@pytest.mark.parametrize("state", ["on", "off"])
async def test_the_weekly_subcommand_reaches_the_record_service(
    bot: Harness, world: ReminderWorld, monkeypatch: pytest.MonkeyPatch, state: str
) -> None:
    asked: list[bool | None] = []
    weekly = world.record.weekly

    async def spy(key, on, now):  # type: ignore[no-untyped-def]
        asked.append(on)
        return await weekly(key, on, now)

    monkeypatch.setattr(world.record, "weekly", spy)
    payload = slash_command(
        "takeorpass",
        [subcommand("weekly", [{"type": 3, "name": "state", "value": state}])],
        command_id=bot.fake.command_id("takeorpass"),
    )
    await bot.fake.dispatch("INTERACTION_CREATE", payload)
    callback = await bot.fake.wait_for("POST", CALLBACK)
    assert asked == [state == "on"]
    # A setting: answered where it was run, only for the user.
    assert callback.json["data"]["flags"] & EPHEMERAL
    assert bot.visible(CHANNEL_ID) == [] and bot.visible(DM_CHANNEL_ID) == []


async def test_export_offered_before_forget_me_sends_the_files_and_asks_again(
    bot: Harness, world: ReminderWorld
) -> None:
    await _three_questionnaires(world)
    [prompt] = await bot.dm("forget me")
    _, answer = await bot.press(prompt, "export", expect=2)
    [upload] = _with_files(bot)
    assert upload.path == DM_MESSAGES
    _check_files(upload.files)
    assert [a["filename"] for a in answer[0]["attachments"]] == [CSV_NAME, JSON_NAME]
    assert labels(answer[1])  # the confirmation again, its buttons on screen
