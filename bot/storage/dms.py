"""Users' direct-message channel ids, kept in the database so that every instance can post a
reminder to a user's DM with one request, however many instances there are and whichever of
them opened the DM first. The id sits on the user's row, so `forget me` removes it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, select, update

from bot.common.users import UserKey
from bot.storage.schema import users
from bot.storage.sql import SqlStore
from bot.storage.statements import key_filter, key_params, key_row, upsert_insert

_FIND = select(users.c.dm_channel).where(key_filter(users))
_CLEAR = update(users).where(key_filter(users)).values(dm_channel=None)


class DmChannelStore:
    """Read and keep users' DM channel ids."""

    def __init__(self, sql: SqlStore) -> None:
        self._sql = sql

    async def find(self, key: UserKey) -> str | None:
        """The DM channel id kept for the user, if any."""
        found: str | None = await self._sql.read(
            lambda conn: conn.execute(_FIND, key_params(key)).scalar()
        )
        return found

    async def keep(self, key: UserKey, channel: str) -> None:
        """Remember the user's DM channel id."""
        await self._sql.write(lambda conn: _upsert(conn, key, channel))

    async def clear(self, key: UserKey) -> None:
        """Forget a DM channel id that turned out stale."""
        await self._sql.write(lambda conn: conn.execute(_CLEAR, key_params(key)))


def _upsert(conn: Connection, key: UserKey, channel: str) -> None:
    row = {**key_row(key), "dm_channel": channel, "created_at": datetime.now(UTC)}
    statement = upsert_insert(conn.dialect.name, users).values(row)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["platform", "workspace", "user_id"],
            set_={"dm_channel": statement.excluded.dm_channel},
        )
    )
