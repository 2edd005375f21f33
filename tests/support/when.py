"""What the reminder-time tests share: the three zones, the moment they read from, two weekly
rules, and a local wall-clock time as an aware datetime (made with ZoneInfo, never by the code
under test)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

NY, BERLIN, KOLKATA = "America/New_York", "Europe/Berlin", "Asia/Kolkata"
ZONES = [NY, BERLIN, KOLKATA]
# Wednesday 2 Dec 2026: 10:30 in New York, 16:30 in Berlin, 21:00 in Kolkata.
NOW = datetime(2026, 12, 2, 15, 30, tzinfo=UTC)

WEEKLY_MO_9 = "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"
WEEKDAYS_9 = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0"


def local(zone: str, month: int, day: int, hour: int, minute: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))
