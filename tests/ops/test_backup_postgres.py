"""The PostgreSQL backup and restore that docs/operations.md gives, run for real: pg_dump of the
bot's DATABASE_URL, then pg_restore into an empty database and over the live one, after which the
app's store opens the result with its schema current and every row there."""

from __future__ import annotations

import asyncio
import shutil
import subprocess

import pytest
from support.busy_writer import OWNER, write
from support.postgres import fresh_database, server_url

from bot.storage.connect import SCHEMA_HEAD
from bot.storage.sql import SqlStore


def run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr


async def rows_and_revision(url: str) -> tuple[int, str]:
    store = await SqlStore.open(url)
    try:
        revision = await store.read(
            lambda conn: conn.exec_driver_sql(
                "SELECT version_num FROM alembic_version"
            ).scalar_one()
        )
        return len(await store.history(OWNER, limit=1000)), str(revision)
    finally:
        await store.close()


def test_pg_dump_and_pg_restore_as_documented_bring_every_row_back(tmp_path):
    server_url()  # skips where no PostgreSQL is configured
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed")
    dump = tmp_path / "takeorpass.dump"
    with fresh_database() as live:
        asyncio.run(write(live, "pg", 40))
        run("pg_dump", "--no-password", "--format=custom", f"--file={dump}", live)
        run("pg_restore", "--list", str(dump))
        with fresh_database() as empty:
            run("pg_restore", "--no-owner", "--single-transaction", f"--dbname={empty}", str(dump))
            assert asyncio.run(rows_and_revision(empty)) == (40, SCHEMA_HEAD)
        asyncio.run(write(live, "later", 5))  # written after the dump: gone after the restore
        run(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={live}",
            str(dump),
        )
        assert asyncio.run(rows_and_revision(live)) == (40, SCHEMA_HEAD)
