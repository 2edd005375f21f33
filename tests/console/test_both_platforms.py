"""`takeorpass` with both tokens set serves Slack and Discord from one process."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import aiohttp
from fakes.discord import DM_CHANNEL_ID, USER_ID, FakeDiscord, dm_message
from fakes.slack import FakeSlack, signed_headers, slash_command_body
from support.processes import free_port, wait_healthy
from support.slack_harness import SECRET, environment, shown_text


async def test_one_process_answers_on_slack_and_discord(tmp_path: Path) -> None:
    async with FakeSlack() as slack, FakeDiscord() as discord:
        port = free_port()
        env = environment(slack, tmp_path, port) | {
            "DISCORD_TOKEN": "fake-discord-token-0123456789",
            "DISCORD_API_URL": discord.api_url,
            "DISCORD_GATEWAY_URL": discord.gateway_url,
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "from adapters.cli import main; raise SystemExit(main([]))",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            async with aiohttp.ClientSession() as http:
                await wait_healthy(http, f"http://127.0.0.1:{port}/healthz", proc)
                await discord.wait_until_connected(timeout=30)
                body = slash_command_body("", response_url=slack.response_url("both"))
                async with http.post(
                    f"http://127.0.0.1:{port}/slack/events",
                    data=body,
                    headers=signed_headers(SECRET, body),
                ) as response:
                    assert response.status == 200
                on_slack = (await slack.wait_for_response("both", timeout=10)).body
            await discord.dispatch("MESSAGE_CREATE", dm_message("hi", USER_ID, DM_CHANNEL_ID))
            on_discord = await discord.wait_for(
                "POST", rf"/channels/{DM_CHANNEL_ID}/messages", timeout=10
            )
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
            _out, err = await asyncio.wait_for(proc.communicate(), 15)
    assert proc.returncode == 0, err.decode()
    assert "Which company and role is it?" in shown_text(on_slack)
    assert "Question 1 of 7" in on_discord.json["content"]
