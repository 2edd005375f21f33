"""One malformed gateway event must not end the client: each of discord.py's event parsers is
wrapped so that an event it cannot read is logged in one line and dropped."""

from __future__ import annotations

import logging
from collections.abc import Callable, MutableMapping
from typing import Any, Final

log = logging.getLogger(__name__)

Parser = Callable[[Any], None]

# READY starts the session: without it the client never learns who it is, so a READY that
# cannot be read ends the client, and the supervisor starts a fresh one (adapters.supervise).
SESSION_EVENTS: Final = frozenset({"READY"})


def guard_parsers(parsers: MutableMapping[str, Parser]) -> None:
    """Wrap every parser in `parsers` (discord.py's `ConnectionState.parsers`, keyed by event
    name) so that an exception drops that one event."""
    for event, parse in list(parsers.items()):
        if event not in SESSION_EVENTS:
            parsers[event] = _guarded(event, parse)


def _guarded(event: str, parse: Parser) -> Parser:
    def parse_or_drop(data: Any) -> None:
        try:
            parse(data)
        except Exception as exc:
            # The event's name and the error's type only: the payload and the error's message
            # can carry user ids and what a user wrote.
            log.warning("discord: dropped a malformed %s event (%s)", event, type(exc).__name__)

    return parse_or_drop
