"""Readers of single setting values from the environment's text: durations, lists of ids, and
how a token of each kind starts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any, Final

from pydantic import BeforeValidator
from pydantic_settings import NoDecode

from bot.common.durations import parse_duration


def _duration(value: Any) -> Any:
    return parse_duration(value) if isinstance(value, str) else value


def _durations(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(parse_duration(part) for part in value.split(",") if part.strip())
    return value


def _numbers(what: str, example: str) -> Callable[[Any], Any]:
    """A reader of comma-separated numbers (server or shard ids) from the environment."""

    def read(value: Any) -> Any:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            bad = [p for p in parts if not p.isdigit()]
            if bad:
                shown = ", ".join(repr(p) for p in bad)  # every one, not only the first
                raise ValueError(
                    f"{what} ids are numbers separated by commas{example}, not {shown}"
                )
            return tuple(int(p) for p in parts)
        return value

    return read


# How each kind of Slack token starts, and the line that says so.
TOKEN_PREFIXES: Final = {
    "slack_bot_token": ("xoxb-", "a Slack bot token starts with xoxb-"),
    "slack_app_token": ("xapp-", "a Slack app-level token starts with xapp-"),
}

Duration = Annotated[timedelta, BeforeValidator(_duration)]
Durations = Annotated[tuple[timedelta, ...], NoDecode, BeforeValidator(_durations)]
GuildIds = Annotated[tuple[int, ...], NoDecode, BeforeValidator(_numbers("server", ""))]
ShardIds = Annotated[tuple[int, ...], NoDecode, BeforeValidator(_numbers("shard", " (0,1)"))]
