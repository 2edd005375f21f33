"""Logs at LOG_LEVEL=DEBUG, set up as `takeorpass` sets them up (bot.common.logs.configure),
carry no company, answer, user id or response_url, while our own loggers do log at DEBUG."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest
from fakes.discord import USER_ID as DISCORD_USER
from fakes.slack import FakeSlack
from support.discord_harness import Harness
from support.slack_harness import SlackUser, serve, slack_settings

from bot.common.logs import QUIET, configure, failure
from bot.engine.engine import Engine

COMPANY = "Quixotic Widgets"
ROLE = "Chief Llama Officer"
SLACK_USER = "U07QUIXOTE"
ANSWERS = ("maybe", "paper", "new", "yes", "recruiter", "late", "sneak")
# What must never reach the log: who, about what, what they answered, and where to reply.
NEEDLES = (
    "quixotic",
    "llama",
    "only on paper",  # typed on Discord, and echoed on the answered question
    ":paper",  # an answer as a button id carries it
    "recruiter",
    SLACK_USER.lower(),
    DISCORD_USER,
    "/response/",  # the fake's response_url paths
)


class Captured(logging.Handler):
    """Every record that got past the loggers' levels, as an operator's log would show it."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def leaks(self) -> list[str]:
        return [line for line in self.lines if any(n in line.lower() for n in NEEDLES)]


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put back every level and root handler a test changed."""
    names = ("", "bot", "adapters", "discord", *QUIET)
    levels = {name: logging.getLogger(name).level for name in names}
    handlers = list(logging.getLogger().handlers)
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)


@pytest.fixture
def captured(restore_logging: None) -> Iterator[Captured]:
    handler = Captured()
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


async def _slack_questionnaire(fake: FakeSlack, engine: Engine) -> None:
    async with aiohttp.ClientSession() as http, serve(slack_settings(fake), engine) as url:
        user = SlackUser(http, url, fake, user_id=SLACK_USER)
        shown = (await user.command(f"{COMPANY} — {ROLE}")).body
        for value in ANSWERS:
            shown = (await user.press(shown, value)).body
        assert shown["text"].startswith("TAKE IT")


async def _discord_questionnaire(engine: Engine) -> None:
    async with Harness.started(engine) as bot:
        [message] = await bot.dm(f"start {COMPANY} — {ROLE}")
        _, [message] = await bot.press(message, ANSWERS[0])
        [message] = await bot.dm("Only on paper")
        for value in ANSWERS[2:]:
            _, [message] = await bot.press(message, value)
        assert message["content"].startswith("TAKE IT")


async def test_debug_logs_of_whole_questionnaires_carry_no_user_data(
    captured: Captured, fake: FakeSlack, engine: Engine
) -> None:
    shown = io.StringIO()
    configure("DEBUG", stream=shown)
    await _slack_questionnaire(fake, engine)
    await _discord_questionnaire(engine)
    assert captured.lines, "the run logged nothing at all: the capture is broken"
    assert captured.leaks() == []
    assert not any(n in shown.getvalue().lower() for n in NEEDLES)


async def test_the_same_run_with_every_logger_at_debug_would_leak(
    captured: Captured, fake: FakeSlack, engine: Engine
) -> None:
    # What a plain `basicConfig(level=DEBUG)` gives: proof that the test above can see a leak.
    logging.getLogger().setLevel(logging.DEBUG)
    for name in ("bot", "adapters", "discord", *QUIET):
        logging.getLogger(name).setLevel(logging.NOTSET)
    await _discord_questionnaire(engine)
    assert captured.leaks()


def test_configure_debug_lets_our_loggers_through_and_floors_libraries(
    restore_logging: None,
) -> None:
    shown = io.StringIO()
    configure("DEBUG", stream=shown)
    logging.getLogger("bot.engine.engine").debug("ours at debug")
    logging.getLogger("adapters.discord.client").debug("adapter at debug")
    logging.getLogger("discord.gateway").debug("gateway payload at debug")
    logging.getLogger("discord.client").info("library at info")
    logging.getLogger("slack_sdk.webhook.async_client").info("response_url at info")
    logging.getLogger("sqlalchemy.engine.Engine").info("statement parameters at info")
    logging.getLogger("alembic.runtime.migration").info("migration step")
    logging.getLogger("slack_sdk").warning("library warning")
    text = shown.getvalue()
    assert "ours at debug" in text and "adapter at debug" in text
    assert "library at info" in text and "library warning" in text
    for hidden in ("gateway payload", "response_url at info", "statement", "migration"):
        assert hidden not in text


def test_configure_quiet_keeps_the_console_free_of_routine_lines(restore_logging: None) -> None:
    shown = io.StringIO()
    configure("INFO", quiet=True, stream=shown)
    logging.getLogger("bot.engine.engine").info("verdict reached")
    logging.getLogger("bot.engine.engine").warning("something to know")
    assert "verdict reached" not in shown.getvalue()
    assert "something to know" in shown.getvalue()


def test_configure_twice_keeps_one_handler(restore_logging: None) -> None:
    first, second = io.StringIO(), io.StringIO()
    configure("INFO", stream=first)
    configure("INFO", stream=second)
    logging.getLogger("bot.engine.engine").warning("once")
    assert first.getvalue() == "" and second.getvalue().count("once") == 1


def _raise_with_user_text() -> None:
    company = COMPANY
    raise KeyError(f"no such company: {company}")


def test_failure_names_the_type_and_the_code_but_not_the_message() -> None:
    try:
        try:
            _raise_with_user_text()
        except KeyError as exc:
            raise RuntimeError(f"while handling {COMPANY}") from exc
    except RuntimeError as exc:
        described = failure(exc)
    assert described.startswith("RuntimeError at engine/test_logging_privacy.py:")
    assert "(from KeyError)" in described
    assert "quixotic" not in described.lower()
    assert "test_failure_names_the_type_and_the_code_but_not_the_message" in described


async def test_a_delivery_that_raises_is_logged_by_type_and_place_not_by_its_message(
    world, caplog: pytest.LogCaptureFixture
) -> None:
    from datetime import UTC, datetime

    from bot.common.users import UserKey
    from bot.reminders.model import DeliveryResult, NewReminder, Outgoing, ReminderKind, Role

    now = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
    world.clock.now = now
    reminder = NewReminder(
        id="rlog000001",
        owner=UserKey("slack", "T1", SLACK_USER),
        channel=None,
        text=f"call {COMPANY}",
        kind=ReminderKind.ONCE,
        timezone="UTC",
        occurrences=((Role.ONCE, now),),
        rule=None,
        event_at=None,
    )
    await world.store.create(reminder, now=now)

    class Broken:
        async def deliver(self, item: Outgoing) -> DeliveryResult:
            raise RuntimeError(f"could not post {item.message.text!r} for {SLACK_USER}")

    caplog.set_level(logging.INFO)
    await world.make_scheduler(Broken()).tick()
    scheduler = [r for r in caplog.records if r.name == "bot.reminders.scheduler"]
    [record] = [r for r in scheduler if r.levelno >= logging.ERROR]
    assert record.exc_info is None
    line = record.getMessage()
    assert "RuntimeError at engine/test_logging_privacy.py:" in line
    assert not any(n in line.lower() for n in NEEDLES)
