"""Storage behind one async interface; `open_store` picks the backend from DATABASE_URL."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING, Protocol

from bot.common.users import UserKey
from bot.questionnaire.state import HistoryEntry, Session

if TYPE_CHECKING:
    from bot.storage.sql import SqlStore


class Store(Protocol):
    """What the core needs from a database. Every backend passes tests/test_storage_contract.py."""

    async def load(self, key: UserKey) -> tuple[Session | None, int]:
        """The stored session and its version (0 when there is none)."""
        ...

    async def save(
        self,
        key: UserKey,
        session: Session,
        *,
        expected_version: int,
        record: HistoryEntry | None = None,
        claim: str | None = None,
    ) -> int:
        """Write the session, a finished questionnaire (replacing the verdict of one finished
        before under the same conversation id) and the claim of a delivery id in one
        transaction. StaleWrite if the stored version is not `expected_version`,
        DuplicateDelivery if `claim` was claimed before; either way nothing is written.
        Returns the new version."""
        ...

    async def history(self, key: UserKey, *, limit: int = 20) -> list[HistoryEntry]:
        """Finished questionnaires, newest first."""
        ...

    async def entry(self, key: UserKey, conversation_id: str | None) -> HistoryEntry | None:
        """One finished questionnaire by its conversation id (None: the latest), or None."""
        ...

    async def timezone(self, key: UserKey) -> tzinfo | None:
        """The user's own timezone, if one was set."""
        ...

    async def set_timezone(self, key: UserKey, name: str) -> None:
        """Remember the user's timezone (an IANA name)."""
        ...

    async def forget(self, key: UserKey, *, claim: str | None = None) -> None:
        """Delete every row about the user (claiming `claim` in the same transaction)."""
        ...

    async def claim(self, event_id: str) -> None:
        """Claim a delivery id on its own; DuplicateDelivery if it was claimed before."""
        ...

    async def health(self, *, timeout: float = 1.0) -> str | None:  # noqa: ASYNC109
        """None when the database answers a cheap query in time, else why not (for /healthz)."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


async def open_store(url: str, *, timeout: float = 5.0) -> SqlStore:  # noqa: ASYNC109
    """Open the store named by a DATABASE_URL and bring its schema up to date; `timeout`
    (seconds, DATABASE_TIMEOUT) bounds every wait for the database."""
    from bot.storage.sql import SqlStore

    return await SqlStore.open(url, timeout=timeout)
