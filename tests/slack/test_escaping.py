"""User text such as `<!channel> & <@U1>` is shown escaped everywhere, so it pings no one."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from fakes.slack import FakeSlack, app_home_opened_event, event_body
from support.harness import Clock
from support.slack_harness import SlackReminders, SlackUser, serve, slack_settings

from adapters.slack.rendering import escape
from bot.engine.engine import Engine
from bot.storage.sql import SqlStore

RAW = "<!channel> & <@U1>"
ESCAPED = "&lt;!channel&gt; &amp; &lt;@U1&gt;"
# After "doubtful" (+1): would slip away from work (-3) makes it a PASS.
PASS_RUN = ("well", "recent", "no", "unknown", "no", "sneak")


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


# --- formatting marks: user text shows as typed, never as bold, italics, code or a quote -------

MARKS = "*bold* _it_ ~s~ `code`"
# Slack's rule, roughly: a mark opens after a space, "(" or the start of a line and before a
# non-space, and closes after a non-space and before a space, punctuation or the line's end.
_SPAN = re.compile(r"(?<![^\s(])([*_~`])(?=\S)(.+?)(?<=\S)\1(?=$|[\s.,;:!?)'\"])", re.MULTILINE)
_QUOTE_LINE = re.compile(r"^\s*(?:>|&gt;)", re.MULTILINE)


def spans(mrkdwn: str) -> list[tuple[str, str]]:
    """The formatted stretches Slack would render in `mrkdwn`: (mark, inner text)."""
    return [(m.group(1), m.group(2)) for m in _SPAN.finditer(mrkdwn)]


def as_seen(mrkdwn: str) -> str:
    """What a reader sees of escaped text: no invisible joiners, entities decoded."""
    text = mrkdwn.replace("\u2060", "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_escape_keeps_marks_and_quotes_from_formatting() -> None:
    for raw in (MARKS, "> quoted\n  > again", "a_b_c *x*", "```block```"):
        shown = escape(raw)
        assert spans(shown) == [] and not _QUOTE_LINE.search(shown), repr(shown)
        assert as_seen(shown) == raw
    # Our own bold around escaped text still pairs, once, around all of it.
    assert spans(f"*{escape(MARKS)}*") == [("*", escape(MARKS))]


async def test_company_with_marks_shows_literally_and_keeps_the_verdict_heading_bold(
    user: SlackUser, fake: FakeSlack
) -> None:
    shown = (await user.command(f"{MARKS} — Analyst")).body
    got_it = [t for t in _mrkdwn(shown["blocks"]) if MARKS in as_seen(t)]
    assert got_it and all(spans(t) == [] for t in got_it)  # "Got it: …"
    for value in ("doubtful", *PASS_RUN):
        shown = (await user.press(shown, value)).body
    heading = shown["blocks"][0]["text"]["text"].split("\n")[0]
    assert spans(heading) == [("*", heading[1:-1])], heading
    assert as_seen(heading) == f"*PASS — {MARKS} — Analyst*"
    # The decline note is preformatted: marks are literal there, so it is copied as written.
    note = next(
        b["text"]["text"]
        for b in shown["blocks"]
        if b["type"] == "section" and b["text"]["text"].startswith("```")
    )
    assert MARKS in note and "\u2060" not in note
    await user.command("history")
    await user.post(event_body(app_home_opened_event(user.user_id)))
    await fake.wait_for("views.publish")
    seen = 0
    for body in sent(fake):
        parts = [body.get(k) for k in ("blocks", "view")]
        texts = _mrkdwn([json.loads(p) if isinstance(p, str) else p for p in parts])
        for text in texts:
            if text.startswith("```"):
                continue
            assert_only_our_bold(text)
            seen += MARKS in as_seen(text)
    assert seen >= 4  # "Got it", the verdict, history, App Home


def assert_only_our_bold(text: str) -> None:
    """The only formatting in `text` is ours: a whole line in bold."""
    for line in text.split("\n"):
        for mark, inner in spans(line):
            assert (mark, f"*{inner}*") == ("*", line), text


def _mrkdwn(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if node.get("type") == "mrkdwn" else []
        return found + [t for v in node.values() for t in _mrkdwn(v)]
    if isinstance(node, list):
        return [t for v in node for t in _mrkdwn(v)]
    return []


async def test_reminder_text_with_marks_shows_literally(
    fake: FakeSlack, store: SqlStore, clock: Clock
) -> None:
    world = SlackReminders(fake, store, clock)
    async with (
        aiohttp.ClientSession() as http,
        serve(slack_settings(fake), world.engine, places=world.places) as url,
    ):
        user = SlackUser(http, url, fake)
        confirmed = (await user.command(f"remind in 2 hours {MARKS}")).body
        listed = (await user.command("reminders")).body
    for body in (confirmed, listed):
        texts = [t for t in _mrkdwn(body["blocks"]) if MARKS in as_seen(t)]
        assert texts, body
        for text in texts:
            assert_only_our_bold(text)
