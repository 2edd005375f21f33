"""User text such as `<!channel> & <@U1>` is shown escaped everywhere, so it pings no one."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from fakes.slack import FakeSlack, app_home_opened_event, event_body
from slack_harness import SlackUser, serve, slack_settings

from bot.engine import Engine

RAW = "<!channel> & <@U1>"
ESCAPED = "&lt;!channel&gt; &amp; &lt;@U1&gt;"
# After "doubtful" (+1): would slip away from work (-3) makes it a PASS.
PASS_RUN = ("well", "recent", "no", "unknown", "no", "sneak")


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


@pytest.fixture
async def user(fake: FakeSlack, engine: Engine) -> AsyncIterator[SlackUser]:
    async with aiohttp.ClientSession() as http, serve(slack_settings(fake), engine) as url:
        yield SlackUser(http, url, fake)


def sent(fake: FakeSlack) -> list[dict[str, Any]]:
    """Every message the app sent: response_url posts, and Web API calls that carry content."""
    bodies = [r.body for r in fake.responses]
    bodies += [c.params for c in fake.calls if c.method != "auth.test"]
    return bodies


def assert_all_escaped(fake: FakeSlack, *, showing: int) -> None:
    bodies = [json.dumps(b, ensure_ascii=False) for b in sent(fake)]
    for body in bodies:
        assert "<!channel>" not in body and "<@U1>" not in body, body
    assert sum(ESCAPED in body for body in bodies) >= showing


async def test_company_from_the_command_is_escaped_in_every_message(
    user: SlackUser, fake: FakeSlack
) -> None:
    shown = (await user.command(f"{RAW} — Analyst")).body  # "Got it: …"
    await user.press(shown, "doubtful")  # one answer makes it worth resuming
    offer = (await user.command("")).body  # "You have a questionnaire in progress (…)"
    shown = (await user.press(offer, "yes")).body
    for value in PASS_RUN:
        shown = (await user.press(shown, value)).body
    assert shown["text"].startswith(f"PASS — {ESCAPED} — Analyst")
    note = [
        b["text"]["text"]
        for b in shown["blocks"]
        if b["type"] == "section" and b["text"]["text"].startswith("```")
    ]
    assert ESCAPED in note[0]  # the decline note names the company
    await user.command("history")
    await user.post(event_body(app_home_opened_event(user.user_id)))
    await fake.wait_for("views.publish")
    # The first question, the resume offer, the verdict (text and note), history, App Home.
    assert_all_escaped(fake, showing=5)


async def test_company_typed_in_the_dm_is_escaped(user: SlackUser, fake: FakeSlack) -> None:
    # Slack sends typed text with &, < and > escaped; the bot shows it escaped again, as text.
    await user.dm("start &lt;!channel&gt; &amp; &lt;@U1&gt; — Analyst")
    asked = await fake.wait_for("chat.postMessage")
    assert f"Got it: {ESCAPED} — Analyst." in json.dumps(asked.params, ensure_ascii=False)
    await user.dm(RAW)  # no answer: the re-prompt must not show it unescaped either
    await fake.wait_for("chat.postMessage")
    assert_all_escaped(fake, showing=1)
