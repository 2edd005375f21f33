"""Slack figures: a signed `/takeorpass` to the first question, over loopback HTTP.

"To first question" is what the user waits for. The app acknowledges the command at once with
an empty answer and posts the question to the command's response_url, so the clock runs from
sending the signed request until that POST reaches the response_url server (or until the ack,
if that came later). The baseline is a bare AsyncApp whose command handler only acks, timed
from request to ack, served the same way in the same run, and driven with the same load.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402
from common import emit, median, percentile  # noqa: E402
from fakes.slack import FakeSlack, signed_headers, slash_command_body  # noqa: E402
from slack_bolt.async_app import AsyncAck, AsyncApp  # noqa: E402
from slack_sdk.web.async_client import AsyncWebClient  # noqa: E402

from adapters.slack import build_app, build_web_app  # noqa: E402
from bot.config.settings import load_settings  # noqa: E402
from bot.engine.engine import Engine  # noqa: E402
from bot.storage.sql import SqlStore  # noqa: E402

SECRET = "bench-signing-secret"
SEQUENTIAL = 300
CONCURRENT = 200
BURSTS = 3
WARMUP = 20

Send = Callable[[str], Awaitable[float]]


class ResponseUrls:
    """A response_url server that notes when each named POST arrives."""

    def __init__(self) -> None:
        self._waiting: dict[str, asyncio.Future[float]] = {}
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/r/{name}", self._arrived)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/r/"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def expect(self, name: str) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting[name] = future
        return future

    async def _arrived(self, request: web.Request) -> web.Response:
        at = time.perf_counter()
        await request.read()
        future = self._waiting.pop(request.match_info["name"], None)
        if future is not None and not future.done():
            future.set_result(at)
        return web.Response(text="ok")


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}/slack/events"


def bare_app(api_url: str) -> AsyncApp:
    client = AsyncWebClient(token="xoxb-bench", base_url=api_url)
    app = AsyncApp(signing_secret=SECRET, client=client, name="bare")

    @app.command("/takeorpass")
    async def only_ack(ack: AsyncAck) -> None:
        await ack()

    return app


def signed(user: str, response_url: str) -> tuple[bytes, dict[str, str]]:
    body = slash_command_body("Acme — Data Analyst", user_id=user, response_url=response_url)
    return body, signed_headers(SECRET, body)


def ours(http: aiohttp.ClientSession, url: str, urls: ResponseUrls) -> Send:
    async def send(user: str) -> float:
        body, headers = signed(user, urls.url + user)
        arrived = urls.expect(user)
        began = time.perf_counter()
        async with http.post(url, data=body, headers=headers) as response:
            await response.read()
            acked = time.perf_counter()
            assert response.status == 200, response.status
        shown = await asyncio.wait_for(arrived, 30)
        return (max(acked, shown) - began) * 1000

    return send


def bare(http: aiohttp.ClientSession, url: str, urls: ResponseUrls) -> Send:
    async def send(user: str) -> float:
        body, headers = signed(user, urls.url + user)
        began = time.perf_counter()
        async with http.post(url, data=body, headers=headers) as response:
            await response.read()
            assert response.status == 200, response.status
        return (time.perf_counter() - began) * 1000

    return send


async def measure(folder: Path) -> dict[str, float]:
    logging.disable(logging.WARNING)
    async with FakeSlack() as fake:
        urls = ResponseUrls()
        await urls.start()
        store = await SqlStore.open(f"sqlite:///{folder / 'bench.db'}")
        engine = Engine(store=store, ttl=timedelta(hours=24))
        settings = load_settings(
            {
                "SLACK_BOT_TOKEN": "xoxb-bench",
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": fake.api_url,
            },
            env_file=None,
        )
        hooks = aiohttp.ClientSession()  # response_url posts share it, as in run_slack
        our_runner, our_url = await serve(build_web_app(build_app(settings, engine, http=hooks)))
        bare_runner, bare_url = await serve(build_web_app(bare_app(fake.api_url)))
        connector = aiohttp.TCPConnector(limit=0)
        try:
            async with aiohttp.ClientSession(connector=connector) as http:
                send_ours = ours(http, our_url, urls)
                send_bare = bare(http, bare_url, urls)
                for n in range(WARMUP):
                    await send_ours(f"UWARM{n}")
                    await send_bare(f"UWARM{n}")
                # One at a time, alternating, so both see the same machine at the same moment.
                our_times: list[float] = []
                bare_times: list[float] = []
                for n in range(SEQUENTIAL):
                    our_times.append(await send_ours(f"USEQ{n}"))
                    bare_times.append(await send_bare(f"USEQ{n}"))
                # 200 different users at once, a few bursts.
                burst_times: list[float] = []
                bare_burst: list[float] = []
                for burst in range(BURSTS):
                    users = [f"UB{burst}X{n}" for n in range(CONCURRENT)]
                    burst_times += await asyncio.gather(*(send_ours(u) for u in users))
                    bare_burst += await asyncio.gather(*(send_bare(u) for u in users))
        finally:
            await our_runner.cleanup()
            await hooks.close()
            await bare_runner.cleanup()
            await store.close()
            await urls.stop()
    return {
        "ours": median(our_times),
        "bare": median(bare_times),
        "p99": percentile(burst_times, 0.99),
        "bare_p99": percentile(bare_burst, 0.99),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        figures: dict[str, Any] = asyncio.run(measure(Path(folder)))
    emit("slack_command_median_ms", figures["ours"], "ms")
    emit("slack_command_p99_ms_200_concurrent", figures["p99"], "ms")
    emit("slack_overhead_ratio", figures["ours"] / figures["bare"], "ratio")
    # For reading the ratio: the bare app's own figures from this run.
    emit("slack_bare_ack_median_ms", figures["bare"], "ms")
    emit("slack_bare_ack_p99_ms_200_concurrent", figures["bare_p99"], "ms")


if __name__ == "__main__":
    main()
