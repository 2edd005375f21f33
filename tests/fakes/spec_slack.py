"""Slack requests checked against Slack's Web API spec and Block Kit's documented rules.

- `slack_problems(method, params)`: the method's parameters in Slack's OpenAPI 2.0 spec
  (slack_web_openapi_v2_without_examples.json): required ones present, none it does not list,
  simple types; then `blocks` and `view` as Block Kit.
- Block Kit has no spec (SOURCES.md): blocks and views are parsed with slack_sdk's own models
  (`to_dict()` runs every model's `validate_json()`, nested ones too), and the limits Slack's
  Block Kit reference pages give are checked on the raw JSON.
- `response_url_problems(body)`: the fields Slack documents for response_url messages.

Each problem reads "<where>: <what>"; `slack_error(problems)` is the error code Slack answers.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from .spec_check import spec_file
from .spec_slack_files import FILES_METHODS, files_problems

JSON = dict[str, Any]

# Allowances: what slack_sdk and slack_bolt send that the spec does not list. The spec file was
# last changed in 2020-10 and is known to be stale; each entry says why it is still right.
MISSING_METHODS: dict[str, list[JSON]] = {
    # Socket Mode (2021) is newer than the spec. Slack's reference page for the method lists
    # no argument but the app-level token, which slack_sdk sends as the Authorization header.
    "apps.connections.open": [],
    # The upload flow that replaced files.upload (2024): spec_slack_files.py has the tables,
    # written from the methods' reference pages.
    **FILES_METHODS,
}
EXTRA_PARAMS: dict[str, frozenset[str]] = {
    # bolt's per-request client carries the workspace's `team_id` into every Web API call
    # (TESTING.md); Slack documents `team_id` on its methods for org-wide apps and reads it
    # as the workspace to act in, which for a single workspace is the one the token is for.
    "*": frozenset({"team_id"}),
    # Message metadata (2022) is newer than the spec: Slack's reference pages for the methods
    # list `metadata` on chat.postMessage and `include_all_metadata` on conversations.history
    # (without it the history leaves out the metadata's payload). Checked below.
    "chat.postMessage": frozenset({"metadata"}),
    "conversations.history": frozenset({"include_all_metadata"}),
}
# The spec types these as strings because it has them form-encoded; slack_sdk sends JSON bodies,
# where they are the JSON value itself (SOURCES.md: "JSON-encoded strings").
JSON_VALUED = frozenset({"blocks", "attachments", "view", "files"})

MESSAGE_BLOCKS, SURFACE_BLOCKS = 50, 100
TEXT_CHARS, FIELDS, FIELD_CHARS, ACTIONS = 3000, 10, 2000, 25
BUTTON_TEXT, BUTTON_VALUE, ID_CHARS = 75, 2000, 255
VIEW_TITLE, PRIVATE_METADATA = 24, 3000
RESPONSE_URL_FIELDS = frozenset(
    {
        "text",
        "blocks",
        "attachments",
        "response_type",
        "replace_original",
        "delete_original",
        "thread_ts",
        "mrkdwn",
    }
)
_TRUE_FALSE = ("true", "false", "1", "0")


@cache
def _spec() -> JSON:
    spec: JSON = json.loads(spec_file("slack_web_openapi_v2_without_examples.json").read_text())
    return spec


def _parameters(method: str) -> list[JSON] | None:
    if method in MISSING_METHODS:
        return MISSING_METHODS[method]
    item = _spec()["paths"].get(f"/{method}")
    if item is None:
        return None
    return [p for operation in item.values() for p in operation.get("parameters", [])]


def _type_problem(name: str, kind: str, value: Any) -> str | None:
    if name in JSON_VALUED and isinstance(value, list | dict):
        return None
    if kind == "boolean":
        ok = isinstance(value, bool) or str(value).lower() in _TRUE_FALSE
    elif kind == "integer":
        ok = (isinstance(value, int) and not isinstance(value, bool)) or str(value).isdigit()
    elif kind == "number":
        try:
            ok = not isinstance(value, bool) and float(value) == float(value)
        except (TypeError, ValueError):
            ok = False
    else:
        ok = isinstance(value, str)
    return None if ok else f"{name}: {value!r} is not a {kind}"


def slack_problems(
    method: str, params: dict[str, Any], *, authorization: str | None = None
) -> list[str]:
    """What the Web API spec and Block Kit find wrong with a call; [] if nothing.

    `params` are the query and body parameters together; `authorization` is the Authorization
    header, which stands for the `token` parameter."""
    documented = _parameters(method)
    if documented is None:
        return [f"method: {method} is not a Web API method in Slack's spec"]
    problems: list[str] = []
    types = {p["name"]: p.get("type", "string") for p in documented}
    for param in documented:
        name = param["name"]
        given = name in params or (name == "token" and authorization)
        if param.get("required") and not given:
            problems.append(f"{name}: required by {method} but missing")
    allowed = (
        set(types) | {"token"} | EXTRA_PARAMS.get("*", set()) | EXTRA_PARAMS.get(method, set())
    )
    for name, value in params.items():
        if name not in allowed:
            problems.append(f"{name}: not a parameter of {method}")
        elif name in types and (problem := _type_problem(name, types[name], value)):
            problems.append(problem)
    if "blocks" in params:
        problems += block_problems(params["blocks"])
    if "view" in params:
        problems += view_problems(params["view"])
    if "metadata" in params:
        problems += metadata_problems(params["metadata"])
    if method == "files.completeUploadExternal" and "files" in params:
        problems += files_problems(params["files"])
    if (
        "include_all_metadata" in params
        and str(params["include_all_metadata"]).lower() not in _TRUE_FALSE
    ):
        problems.append(
            f"include_all_metadata: {params['include_all_metadata']!r} is not a boolean"
        )
    return problems


def metadata_problems(metadata: Any) -> list[str]:
    """Message metadata as Slack's message-metadata page describes it: an object of an
    `event_type` (text) and an `event_payload` (an object of text, numbers, booleans, objects
    and lists of objects), or its JSON text."""
    metadata, problems = _decoded(metadata, "metadata")
    if problems:
        return problems
    if not isinstance(metadata, dict):
        return [f"metadata: {metadata!r} is not an object"]
    problems = [
        f"metadata.{k}: not a field of message metadata"
        for k in metadata
        if k not in ("event_type", "event_payload")
    ]
    event_type = metadata.get("event_type")
    if not (isinstance(event_type, str) and event_type):
        problems.append(f"metadata.event_type: {event_type!r} is not a name")
    payload = metadata.get("event_payload")
    if not isinstance(payload, dict):
        return [*problems, f"metadata.event_payload: {payload!r} is not an object"]
    for key, value in payload.items():
        plain = isinstance(value, str | int | float | bool | dict)
        listed = isinstance(value, list) and all(isinstance(v, dict) for v in value)
        if not (plain or listed):
            problems.append(f"metadata.event_payload.{key}: {value!r} is not a value Slack keeps")
    return problems


def slack_error(problems: list[str], other: str = "invalid_arguments") -> str:
    """The error code Slack answers a call with these problems (`other` if not Block Kit's)."""
    return "invalid_blocks" if any(p.startswith("blocks") for p in problems) else other


def response_url_problems(body: dict[str, Any]) -> list[str]:
    """What Slack finds wrong with a message POSTed to a response_url; [] if nothing."""
    problems = [
        f"{k}: not a field of response_url messages" for k in body if k not in RESPONSE_URL_FIELDS
    ]
    kinds = {"replace_original": bool, "delete_original": bool, "mrkdwn": bool, "text": str}
    kinds |= {"thread_ts": str, "response_type": str}
    for name, kind in kinds.items():
        if name in body and not isinstance(body[name], kind):
            problems.append(f"{name}: {body[name]!r} is not a {kind.__name__}")
    if body.get("response_type", "ephemeral") not in ("ephemeral", "in_channel"):
        problems.append(f"response_type: {body['response_type']!r} is not ephemeral or in_channel")
    if "blocks" in body:
        problems += block_problems(body["blocks"])
    return problems


# Block Kit


def _decoded(value: Any, where: str) -> tuple[Any, list[str]]:
    if not isinstance(value, str):
        return value, []
    try:
        return json.loads(value), []
    except json.JSONDecodeError as exc:
        return None, [f"{where}: not JSON ({exc})"]


def block_problems(blocks: Any, *, where: str = "blocks", limit: int = MESSAGE_BLOCKS) -> list[str]:
    """Problems with a list of blocks (or its JSON text), at most `limit` of them."""
    blocks, problems = _decoded(blocks, where)
    if problems:
        return problems
    if not isinstance(blocks, list):
        return [f"{where}: {blocks!r} is not a list of blocks"]
    return list(_cached_block_problems(json.dumps(blocks, sort_keys=True), where, limit))


@lru_cache(maxsize=2048)
def _cached_block_problems(text: str, where: str, limit: int) -> tuple[str, ...]:
    """Cached: tests send the same blocks again and again, and slack_sdk parses slowly."""
    blocks: list[Any] = json.loads(text)
    problems: list[str] = []
    if len(blocks) > limit:
        problems.append(f"{where}: {len(blocks)} blocks, more than {limit}")
    for index, raw in enumerate(blocks):
        at = f"{where}.{index}"
        if not isinstance(raw, dict):
            problems.append(f"{at}: {raw!r} is not a block")
            continue
        problems += _sdk_problems(raw, at) + _limit_problems(raw, at)
    block_ids = Counter(b.get("block_id") for b in blocks if isinstance(b, dict))
    problems += [
        f"{where}: block_id {b!r} is used {n} times" for b, n in block_ids.items() if b and n > 1
    ]
    return tuple(problems)


def _sdk_problems(raw: JSON, at: str) -> list[str]:
    """Parse one block with slack_sdk and validate it and everything in it."""
    try:
        block = Block.parse(raw)
        if block is None:
            return [f"{at}: unknown block type {raw.get('type')!r}"]
        dumped = block.to_dict()
    except SlackObjectFormationError as exc:
        return [f"{at}: {exc}"]
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        return [f"{at}: not a valid {raw.get('type')!r} block ({exc})"]
    return list(_unknown(raw, dumped, at))


def _unknown(raw: Any, dumped: Any, at: str) -> Iterator[str]:
    """Fields the SDK did not keep (it drops what it does not know) and shorthand it expanded
    (a string where Slack wants a text object)."""
    if isinstance(raw, dict):
        if not isinstance(dumped, dict):
            yield f"{at}: {raw!r} is not understood"
            return
        for key, value in raw.items():
            if key not in dumped:
                if value not in (None, "", [], {}):
                    yield f"{at}.{key}: not a field Block Kit knows here"
            else:
                yield from _unknown(value, dumped[key], f"{at}.{key}")
    elif isinstance(raw, list) and isinstance(dumped, list) and len(raw) == len(dumped):
        for index, (item, kept) in enumerate(zip(raw, dumped, strict=True)):
            yield from _unknown(item, kept, f"{at}.{index}")
    elif isinstance(dumped, dict | list):
        yield f"{at}: {raw!r} is not the object or list Block Kit wants here"


def _text_objects(node: Any, at: str) -> Iterator[tuple[str, JSON]]:
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and "text" in node:
            yield at, node
        for key, value in node.items():
            yield from _text_objects(value, f"{at}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _text_objects(value, f"{at}.{index}")


def _text(node: Any) -> str:
    text = node.get("text") if isinstance(node, dict) else node
    return text if isinstance(text, str) else ""


def _limit_problems(block: JSON, at: str) -> list[str]:
    """The limits of Slack's Block Kit reference, on one block as sent."""
    problems = [
        f"{where}.text: {len(_text(obj))} characters, not 1 to {TEXT_CHARS}"
        for where, obj in _text_objects(block, at)
        if not 1 <= len(_text(obj)) <= TEXT_CHARS
    ]
    if len(str(block.get("block_id", ""))) > ID_CHARS:
        problems.append(f"{at}.block_id: longer than {ID_CHARS} characters")
    fields: list[Any] = block["fields"] if isinstance(block.get("fields"), list) else []
    if block.get("type") == "section" and len(fields) > FIELDS:
        problems.append(f"{at}.fields: {len(fields)} fields, more than {FIELDS}")
    for index, field in enumerate(fields):
        if len(_text(field)) > FIELD_CHARS:
            problems.append(f"{at}.fields.{index}: longer than {FIELD_CHARS} characters")
    elements: list[Any] = block["elements"] if isinstance(block.get("elements"), list) else []
    if block.get("type") == "actions" and len(elements) > ACTIONS:
        problems.append(f"{at}.elements: {len(elements)} elements, more than {ACTIONS}")
    interactive = [(f"{at}.elements.{i}", e) for i, e in enumerate(elements)]
    interactive += [(f"{at}.{k}", block[k]) for k in ("accessory", "element") if k in block]
    action_ids: Counter[str] = Counter()
    for where, element in interactive:
        if not isinstance(element, dict):
            continue
        action_id = element.get("action_id")
        if action_id is not None:
            action_ids[str(action_id)] += 1
            if len(str(action_id)) > ID_CHARS:
                problems.append(f"{where}.action_id: longer than {ID_CHARS} characters")
        if element.get("type") == "button":
            if len(_text(element.get("text"))) > BUTTON_TEXT:
                problems.append(f"{where}.text: longer than {BUTTON_TEXT} characters")
            if len(str(element.get("value", ""))) > BUTTON_VALUE:
                problems.append(f"{where}.value: longer than {BUTTON_VALUE} characters")
    problems += [f"{at}: action_id {a!r} is used {n} times" for a, n in action_ids.items() if n > 1]
    return problems


def view_problems(view: Any, *, where: str = "view") -> list[str]:
    """Problems with a Home tab or modal view (or its JSON text)."""
    view, problems = _decoded(view, where)
    if problems:
        return problems
    if not isinstance(view, dict):
        return [f"{where}: {view!r} is not a view object"]
    try:
        parsed = View(**{k: v for k, v in view.items() if k != "blocks"})
        # The blocks are checked below as blocks. slack_sdk also wants at least one; Slack's
        # view reference gives only the maximum (100), so an empty Home tab passes.
        parsed.blocks = None  # type: ignore[assignment]
        parsed.to_dict()
    except SlackObjectFormationError as exc:
        problems.append(f"{where}: {exc}")
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        problems.append(f"{where}: not a valid view ({exc})")
    if view.get("type") not in ("home", "modal"):
        problems.append(f"{where}.type: {view.get('type')!r} is not home or modal")
    if view.get("type") == "modal":
        if not 1 <= len(_text(view.get("title"))) <= VIEW_TITLE:
            problems.append(f"{where}.title: a modal's title must be 1 to {VIEW_TITLE} characters")
        for key in ("submit", "close"):
            if key in view and len(_text(view[key])) > VIEW_TITLE:
                problems.append(f"{where}.{key}: longer than {VIEW_TITLE} characters")
    if len(str(view.get("private_metadata", ""))) > PRIVATE_METADATA:
        problems.append(f"{where}.private_metadata: longer than {PRIVATE_METADATA} characters")
    if len(str(view.get("callback_id", ""))) > ID_CHARS:
        problems.append(f"{where}.callback_id: longer than {ID_CHARS} characters")
    if "blocks" not in view:
        problems.append(f"{where}.blocks: required")
    else:
        problems += block_problems(view["blocks"], where=f"{where}.blocks", limit=SURFACE_BLOCKS)
    return problems
