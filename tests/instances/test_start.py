"""Any number of instances can start at the same moment on an empty database: one upgrades the
schema under a database-wide lock (PostgreSQL's advisory lock, SQLite's write lock) while the
others wait, find it at head and come up. Before the lock, two of three such instances exited
with `UniqueViolation` from the migrations.

Each instance is a real `takeorpass slack` in HTTP mode (as behind a load balancer) against
FakeSlack, with its own port; all three begin at one agreed moment, past their imports."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import pytest
from fakes.slack import FakeSlack
from sqlalchemy import create_engine, text
from support.instances import Instance, environment
from support.postgres import fresh_database
from support.processes import free_port
from support.slack_harness import SECRET

from bot.storage.connect import SCHEMA_HEAD, driver_url

INSTANCES = 3
# Time for three cold Python start-ups (imports) on two cores, before the agreed moment.
IMPORTS = 2.5
UP_WITHIN = 30.0


@contextmanager
def _empty_sqlite(folder: Path) -> Iterator[str]:
    yield f"sqlite:///{folder / 'shared.db'}"


def _schema_versions(url: str) -> list[str]:
    engine = create_engine(driver_url(url))
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    finally:
        engine.dispose()


async def _healthy(http: aiohttp.ClientSession, instance: Instance, port: int) -> None:
    async with asyncio.timeout(UP_WITHIN):
        while True:
            assert instance.running, "an instance exited:\n" + "".join(instance.log)
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)


async def _start_together(database: str, fake: FakeSlack, folder: Path) -> None:
    ports = [free_port() for _ in range(INSTANCES)]
    at = time.time() + IMPORTS
    instances = []
    try:
        for port in ports:
            env = environment(
                database,
                SLACK_BOT_TOKEN="xoxb-test",
                SLACK_SIGNING_SECRET=SECRET,
                SLACK_API_URL=fake.api_url,
                SLACK_HOST="127.0.0.1",
                SLACK_PORT=str(port),
            )
            instances.append(await Instance.start(["slack"], env, folder, at=at))
        async with aiohttp.ClientSession() as http:
            await asyncio.gather(
                *(_healthy(http, one, port) for one, port in zip(instances, ports, strict=True))
            )
        assert time.time() >= at  # they did wait for the moment
    finally:
        for instance in instances:
            await instance.stop()
    for instance in instances:
        assert not instance.logged("Traceback"), "".join(instance.log)
        assert not instance.logged("cannot open the database"), "".join(instance.log)
    assert _schema_versions(database) == [SCHEMA_HEAD]


@pytest.mark.parametrize("attempt", range(5))
async def test_three_instances_started_together_on_an_empty_postgresql_all_come_up(
    attempt: int, tmp_path: Path
) -> None:
    async with FakeSlack() as fake:
        with fresh_database() as database:
            await _start_together(database, fake, tmp_path)


async def test_three_instances_started_together_on_a_new_sqlite_file_all_come_up(
    tmp_path: Path,
) -> None:
    async with FakeSlack() as fake:
        with _empty_sqlite(tmp_path) as database:
            await _start_together(database, fake, tmp_path)
