"""The Slack adapter under faults: bad request bodies, a response_url that never answers, a
database that is gone, a host or port it cannot listen on, and logs that keep user data out."""

# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, closing
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web
from fakes.slack import (
    USER_ID,
    FakeSlack,
    block_actions_body,
    event_body,
    signed_headers,
    slash_command_body,
)
from support.harness import Clock, make_engine
from support.slack_harness import SECRET, SlackUser, button, serve, slack_settings

from adapters.slack import build_app, build_web_app, run_slack
from adapters.slack.run import run_http
from bot.common.errors import SettingsError
from bot.config.settings import Settings
from bot.engine.engine import Engine
from bot.storage.sql import SqlStore


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def url(fake: FakeSlack, engine: Engine) -> AsyncIterator[str]:
    async with serve(slack_settings(fake), engine) as events_url:
        yield events_url


@pytest.fixture
def user(http: aiohttp.ClientSession, url: str, fake: FakeSlack) -> SlackUser:
    return SlackUser(http, url, fake)


def problems(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Records a stranger's request must never cause: ERROR and above, or any traceback."""
    return [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def signed_at(body: bytes, timestamp: str, secret: str = SECRET) -> dict[str, str]:
    """Headers with a correct HMAC over whatever `timestamp` text is given."""
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256)
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": "v0=" + digest.hexdigest(),
    }


# --- point 5: bodies that are not Slack's ------------------------------------------------------

GARBAGE = b"payload=%7Bnot json"


def now() -> str:
    return str(int(time.time()))


# Made when the test runs: a timestamp taken at collection would go stale in a long run.
REFUSED: dict[str, Callable[[], dict[str, str]]] = {
    "no headers at all": dict,
    "no signature": lambda: {"X-Slack-Request-Timestamp": now()},
    "a timestamp that is not a number": lambda: signed_at(GARBAGE, "soon"),
    "a timestamp six minutes ahead": lambda: signed_at(GARBAGE, str(int(time.time()) + 360)),
    "a signature made with another secret": lambda: signed_headers("wrong", GARBAGE),
}


@pytest.mark.parametrize("case", list(REFUSED))
async def test_unsigned_garbage_is_refused_with_401_before_anything_reads_it(
    user: SlackUser, fake: FakeSlack, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    headers = REFUSED[case]()
    caplog.set_level(logging.DEBUG)
    for body in (GARBAGE, b"\xff\xfe\x00 not utf-8", b"{broken json"):
        status, _ = await user.post(body, headers)
        assert status == 401, case
    assert problems(caplog) == [], case
    assert not any("not json" in r.getMessage() for r in caplog.records)
    assert fake.calls == [] and fake.responses == []


SIGNED_BUT_BROKEN = {
    "malformed JSON in the payload field": (GARBAGE, None),
    "a malformed JSON body": (b'{"type": "event_callback", "event": ', "application/json"),
    "a body that is not UTF-8": (b"command=%2Ftakeorpass&text=\xff\xfeAcme", None),
    "a JSON body that is not an object": (b"[1, 2, 3]", "application/json"),
    "fields of the wrong type": (b'{"type": "event_callback", "team": 5}', "application/json"),
    "a payload that is not an object": (urlencode({"payload": "[1]"}).encode(), None),
}


@pytest.mark.parametrize("case", list(SIGNED_BUT_BROKEN))
async def test_signed_malformed_body_gets_400_and_one_warning_without_the_body(
    user: SlackUser, fake: FakeSlack, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    caplog.set_level(logging.DEBUG)
    body, content_type = SIGNED_BUT_BROKEN[case]
    headers = signed_headers(SECRET, body)
    if content_type:
        headers["Content-Type"] = content_type
    status, text = await user.post(body, headers)
    assert status == 400, (case, text)
    assert text and len(text) < 120 and "Traceback" not in text
    assert problems(caplog) == [], case
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) <= 1
    for record in caplog.records:
        assert "event_callback" not in record.getMessage() and "not json" not in record.getMessage()
    assert fake.calls == [] and fake.responses == []


async def test_slacks_url_check_is_still_answered(user: SlackUser) -> None:
    # Slack sends this, signed, when the Request URL is saved; the challenge must come back.
    body = json.dumps({"token": "t", "challenge": "c4llenge", "type": "url_verification"})
    status, text = await user.post(body.encode())
    assert status == 200 and "c4llenge" in text


async def test_a_good_request_still_works_after_bad_ones(user: SlackUser) -> None:
    await user.post(GARBAGE)
    await user.post(b"\xff\xfe")
    shown = (await user.command("Acme — Analyst")).body
    assert "Question 1 of 7" in json.dumps(shown)


# --- point 7: a response_url that never answers ------------------------------------------------


class SilentServer:
    """An HTTP server that takes requests and never answers them (a hanging response_url)."""

    def __init__(self) -> None:
        self.arrived = 0
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def _hang(self, request: web.Request) -> web.Response:
        self.arrived += 1
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def __aenter__(self) -> SilentServer:
        app = web.Application()
        app.router.add_post("/{name}", self._hang)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/hook"
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()


async def test_hanging_response_url_is_abandoned_and_the_user_told_in_their_dm(
    fake: FakeSlack, engine: Engine, http: aiohttp.ClientSession
) -> None:
    async with (
        SilentServer() as silent,
        serve(slack_settings(fake), engine, response_timeout=1.0) as url,
    ):
        user = SlackUser(http, url, fake)
        shown = (await user.command("Acme — Analyst")).body
        pressed = button(shown, "doubtful")
        body = block_actions_body(pressed["action_id"], pressed["value"], response_url=silent.url)
        assert (await user.post(body))[0] == 200
        # Without a bound the press's answer would wait on the silent server for minutes.
        told = await fake.wait_for("chat.postMessage", timeout=4)
        assert silent.arrived >= 1
        assert told.params["channel"] == USER_ID
        assert "your answer is saved" in told.params["text"]
        # The answer was kept exactly once: the next command offers to resume at question 2.
        offer = (await user.command("")).body
        resumed = (await user.press(offer, "yes")).body
        assert "Question 2 of 7" in json.dumps(resumed)


async def test_slow_dm_post_is_abandoned_too(
    fake: FakeSlack, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    async with (
        aiohttp.ClientSession() as http,
        serve(slack_settings(fake), engine, response_timeout=0.5) as url,
    ):
        user = SlackUser(http, url, fake)
        fake.hold_next("chat.postMessage", 30)  # carried out, but answered only 30 s later
        assert await user.dm("hello") == 200
        await fake.wait_for("chat.postMessage")
        for _ in range(200):
            if any("chat.postMessage failed: no answer within" in m for m in caplog.messages):
                break
            await asyncio.sleep(0.02)
        else:
            raise AssertionError(f"the DM post was not given up: {caplog.messages}")


# --- /healthz reports the database -------------------------------------------------------------


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def health(http: aiohttp.ClientSession, base: str) -> tuple[int, Any]:
    async with http.get(f"{base}/healthz") as response:
        return response.status, await response.json(content_type=None)


@asynccontextmanager
async def running_slack(settings: Settings, engine: Engine) -> AsyncIterator[str]:
    """`run_slack` as the command line runs it, HTTP mode on a free port; yields its base URL."""
    task = asyncio.create_task(run_slack(settings, engine))
    base = f"http://127.0.0.1:{settings.slack_port}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                assert not task.done(), task.exception()
                try:
                    await health(http, base)
                    break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.02)
        yield base
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


def remove_files(folder: Path, pattern: str) -> None:
    for path in folder.glob(pattern):
        path.unlink()


async def test_healthz_answers_503_with_a_reason_once_the_database_files_are_gone(
    fake: FakeSlack, tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    db = tmp_path / "gone.db"
    store = await SqlStore.open(f"sqlite:///{db}")
    try:
        engine = make_engine(store, Clock())
        settings = slack_settings(fake, SLACK_HOST="127.0.0.1", SLACK_PORT=str(free_port()))
        async with running_slack(settings, engine) as base:
            assert await health(http, base) == (200, {"status": "ok"})
            remove_files(tmp_path, "gone.db*")
            status, answer = await health(http, base)
            assert status == 503
            assert answer["status"] == "unavailable" and answer["reason"]
    finally:
        await store.close()


class HangingStore:
    """A store whose health check never returns (a database that does not answer)."""

    async def health(self, *, timeout: float = 1.0) -> str | None:
        await asyncio.Event().wait()
        return None


async def test_healthz_gives_up_after_its_guard_and_says_so(
    fake: FakeSlack, engine: Engine
) -> None:
    slack = build_app(slack_settings(fake), engine)
    web_app = build_web_app(slack, health=HangingStore().health, health_limit=0.2)
    runner = web.AppRunner(web_app, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        async with aiohttp.ClientSession() as http:
            status, answer = await health(http, f"http://{host}:{port}")
        assert status == 503
        assert answer == {"status": "unavailable", "reason": "the database did not answer in time"}
    finally:
        await runner.cleanup()


# --- listening errors name the right setting ---------------------------------------------------


async def listen_problem(settings: Settings, engine: Engine) -> str:
    with pytest.raises(SettingsError) as raised:
        async with asyncio.timeout(5):
            await run_http(settings, build_app(settings, engine))
    assert len(raised.value.problems) == 1
    return raised.value.problems[0]


async def test_a_host_this_machine_does_not_have_is_blamed_on_slack_host(
    fake: FakeSlack, engine: Engine
) -> None:
    # 192.0.2.1 is TEST-NET-1: never an address of this machine.
    settings = slack_settings(fake, SLACK_HOST="192.0.2.1", SLACK_PORT=str(free_port()))
    problem = await listen_problem(settings, engine)
    assert problem.startswith("SLACK_HOST: "), problem
    assert "192.0.2.1" in problem


async def test_a_port_in_use_is_blamed_on_slack_port(fake: FakeSlack, engine: Engine) -> None:
    with closing(socket.socket()) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = slack_settings(fake, SLACK_HOST="127.0.0.1", SLACK_PORT=str(port))
        problem = await listen_problem(settings, engine)
    assert problem.startswith("SLACK_PORT: "), problem
    assert str(port) in problem


# --- point 11: no user data in the adapter's logs, even at DEBUG -------------------------------

COMPANY = "Zanzibar Widgets"
SECRET_PATH = "T0001B0001SeCrEtHoOkToKeN"


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    # DEBUG everywhere before the app is built, as LOG_LEVEL=DEBUG would set it.
    caplog.set_level(logging.DEBUG)
    yield caplog


def ours(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Everything our Slack adapter logged, tracebacks included, and what bolt logged through
    the logger we give it."""
    shown = []
    for record in caplog.records:
        if record.name.startswith(("adapters.slack", "slack_bolt", "takeorpass")):
            text = record.getMessage()
            if record.exc_info:
                text += logging.Formatter().formatException(record.exc_info)
            shown.append(f"{record.name}: {text}")
    return shown


async def test_debug_logs_carry_no_company_answer_or_response_url(
    debug_logs: pytest.LogCaptureFixture, fake: FakeSlack, engine: Engine
) -> None:
    async with (
        aiohttp.ClientSession() as http,
        SilentServer() as silent,
        serve(slack_settings(fake), engine, response_timeout=0.3) as url,
    ):
        user = SlackUser(http, url, fake)
        hook = fake.response_url(SECRET_PATH)
        status, _ = await user.post(slash_command_body(f"{COMPANY} — Analyst", response_url=hook))
        assert status == 200
        shown = (await fake.wait_for_response(SECRET_PATH)).body
        # A press whose response_url hangs, one whose response_url refuses, an unknown event.
        pressed = button(shown, "doubtful")
        hung = silent.url.replace("/hook", f"/{SECRET_PATH}")
        await user.post(
            block_actions_body(pressed["action_id"], pressed["value"], response_url=hung)
        )
        await fake.wait_for("chat.postMessage", timeout=4)
        fake.set_reply("chat.postMessage", {"ok": False, "error": "fatal_error"})
        await user.dm(f"start {COMPANY} again")
        await user.post(event_body({"type": "reaction_added", "reaction": COMPANY}))
        await asyncio.sleep(0.2)
    logged = "\n".join(ours(debug_logs))
    for secret in (COMPANY, "Zanzibar", SECRET_PATH, "SeCrEt", "Doubtful", "doubtful", silent.url):
        assert secret not in logged, (secret, logged)
