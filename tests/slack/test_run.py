"""Starting Slack: `takeorpass slack` as a real process against FakeSlack, and start-up errors."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from fakes.slack import FakeSlack, signed_headers, slash_command_body
from slack_sdk.web.async_client import AsyncWebClient
from support.processes import free_port, wait_healthy
from support.slack_harness import SECRET, choice_buttons, environment, shown_text, slack_settings

from adapters.slack import run_slack
from adapters.slack.run import _check_token
from bot.common.errors import SettingsError
from bot.config.settings import SLACK_API_DEFAULT, Settings, load_settings
from bot.engine.engine import Engine
from bot.questionnaire.rules import QUESTIONS

MAIN = "from adapters.cli import main; raise SystemExit(main({argv!r}))"


async def start(
    env: dict[str, str], cwd: Path, argv: tuple[str, ...] = ("slack",)
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        MAIN.format(argv=list(argv)),
        env=env,
        cwd=cwd,  # an empty folder, so no .env is read
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_takeorpass_slack_answers_a_signed_command_with_the_first_question(
    fake: FakeSlack, tmp_path: Path
) -> None:
    port = free_port()
    proc = await start(environment(fake, tmp_path, port), tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            await wait_healthy(http, f"{base}/healthz", proc)
            body = slash_command_body("Acme — Data Analyst", response_url=fake.response_url("cli"))
            async with http.post(
                f"{base}/slack/events", data=body, headers=signed_headers(SECRET, body)
            ) as response:
                assert response.status == 200
            first = (await fake.wait_for_response("cli", timeout=10)).body
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(proc.communicate(), 15)
    assert first["response_type"] == "ephemeral"
    assert "Question 1 of 7" in shown_text(first)
    assert QUESTIONS[0].prompt in shown_text(first)
    values = [b["value"] for b in choice_buttons(first)]
    assert [v.split(":", 2)[2] for v in values] == [
        "certainty:no_way",
        "certainty:doubtful",
        "certainty:maybe",
    ]
    conversation = values[0].split(":")[1]
    assert all(v == f"tp:{conversation}:{v.split(':', 2)[2]}" for v in values)
    assert proc.returncode == 0
    # Logs at INFO say what happened, never what the user wrote.
    assert "Acme" not in err.decode() and "Traceback" not in err.decode()


# With no command, `takeorpass` runs Slack because SLACK_BOT_TOKEN is set.
@pytest.mark.parametrize("argv", [("slack",), ()], ids=["takeorpass slack", "takeorpass"])
async def test_takeorpass_slack_with_a_refused_token_stops_with_one_line(
    fake: FakeSlack, tmp_path: Path, argv: tuple[str, ...]
) -> None:
    fake.set_reply("auth.test", {"ok": False, "error": "invalid_auth"})
    proc = await start(environment(fake, tmp_path, free_port()), tmp_path, argv)
    _out, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 1
    assert err.decode().strip().splitlines() == [
        "takeorpass: SLACK_BOT_TOKEN: Slack refused the bot token (invalid_auth)"
    ]
    assert [c.method for c in fake.calls] == ["auth.test"]


async def test_a_wrong_api_url_stops_start_up_with_one_line(
    fake: FakeSlack, engine: Engine
) -> None:
    settings = slack_settings(fake, SLACK_API_URL=f"{fake.url}/nothing/")
    with pytest.raises(SettingsError) as stopped:
        await run_slack(settings, engine)
    assert stopped.value.problems == [
        f"SLACK_API_URL: no working Slack Web API at {fake.url}/nothing/ (HTTP 404)"
    ]


async def test_a_refused_app_token_stops_socket_mode_with_one_line(
    fake: FakeSlack, engine: Engine
) -> None:
    fake.set_reply("apps.connections.open", {"ok": False, "error": "invalid_auth"})
    settings = slack_settings(fake, SLACK_APP_TOKEN="xapp-wrong")
    with pytest.raises(SettingsError) as stopped:
        await asyncio.wait_for(run_slack(settings, engine), 10)
    assert stopped.value.problems == ["SLACK_APP_TOKEN: Slack refused it (invalid_auth)"]


def default_url_settings() -> Settings:
    settings = load_settings(
        {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET}, env_file=None
    )
    assert settings.slack_api_url == SLACK_API_DEFAULT
    return settings


async def test_an_api_url_where_nothing_listens_is_named_as_unreachable(engine: Engine) -> None:
    url = f"http://127.0.0.1:{free_port()}/api/"
    settings = load_settings(
        {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": url},
        env_file=None,
    )
    with pytest.raises(SettingsError) as stopped:
        await asyncio.wait_for(run_slack(settings, engine), 20)
    assert stopped.value.problems == [
        f"SLACK_API_URL: nothing answers at {url} (connection refused); "
        "check the URL and the network connection"
    ]


async def test_slack_unreachable_at_the_default_url_blames_the_network_not_a_setting() -> None:
    # The settings keep the default URL; only the transport is sent to a closed local port,
    # so no request leaves this machine.
    client = AsyncWebClient(
        token="xoxb-test", base_url=f"http://127.0.0.1:{free_port()}/api/", retry_handlers=[]
    )
    with pytest.raises(SettingsError) as stopped:
        await _check_token(client, default_url_settings())
    assert stopped.value.problems == [
        "Slack can't be reached (connection refused); check this machine's network connection"
    ]


async def test_slack_that_never_answers_is_unreachable_too() -> None:
    async def silent(_request: web.Request) -> web.Response:
        await asyncio.sleep(10)
        return web.Response()

    app = web.Application()
    app.router.add_post("/api/auth.test", silent)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    client = AsyncWebClient(
        token="xoxb-test", base_url=f"http://{host}:{port}/api/", timeout=0.2, retry_handlers=[]
    )
    try:
        with pytest.raises(SettingsError) as stopped:
            await _check_token(client, default_url_settings())
    finally:
        await runner.cleanup()
    assert stopped.value.problems == [
        "Slack can't be reached (no answer in time); check this machine's network connection"
    ]
