"""Opening a database: the engine for a DATABASE_URL, its timeouts, and the schema's upgrade.

Every wait is bounded by DATABASE_TIMEOUT. SQLite: the writer thread sets its lock wait per
transaction; reads on the event loop never wait. PostgreSQL: libpq's connect timeout, and the
server's statement and lock timeouts set for every session (added to any `options` the URL
already has), so a table locked for minutes turns into an error, not a silent wait."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot.common.errors import SettingsError, StorageError
from bot.config.endpoints import database_url_problem

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest migration. tests/test_storage_contract.py checks it against Alembic's head, and
# start-up compares it with the database so that Alembic is imported only when there is work.
SCHEMA_HEAD = "0004"
# Enough for the turns of a busy community at once; past it, callers wait up to the timeout.
POOL_SIZE = 8

_DRIVERS = {"sqlite": "sqlite+pysqlite", "postgresql": "postgresql+psycopg"}


def driver_url(url: str) -> str:
    """Map `sqlite:///…` / `postgresql://…` to the driver SQLAlchemy should use. The URL is
    checked as the settings check it (bot.config.endpoints), for callers that skip the settings."""
    if problem := database_url_problem(url):
        raise SettingsError([f"DATABASE_URL: {problem}"])
    parsed = make_url(url)
    return parsed.set(drivername=_DRIVERS[parsed.get_backend_name()]).render_as_string(
        hide_password=False
    )


def build_engine(url: str, timeout: float) -> tuple[Engine, str | None]:
    """The engine for a DATABASE_URL, and the SQLite file's path (None for PostgreSQL)."""
    parsed = make_url(driver_url(url))
    if parsed.get_backend_name() == "sqlite":
        assert parsed.database  # database_url_problem refuses SQLite in memory
        engine = create_engine(
            parsed, connect_args={"check_same_thread": False}, hide_parameters=True
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine, str(Path(parsed.database).resolve())
    ms = max(1, int(timeout * 1000))
    given = parsed.query.get("options")
    ours = f"-c statement_timeout={ms} -c lock_timeout={ms}"
    try:
        engine = create_engine(
            parsed.difference_update_query(["options"]),
            connect_args={
                # libpq counts whole seconds and takes less than 2 as 2.
                "connect_timeout": max(2, round(timeout)),
                "options": f"{given} {ours}" if isinstance(given, str) else ours,
            },
            pool_pre_ping=True,
            pool_size=POOL_SIZE,
            max_overflow=POOL_SIZE,
            pool_timeout=timeout,
            hide_parameters=True,
        )
    except ImportError:
        raise SettingsError(
            ["DATABASE_URL: PostgreSQL needs its driver: pip install -e '.[postgresql]'"]
        ) from None
    return engine, None


def migrate(engine: Engine) -> None:
    """Apply pending migrations (Alembic), skipping its import when already at head.

    Any number of instances may start at once on one database: the upgrade runs under a lock
    on the whole database (PostgreSQL's advisory lock, SQLite's write lock), so one upgrades
    while the others wait, then find the schema at head and go on. A schema newer than this
    release is used as it is if it says this release can still run on it (a rolling upgrade
    in progress), and refused otherwise (NewerSchema)."""
    with engine.connect() as conn:
        current = _current_revision(conn)
        if current == SCHEMA_HEAD or not _behind(conn, current):
            return
    with engine.connect() as conn:
        restore = _lock_for_migration(conn)
        current = _current_revision(conn)  # again: another instance may have just upgraded
        if current != SCHEMA_HEAD and _behind(conn, current):
            _upgrade(conn)
        conn.commit()
        if restore:
            conn.exec_driver_sql(restore)


def _behind(conn: Connection, current: str | None) -> bool:
    """Whether the schema needs upgrading: True when it is older than this release; False when
    it is newer and still compatible; NewerSchema when it is newer and not."""
    if current is None or any((MIGRATIONS / "versions").glob(f"{current}_*.py")):
        return True
    oldest = None
    if inspect(conn).has_table("schema_compat"):
        oldest = conn.execute(text("SELECT min(oldest) FROM schema_compat")).scalar()
    if oldest is None or oldest > SCHEMA_HEAD:
        raise NewerSchema(current)
    log.warning(
        "the database's schema %s is newer than this Take or Pass (%s) and still works with "
        "it; upgrade this instance when you can",
        current,
        SCHEMA_HEAD,
    )
    return False


# Taken by every instance that finds the schema behind, for the length of its upgrade.
MIGRATION_LOCK: Final = 0x54414B45  # "TAKE"
# How long a starting instance waits for another one's upgrade.
MIGRATION_WAIT: Final = 60


def _lock_for_migration(conn: Connection) -> str | None:
    """Take the migration lock in a new transaction; returns what puts the connection's own
    wait back afterwards, if anything."""
    if conn.dialect.name == "sqlite":
        # The wait is SQLite's busy timeout; BEGIN IMMEDIATE takes the write lock at once.
        usual = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {MIGRATION_WAIT * 1000}")
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        return f"PRAGMA busy_timeout = {int(usual or 0)}"
    # Waiting for the lock may take as long as another instance's upgrade; the upgrade's own
    # statements keep the short lock timeout, so a busy table fails it rather than stalling
    # every query queued behind its ALTER.
    usual = conn.execute(text("SELECT current_setting('lock_timeout')")).scalar()
    conn.execute(text(f"SET LOCAL lock_timeout = '{MIGRATION_WAIT}s'"))
    conn.execute(text("SET LOCAL statement_timeout = 0"))
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    conn.execute(text("SELECT set_config('lock_timeout', :usual, true)"), {"usual": usual})
    return None


class NewerSchema(Exception):
    """The database was upgraded by a newer Take or Pass than this one."""

    def __init__(self, revision: str) -> None:
        super().__init__(f"its schema {revision} is newer than this Take or Pass; upgrade it")


def open_failure(exc: BaseException) -> SettingsError:
    """Why the database could not be opened, as one settings line without parameters."""
    if isinstance(exc, SettingsError):
        return exc
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig
    if isinstance(exc, StorageError | NewerSchema):
        reason = str(exc)
    else:
        lines = str(exc).strip().splitlines()
        reason = lines[0] if lines else type(exc).__name__
    return SettingsError([f"DATABASE_URL: cannot open the database ({reason})"])


def _current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _upgrade(conn: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    command.upgrade(config, "head")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers work while one writer commits; NORMAL syncs at checkpoints, which in WAL
    # mode never corrupts the file and keeps every commit that reached the log.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted rows are overwritten with zeros, so `forget me` leaves nothing in the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
