"""FakeSlack's file uploads refuse what Slack refuses: the retired files.upload, arguments the
methods' reference pages do not list, a length that does not match the bytes, a share to a
place the bot can't post to, a token without files:write."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from fakes.slack import FakeSlack, dm_channel_id


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=fake.api_url)


async def _error(call: object) -> str:
    with pytest.raises(SlackApiError) as refused:
        await call  # type: ignore[misc]
    return str(refused.value.response["error"])


async def test_files_upload_v2_puts_the_bytes_in_the_dm(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    dm = dm_channel_id("U0001")
    answer = await client.files_upload_v2(
        file_uploads=[
            {"filename": "a.csv", "content": b"\xef\xbb\xbfx,y\r\n", "title": "a.csv"},
            {"filename": "a.json", "content": b"{}", "title": "a.json"},
        ],
        channel=dm,
        initial_comment="Your record",
    )
    assert [f["title"] for f in answer["files"]] == ["a.csv", "a.json"]
    assert [(f.name, f.data) for f in fake.files_in(dm)] == [
        ("a.csv", b"\xef\xbb\xbfx,y\r\n"),
        ("a.json", b"{}"),
    ]
    asked = [c.params for c in fake.calls_to("files.getUploadURLExternal")]
    assert [(p["filename"], p["length"]) for p in asked] == [("a.csv", "8"), ("a.json", "2")]
    assert fake.shares[0].initial_comment == "Your record"


async def test_the_retired_files_upload_is_refused_and_counted_against_the_bot(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    error = await _error(client.api_call("files.upload", params={"channels": "D1", "content": "x"}))
    assert error == "method_deprecated"
    assert [v.request for v in fake.spec_violations] == ["files.upload"]
    fake.spec_violations.clear()


async def test_upload_arguments_are_checked_against_the_reference_pages(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    assert await _error(client.files_getUploadURLExternal(filename="a", length=0)) == (
        "missing_argument"
    )
    long_alt = client.files_getUploadURLExternal(filename="a", length=1, alt_txt="x" * 1001)
    assert await _error(long_alt) == "alt_txt_too_large"
    unknown = client.api_call("files.getUploadURLExternal", params={"filename": "a", "size": 1})
    assert await _error(unknown) == "invalid_arguments"
    extra = client.files_completeUploadExternal(files=[{"id": "F1", "name": "a"}])
    assert await _error(extra) == "invalid_arguments"
    problems = [p for v in fake.spec_violations for p in v.problems]
    assert problems == [
        "length: required by files.getUploadURLExternal but missing",
        "size: not a parameter of files.getUploadURLExternal",
        "files.0.name: not a field of a file here",
    ]
    fake.spec_violations.clear()


async def test_a_file_is_shared_only_with_the_length_announced_and_where_the_bot_may_post(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.add_channel("C0OUT", "elsewhere", member=False)
    short = await client.files_getUploadURLExternal(filename="a.csv", length=5)
    async with aiohttp.ClientSession() as http:
        form = aiohttp.FormData()
        form.add_field("file", b"abc", filename="a.csv")
        async with http.post(short["upload_url"], data=form) as posted:
            assert (posted.status, await posted.text()) == (200, "OK - 3")
    files = [{"id": short["file_id"], "title": "a.csv"}]
    mismatch = client.files_completeUploadExternal(files=files, channel_id="DU0001")
    assert await _error(mismatch) == "file_size_mismatch"
    never = await client.files_getUploadURLExternal(filename="b.csv", length=1)
    not_sent = client.files_completeUploadExternal(files=[{"id": never["file_id"]}])
    assert await _error(not_sent) == "file_not_uploaded"
    async with aiohttp.ClientSession() as http:
        async with http.post(never["upload_url"], data=b"b") as posted:
            assert posted.status == 200
    for channel, error in (("U0001", "invalid_channel"), ("C0OUT", "not_in_channel")):
        refused = client.files_completeUploadExternal(
            files=[{"id": never["file_id"]}], channel_id=channel
        )
        assert await _error(refused) == error
    assert fake.shares == []


async def test_a_token_without_files_write_gets_missing_scope(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.scopes = tuple(s for s in fake.scopes if s != "files:write")
    with pytest.raises(SlackApiError) as refused:
        await client.files_getUploadURLExternal(filename="a", length=1)
    assert refused.value.response["error"] == "missing_scope"
    assert refused.value.response["needed"] == "files:write"


async def test_an_upload_url_can_answer_429_and_the_sdk_waits_it_out(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=1))
    fake.fail_next("upload", retry_after=0)
    await client.files_upload_v2(filename="a.json", content=b"{}", channel="DU0001")
    assert json.loads(fake.files_in("DU0001")[0].data) == {}
