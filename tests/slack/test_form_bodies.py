"""Slash commands are read from their form fields whatever words they hold: a command whose text,
user name or channel name says "payload" is answered like any other (bolt alone reads such a
form as an interactivity payload that is missing, and the command vanishes)."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import pytest
from fakes.slack import FakeSlack, slash_command_payload
from support.slack_harness import SlackUser, shown_text

# The command's text, the fields Slack fills in around it, and what the answer must say.
CASES: dict[str, tuple[str, dict[str, str], str]] = {
    # bolt's test is case-sensitive: "Payload Systems" alone got through, "payload.io" did not.
    "a company named payload.io": ("start payload.io — SRE", {}, "Got it: payload.io — SRE."),
    "a reminder about the payload": (
        "remind in 1 hour check the payload",
        {},
        "Reminder set for Thu 26 Nov, 11:00 CET: check the payload",
    ),
    "a user named payload-fan": ("Acme — Data Analyst", {"user_name": "payload-fan"}, "Question 1"),
    "run in #payload-team": ("Acme — Data Analyst", {"channel_name": "payload-team"}, "Question 1"),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_command_mentioning_payload_is_answered(
    alice: SlackUser, fake: FakeSlack, case: str
) -> None:
    text, fields, expected = CASES[case]
    payload = slash_command_payload(text, response_url=fake.response_url("said"), **fields)
    status, ack = await alice.post(urlencode(payload).encode())
    assert (status, ack) == (200, "")
    answer = await fake.wait_for_response("said", timeout=3)
    assert answer.body["response_type"] == "ephemeral"
    assert expected in shown_text(answer.body), shown_text(answer.body)


async def test_the_word_payload_in_a_json_event_still_reaches_the_conversation(
    alice: SlackUser, fake: FakeSlack
) -> None:
    # Events come as JSON, which bolt always read right; they must keep working.
    assert await alice.dm("start payload.io — SRE") == 200
    said = await fake.wait_for("chat.postMessage")
    assert "Got it: payload.io — SRE." in shown_text(said.params)
    await asyncio.sleep(0.1)
    assert len(fake.calls_to("chat.postMessage")) == 1
