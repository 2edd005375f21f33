"""The Slack adapter in Socket Mode: `run_slack` against the fake's websocket."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from fakes.slack import (
    FakeSlack,
    block_actions_payload,
    event_payload,
    message_im_event,
    slash_command_payload,
)
from support.slack_harness import button, shown_text, slack_settings

from adapters.slack import run_slack
from bot.engine.engine import Engine


@pytest.fixture
async def running(fake: FakeSlack, engine: Engine) -> AsyncIterator[asyncio.Task[None]]:
    settings = slack_settings(fake, SLACK_APP_TOKEN="xapp-test")
    assert settings.slack_mode == "socket"
    task = asyncio.create_task(run_slack(settings, engine))
    await fake.wait_for_socket()
    yield task
    assert not task.done(), "the Socket Mode runner stopped by itself"
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_slash_command_and_press_over_socket_mode(
    fake: FakeSlack, running: asyncio.Task[None]
) -> None:
    assert fake.calls_to("apps.connections.open")[0].token == "xapp-test"
    command = slash_command_payload("Acme — Data Analyst", response_url=fake.response_url("c"))
    ack = await fake.socket_send("slash_commands", command)
    assert not ack.get("payload")  # acknowledged at once, empty: nothing shows in the channel
    first = (await fake.wait_for_response("c")).body
    assert first["response_type"] == "ephemeral"
    assert "Question 1 of 7" in shown_text(first)
    maybe = button(first, "maybe")
    assert maybe["value"].startswith("tp:") and maybe["value"].endswith(":certainty:maybe")

    press = block_actions_payload(
        maybe["action_id"], maybe["value"], response_url=fake.response_url("p")
    )
    await fake.socket_send("interactive", press)
    second = (await fake.wait_for_response("p")).body
    assert second["replace_original"] is True
    assert "Question 2 of 7" in shown_text(second)
    assert fake.calls_to("chat.postMessage") == []


async def test_redelivered_envelopes_advance_once_over_socket_mode(
    fake: FakeSlack, running: asyncio.Task[None]
) -> None:
    hello = event_payload(message_im_event("hi"))
    await fake.socket_send("events_api", hello)
    assert "Question 1 of 7" in shown_text((await fake.wait_for("chat.postMessage")).params)

    answer = event_payload(message_im_event("maybe"))
    await fake.socket_send("events_api", answer)
    await fake.socket_send("events_api", answer, retry_attempt=1, retry_reason="timeout")
    assert "Question 2 of 7" in shown_text((await fake.wait_for("chat.postMessage")).params)

    shown = fake.calls_to("chat.postMessage")[-1].params
    press = block_actions_payload(
        button(shown, "paper")["action_id"],
        button(shown, "paper")["value"],
        channel_id="DU0001",
        message={"type": "message", "ts": "1700000030.000100", **shown},
    )
    await fake.socket_send("interactive", press)
    await fake.socket_send("interactive", press)  # the same delivery again
    assert "Question 3 of 7" in shown_text((await fake.wait_for("chat.update")).params)
    await asyncio.sleep(0.2)
    assert len(fake.calls_to("chat.postMessage")) == 2
    assert len(fake.calls_to("chat.update")) == 1
