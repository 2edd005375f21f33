"""Replayed Slack deliveries (tests/fakes/payloads/slack/replay/): every shape real traffic brings
is sent signed through the real HTTP path and is either answered where the user sees it or
deliberately ignored, with nothing posted or stored; never a warning, an error or a traceback."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fakes.slack import FakeSlack
from fakes.slack.payloads import PAYLOADS
from support.slack_harness import SlackUser, shown_text

Rows = Callable[[], Awaitable[dict[str, int]]]  # the `stored` fixture (conftest.py)
REPLAY = PAYLOADS / "replay"
FILES = sorted(REPLAY.glob("*.json"))
KINDS = ("command", "interactive", "event")


def load(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text())
    return case


def request_body(case: dict[str, Any], response_url: str) -> bytes:
    """The bytes Slack would send for a replayed delivery, its response_url on the fake."""
    body = dict(case["body"])
    if "response_url" in body:
        body["response_url"] = response_url
    if case["kind"] == "command":
        return urlencode(body).encode()
    if case["kind"] == "interactive":
        return urlencode({"payload": json.dumps(body)}).encode()
    return json.dumps(body).encode()


def trouble(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Log records no delivery from Slack may cause: warnings, errors, tracebacks."""
    return [
        f"{r.name} {r.levelname}: {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.WARNING or r.exc_info or "Traceback" in r.getMessage()
    ]


def test_every_replayed_delivery_names_its_source_and_what_to_expect() -> None:
    assert len(FILES) >= 20
    for path in FILES:
        case = load(path)
        assert case["_source"] and case["_shape"], path.name
        assert case["kind"] in KINDS, path.name
        expect = case["expect"]
        assert expect == {"ignored": True} or expect["reply"] in (
            "response_url",
            "chat.postMessage",
            "views.publish",
            "ack",
        ), path.name


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
async def test_replayed_delivery_is_answered_or_ignored_cleanly(
    alice: SlackUser,
    fake: FakeSlack,
    stored: Rows,
    caplog: pytest.LogCaptureFixture,
    path: Path,
) -> None:
    case = load(path)
    caplog.set_level(logging.DEBUG)
    before = await stored()
    status, text = await alice.post(request_body(case, fake.response_url("replay")))
    assert status == 200, (status, text)
    expect = case["expect"]
    match expect.get("reply"):
        case "response_url":
            answer = await fake.wait_for_response("replay", timeout=3)
            assert answer.body.get("response_type") != "in_channel"
            assert expect["says"] in shown_text(answer.body)
        case "chat.postMessage":
            posted = await fake.wait_for("chat.postMessage", timeout=3)
            assert posted.params["channel"] == expect["to"]
            assert expect["says"] in shown_text(posted.params)
        case "views.publish":
            published = await fake.wait_for("views.publish", timeout=3)
            assert published.params["user_id"] == expect["to"]
        case "ack":
            assert expect["says"] in text
        case _:
            await asyncio.sleep(0.3)
            assert [c.method for c in fake.calls if c.method != "auth.test"] == []
            assert fake.responses == [] and text == ""
            assert await stored() == before
    await asyncio.sleep(0.1)  # anything else it set off has finished by now
    assert trouble(caplog) == []


@pytest.mark.parametrize(
    ("name", "where"), [("app_uninstalled", "T0001"), ("app_uninstalled_org", "E0001")]
)
async def test_uninstall_is_one_info_line_naming_the_workspace(
    alice: SlackUser, fake: FakeSlack, caplog: pytest.LogCaptureFixture, name: str, where: str
) -> None:
    caplog.set_level(logging.INFO, logger="adapters.slack")
    status, _ = await alice.post(request_body(load(REPLAY / f"{name}.json"), fake.url))
    assert status == 200
    await asyncio.sleep(0.1)
    said = [r.getMessage() for r in caplog.records if r.name.startswith("adapters.slack")]
    assert said == [f"slack: app_uninstalled for {where}"]
