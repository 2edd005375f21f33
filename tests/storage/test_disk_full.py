"""A full disk under the SQLite file, for real: a 1 MiB tmpfs filled to its last byte. The user is
told so in one line, the log says it once a minute, /healthz answers 503, a read is still
answered, and everything works again as soon as space is freed.

Mounting needs root, as the tests have here and in CI. Where it fails the tests are skipped,
unless REQUIRE_TMPFS=1 (set by .ci/run): then they fail, so CI never skips them."""

from __future__ import annotations

import io
import logging
import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from fakes.slack import FakeSlack
from support.harness import TTL, Clock
from support.slack_harness import SlackUser, serve, shown_text, slack_settings

from adapters.console import Console
from bot.common.errors import DiskFull
from bot.common.events import Text
from bot.common.users import UserKey
from bot.engine.engine import Engine
from bot.questionnaire import texts
from bot.questionnaire.state import Session
from bot.storage.faults import FULL, REPORT_EVERY, DiskWatch
from bot.storage.sql import SqlStore


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder on a tmpfs of 1 MiB of its own, unmounted afterwards."""
    where = tmp_path / "disk"
    where.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(where)]
    try:
        mounted = subprocess.run(command, capture_output=True, text=True, check=False)
        why = mounted.stderr.strip() or f"exit status {mounted.returncode}"
    except OSError as exc:
        mounted, why = None, str(exc)
    if mounted is None or mounted.returncode != 0:
        if os.environ.get("REQUIRE_TMPFS") == "1":
            pytest.fail(f"cannot mount a tmpfs, and REQUIRE_TMPFS=1: {why}")
        pytest.skip(f"cannot mount a tmpfs (needs root): {why}")
    try:
        yield where
    finally:
        if subprocess.run(["umount", str(where)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(where)], check=False)


class Filler:
    """Fills a disk to its last byte with a file of its own, and frees it again."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "filler"

    def fill(self) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            for chunk in (65536, 4096, 1):
                try:
                    while True:
                        os.write(fd, b"\0" * chunk)
                except OSError as exc:
                    assert exc.errno == 28  # ENOSPC
        finally:
            os.close(fd)

    def free(self) -> None:
        self.path.unlink()


async def fill_until_writes_fail(store: SqlStore, filler: Filler) -> None:
    """Fill the disk, then write until SQLite finds no room either (its log may first reuse
    pages it already has)."""
    filler.fill()
    for n in range(1000):
        try:
            await store.save(UserKey("slack", "T0", f"U_FILL{n}"), Session(), expected_version=0)
        except DiskFull:
            return
    raise AssertionError("every write still fitted on the full disk")


@asynccontextmanager
async def store_on(folder: Path) -> AsyncIterator[SqlStore]:
    store = await SqlStore.open(f"sqlite:///{folder / 'takeorpass.db'}")
    try:
        yield store
    finally:
        await store.close()


def disk_full_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.storage.faults"]


async def test_on_a_full_disk_slack_users_are_told_healthz_is_503_and_all_recovers(
    small_disk: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    filler = Filler(small_disk)
    async with (
        store_on(small_disk) as store,
        FakeSlack() as fake,
        aiohttp.ClientSession() as http,
        serve(slack_settings(fake), Engine(store=store, ttl=TTL), health=store.health) as url,
    ):
        alice = SlackUser(http, url, fake)
        healthz = url.replace("/slack/events", "/healthz")
        question = (await alice.command("Acme — Analyst")).body
        assert "Question 1 of 7" in shown_text(question)

        await fill_until_writes_fail(store, filler)
        for _ in range(3):
            refused = (await alice.press(question, "maybe")).body
            assert refused["text"] == texts.DISK_FULL
            assert refused.get("replace_original") is not True  # the question stays
        helped = (await alice.command("help")).body  # a read: answered all the same
        assert "Question 1 of 7" in shown_text(helped)
        assert texts.HELP_QUESTIONS in shown_text(helped)
        async with http.get(healthz) as response:
            assert response.status == 503
            assert (await response.json())["reason"] == FULL

        lines = disk_full_lines(caplog)
        assert len(lines) == 1, lines  # four refused writes, one line
        assert lines[0].startswith(f"disk full: {small_disk / 'takeorpass.db'} has ")
        assert "KiB free" in lines[0]

        filler.free()
        async with http.get(healthz) as response:  # no write needed to see the room
            assert response.status == 200
        answered = (await alice.press(question, "maybe")).body
        assert "Question 2 of 7" in shown_text(answered)
        assert "has room again" in disk_full_lines(caplog)[-1]


async def test_the_console_says_the_disk_is_full_still_answers_reads_and_goes_on_after(
    small_disk: Path,
) -> None:
    filler = Filler(small_disk)
    async with store_on(small_disk) as store:
        out = io.StringIO()
        console = Console(Engine(store=store, ttl=TTL, clock=Clock()), out=out, user="tester")

        async def said(line: str) -> str:
            start = out.tell()
            await console.send(Text(line))
            return out.getvalue()[start:].strip()

        await fill_until_writes_fail(store, filler)
        # help would remember its Start button for a typed "1": that much may go unsaved.
        assert texts.HELP in await said("help")
        assert texts.HISTORY_EMPTY in await said("history")
        assert await said("start Acme") == texts.DISK_FULL
        filler.free()
        assert "Question 1 of 7" in await said("start Acme")
        assert "Question 2 of 7" in await said("3")


def test_the_disk_full_line_is_logged_at_most_once_a_minute(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    now = [1000.0]
    watch = DiskWatch(str(tmp_path / "takeorpass.db"), clock=lambda: now[0])
    for moment in (0.0, 1.0, 30.0, REPORT_EVERY - 0.1, REPORT_EVERY, REPORT_EVERY + 5):
        now[0] = 1000.0 + moment
        watch.refused()
    assert len(disk_full_lines(caplog)) == 2  # at 0 and at REPORT_EVERY
