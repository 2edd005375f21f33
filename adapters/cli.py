"""The `takeorpass` command: runs the platforms whose tokens are set, or the console.

This is the composition root: it builds the core's engine and store and hands them to the
adapters, so it lives beside them and the core (`bot/`) never imports upward."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.common import logs
from bot.common.errors import SettingsError, StorageError
from bot.config.settings import Settings, read_settings

if TYPE_CHECKING:
    from adapters.supervise import Backoff
    from bot.record.service import RecordService
    from bot.reminders.model import Delivery, Places
    from bot.reminders.scheduler import Scheduler
    from bot.reminders.service import ReminderService
    from bot.storage.sql import SqlStore

log = logging.getLogger(__name__)

COMMANDS = ("console", "slack", "discord", "check", "backup")
# Reminders a scheduler claims at once, unless a paced platform asks for fewer.
DEFAULT_BATCH = 100


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="takeorpass",
        description="Take or Pass: decide whether an interview is worth taking.",
        epilog="With no command, runs every platform whose token is set, else the console.",
    )
    commands = parser.add_subparsers(dest="command", metavar="command", title="commands")
    commands.add_parser("console", help="the conversation in this terminal")
    commands.add_parser("slack", help="run on Slack (SLACK_BOT_TOKEN)")
    commands.add_parser("discord", help="run on Discord (DISCORD_TOKEN)")
    check = commands.add_parser("check", help="list every problem with the settings")
    check.add_argument(
        "--online", action="store_true", help="also ask Slack and Discord whether the tokens work"
    )
    backup = commands.add_parser("backup", help="copy the SQLite database while the bot runs")
    backup.add_argument("file", help="where to write the copy")
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    return parser


def _say_problems(problems: list[str]) -> None:
    for problem in problems:
        print(f"takeorpass: {problem}", file=sys.stderr)


def _check(settings: Settings, problems: list[str], *, online: bool) -> int:
    _say_problems(problems)
    if not problems:
        print("Settings are valid.")
        for line in settings.describe():
            print(f"  {line}")
        runs = ", ".join(
            f"slack ({settings.slack_mode} mode)" if p == "slack" else p for p in settings.platforms
        )
        print(f"takeorpass would run: {runs}")
    tokens = settings.slack_bot_token or settings.discord_token
    if not online:
        if tokens or any(p.startswith(("SLACK_", "DISCORD_")) for p in problems):
            print(
                "Tokens were checked for their form only, not with Slack or Discord; "
                "`takeorpass check --online` asks them."
            )
        return 1 if problems else 0
    if not tokens:
        print("Nothing to check online: neither SLACK_BOT_TOKEN nor DISCORD_TOKEN is usable.")
        return 1 if problems else 0
    from adapters.check import check_online

    # A platform whose address is wrong is not asked: the default would be someone else's.
    skip = [p for p in ("slack", "discord") if f"{p.upper()}_API_URL" in _named(problems)]
    for platform in skip:
        print(f"{platform.capitalize()}: not asked until {platform.upper()}_API_URL is fixed.")
    findings = asyncio.run(check_online(settings, skip=skip))
    for finding in findings:
        if finding.ok:
            print(finding.text)
    _say_problems([f.text for f in findings if not f.ok])
    return 1 if problems or not all(f.ok for f in findings) else 0


def _named(problems: list[str]) -> set[str]:
    """The settings that `problems` name (each line begins with its setting's name)."""
    return {problem.split(":", 1)[0] for problem in problems}


def _backup(settings: Settings, problems: list[str], file: str, *, force: bool) -> int:
    from bot.storage.backup import BackupError, backup_sqlite, done_line, plan_backup

    # A backup needs only the database: it is made even while other settings are being fixed.
    if wrong := [p for p in problems if p.split(":", 1)[0] in ("DATABASE_URL", "DATABASE_TIMEOUT")]:
        _say_problems(wrong)
        return 1
    try:
        plan = plan_backup(settings.database_url, file, replace=force)
        size = backup_sqlite(plan, timeout=settings.database_timeout.total_seconds())
    except BackupError as exc:
        _say_problems([str(exc)])
        return 1
    print(done_line(plan, size))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `takeorpass` console script."""
    args = _parser().parse_args(argv)
    settings, problems = read_settings()
    if args.command == "check":
        return _check(settings, problems, online=args.online)
    if args.command == "backup":
        return _backup(settings, problems, args.file, force=args.force)
    if problems:
        _say_problems(problems)
        return 1
    platforms = (args.command,) if args.command else settings.platforms
    # In the console the terminal is the conversation: routine log lines stay out of it.
    logs.configure(settings.log_level, quiet=platforms == ("console",))
    try:
        return asyncio.run(_run(settings, platforms))
    except (KeyboardInterrupt, asyncio.CancelledError):
        return 0
    except SettingsError as exc:
        _say_problems(exc.problems)
        return 1


def _missing_tokens(settings: Settings, platforms: tuple[str, ...]) -> list[str]:
    needs = {
        "slack": ("SLACK_BOT_TOKEN", settings.slack_bot_token),
        "discord": ("DISCORD_TOKEN", settings.discord_token),
    }
    return [
        f"{needs[p][0]}: required to run {p}" for p in platforms if p in needs and not needs[p][1]
    ]


async def _run(settings: Settings, platforms: tuple[str, ...]) -> int:
    from bot.storage import open_store

    if problems := _missing_tokens(settings, platforms):
        raise SettingsError(problems)
    # Signals are routed before the store opens, so one sent during start-up is not lost.
    leave = _leave_on_signals() if platforms == ("console",) else None
    if leave is None:
        _stop_on_sigterm()
    store = await open_store(
        settings.database_url, timeout=settings.database_timeout.total_seconds()
    )
    try:
        if leave is not None:
            return await _console(settings, store, leave)
        return await _platforms(settings, store, platforms)
    finally:
        await store.close()


async def _console(settings: Settings, store: SqlStore, leave: asyncio.Event) -> int:
    from adapters.console import Console, ConsoleDelivery, run_console
    from bot.engine.engine import Engine

    schedulers: list[Scheduler] = []
    service = _reminder_service(settings, store, frozenset({"console"}), schedulers)
    record = _record_service(store, service)
    engine = Engine(store=store, ttl=settings.conversation_ttl, reminders=service, record=record)

    def scheduler_for(console: Console) -> Scheduler:
        deliveries = {"console": ConsoleDelivery(console)}
        scheduler = _scheduler(settings, store, deliveries)
        schedulers.append(scheduler)
        return scheduler

    return await run_console(engine, scheduler=scheduler_for, leave=leave)


async def _platforms(
    settings: Settings,
    store: SqlStore,
    platforms: tuple[str, ...],
    *,
    backoff: Backoff | None = None,
) -> int:
    from adapters.runtime import settle_startup_objects
    from adapters.supervise import supervise
    from bot.engine.engine import Engine
    from bot.reminders.clock import DatabaseClock
    from bot.reminders.lanes import SqlLanes

    # Every instance on one database keeps the database's time (leases, due times, expiry).
    clock = DatabaseClock(store)
    try:
        await clock.sync()
    except StorageError as exc:
        log.warning("could not read the database's clock yet (%s); using this machine's", exc)
    schedulers: list[Scheduler] = []
    # Filled below, once each platform's client exists: users' zones and channel checks.
    places: dict[str, Places] = {}
    service = _reminder_service(settings, store, frozenset(platforms), schedulers, places)
    record = _record_service(store, service)
    engine = Engine(
        store=store,
        ttl=settings.conversation_ttl,
        reminders=service,
        record=record,
        clock=clock,
    )
    deliveries: dict[str, Delivery] = {}
    batch = DEFAULT_BATCH
    # Each platform runs supervised: a client that fails is started again, the others go on.
    runs: dict[str, Callable[[], Coroutine[Any, Any, None]]] = {}
    if "slack" in platforms:
        from adapters.slack import SlackDelivery, SlackPlaces, make_client, run_slack

        client = make_client(settings)
        slack_places = SlackPlaces(client, timeout=settings.platform_timeout.total_seconds())
        places["slack"] = slack_places
        # Channels' posting turns live in the database, shared by every instance on it.
        deliveries["slack"] = SlackDelivery(client, lanes=SqlLanes(store, clock))
        runs["slack"] = lambda: run_slack(settings, engine, client=client, places=slack_places)
    if "discord" in platforms:
        from adapters.discord import DiscordRunner, claim_batch
        from bot.storage.dms import DmChannelStore

        batch = claim_batch(settings)

        discord = DiscordRunner(settings, engine, kept_dms=DmChannelStore(store))
        places["discord"] = discord.places
        deliveries["discord"] = discord.delivery
        runs["discord"] = discord.run_client  # a fresh client each time
    # One scheduler for every platform of this process: it posts through their deliveries.
    scheduler = _scheduler(
        settings,
        store,
        deliveries,
        clock=clock,
        refresh_clock=clock.refresh,
        batch=batch,
        places=places,
    )
    schedulers.append(scheduler)
    runs["reminders"] = scheduler.run
    settle_startup_objects()  # Discord's client does it again once connected
    try:
        # A fatal start-up error in one platform (SettingsError) stops the others too.
        async with asyncio.TaskGroup() as group:
            for name, run in runs.items():
                group.create_task(supervise(name, run, backoff=backoff))
    except* SettingsError as failed:
        raise SettingsError(_problems(failed)) from None
    return 0


def _problems(failed: BaseExceptionGroup[SettingsError]) -> list[str]:
    return [
        problem
        for exc in failed.exceptions
        for problem in (exc.problems if isinstance(exc, SettingsError) else _problems(exc))
    ]


def _reminder_service(
    settings: Settings,
    store: SqlStore,
    platforms: frozenset[str],
    schedulers: list[Scheduler],
    places: dict[str, Places] | None = None,
) -> ReminderService:
    from bot.common.clock import new_conversation_id
    from bot.reminders.handling import ReminderConfig
    from bot.reminders.service import ReminderService
    from bot.reminders.store import ReminderStore

    config = ReminderConfig(
        offsets=settings.reminder_offsets,
        followup=settings.reminder_followup,
        default_timezone=settings.default_timezone,
        platforms=platforms,
        job_hunt_channels={
            name: channel
            for name, channel in (
                ("slack", settings.slack_job_hunt_channel),
                ("discord", settings.discord_job_hunt_channel),
            )
            if channel
        },
    )

    def wake() -> None:
        for scheduler in schedulers:
            scheduler.wake()

    return ReminderService(
        store=ReminderStore(store),
        sql=store,
        config=config,
        new_id=new_conversation_id,
        on_created=wake,
        places=places,
    )


def _record_service(store: SqlStore, reminders: ReminderService) -> RecordService:
    from bot.record.service import RecordService

    return RecordService(sql=store, reminders=reminders)


def _scheduler(
    settings: Settings,
    store: SqlStore,
    deliveries: Mapping[str, Delivery],
    *,
    clock: Callable[[], datetime] | None = None,
    refresh_clock: Callable[[], Awaitable[None]] | None = None,
    batch: int = DEFAULT_BATCH,
    places: Mapping[str, Places] | None = None,
) -> Scheduler:
    from bot.common.clock import utc_now
    from bot.record.weekly_post import WeeklyComposer
    from bot.reminders.model import ReminderKind
    from bot.reminders.queue import DueQueue
    from bot.reminders.scheduler import Scheduler

    return Scheduler(
        queue=DueQueue(store),
        deliveries=deliveries,
        clock=clock or utc_now,
        lease=settings.reminder_lease,
        grace=settings.reminder_grace,
        refresh_clock=refresh_clock,
        batch=batch,
        # A recurring channel reminder's owner may have left the channel: asked at each post.
        places=places,
        # The weekly look back's post is written from the user's record at its time.
        composers={ReminderKind.WEEKLY: WeeklyComposer(store)},
    )


def _leave_on_signals() -> asyncio.Event:
    # In a terminal, Ctrl-C (SIGINT) and a service manager's SIGTERM both mean "leave now": the
    # console says goodbye and returns, rather than dying in the middle of a line.
    leave = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, leave.set)
    return leave


def _stop_on_sigterm() -> None:
    # A service manager stops us with SIGTERM: unwind like Ctrl-C so connections close cleanly.
    task = asyncio.current_task()
    if task is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
