"""Durations as people write them in settings: `24h`, `90s`, `1d`, `1h30m`."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
# Longer than any setting could mean, and far inside what a timedelta can hold.
MAX_DURATION = timedelta(days=36525)
_MAX_DIGITS = 12
_PART = re.compile(r"(\d+)\s*([smhdw])")
_WHOLE = re.compile(r"(?:\d+\s*[smhdw]\s*)+")


def parse_duration(text: str) -> timedelta:
    """Parse `1h30m`-style text; raise ValueError with a readable message otherwise."""
    cleaned = text.strip().lower()
    shown = _shown(text)
    if not cleaned or not _WHOLE.fullmatch(cleaned):
        raise ValueError(f"{shown} is not a duration; write it like 90s, 15m, 24h or 1d")
    parts = _PART.findall(cleaned)
    # Checked before int(): Python refuses to convert thousands of digits, with its own words.
    if any(len(n.lstrip("0")) > _MAX_DIGITS for n, _ in parts):
        raise ValueError(f"{shown} is too long; at most 100 years")
    seconds = sum(int(n) * _UNITS[u] for n, u in parts)
    if seconds <= 0:
        raise ValueError(f"{shown} must be longer than zero")
    if seconds > MAX_DURATION.total_seconds():
        raise ValueError(f"{shown} is too long; at most 100 years")
    return timedelta(seconds=seconds)


def _shown(text: str) -> str:
    # Echoed in the error; a pasted wall of digits is cut, not printed whole.
    return repr(text if len(text) <= 40 else text[:40] + "…")


def format_duration(value: timedelta) -> str:
    """Describe a duration in words, largest unit first: `1 day 2 hours`."""
    seconds = int(value.total_seconds())
    parts: list[str] = []
    for name, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {name}{'s' if count != 1 else ''}")
    return " ".join(parts) or "0 seconds"


def compact_duration(value: timedelta) -> str:
    """Write a duration back in the settings' own form: `24h`, `1d`, `90s`."""
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
