"""The fakes answer the questions `check --online` asks as the real platforms do: each answer
fits the response schema in the platform's own published spec (tests/fakes/api-specs)."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from fakes.discord import APP_ID, FakeDiscord
from fakes.slack import FakeSlack
from fakes.spec_check import spec_file
from fakes.spec_discord import _validator as discord_schema
from jsonschema import Draft4Validator


def slack_schema(method: str, status: str) -> Draft4Validator:
    spec = json.loads(spec_file("slack_web_openapi_v2_without_examples.json").read_text())
    schema = spec["paths"][f"/{method}"]["get"]["responses"][status]["schema"]
    return Draft4Validator(schema | {"definitions": spec["definitions"]})


def discord_answer_schema(path: str, status: str = "200") -> Any:
    return discord_schema(
        "paths", path, "get", "responses", status, "content", "application/json", "schema"
    )


async def test_slack_auth_test_answers_with_the_specs_fields_and_the_tokens_scopes():
    async with FakeSlack() as fake, aiohttp.ClientSession() as http:
        headers = {"Authorization": "Bearer xoxb-1"}
        async with http.post(f"{fake.api_url}auth.test", headers=headers) as answer:
            body = await answer.json()
            scopes = answer.headers.get("x-oauth-scopes")
        fake.fail_next("auth.test", error="invalid_auth")
        async with http.post(f"{fake.api_url}auth.test", headers=headers) as refused:
            error = await refused.json()
            refused_status = refused.status
    slack_schema("auth.test", "200").validate(body)
    assert scopes == (
        "commands,chat:write,im:history,users:read,channels:read,groups:read,"
        "channels:history,groups:history,im:write,files:write"
    )
    slack_schema("auth.test", "default").validate(error)
    assert (refused_status, error) == (200, {"ok": False, "error": "invalid_auth"})


@pytest.mark.parametrize(
    ("path", "spec_path"),
    [
        ("/users/@me", "/users/@me"),
        ("/applications/@me", "/applications/@me"),
        (f"/applications/{APP_ID}/commands", "/applications/{application_id}/commands"),
    ],
)
async def test_discord_answers_the_checks_questions_as_its_spec_says(path, spec_path):
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        if "commands" in path:
            body = [{"name": "takeorpass", "description": "Take or pass?", "type": 1}]
            async with http.put(fake.api_url + path, json=body) as put:
                assert put.status == 200
        async with http.get(fake.api_url + path) as answer:
            assert answer.status == 200
            found = await answer.json()
    errors = [e.message for e in discord_answer_schema(spec_path).iter_errors(found)]
    assert errors == []


async def test_discords_answer_to_a_refused_token_fits_its_error_schema():
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        fake.fail_next("GET", "/users/@me", status=401, code=0, message="401: Unauthorized")
        async with http.get(fake.api_url + "/users/@me") as answer:
            assert answer.status == 401
            found = await answer.json()
    # Every route's 4XX answer is this one shared response.
    schema = discord_schema(
        "components", "responses", "ClientErrorResponse", "content", "application/json", "schema"
    )
    assert list(schema.iter_errors(found)) == []
