"""The Slack fake speaks enough protocol for the real slack_sdk and slack_bolt clients."""

import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from support.slack_harness import SECRET

from fakes.slack import (
    FakeSlack,
    app_home_opened_event,
    block_actions_body,
    event_body,
    message_im_event,
    signed_headers,
    slash_command_body,
    slash_command_payload,
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


def bolt_app(fake: FakeSlack) -> AsyncApp:
    """A bolt app whose handlers echo what they got through respond()."""
    client = AsyncWebClient(token="xoxb-test", base_url=fake.api_url)
    app = AsyncApp(signing_secret=SECRET, client=client)

    @app.command("/takeorpass")
    async def command(ack: Any, respond: Any, command: dict[str, Any]) -> None:
        await ack("thinking")
        await respond(text=f"you said {command['text']}")

    @app.action("tp_answer")
    async def answer(ack: Any, respond: Any, action: dict[str, Any]) -> None:
        await ack()
        await respond(text=f"picked {action['value']}", replace_original=True)

    @app.event("message")
    async def dm(event: dict[str, Any], say: Any) -> None:
        await say(f"echo {event['text']}")

    @app.event("app_home_opened")
    async def home(event: dict[str, Any], client: AsyncWebClient) -> None:
        await client.views_publish(user_id=event["user"], view={"type": "home", "blocks": []})

    return app


@pytest.fixture
async def bolt_url(fake: FakeSlack) -> AsyncIterator[str]:
    runner = web.AppRunner(bolt_app(fake).web_app(path="/slack/events"))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}/slack/events"
    await runner.cleanup()


async def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as r,
    ):
        return r.status, await r.text()


async def test_web_client_call_is_recorded(fake: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=fake.api_url)
    sent = await client.chat_postMessage(channel="U0042", text="hi")
    assert sent["channel"] == "DU0042"
    call = await fake.wait_for("chat.postMessage", timeout=1)
    assert call.params == {"channel": "U0042", "text": "hi"}
    assert call.token == "xoxb-test"
    user = (await client.users_info(user="U0042"))["user"]
    assert user["tz"] == "Europe/Berlin" and user["tz_offset"] in (3600, 7200)


async def test_injected_errors(fake: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=fake.api_url)
    fake.fail_next("chat.postMessage", error="channel_not_found")
    with pytest.raises(SlackApiError) as failed:
        await client.chat_postMessage(channel="C0001", text="hi")
    assert failed.value.response["error"] == "channel_not_found"
    assert (await client.chat_postMessage(channel="C0001", text="hi"))["ok"]


async def test_rate_limit_is_waited_out(fake: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=fake.api_url)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler())
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()
    assert (await client.chat_postMessage(channel="C0001", text="hi"))["ok"]
    assert time.monotonic() - started >= 1
    assert len(fake.calls_to("chat.postMessage")) == 2


async def test_bolt_http_slash_command(fake: FakeSlack, bolt_url: str) -> None:
    body = slash_command_body("hello", response_url=fake.response_url("cmd"))
    assert await post(bolt_url, body, signed_headers(SECRET, body)) == (200, "thinking")
    assert (await fake.wait_for_response("cmd", timeout=2)).body["text"] == "you said hello"
    assert (await post(bolt_url, body, signed_headers("forged", body)))[0] == 401
    stale = signed_headers(SECRET, body, timestamp=int(time.time()) - 600)
    assert (await post(bolt_url, body, stale))[0] == 401
    assert len(fake.responses) == 1


async def test_bolt_http_button_and_events(fake: FakeSlack, bolt_url: str) -> None:
    body = block_actions_body("tp_answer", "tp:1:q:yes", response_url=fake.response_url("btn"))
    assert (await post(bolt_url, body, signed_headers(SECRET, body)))[0] == 200
    pressed = await fake.wait_for_response("btn", timeout=2)
    assert pressed.body == {"text": "picked tp:1:q:yes", "replace_original": True}

    body = event_body(message_im_event("yes please"))
    assert (await post(bolt_url, body, signed_headers(SECRET, body)))[0] == 200
    said = await fake.wait_for("chat.postMessage", timeout=2)
    assert said.params["channel"] == "DU0001" and said.params["text"] == "echo yes please"

    body = event_body(app_home_opened_event())
    assert (await post(bolt_url, body, signed_headers(SECRET, body)))[0] == 200
    assert (await fake.wait_for("views.publish", timeout=2)).params["user_id"] == "U0001"


async def test_socket_mode_envelope_is_acked(fake: FakeSlack) -> None:
    handler = AsyncSocketModeHandler(bolt_app(fake), "xapp-test")
    await handler.connect_async()
    try:
        payload = slash_command_payload("hi", response_url=fake.response_url("sock"))
        ack = await fake.socket_send("slash_commands", payload, timeout=5)
        assert ack["payload"] == {"text": "thinking"}
        assert (await fake.wait_for_response("sock", timeout=2)).body["text"] == "you said hi"
        assert fake.calls_to("apps.connections.open")[0].token == "xapp-test"
    finally:
        await handler.close_async()
