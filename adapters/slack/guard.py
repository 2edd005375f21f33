"""What HTTP mode does with a raw request before bolt sees it: checks Slack's signature over the
exact bytes first, then reads the body's fields (UTF-8; JSON, or a form). Nothing here keeps or
logs what a body says."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, Final
from urllib.parse import parse_qsl

log = logging.getLogger(__name__)

# Slack's rule: a request signed more than five minutes before (or after) now is a replay.
MAX_SKEW: Final = 300
# How often a warning about refused signatures may be written: anyone can send them.
REFUSALS_EVERY: Final = 60.0


class BadBody(ValueError):
    """A correctly signed body that is not what Slack sends; the text says why, briefly."""


def signature_problem(
    secret: str, headers: Mapping[str, str], body: bytes, *, now: float
) -> str | None:
    """None when `body` carries a v0 signature made with `secret` at a timestamp within five
    minutes of `now`; otherwise why not, in a few words."""
    if not secret:
        return "no signing secret is set"
    stamp = headers.get("X-Slack-Request-Timestamp") or ""
    if not (stamp.isascii() and stamp.isdigit()):
        return "the timestamp is missing or not a number"
    if abs(now - int(stamp)) > MAX_SKEW:
        return "the timestamp is more than five minutes off"
    base = b"v0:" + stamp.encode() + b":" + body
    expected = b"v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest().encode()
    given = (headers.get("X-Slack-Signature") or "").encode("utf-8", "replace")
    if not hmac.compare_digest(expected, given):
        return "the signature does not match"
    return None


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        raise BadBody(f"{what} is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise BadBody(f"{what} is not a JSON object")
    return parsed


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _object(value: Any, *keys: str) -> bool:
    """An object whose `keys` hold text."""
    return isinstance(value, dict) and all(_text(value.get(key)) for key in keys)


def _object_or_none(value: Any) -> bool:
    return value is None or isinstance(value, dict)


def _shape_problem(fields: dict[str, Any]) -> str | None:
    """Why the fields bolt's routing reads without looking at their type are not as Slack
    sends them, or None. bolt takes a press's first action, a form's view and an event's type
    as given, and a wrong one fails inside it: a 500 and an ERROR line for a stranger's body."""
    kind = fields.get("type")
    if kind in ("block_actions", "interactive_message") and (
        kind == "block_actions" or "callback_id" in fields
    ):
        actions = fields.get("actions")
        if not (isinstance(actions, list) and actions):
            return "a press without its actions"
        if not all(_object(action, "action_id") for action in actions):
            return "a press whose actions are not as Slack sends them"
    if kind in ("view_submission", "view_closed") and not _object(
        fields.get("view"), "callback_id"
    ):
        return "a form without its view"
    if kind == "event_callback":
        event = fields.get("event")
        if not isinstance(event, dict) or not _text(event.get("type")):
            return "an event without its type"
        if not all(_object_or_none(event.get(k)) for k in ("message", "previous_message")):
            return "an event whose message is not as Slack sends it"
    return None


def read_body(body: bytes, content_type: str) -> dict[str, Any]:
    """The fields of a signed body, as bolt's listeners read them: a JSON body's object (events),
    the object in an interactivity form's `payload` field (presses, forms), or a slash
    command's form fields. Raises BadBody for anything else, and for fields bolt would trip on
    (a press without actions, a form without its view, an event without its type).

    Parsed here, not by bolt: bolt takes any form body with the letters "payload" anywhere in
    it for an interactivity form, and finding no `payload` field hands on nothing, so a
    command about "payload.io", from a user or in a channel so named, vanished."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadBody("the body is not UTF-8") from None
    if not text:
        return {}
    if content_type == "application/json" or text.startswith("{"):
        fields = _json_object(text, "the body")
    else:
        fields = dict(parse_qsl(text, keep_blank_values=True))
        if "payload" in fields:
            fields = _json_object(fields["payload"], "the payload field")
    problem = _shape_problem(fields)
    if problem is not None:
        raise BadBody(problem)
    return fields


class Refusals:
    """Counts requests refused for their signature, and says so in one WARNING line at most
    every `every` seconds, never with what they held."""

    def __init__(
        self, *, every: float = REFUSALS_EVERY, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._every = every
        self._clock = clock
        self._count = 0
        self._last: float | None = None

    def note(self, why: str) -> None:
        self._count += 1
        now = self._clock()
        if self._last is not None and now - self._last < self._every:
            return
        log.warning(
            "slack: refused %d request(s) since the last note, the latest because %s "
            "(if Slack's own requests are refused, check SLACK_SIGNING_SECRET)",
            self._count,
            why,
        )
        self._count = 0
        self._last = now
