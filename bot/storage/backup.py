"""`takeorpass backup FILE`: a consistent copy of the running SQLite database, taken with
SQLite's online backup while the bot keeps writing. PostgreSQL has pg_dump for that.

Pure parts decide (which file, what to say); `backup_sqlite` is the thin part that copies."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy.engine import make_url

from bot.common.errors import TakeOrPassError
from bot.storage.connect import driver_url

PG_DUMP: Final = 'pg_dump --format=custom --file={file} "$DATABASE_URL"'


class BackupError(TakeOrPassError):
    """No backup was made; the message is one line saying why and what to do."""


@dataclass(frozen=True)
class Plan:
    """A backup to make: the live database and the file to write."""

    source: Path
    target: Path
    replace: bool


def plan_backup(database_url: str, target: str, *, replace: bool = False) -> Plan:
    """The backup of `database_url` into `target`; BackupError for a PostgreSQL database, which
    pg_dump backs up (the error says how)."""
    parsed = make_url(driver_url(database_url))
    if parsed.get_backend_name() != "sqlite":
        raise BackupError(
            "DATABASE_URL is a PostgreSQL database: back it up with "
            f"{PG_DUMP.format(file=target)} (see docs/operations.md)"
        )
    assert parsed.database  # driver_url refuses SQLite in memory
    return Plan(Path(parsed.database).resolve(), Path(target).resolve(), replace)


def size_text(size: int) -> str:
    """A file size as people read it: 812 bytes, 45.3 KB, 1.2 MB, 3.4 GB."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def done_line(plan: Plan, size: int) -> str:
    """The one line that says where the backup is and how big."""
    return f"Backed up {plan.source.name} to {plan.target} ({size_text(size)})."


def refusal(plan: Plan, *, source_exists: bool, target_exists: bool, same: bool) -> str | None:
    """Why the backup must not start, in one line; None when it may."""
    if not source_exists:
        return f"DATABASE_URL: there is no database at {plan.source}; nothing to back up"
    if same:
        return f"{plan.target} is the live database itself; give the backup another name"
    if target_exists and not plan.replace:
        return f"{plan.target} exists; give another name, or add --force to replace it"
    return None


def backup_sqlite(plan: Plan, *, timeout: float = 5.0) -> int:
    """Copy the database as it is at one moment into `plan.target`, checked, as one file that
    stands alone (no -wal beside it); the copy's size in bytes. Writers carry on meanwhile.
    `timeout` bounds a wait for the database's lock. BackupError when no backup was made; an
    earlier file at the target is left as it was unless the new copy replaced it whole."""
    target_exists = plan.target.exists()
    problem = refusal(
        plan,
        source_exists=plan.source.is_file(),
        target_exists=target_exists,
        same=target_exists and plan.source.exists() and plan.target.samefile(plan.source),
    )
    if problem:
        raise BackupError(problem)
    if not plan.target.parent.is_dir():
        raise BackupError(f"{plan.target.parent} does not exist; make the folder first")
    partial = plan.target.with_name(f".{plan.target.name}.{os.getpid()}.partial")
    try:
        _copy(plan.source, partial, timeout)
        # The copy is as private as the database it comes from.
        os.chmod(partial, plan.source.stat().st_mode & 0o777)
        _put_in_place(partial, plan.target, replace=plan.replace)
        return plan.target.stat().st_size
    except sqlite3.Error as exc:
        raise BackupError(f"the backup failed: {exc}; nothing was written") from None
    except OSError as exc:
        raise BackupError(f"{plan.target}: cannot be written ({exc.strerror})") from None
    finally:
        partial.unlink(missing_ok=True)


def _copy(source: Path, partial: Path, timeout: float) -> None:
    # mode=rw: a missing file is an error, never a new empty database.
    live = sqlite3.connect(f"{source.as_uri()}?mode=rw", uri=True, timeout=timeout)
    with closing(live), closing(sqlite3.connect(partial)) as copy:
        # pages=-1 copies every page in one step under one read transaction: in WAL mode writers
        # go on meanwhile, and the copy is the database as it was when the step began. (In
        # smaller steps, each write by another connection would start the copy over.)
        live.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")  # one file, with nothing left in a -wal
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"the copy failed SQLite's integrity check ({verdict}); try again")


def _put_in_place(partial: Path, target: Path, *, replace: bool) -> None:
    if replace:
        os.replace(partial, target)
    else:
        try:
            os.link(partial, target)  # fails if a file appeared there meanwhile: never clobber
        except FileExistsError:
            raise BackupError(
                f"{target} exists; give another name, or add --force to replace it"
            ) from None
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the new name survives a crash right after we say it is there
    finally:
        os.close(folder)
