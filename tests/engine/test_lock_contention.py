"""Another process holds SQLite's write lock for 4 s. On Slack, /healthz and another user's
command are answered within 100 ms, and the press that has to wait for the lock
is acknowledged within Slack's 3 s and answered once the lock is free. On Discord the waiting
press is deferred before Discord's 3 s are up and its answer follows. Real bolt app over HTTP,
real discord.py client over the fake gateway, real SQLite file, a real second process."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import pytest
from fakes.slack import FakeSlack, slash_command_body
from support.discord_harness import CALLBACK, Harness
from support.harness import Clock, make_engine
from support.lock_holder import lock_held
from support.slack_harness import SlackUser, choice_buttons, serve, slack_settings

from bot.storage.sql import SqlStore

HOLD = 4.0


async def timed(call: asyncio.Future[int] | asyncio.Task[int]) -> tuple[int, float]:
    began = time.monotonic()
    result = await call
    return result, time.monotonic() - began


@pytest.mark.timing
async def test_slack_answers_others_at_once_while_a_press_waits_for_the_lock(tmp_path: Path):
    path = tmp_path / "takeorpass.db"
    store = await SqlStore.open(f"sqlite:///{path}", timeout=10)
    try:
        async with (
            FakeSlack() as fake,
            serve(slack_settings(fake), make_engine(store, Clock()), health=store.health) as url,
            aiohttp.ClientSession() as http,
        ):
            base = url.removesuffix("/slack/events")
            alice = SlackUser(http, url, fake, user_id="U_ALICE")
            bob = SlackUser(http, url, fake, user_id="U_BOB")
            first = await alice.command("Acme — Analyst")
            assert "Question 1 of 7" in str(first.body)
            assert any(b["value"].endswith(":maybe") for b in choice_buttons(first.body))
            press = alice.press_body(first.body, "maybe", response_name="alice-press")
            bob_hook = fake.response_url("bob-command")

            async def healthz() -> int:
                async with http.get(f"{base}/healthz") as response:
                    return response.status

            async def bob_command() -> int:
                body = slash_command_body("Initech", user_id="U_BOB", response_url=bob_hook)
                return (await bob.post(body))[0]

            async def alice_press() -> int:
                return (await alice.post(press))[0]

            with lock_held(path, HOLD):
                held_from = time.monotonic()
                pressed = asyncio.ensure_future(timed(asyncio.ensure_future(alice_press())))
                await asyncio.sleep(0.2)  # Alice's answer is now waiting for the lock
                health, health_took = await timed(asyncio.ensure_future(healthz()))
                command, command_took = await timed(asyncio.ensure_future(bob_command()))
                press_status, press_took = await pressed
                assert not [r for r in fake.responses if r.name == "alice-press"]  # locked
            answered = await fake.wait_for_response("alice-press", timeout=HOLD + 5)
            bob_first = await fake.wait_for_response("bob-command", timeout=5)
            answered_after = time.monotonic() - held_from

        assert (health, command, press_status) == (200, 200, 200)
        assert health_took < 0.1, f"/healthz took {health_took * 1000:.0f} ms"
        assert command_took < 0.1, f"Bob's command was acknowledged after {command_took:.3f} s"
        assert press_took < 3, f"Alice's press was acknowledged after {press_took:.2f} s"
        assert "Question 2 of 7" in str(answered.body)
        assert answered_after > HOLD - 0.5  # it really waited for the other process
        assert "Question 1 of 7" in str(bob_first.body)
    finally:
        await store.close()


@pytest.mark.timing
async def test_discord_defers_a_press_that_waits_for_the_lock_and_answers_after(tmp_path):
    path = tmp_path / "takeorpass.db"
    store = await SqlStore.open(f"sqlite:///{path}", timeout=10)
    try:
        engine = make_engine(store, Clock())
        async with Harness.started(engine) as bot:
            [message] = await bot.dm("hello")
            assert "Question 1 of 7" in message["content"]
            with lock_held(path, HOLD):
                held_from = time.monotonic()
                payload = bot.press_payload(message, "maybe")
                await bot.fake.dispatch("INTERACTION_CREATE", payload)
                callback = await bot.fake.wait_for("POST", CALLBACK, timeout=3)
                deferred_after = time.monotonic() - held_from
                assert callback.json["type"] == 6  # "deferred update": the answer follows
            await bot.until(lambda: "Question 2 of 7" in str(bot.fake.messages), HOLD + 5)
            answered_after = time.monotonic() - held_from
        assert deferred_after < 3, f"deferred after {deferred_after:.2f} s"
        assert answered_after > HOLD - 0.5
    finally:
        await store.close()
