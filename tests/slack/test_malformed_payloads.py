"""Correctly signed bodies whose fields are not what Slack sends where bolt routes by them: a
press whose `actions` is empty, a string or a list of something else, a form without its view,
an event without its type. Each gets a 400 and at most one WARNING line, as other malformed
bodies do (test_faults.py), never a 500 with an ERROR line; nothing is carried out. Sent over
HTTP, signed, to the real bolt app."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from fakes.slack import (
    FakeSlack,
    block_actions_payload,
    event_payload,
    message_im_event,
    signed_headers,
)
from support.slack_harness import SECRET, SlackUser, serve, slack_settings

from adapters.slack.forms import EDIT_CALLBACK
from bot.engine.engine import Engine


@pytest.fixture
async def user(fake: FakeSlack, engine: Engine) -> AsyncIterator[SlackUser]:
    async with aiohttp.ClientSession() as http, serve(slack_settings(fake), engine) as url:
        yield SlackUser(http, url, fake)


def _form(payload: dict[str, Any]) -> bytes:
    """An interactivity request body: the payload as JSON in a form field."""
    return urlencode({"payload": json.dumps(payload)}).encode()


def _press(actions: Any) -> bytes:
    return _form(block_actions_payload("tp_answer", "tp:c1:q1:yes") | {"actions": actions})


def _form_submitted(view: Any) -> bytes:
    return _form(
        {"type": "view_submission", "team": {"id": "T1"}, "user": {"id": "U1"}, "view": view}
    )


def _event(event: Any) -> bytes:
    return json.dumps(event_payload(message_im_event("hi")) | {"event": event}).encode()


PRESS = block_actions_payload("tp_answer", "tp:c1:q1:yes")
MALFORMED: dict[str, bytes] = {
    "a press whose actions are an empty list": _press([]),
    "a press whose actions are a string": _press("x"),
    "a press whose actions are null": _press(None),
    "a press without actions": _form({k: v for k, v in PRESS.items() if k != "actions"}),
    "a press whose actions are numbers": _press([1, 2]),
    "a press whose action has no action_id": _press([{"type": "button", "value": "v"}]),
    "a press whose action_id is a number": _press([{"type": "button", "action_id": 5}]),
    "a form whose view is a string": _form_submitted("x"),
    "a form whose view is a number": _form_submitted(5),
    "a form whose callback_id is a number": _form_submitted({"callback_id": 5, "type": "modal"}),
    "a form without a callback_id": _form_submitted({"type": "modal", "id": "V1"}),
    "an event that is a number": _event(5),
    "an event that is a string": _event("x"),
    "an event that is a list": _event([]),
    "an event whose type is a number": _event({"type": 5}),
    "an edited message whose message is a string": _event(
        message_im_event("hi") | {"subtype": "message_changed", "message": "x"}
    ),
}


def _problems(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


@pytest.mark.parametrize("case", list(MALFORMED))
async def test_a_signed_body_bolt_would_trip_on_gets_400_and_one_warning(
    user: SlackUser, fake: FakeSlack, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    caplog.set_level(logging.DEBUG)
    body = MALFORMED[case]
    status, text = await user.post(body, signed_headers(SECRET, body))
    assert status == 400, (case, status, text)
    assert text.startswith("Bad request: ") and len(text) < 120 and "Traceback" not in text
    assert _problems(caplog) == [], case
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "refused a signed request" in warnings[0], warnings
    assert fake.calls == [] and fake.responses == []


@pytest.mark.parametrize(
    "body",
    [
        # What Slack sends: a press, an edit form (callback id and all), an event.
        _press(PRESS["actions"]),
        _form_submitted({"callback_id": EDIT_CALLBACK, "type": "modal", "id": "V1"}),
        json.dumps(event_payload(message_im_event("hi"))).encode(),
    ],
    ids=["a press", "a form", "an event"],
)
async def test_bodies_as_slack_sends_them_are_not_refused(
    user: SlackUser, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    caplog.set_level(logging.DEBUG)
    status, _ = await user.post(body, signed_headers(SECRET, body))
    assert status == 200
    assert not any("refused a signed request" in r.getMessage() for r in caplog.records)
