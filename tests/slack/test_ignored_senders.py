"""Messages in the app's DM that no person wrote (Slackbot's notices, other apps' bots, edits and
other subtypes) are ignored: no reply, no conversation stored, one DEBUG line at most."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import pytest
from fakes.slack import FakeSlack, Params, message_im_event, slackbot_im_event
from support.slack_harness import SlackUser, shown_text

Rows = Callable[[], Awaitable[dict[str, int]]]  # the `stored` fixture (conftest.py)
NOTICE = "You have been removed from #job-hunt by <@U0002>"
BOT_PROFILE = {
    "id": "B0002",
    "app_id": "A0002",
    "name": "standup helper",
    "deleted": False,
    "updated": 1700000000,
    "team_id": "T0001",
    "icons": {"image_36": "https://a.slack-edge.com/80588/img/plugins/app/bot_36.png"},
}


def not_people() -> dict[str, Params]:
    """What lands in the app's DM without a person typing it, as Slack delivers it."""
    edited = message_im_event("Acme") | {"subtype": "message_changed", "hidden": True}
    edited["message"] = {"type": "message", "user": "U0001", "text": "Acme Corp", "ts": "1.2"}
    del edited["user"], edited["text"]
    return {
        # Sent whenever someone removes the app from a channel: no subtype, no bot_id.
        "Slackbot's removal notice": slackbot_im_event(NOTICE),
        "another app's bot (bot_id)": message_im_event(NOTICE, user_id="U0BOT2")
        | {"bot_id": "B0002", "app_id": "A0002", "bot_profile": BOT_PROFILE},
        "a bot known by its bot_profile only": message_im_event(NOTICE, user_id="U0BOT2")
        | {"bot_profile": BOT_PROFILE},
        "an edit (message_changed)": edited,
        "a bot_message subtype": message_im_event(NOTICE) | {"subtype": "bot_message"},
    }


def ours(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith(("adapters", "bot", "takeorpass"))]


@pytest.mark.parametrize("case", list(not_people()))
async def test_message_no_person_wrote_is_ignored_without_trace(
    alice: SlackUser,
    fake: FakeSlack,
    stored: Rows,
    caplog: pytest.LogCaptureFixture,
    case: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    before = await stored()
    assert await alice.event(not_people()[case]) == 200
    await asyncio.sleep(0.3)
    assert [c.method for c in fake.calls if c.method != "auth.test"] == [], case
    assert fake.responses == []
    assert await stored() == before, case
    logged = ours(caplog)
    assert [r for r in logged if r.levelno > logging.DEBUG] == [], case
    assert len(logged) <= 1, [r.getMessage() for r in logged]
    assert all("removed from" not in r.getMessage() for r in logged)


async def test_person_writing_after_slackbot_still_gets_the_first_question(
    alice: SlackUser, fake: FakeSlack
) -> None:
    assert await alice.event(slackbot_im_event(NOTICE)) == 200
    assert await alice.dm("start Acme — Data Analyst") == 200
    said = await fake.wait_for("chat.postMessage")
    assert said.params["channel"] == alice.dm_channel
    assert "Question 1 of 7" in shown_text(said.params)
    await asyncio.sleep(0.2)
    assert len(fake.calls_to("chat.postMessage")) == 1
