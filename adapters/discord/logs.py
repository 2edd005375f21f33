"""Quieting discord.py's loggers: the start-up records this bot has no use for."""

from __future__ import annotations

import logging
from typing import Final

# discord.py warns at every start that voice needs PyNaCl and davey. This bot has no voice, so
# exactly these two records are dropped; every other discord.client record still shows.
VOICE_WARNINGS: Final = frozenset(
    {
        "PyNaCl is not installed, voice will NOT be supported",
        "davey is not installed, voice will NOT be supported",
    }
)


class _NoVoiceWarnings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() not in VOICE_WARNINGS


NO_VOICE_WARNINGS: Final = _NoVoiceWarnings()
