"""The time and fresh ids, for every part of the core."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
# Each random byte picks one of the 32 characters (256 is 8 × 32, so none is likelier): one
# call for ten bytes, where secrets.choice made ten.
_BYTE_TO_ID = bytes.maketrans(bytes(range(256)), (_ID_ALPHABET * 8).encode())


def new_conversation_id() -> str:
    """A short random id: it travels in every button id, which Discord caps at 100 characters."""
    return secrets.token_bytes(10).translate(_BYTE_TO_ID).decode()


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)
