"""FakeDiscord reads files sent as multipart/form-data the way Discord does, and refuses what
Discord refuses: parts no `attachments` entry announces, entries without their part, more than
10 files, a `payload_json` the spec's multipart schema refuses."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest

from fakes.discord import APP_ID, DM_CHANNEL_ID, USER_ID, FakeDiscord, running
from fakes.discord.uploads import MAX_UPLOAD

DM_POSTS = f"/channels/{DM_CHANNEL_ID}/messages"


def make_client() -> discord.Client:
    intents = discord.Intents.none()
    intents.guilds = True
    intents.dm_messages = True
    return discord.Client(
        intents=intents, allowed_mentions=discord.AllowedMentions.none(), guild_ready_timeout=0.05
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        fake.dm_channel(USER_ID, DM_CHANNEL_ID)
        with fake.patch_discord():
            yield fake


async def _post_form(
    fake: FakeDiscord, payload: Any, parts: list[tuple[str, str, bytes]]
) -> tuple[int, Any]:
    """POST a hand-made multipart form to the DM channel: `payload_json`, then the parts."""
    form = aiohttp.FormData(quote_fields=False)
    form.add_field("payload_json", json.dumps(payload))
    for name, filename, data in parts:
        form.add_field(name, data, filename=filename, content_type="application/octet-stream")
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            fake.api_url + DM_POSTS,
            data=form,
            headers={"Authorization": "Bot fake-token"},
        ) as response,
    ):
        return response.status, await response.json(content_type=None)


async def test_files_sent_by_discord_py_are_recorded_and_become_the_messages_attachments(
    fake: FakeDiscord,
) -> None:
    client = make_client()
    async with running(client):
        channel = await client.fetch_channel(int(DM_CHANNEL_ID))
        assert isinstance(channel, discord.DMChannel)
        await channel.send(
            "your record",
            files=[
                discord.File(io.BytesIO(b"\xef\xbb\xbfdate\r\n"), filename="r.csv"),
                discord.File(io.BytesIO(b'{"schema": 1}'), filename="r.json"),
            ],
        )
    [sent] = fake.requests_to("POST", DM_POSTS)
    assert sent.content_type == "multipart/form-data"
    assert [(f.id, f.filename, f.data) for f in sent.files] == [
        ("0", "r.csv", b"\xef\xbb\xbfdate\r\n"),
        ("1", "r.json", b'{"schema": 1}'),
    ]
    assert {f.content_type for f in sent.files} == {"application/octet-stream"}
    assert sent.json["attachments"] == [
        {"id": 0, "filename": "r.csv"},
        {"id": 1, "filename": "r.json"},
    ]
    [message] = fake.messages.values()
    assert message["content"] == "your record"
    assert [(a["filename"], a.get("content_type"), a["size"]) for a in message["attachments"]] == [
        ("r.csv", "text/csv", 9),
        ("r.json", "application/json", 13),
    ]
    assert fake.spec_violations == []


async def test_a_file_part_no_attachments_entry_announces_is_refused(fake: FakeDiscord) -> None:
    payload = {"content": "x", "attachments": [{"id": 0, "filename": "a.csv"}]}
    status, body = await _post_form(
        fake, payload, [("files[0]", "a.csv", b"a"), ("files[1]", "b.csv", b"b")]
    )
    assert (status, body["code"]) == (400, 50035)
    assert "files[1]" in body["errors"]
    assert fake.messages == {}
    assert len(fake.spec_violations) == 1
    fake.spec_violations.clear()  # refused on purpose


async def test_an_attachments_entry_without_its_file_part_is_refused(fake: FakeDiscord) -> None:
    payload = {"content": "x", "attachments": [{"id": 0, "filename": "a.csv"}, {"id": 1}]}
    status, body = await _post_form(fake, payload, [("files[0]", "a.csv", b"a")])
    assert (status, body["code"]) == (400, 50035)
    assert "1" in body["errors"]["attachments"]
    assert fake.messages == {}
    fake.spec_violations.clear()


async def test_a_part_of_another_name_is_refused(fake: FakeDiscord) -> None:
    status, body = await _post_form(fake, {"content": "x"}, [("file", "a.csv", b"a")])
    assert (status, body["code"]) == (400, 50035)
    assert "file" in body["errors"]
    fake.spec_violations.clear()


async def test_more_than_ten_files_are_refused(fake: FakeDiscord) -> None:
    entries = [{"id": i, "filename": f"{i}.txt"} for i in range(11)]
    parts = [(f"files[{i}]", f"{i}.txt", b"x") for i in range(11)]
    status, body = await _post_form(fake, {"content": "x", "attachments": entries}, parts)
    assert (status, body["code"]) == (400, 50035)
    assert fake.messages == {}
    problems = [p for v in fake.spec_violations for p in v.problems]
    assert any("at most 10" in p for p in problems)
    fake.spec_violations.clear()


async def test_payload_json_is_checked_against_the_multipart_schema(fake: FakeDiscord) -> None:
    # The spec's MessageAttachmentRequest: a filename is 1 to 1024 characters.
    payload = {"content": "x", "attachments": [{"id": 0, "filename": ""}]}
    status, body = await _post_form(fake, payload, [("files[0]", "a.csv", b"a")])
    assert (status, body["code"]) == (400, 50035)
    assert "attachments" in body["errors"]
    [violation] = fake.spec_violations
    assert any(p.startswith("attachments.0.filename") for p in violation.problems)
    fake.spec_violations.clear()


async def test_more_bytes_than_a_bot_may_upload_are_refused(fake: FakeDiscord) -> None:
    payload = {"content": "x", "attachments": [{"id": 0, "filename": "big.bin"}]}
    status, body = await _post_form(
        fake, payload, [("files[0]", "big.bin", b"0" * (MAX_UPLOAD + 1))]
    )
    assert (status, body["code"]) == (413, 40005)
    assert fake.messages == {}


async def test_files_to_a_user_whose_dms_are_closed_are_refused_with_50007(
    fake: FakeDiscord,
) -> None:
    fake.close_dms(USER_ID)
    payload = {"content": "x", "attachments": [{"id": 0, "filename": "a.csv"}]}
    status, body = await _post_form(fake, payload, [("files[0]", "a.csv", b"a")])
    assert (status, body["code"]) == (403, 50007)
    assert fake.messages == {}


async def test_multipart_to_an_operation_that_takes_only_json_is_refused(
    fake: FakeDiscord,
) -> None:
    # Editing a webhook (PATCH /webhooks/{id}/{token}) takes application/json only.
    form = aiohttp.FormData(quote_fields=False, default_to_multipart=True)
    form.add_field("payload_json", json.dumps({"name": "x"}))
    async with (
        aiohttp.ClientSession() as session,
        session.patch(
            f"{fake.api_url}/webhooks/{APP_ID}/some-token",
            data=form,
            headers={"Authorization": "Bot fake-token"},
        ) as response,
    ):
        assert response.status == 400
    [violation] = fake.spec_violations
    assert violation.problems == (
        "body: PATCH /webhooks/{webhook_id}/{webhook_token} does not take multipart/form-data",
    )
    fake.spec_violations.clear()
