"""Local wall-clock helpers for the recurrence tests: the zones they run in, an aware local time,
a UTC time, and the local wall-clock fields of a list of instants."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

NY, BERLIN, KOLKATA, SYDNEY = (
    "America/New_York",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Australia/Sydney",
)
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]


def at(zone: str, *fields: int) -> datetime:
    """A local wall-clock time in `zone`, aware (fold 0)."""
    return datetime(*fields, tzinfo=ZoneInfo(zone))  # type: ignore[misc]


def utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)  # type: ignore[misc]


def walls(found: list[datetime], zone: str) -> list[tuple[int, ...]]:
    """The local (year, month, day, hour, minute) of each instant."""
    tz = ZoneInfo(zone)
    return [tuple(moment.astimezone(tz).timetuple()[:5]) for moment in found]
