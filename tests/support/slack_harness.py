"""Drives the real Slack adapter over loopback HTTP as Slack would, against FakeSlack."""

# ruff: noqa: ASYNC109

from __future__ import annotations

import itertools
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from fakes.slack import (
    CHANNEL_ID,
    TEAM_ID,
    USER_ID,
    FakeSlack,
    ResponsePost,
    block_actions_body,
    block_actions_payload,
    dm_channel_id,
    event_body,
    message_im_event,
    signed_headers,
    slash_command_body,
    view_submission_body,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import SlackDelivery, SlackPlaces, build_app, build_web_app
from adapters.slack.run import Health
from bot.common.clock import new_conversation_id
from bot.common.users import UserKey
from bot.config.settings import Settings, load_settings
from bot.engine.engine import Engine
from bot.record.service import RecordService
from bot.record.weekly_post import WeeklyComposer
from bot.reminders.handling import ReminderConfig
from bot.reminders.model import ReminderKind
from bot.reminders.queue import DueQueue
from bot.reminders.scheduler import Scheduler
from bot.reminders.service import ReminderService
from bot.reminders.store import ReminderStore
from bot.storage.sql import SqlStore
from support.harness import TTL, Clock
from support.processes import REPO

SECRET = "test-signing-secret"
JOB_HUNT = "C0123JH"  # a channel the reminder tests post to
ALICE_KEY = UserKey("slack", TEAM_ID, USER_ID)  # the fake's default user
BOB = "U0002"
Params = dict[str, Any]
# A run of answers, by button value, whose verdict is "take it".
TAKE_IT = ("maybe", "paper", "while", "yes", "recruiter", "late", "free")


def slack_settings(fake: FakeSlack, **env: str) -> Settings:
    """HTTP-mode settings pointing at the fake; extra variables by name."""
    base = {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
    }
    return load_settings(base | env, env_file=None)


@asynccontextmanager
async def serve(
    settings: Settings,
    engine: Engine,
    *,
    places: SlackPlaces | None = None,
    health: Health | None = None,
    **options: Any,
) -> AsyncIterator[str]:
    """The adapter's HTTP app on 127.0.0.1 (a free port), set up as `run_slack` does it, with
    `health` behind /healthz and `options` for build_app; yields the /slack/events URL."""
    async with aiohttp.ClientSession() as hooks:
        slack = build_app(settings, engine, http=hooks, places=places, **options)
        app = build_web_app(slack, health=health)
        runner = web.AppRunner(app, shutdown_timeout=1)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        try:
            yield f"http://{host}:{port}/slack/events"
        finally:
            await runner.cleanup()


def buttons(body: Params) -> list[Params]:
    """Every button of a message, in order."""
    return [
        element
        for block in body.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def choice_buttons(body: Params) -> list[Params]:
    """The answer buttons: the actions block that holds one button per choice."""
    return [
        element
        for block in body.get("blocks", [])
        if block["type"] == "actions" and block["block_id"].startswith("tp_choices")
        for element in block["elements"]
    ]


def button(body: Params, value_suffix: str) -> Params:
    """The button whose value ends with `:<value_suffix>` (a choice value or control word)."""
    found = [b for b in buttons(body) if b["value"].endswith(f":{value_suffix}")]
    assert found, f"no button :{value_suffix} in {[b['value'] for b in buttons(body)]}"
    return found[0]


def block_of(body: Params, pressed: Params) -> str:
    """The block_id of the actions block holding a button (Slack sends it with the press)."""
    for block in body.get("blocks", []):
        if block["type"] == "actions" and pressed in block["elements"]:
            return str(block.get("block_id", "tp_question"))
    return "tp_question"


def shown_text(body: Params) -> str:
    """All mrkdwn and plain text a message shows, joined (the raw, escaped form)."""
    parts = [body.get("text", "")]
    for block in body.get("blocks", []):
        if "text" in block:
            parts.append(block["text"]["text"])
        for element in block.get("elements", []):
            if "text" in element:
                text = element["text"]
                parts.append(text["text"] if isinstance(text, dict) else text)
    return "\n".join(parts)


class SlackUser:
    """One person in the workspace, sending signed requests to the app as Slack does."""

    _names = itertools.count(1)

    def __init__(
        self,
        http: aiohttp.ClientSession,
        url: str,
        fake: FakeSlack,
        *,
        user_id: str = USER_ID,
        team_id: str = TEAM_ID,
    ) -> None:
        self.http = http
        self.url = url
        self.fake = fake
        self.user_id = user_id
        self.team_id = team_id

    async def post(self, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, str]:
        """POST a body, correctly signed unless `headers` are given; (status, text)."""
        sent = headers if headers is not None else signed_headers(SECRET, body)
        async with self.http.post(self.url, data=body, headers=sent) as response:
            return response.status, await response.text()

    def _response_url(self) -> tuple[str, str]:
        name = f"{self.user_id}-{next(self._names)}"
        return name, self.fake.response_url(name)

    async def command(
        self, text: str, *, channel_id: str = CHANNEL_ID, timeout: float = 5.0
    ) -> ResponsePost:
        """Run the slash command; return what arrived at its response_url."""
        name, url = self._response_url()
        body = slash_command_body(
            text,
            user_id=self.user_id,
            team_id=self.team_id,
            channel_id=channel_id,
            response_url=url,
        )
        status, ack = await self.post(body)
        assert (status, ack) == (200, ""), (status, ack)
        return await self.fake.wait_for_response(name, timeout=timeout)

    def press_body(
        self,
        shown: Params,
        value_suffix: str,
        *,
        response_name: str | None = None,
        channel_id: str = CHANNEL_ID,
        message: Params | None = None,
        message_ts: str | None = None,
    ) -> bytes:
        """The request a press on a button of `shown` makes."""
        pressed = button(shown, value_suffix)
        url = self.fake.response_url(response_name) if response_name else None
        return block_actions_body(
            pressed["action_id"],
            pressed["value"],
            block_id=block_of(shown, pressed),
            user_id=self.user_id,
            team_id=self.team_id,
            channel_id=channel_id,
            response_url=url,
            message=message,
            message_ts=message_ts,
        )

    async def press(
        self, shown: Params, value_suffix: str, *, timeout: float = 5.0, **fields: Any
    ) -> ResponsePost:
        """Press a button of an ephemeral message; return what arrived at its response_url."""
        name, _ = self._response_url()
        body = self.press_body(shown, value_suffix, response_name=name, **fields)
        status, _ack = await self.post(body)
        assert status == 200
        return await self.fake.wait_for_response(name, timeout=timeout)

    async def dm(self, text: str, *, event_id: str | None = None, retry: int = 0) -> int:
        """Type `text` in the bot's DM (a message.im event); returns the HTTP status."""
        body = event_body(message_im_event(text, user_id=self.user_id), event_id=event_id)
        headers = signed_headers(SECRET, body)
        if retry:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        status, _ = await self.post(body, headers)
        return status

    @property
    def dm_channel(self) -> str:
        return dm_channel_id(self.user_id)

    async def press_posted(
        self,
        posted: Params,
        value_suffix: str,
        *,
        channel_id: str,
        ts: str = "1700000030.000100",
        response_name: str | None = None,
    ) -> None:
        """Press a button of a message the app posted (`posted`: the chat.postMessage
        parameters) in `channel_id`; Slack sends that message along with the press."""
        message = {"type": "message", "user": "UBOT", "ts": ts} | {
            k: posted[k] for k in ("text", "blocks") if k in posted
        }
        body = self.press_body(
            posted,
            value_suffix,
            channel_id=channel_id,
            message=message,
            response_name=response_name,
        )
        status, _ = await self.post(body)
        assert status == 200

    async def submit(self, view: Params, values: dict[str, dict[str, Params]]) -> tuple[int, str]:
        """Submit a modal the app opened (`view`, as sent to views.open); (status, ack body)."""
        body = view_submission_body(view, values, user_id=self.user_id, team_id=self.team_id)
        return await self.post(body)

    async def event(self, event: Params) -> int:
        """Deliver an Events API event (user_change, app_home_opened, …); the HTTP status."""
        status, _ = await self.post(event_body(event, team_id=self.team_id))
        return status


def home_press_body(view: Params, value_suffix: str, *, user_id: str = USER_ID) -> bytes:
    """A press on a button of the App Home tab: the container is the view, and Slack sends
    neither a channel nor a response_url."""
    pressed = button(view, value_suffix)
    payload = block_actions_payload(pressed["action_id"], pressed["value"], user_id=user_id)
    payload["container"] = {"type": "view", "view_id": "V0001"}
    payload["view"] = {"id": "V0001", "type": "home"}
    del payload["response_url"], payload["channel"]
    return urlencode({"payload": json.dumps(payload)}).encode()


def dumped(body: Params) -> str:
    """A message as the JSON text Slack would receive (escapes are visible as is)."""
    return json.dumps(body, ensure_ascii=False)


class SlackReminders:
    """The engine with reminders on Slack, as the composition root wires it: SlackPlaces for
    timezones and channel checks, a real Scheduler delivering through SlackDelivery, all on
    one injected clock (the delivery's pacing clock follows it too)."""

    def __init__(
        self,
        fake: FakeSlack,
        store: SqlStore,
        clock: Clock,
        *,
        interval: float = 1.0,
        hold: float = 2.0,
        job_hunt: str | None = None,
        offsets: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=1)),
        followup: timedelta = timedelta(days=1),
    ) -> None:
        self.fake = fake
        self.clock = clock
        self.client = AsyncWebClient(token="xoxb-test", base_url=fake.api_url)
        started = clock.now

        def seconds() -> float:
            return (clock.now - started).total_seconds()

        # What SlackPlaces keeps (timezones, memberships) expires on the test clock too.
        self.places = SlackPlaces(self.client, clock=seconds)
        self.delivery = SlackDelivery(self.client, interval=interval, hold=hold, clock=seconds)
        config = ReminderConfig(
            offsets=offsets,
            followup=followup,
            default_timezone="America/New_York",
            platforms=frozenset({"slack"}),
            job_hunt_channels={"slack": job_hunt} if job_hunt else {},
        )
        self.store = ReminderStore(store)
        self.service = ReminderService(
            store=self.store,
            sql=store,
            config=config,
            new_id=new_conversation_id,
            places={"slack": self.places},
        )
        self.record = RecordService(sql=store, reminders=self.service)
        self.engine = Engine(
            store=store, ttl=TTL, clock=clock, reminders=self.service, record=self.record
        )
        self.scheduler = Scheduler(
            queue=DueQueue(store),
            deliveries={"slack": self.delivery},
            clock=clock,
            lease=timedelta(seconds=60),
            grace=timedelta(hours=1),
            max_sleep=0.02,
            places={"slack": self.places},
            composers={ReminderKind.WEEKLY: WeeklyComposer(store)},
        )

    async def run_until(self, moment: datetime) -> None:
        """Move the clock to `moment` and deliver everything due by then."""
        self.clock.now = moment
        while await self.scheduler.tick():
            pass

    def posts(self, channel: str | None = None) -> list[Params]:
        """chat.postMessage parameters, to one channel (or user id, for a DM) or all."""
        return [
            c.params
            for c in self.fake.calls_to("chat.postMessage")
            if channel is None or c.params.get("channel") == channel
        ]


def environment(fake: FakeSlack, tmp_path: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env |= {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "SLACK_HOST": "127.0.0.1",
        "SLACK_PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "LOG_LEVEL": "INFO",
        "PYTHONPATH": str(REPO),
    }
    return env


async def posted_after(fake: FakeSlack, count: int) -> Params:
    """The chat.postMessage parameters once `count` posts were made (the newest)."""
    return (await fake.wait_for_calls("chat.postMessage", count))[count - 1].params


async def updates(fake: FakeSlack, count: int) -> list[Params]:
    return [c.params for c in await fake.wait_for_calls("chat.update", count)]


def view_of(call_params: Params) -> Params:
    view = call_params["view"]
    return json.loads(view) if isinstance(view, str) else dict(view)
