"""`takeorpass backup FILE`: a consistent copy of the running SQLite database, one line saying
where and how big; it never overwrites unasked, and points PostgreSQL at pg_dump."""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from support.busy_writer import OWNER, fill, write
from support.processes import run_takeorpass

from bot.storage.backup import Plan, refusal, size_text
from bot.storage.connect import SCHEMA_HEAD
from bot.storage.sql import SqlStore

WRITER = Path(__file__).parents[1] / "support" / "busy_writer.py"

DONE = re.compile(r"Backed up (\S+) to (\S+) \((\d+(?:\.\d)? (?:bytes|KB|MB|GB))\)\.")


def numbers(path: Path, prefix: str) -> tuple[list[int], list[int]]:
    """The numbers of the busy writer's reminders and history rows committed in `path`."""
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as conn:
        reminders = conn.execute("SELECT id FROM reminders WHERE id LIKE ?", (prefix + "%",))
        found_r = sorted(int(r[0][len(prefix) :]) for r in reminders)
        rows = conn.execute(
            "SELECT conversation_id FROM history WHERE conversation_id LIKE ?", (prefix + "%",)
        )
        found_h = sorted(int(r[0][len(prefix) :]) for r in rows)
    return found_r, found_h


def wait_for_rows(path: Path, prefix: str, count: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while len(numbers(path, prefix)[1]) < count:
        assert time.monotonic() < deadline, f"the writer committed fewer than {count} rows"
        time.sleep(0.05)


def test_a_backup_taken_under_load_restores_every_row_committed_before_it(tmp_path):
    live = tmp_path / "takeorpass.db"
    url = f"sqlite:///{live}"
    asyncio.run(fill(url, "old", 5000))  # a few megabytes already there
    (tmp_path / "backups").mkdir()
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), url, "new"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
        wait_for_rows(live, "new", 20)
        before_r, before_h = numbers(live, "new")  # committed before the backup started
        result = run_takeorpass(["backup", "backups/monday.db"], "", tmp_path, DATABASE_URL=url)
        after_h = numbers(live, "new")[1]
        assert writer.poll() is None, "the writer stopped while the backup ran"
    finally:
        writer.terminate()
        writer.wait(timeout=10)
    assert result.returncode == 0, result.stderr
    backup = tmp_path / "backups" / "monday.db"
    assert DONE.fullmatch(result.stdout.strip()), result.stdout
    assert f"to {backup} (" in result.stdout and result.stdout.count("\n") == 1
    assert len(after_h) > len(before_h)  # the writer went on writing throughout

    # Restored as docs/operations.md says: the backup file becomes the database.
    restored = tmp_path / "restored" / "takeorpass.db"
    restored.parent.mkdir()
    shutil.copy(backup, restored)
    assert sorted(p.name for p in backup.parent.iterdir()) == ["monday.db"]  # one file, no -wal
    with sqlite3.connect(restored) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    kept_r, kept_h = numbers(restored, "new")
    # Everything committed before the backup, and no gap: the copy is one moment's database.
    assert kept_r[: len(before_r)] == before_r and kept_h[: len(before_h)] == before_h
    assert kept_r == list(range(1, len(kept_r) + 1))
    assert kept_h == list(range(1, len(kept_h) + 1))
    assert numbers(restored, "old")[1] == list(range(1, 5001))

    async def open_with_the_app() -> None:
        store = await SqlStore.open(f"sqlite:///{restored}")
        try:
            revision = await store.read(
                lambda conn: conn.exec_driver_sql(
                    "SELECT version_num FROM alembic_version"
                ).scalar_one()
            )
            assert revision == SCHEMA_HEAD
            assert len(await store.history(OWNER, limit=100_000)) == 5000 + len(kept_h)
        finally:
            await store.close()

    asyncio.run(open_with_the_app())


def small_database(folder: Path) -> str:
    url = f"sqlite:///{folder / 'takeorpass.db'}"
    asyncio.run(write(url, "n", 3))
    return url


def test_an_existing_file_is_kept_unless_force_is_given(tmp_path):
    url = small_database(tmp_path)
    earlier = tmp_path / "backup.db"
    earlier.write_text("last week's backup")
    refused = run_takeorpass(["backup", "backup.db"], "", tmp_path, DATABASE_URL=url)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr == (
        f"takeorpass: {earlier} exists; give another name, or add --force to replace it\n"
    )
    assert earlier.read_text() == "last week's backup"
    replaced = run_takeorpass(["backup", "backup.db", "--force"], "", tmp_path, DATABASE_URL=url)
    assert replaced.returncode == 0, replaced.stderr
    with sqlite3.connect(earlier) as conn:
        assert conn.execute("SELECT count(*) FROM reminders").fetchone()[0] == 3


def test_the_live_database_is_never_its_own_backup(tmp_path):
    url = small_database(tmp_path)
    result = run_takeorpass(["backup", "takeorpass.db", "--force"], "", tmp_path, DATABASE_URL=url)
    assert result.returncode == 1
    assert "is the live database itself" in result.stderr
    assert len(numbers(tmp_path / "takeorpass.db", "n")[0]) == 3


def test_a_missing_database_is_one_line_and_no_file_appears(tmp_path):
    result = run_takeorpass(["backup", "copy.db"], "", tmp_path)  # the default DATABASE_URL
    assert result.returncode == 1
    assert result.stderr == (
        f"takeorpass: DATABASE_URL: there is no database at {tmp_path / 'takeorpass.db'}; "
        "nothing to back up\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_one_line(tmp_path):
    url = small_database(tmp_path)
    result = run_takeorpass(["backup", "nowhere/copy.db"], "", tmp_path, DATABASE_URL=url)
    assert result.returncode == 1
    assert (
        result.stderr
        == f"takeorpass: {tmp_path / 'nowhere'} does not exist; make the folder first\n"
    )


def test_postgresql_is_pointed_at_pg_dump_in_one_line(tmp_path):
    url = "postgresql://bot:hunter2@127.0.0.1:9/takeorpass"  # never connected to
    result = run_takeorpass(["backup", "takeorpass.dump"], "", tmp_path, DATABASE_URL=url)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (
        "takeorpass: DATABASE_URL is a PostgreSQL database: back it up with "
        'pg_dump --format=custom --file=takeorpass.dump "$DATABASE_URL" '
        "(see docs/operations.md)\n"
    )


def test_a_backup_is_made_while_other_settings_are_wrong(tmp_path):
    url = small_database(tmp_path)
    result = run_takeorpass(
        ["backup", "copy.db"], "", tmp_path, DATABASE_URL=url, DEFAULT_TIMEZONE="Mars/Base"
    )
    assert result.returncode == 0, result.stderr
    assert DONE.fullmatch(result.stdout.strip())


def test_refusals_and_sizes_read_as_one_line_each():
    plan = Plan(Path("/srv/live.db"), Path("/srv/copy.db"), replace=False)
    assert refusal(plan, source_exists=True, target_exists=False, same=False) is None
    assert refusal(plan, source_exists=True, target_exists=True, same=False) == (
        "/srv/copy.db exists; give another name, or add --force to replace it"
    )
    forced = Plan(plan.source, plan.target, replace=True)
    assert refusal(forced, source_exists=True, target_exists=True, same=False) is None
    assert "live database itself" in str(
        refusal(forced, source_exists=True, target_exists=True, same=True)
    )
    assert [size_text(n) for n in (812, 45_300, 1_234_567, 3_400_000_000)] == [
        "812 bytes",
        "45.3 KB",
        "1.2 MB",
        "3.4 GB",
    ]
