"""The one error root of Take or Pass, and the errors the core raises."""

from __future__ import annotations


class TakeOrPassError(Exception):
    """Root of every error this project raises on purpose."""


class ImpossibleState(TakeOrPassError):
    """The stored conversation contradicts itself; a bug, never a user mistake."""


class StaleWrite(TakeOrPassError):
    """Someone saved the conversation since it was loaded; reload and try again."""


class DuplicateDelivery(TakeOrPassError):
    """The platform delivered this event before and it was already handled."""


class StorageError(TakeOrPassError):
    """The database failed (unreachable, locked for too long); the user's state is unchanged."""


class StorageBusy(StorageError):
    """The database did not answer within DATABASE_TIMEOUT (its lock or every connection was
    taken); nothing was written, and trying again in a moment may work."""


class DiskFull(StorageError):
    """The database's disk has no room left; nothing was written, and nothing can be until
    space is freed."""


class SettingsError(TakeOrPassError):
    """The settings are missing or wrong; `problems` has one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class PlatformError(TakeOrPassError):
    """A chat platform refused or failed a request; adapters wrap their library's errors in it."""
