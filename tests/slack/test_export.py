"""`export` on Slack, end to end through bolt and FakeSlack, over HTTP and Socket Mode: the two
files reach the user's DM with the app by Slack's upload flow (conversations.open,
files.getUploadURLExternal, the upload, files.completeUploadExternal), checked against the
methods' reference pages; the CSV and the JSON read back; nothing in a channel; an empty
record, a second export within a minute and a failed upload each answer one line."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import itertools
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import aiohttp
import jsonschema
import pytest
from fakes.slack import FakeSlack, pings, slash_command_payload
from support.harness import T0
from support.processes import REPO
from support.records import history_rows, seed_history
from support.slack_harness import (
    ALICE_KEY,
    SlackReminders,
    SlackUser,
    serve,
    shown_text,
    slack_settings,
)

from adapters.slack import run_slack
from adapters.slack.rendering import escape
from adapters.slack.sending import FILES_NOT_SENT, FILES_SENT
from bot.common.replies import Attachment, Kind, Reply
from bot.record.exporting import NOTHING
from bot.reminders.handling import Handled
from bot.storage.sql import SqlStore

Params = dict[str, Any]
Slash = Callable[[str], Awaitable[Params]]
DM = "DU0001"  # the fake's DM channel with its default user, as conversations.open answers
SCHEMA = REPO / "docs" / "export.schema.json"
UPLOAD_CALLS = ("files.getUploadURLExternal", "files.completeUploadExternal", "files.upload")
# A company name with a comma and quotes (quoted in the CSV), and one a spreadsheet would run.
QUOTED = 'Acme, "Labs"'
FORMULA = '=HYPERLINK("http://evil.example","Click")'


@pytest.fixture(params=["http", "socket"])
async def slash(
    request: pytest.FixtureRequest, fake: FakeSlack, world: SlackReminders
) -> AsyncIterator[Slash]:
    """`/takeorpass <text>` run in a channel: the body that reached its response_url. Over
    HTTP (signed requests to the served app) or Socket Mode (`run_slack` on the fake's
    websocket), both with the client the settings make (retry handlers and all)."""
    names = itertools.count()
    if request.param == "http":
        async with (
            aiohttp.ClientSession() as http,
            serve(slack_settings(fake), world.engine, places=world.places) as url,
        ):
            user = SlackUser(http, url, fake)

            async def over_http(text: str) -> Params:
                return (await user.command(text)).body

            yield over_http
        return
    settings = slack_settings(fake, SLACK_APP_TOKEN="xapp-test")
    task = asyncio.create_task(run_slack(settings, world.engine, places=world.places))
    await fake.wait_for_socket()

    async def over_socket(text: str) -> Params:
        name = f"socket-{next(names)}"
        payload = slash_command_payload(text, response_url=fake.response_url(name))
        await fake.socket_send("slash_commands", payload)
        return (await fake.wait_for_response(name)).body

    try:
        yield over_socket
    finally:
        assert not task.done(), "the Socket Mode runner stopped by itself"
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _three_questionnaires(store: SqlStore) -> None:
    """Alice's record: three questionnaires, the last with an outcome."""
    # Every row names the same columns: an insert of many rows takes the first row's.
    rows = history_rows(ALICE_KEY, 3, T0 - timedelta(days=3), outcome=None, outcome_at=None)
    rows[0]["company"] = QUOTED
    rows[1]["company"] = FORMULA
    rows[2] |= {"company": "Globex", "outcome": "offer", "outcome_at": T0 - timedelta(days=1)}
    await seed_history(store, rows)


def _upload_calls(fake: FakeSlack) -> list[str]:
    return [c.method for c in fake.calls if c.method in UPLOAD_CALLS]


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "a UTF-8 BOM, so that Excel reads UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


async def test_export_puts_both_files_in_the_users_dm_by_the_upload_flow(
    slash: Slash, fake: FakeSlack, store: SqlStore
) -> None:
    await _three_questionnaires(store)
    answer = await slash("export")

    # In the channel, only to the user, only where the files went: no company, no summary.
    assert answer["response_type"] == "ephemeral"
    assert answer["text"] == FILES_SENT
    assert "Globex" not in json.dumps(answer) and "questionnaires" not in json.dumps(answer)
    # The DM found with conversations.open, then the three steps, in order.
    assert [c.params["users"] for c in fake.calls_to("conversations.open")] == ["U0001"]
    assert _upload_calls(fake) == [
        "files.getUploadURLExternal",
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]
    csv_file, json_file = fake.files_in(DM)
    assert csv_file.name == "takeorpass-record-2026-11-26.csv"
    assert json_file.name == "takeorpass-record-2026-11-26.json"
    asked = [c.params for c in fake.calls_to("files.getUploadURLExternal")]
    assert [(p["filename"], int(p["length"])) for p in asked] == [
        (csv_file.name, len(csv_file.data)),
        (json_file.name, len(json_file.data)),
    ]
    assert {"alt_txt", "snippet_type"}.isdisjoint(asked[0])
    (complete,) = [c.params for c in fake.calls_to("files.completeUploadExternal")]
    ids = [upload.file_id for upload in fake.uploads.values()]
    assert json.loads(complete["files"]) == [
        {"id": ids[0], "title": csv_file.name},
        {"id": ids[1], "title": json_file.name},
    ]
    assert complete["channel_id"] == DM and "channels" not in complete
    assert complete["initial_comment"].startswith("Your record: 3 questionnaires and 0 reminders")
    # Nowhere else: no post, and the one share is in the DM.
    assert fake.calls_to("chat.postMessage") == []
    assert [share.channel for share in fake.shares] == [DM]

    header, *rows = _csv_rows(csv_file.data)
    assert header[:3] == ["Date", "Company", "Role"]
    assert [row[1] for row in rows] == [QUOTED, "'" + FORMULA, "Globex"]
    assert b'"Acme, ""Labs"""' in csv_file.data  # quoted as CSV quotes, read back as typed
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert "Offer" in rows[2] and "Offer" not in rows[0] + rows[1]

    document = json.loads(json_file.data)
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(document)
    assert [entry["company"] for entry in document["history"]] == [QUOTED, FORMULA, "Globex"]
    assert document["user"]["user_id"] == "U0001"


async def test_an_empty_record_is_one_ephemeral_line_and_no_upload(
    slash: Slash, fake: FakeSlack
) -> None:
    answer = await slash("export")
    assert answer["response_type"] == "ephemeral"
    assert answer["text"] == NOTHING
    assert _upload_calls(fake) == [] and fake.calls_to("conversations.open") == []
    assert fake.calls_to("chat.postMessage") == []


async def test_a_second_export_within_a_minute_is_refused_without_uploading(
    slash: Slash, fake: FakeSlack, store: SqlStore, world: SlackReminders
) -> None:
    await _three_questionnaires(store)
    assert (await slash("export"))["text"] == FILES_SENT
    world.clock.now = T0 + timedelta(seconds=30)
    again = await slash("export")
    assert again["text"] == "You can export once a minute; try again in 30 seconds."
    assert len(fake.calls_to("files.getUploadURLExternal")) == 2
    assert len(fake.calls_to("files.completeUploadExternal")) == 1
    assert len(fake.files_in(DM)) == 2


async def test_export_typed_in_the_dm_puts_the_files_there_with_no_other_message(
    alice: SlackUser, fake: FakeSlack, store: SqlStore
) -> None:
    await _three_questionnaires(store)
    assert await alice.dm("export") == 200
    complete = (await fake.wait_for("files.completeUploadExternal")).params
    assert complete["channel_id"] == alice.dm_channel  # the DM the event came from
    assert complete["initial_comment"].startswith("Your record: 3 questionnaires")
    assert fake.calls_to("conversations.open") == []
    assert len(fake.files_in(alice.dm_channel)) == 2
    assert fake.calls_to("chat.postMessage") == [] and fake.responses == []


async def test_export_first_from_the_forget_prompt_sends_the_files_and_asks_again(
    alice: SlackUser, fake: FakeSlack, store: SqlStore
) -> None:
    await _three_questionnaires(store)
    prompt = (await alice.command("forget me")).body
    answer = (await alice.press(prompt, "export")).body
    assert len(fake.files_in(DM)) == 2
    assert answer.get("replace_original") is False  # the prompt stays; the answer is below
    shown = shown_text(answer)
    assert FILES_SENT in shown and "Still want me to delete everything" in shown
    assert "Globex" not in json.dumps(answer)


FAILURES: dict[str, tuple[Callable[[FakeSlack], None], str]] = {
    "complete refused": (
        lambda f: f.fail_next("files.completeUploadExternal", error="file_uploads_disabled"),
        "Slack refused them (file_uploads_disabled)",
    ),
    # Four 429s: the first is waited out, as are the next two, and then the client gives up.
    "rate limited": (
        lambda f: [f.fail_next("files.getUploadURLExternal", retry_after=0) for _ in range(4)],
        "Slack asked me to slow down",
    ),
    "upload refused": (
        lambda f: f.fail_next("upload", status=500),
        "Slack did not take the upload",
    ),
    "no files:write": (
        lambda f: setattr(f, "scopes", tuple(s for s in f.scopes if s != "files:write")),
        "this app may not send files yet (it needs reinstalling with files:write)",
    ),
}


@pytest.mark.parametrize("case", FAILURES)
async def test_files_that_cant_be_sent_are_one_line_without_a_traceback(
    alice: SlackUser,
    fake: FakeSlack,
    store: SqlStore,
    caplog: pytest.LogCaptureFixture,
    case: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    fail, reason = FAILURES[case]
    fail(fake)
    await _three_questionnaires(store)
    answer = (await alice.command("export")).body
    assert answer["text"] == escape(FILES_NOT_SENT.format(reason=reason))
    assert "\n" not in answer["text"]
    assert fake.shares == [] and fake.calls_to("chat.postMessage") == []
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert "Traceback" not in caplog.text


async def test_an_upload_slack_does_not_answer_in_platform_timeout_is_given_up_in_one_line(
    fake: FakeSlack, store: SqlStore, world: SlackReminders
) -> None:
    await _three_questionnaires(store)
    fake.hold_next("upload", 3.0)
    settings = slack_settings(fake, PLATFORM_TIMEOUT="1s")
    async with (
        aiohttp.ClientSession() as http,
        serve(settings, world.engine, places=world.places, response_timeout=1.0) as url,
    ):
        answer = (await SlackUser(http, url, fake).command("export")).body
    reason = "Slack did not answer in time"
    assert answer["text"] == escape(FILES_NOT_SENT.format(reason=reason))
    assert fake.calls_to("files.completeUploadExternal") == [] and fake.shares == []


async def test_a_429_on_each_step_is_waited_out_and_the_files_arrive(
    alice: SlackUser, fake: FakeSlack, store: SqlStore
) -> None:
    await _three_questionnaires(store)
    for step in ("conversations.open", "files.getUploadURLExternal", "upload"):
        fake.fail_next(step, retry_after=0)
    fake.fail_next("files.completeUploadExternal", retry_after=0)
    answer = (await alice.command("export")).body
    assert answer["text"] == FILES_SENT
    assert [f.name.rsplit(".", 1)[1] for f in fake.files_in(DM)] == ["csv", "json"]


async def test_the_comment_above_the_files_pings_no_one(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reply's text is posted as Slack mrkdwn: escaped like every text we post."""
    text = "Files for <!channel> and @here, <@U0002> *now*"
    reply = Reply(Kind.INFO, text, files=(Attachment("a.csv", b"x\r\n", "text/csv"),))

    async def export(*_: object, **__: object) -> Handled:
        return Handled((reply,))

    monkeypatch.setattr(world.record, "export", export)
    await alice.command("export")
    comment = fake.calls_to("files.completeUploadExternal")[0].params["initial_comment"]
    assert pings({"text": comment}) == set()
    assert "&lt;!channel&gt;" in comment and "&lt;@U0002&gt;" in comment
