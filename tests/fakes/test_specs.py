"""The fakes refuse what the real platforms refuse by their official specs (tests/fakes/api-specs/),
and accept good requests: Discord's OpenAPI spec, Slack's Web API spec and Block Kit's rules."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from fakes.discord import CHANNEL_ID, FakeDiscord
from fakes.slack import FakeSlack
from fakes.spec_check import SPECS, tracked
from fakes.spec_discord import discord_problems, discord_refusal
from fakes.spec_slack import (
    response_url_problems,
    slack_error,
    slack_problems,
    view_problems,
)

JSON = dict[str, Any]
MESSAGES = f"/channels/{CHANNEL_ID}/messages"
AUTH = "Bearer xoxb-test"

# Discord


def good_message() -> JSON:
    button = {"type": 2, "style": 1, "label": "Take it", "custom_id": "tp:1:take"}
    return {
        "content": "Worth it?",
        "nonce": "1400000000000000001",
        "enforce_nonce": True,
        "allowed_mentions": {"parse": [], "users": ["123"]},
        "components": [{"type": 1, "components": [button]}],
    }


def test_a_good_discord_message_is_accepted() -> None:
    assert discord_problems("POST", MESSAGES, good_message()) == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"content": 5}, "content"),
        ({"allowed_mentions": {"parse": ["nobody"]}}, "allowed_mentions.parse.0"),
        ({"tts": "loud"}, "tts"),
        ({"components": [{"type": 1, "components": []}]}, "components.0.components"),
        (
            {"components": [{"type": 1, "components": [{"type": 2, "style": 9, "label": "x"}]}]},
            "components.0.components.0.style",
        ),
        (
            {
                "components": [
                    {"type": 1, "components": [{"type": 2, "style": 1, "label": "x" * 81}]}
                ]
            },
            "components.0.components.0.label",
        ),
    ],
)
def test_a_bad_discord_message_is_refused_where_it_is_wrong(change: JSON, where: str) -> None:
    problems = discord_problems("POST", MESSAGES, good_message() | change)
    assert [p.split(": ")[0] for p in problems] == [where], problems


def test_the_publishers_caveats_are_honoured() -> None:
    # "Our API accepts strings for int fields if they are parseable as ints".
    as_strings = {"type": "4", "data": {"content": "hi", "flags": "64"}}
    assert discord_problems("POST", "/interactions/1/tok/callback", as_strings) == []
    # A numeric string that is also a valid string alternative (`nonce`) is not ambiguous.
    assert discord_problems("POST", MESSAGES, {"content": "x", "nonce": "42"}) == []
    # Ids as integers, as discord.py sends recipient_id.
    assert discord_problems("POST", "/users/@me/channels", {"recipient_id": 14000001}) == []
    # Unknown fields are not forbidden by the request schemas.
    assert discord_problems("POST", MESSAGES, {"content": "x", "future_field": 1}) == []


def test_interaction_callbacks_and_webhooks_are_checked() -> None:
    callback = "/interactions/1300000000000000001/aW50ZXJhY3Rpb24.tok/callback"
    assert (
        discord_problems("POST", callback, {"type": 4, "data": {"content": "hi", "flags": 64}})
        == []
    )
    assert discord_problems("POST", callback, {"type": 6}, {"with_response": "true"}) == []
    assert discord_problems("POST", callback, {"data": {"content": "hi"}})  # no type
    assert discord_problems("POST", callback, {"type": 4, "data": {"content": "x" * 2001}})
    assert discord_problems("POST", callback, {"type": 6}, {"with_response": "maybe"})
    hook = "/webhooks/1100000000000000001/aW50ZXJhY3Rpb24.tok"
    assert discord_problems("POST", hook, {"content": "hi", "flags": 64}, {"wait": "1"}) == []
    assert discord_problems("PATCH", hook + "/messages/@original", {"content": "hi"}) == []
    assert discord_problems("PATCH", hook + "/messages/@original", {"content": ["hi"]})


def test_unknown_routes_methods_and_ids_are_refused() -> None:
    assert discord_problems("GET", "/no/such/route", None)[0].startswith("route: ")
    assert discord_problems("PUT", "/users/@me", None)[0].startswith("method: ")
    assert discord_problems("POST", "/channels/general/messages", {"content": "x"}) == [
        "path.channel_id: 'general' does not match '^(0|[1-9][0-9]*)$'"
    ]
    assert discord_problems("GET", "/users/@me", {"content": "x"})  # takes no body
    assert discord_problems("PUT", "/applications/1/commands", None)  # requires one


def test_refusals_look_like_discords() -> None:
    assert discord_refusal(["route: nothing"]) == (404, {"message": "404: Not Found", "code": 0})
    status, body = discord_refusal(discord_problems("POST", MESSAGES, {"content": 5}))
    assert (status, body["code"], body["message"]) == (400, 50035, "Invalid Form Body")
    assert body["errors"]["content"]["_errors"][0]["message"] == "5 is not of type 'string', 'null'"


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        yield fake


async def test_the_running_discord_fake_answers_a_bad_request_as_discord(
    discord_fake: FakeDiscord,
) -> None:
    headers = {"Authorization": "Bot fake-token"}
    async with aiohttp.ClientSession(headers=headers) as http:
        url = discord_fake.api_url + MESSAGES
        async with http.post(url, json={"content": 5}) as response:
            assert response.status == 400
            body = await response.json()
        async with http.post(url, json=good_message()) as response:
            assert response.status == 200
        async with http.get(discord_fake.api_url + "/no/such/route") as response:
            assert response.status == 404
    assert body["code"] == 50035 and "content" in body["errors"]
    assert [v.request for v in discord_fake.spec_violations] == [
        f"POST {MESSAGES}",
        "GET /no/such/route",
    ]
    assert discord_fake in tracked()
    discord_fake.spec_violations.clear()  # refused on purpose: not this test's failure


# Slack


def button(label: str = "Take it", action_id: str = "tp_0") -> JSON:
    text = {"type": "plain_text", "text": label}
    return {"type": "button", "action_id": action_id, "text": text, "value": "tp:1:take"}


def good_blocks() -> list[JSON]:
    return [
        {"type": "section", "block_id": "q", "text": {"type": "mrkdwn", "text": "*Worth it?*"}},
        {"type": "actions", "block_id": "a", "elements": [button(), button("Pass", "tp_1")]},
    ]


def post(**params: Any) -> list[str]:
    return slack_problems("chat.postMessage", params, authorization=AUTH)


def test_a_good_slack_message_is_accepted() -> None:
    assert post(channel="C1", text="Worth it?", blocks=good_blocks()) == []
    # Form-encoded, as the spec has it: blocks as JSON text, booleans as words.
    assert post(channel="C1", text="x", blocks='[{"type": "divider"}]', mrkdwn="false") == []
    # bolt adds team_id to every call (an allowance, see spec_slack.EXTRA_PARAMS).
    assert post(channel="C1", text="x", team_id="T1") == []


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"text": "no channel"}, "channel"),
        ({"channel": "C1", "text": "x", "colour": "red"}, "colour"),
        ({"channel": "C1", "text": "x", "unfurl_links": "maybe"}, "unfurl_links"),
        (
            {"channel": "C1", "blocks": [{"type": "actions", "elements": [button("x" * 76)]}]},
            "blocks",
        ),
        ({"channel": "C1", "blocks": [{"type": "divider"}] * 51}, "blocks"),
        ({"channel": "C1", "blocks": [{"type": "divider", "block_id": "d"}] * 2}, "blocks"),
        ({"channel": "C1", "blocks": [{"type": "actions", "elements": [button()] * 2}]}, "blocks"),
        (
            {
                "channel": "C1",
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": ""}}],
            },
            "blocks",
        ),
        ({"channel": "C1", "blocks": [{"type": "section", "text": "shorthand"}]}, "blocks"),
        ({"channel": "C1", "blocks": [{"type": "carousel_of_dreams"}]}, "blocks"),
        ({"channel": "C1", "blocks": "[not json"}, "blocks"),
    ],
)
def test_a_bad_slack_message_is_refused(params: JSON, where: str) -> None:
    problems = post(**params)
    assert problems and all(p.startswith(where) for p in problems), problems


def test_block_kit_limits_name_what_is_wrong() -> None:
    assert "blocks.0.elements.0.text: longer than 75 characters" in post(
        channel="C1", blocks=[{"type": "actions", "elements": [button("x" * 76)]}]
    )
    assert post(channel="C1", blocks=[{"type": "divider"}] * 51) == [
        "blocks: 51 blocks, more than 50"
    ]
    assert post(channel="C1", blocks=[{"type": "divider", "block_id": "d"}] * 2) == [
        "blocks: block_id 'd' is used 2 times"
    ]
    many = {"type": "actions", "elements": [button(action_id=f"a{i}") for i in range(26)]}
    assert "blocks.0.elements: 26 elements, more than 25" in post(channel="C1", blocks=[many])
    fields = [{"type": "mrkdwn", "text": "f"}] * 11
    assert "blocks.0.fields: 11 fields, more than 10" in post(
        channel="C1", blocks=[{"type": "section", "fields": fields}]
    )


def test_tokens_methods_and_error_codes() -> None:
    assert slack_problems("auth.test", {}) == ["token: required by auth.test but missing"]
    assert slack_problems("auth.test", {"token": "xoxb-1"}) == []
    assert slack_problems("apps.connections.open", {}, authorization="Bearer xapp-1") == []
    assert slack_problems("chat.postMassage", {}, authorization=AUTH)[0].startswith("method: ")
    assert slack_error(post(channel="C1", blocks="[")) == "invalid_blocks"
    assert slack_error(post(text="x")) == "invalid_arguments"


def modal(title: str = "Remind me", **fields: Any) -> JSON:
    return (
        {"type": "modal", "title": {"type": "plain_text", "text": title}}
        | {"blocks": good_blocks()}
        | fields
    )


def test_views_are_checked_as_home_tabs_and_modals() -> None:
    home = {"type": "home", "blocks": good_blocks()}
    assert (
        slack_problems("views.publish", {"user_id": "U1", "view": home}, authorization=AUTH) == []
    )
    assert view_problems(modal()) == []
    assert view_problems(modal("x" * 25))
    assert view_problems(modal(submit={"type": "plain_text", "text": "x" * 25}))
    assert view_problems(modal(private_metadata="x" * 3001))
    assert view_problems(modal(callback_id="x" * 256))
    assert view_problems({"type": "modal", "blocks": []})  # a modal needs a title
    assert view_problems({"type": "home", "blocks": [{"type": "divider"}] * 101}) == [
        "view.blocks: 101 blocks, more than 100"
    ]
    opened = {"trigger_id": "1.2.3", "view": modal("x" * 25)}
    assert slack_problems("views.open", opened, authorization=AUTH)


def test_response_url_bodies_have_only_the_documented_fields() -> None:
    good = {"text": "x", "blocks": good_blocks(), "response_type": "ephemeral"}
    assert response_url_problems(good | {"replace_original": False}) == []
    assert response_url_problems({"text": "x", "channel": "C1"}) == [
        "channel: not a field of response_url messages"
    ]
    assert response_url_problems({"text": "x", "response_type": "everyone"})
    assert response_url_problems({"text": "x", "replace_original": "yes"})
    assert response_url_problems({"blocks": [{"type": "divider"}] * 51})


@pytest.fixture
async def slack_fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


async def test_the_running_slack_fake_answers_a_bad_request_as_slack(slack_fake: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=slack_fake.api_url)
    long_label = [{"type": "actions", "elements": [button("x" * 76)]}]
    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(channel="C0001", text="x", blocks=long_label)
    assert refused.value.response["error"] == "invalid_blocks"
    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(channel="C0001", text="x", colour="red")
    assert refused.value.response["error"] == "invalid_arguments"
    assert (await client.chat_postMessage(channel="C0001", text="x", blocks=good_blocks()))["ok"]
    async with (
        aiohttp.ClientSession() as http,
        http.post(slack_fake.response_url("r"), json={"text": "x", "channel": "C1"}) as response,
    ):
        assert (response.status, await response.text()) == (400, "invalid_payload")
    assert [v.request for v in slack_fake.spec_violations] == [
        "chat.postMessage",
        "chat.postMessage",
        "response_url r",
    ]
    slack_fake.spec_violations.clear()  # refused on purpose: not this test's failure


def test_the_specs_are_the_publishers_files_unmodified() -> None:
    # SOURCES.md records each file's sha256 as published; a local edit would show here.
    sources = (SPECS / "SOURCES.md").read_text()
    recorded = dict(re.findall(r"\| `([\w.-]+\.json)` \|.*\| `([0-9a-f]{64})` \|", sources))
    assert set(recorded) == {"discord-openapi.json", "slack_web_openapi_v2_without_examples.json"}
    for name, digest in recorded.items():
        assert hashlib.sha256((SPECS / name).read_bytes()).hexdigest() == digest, name
