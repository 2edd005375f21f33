"""Logging for the whole process, kept free of what users wrote.

Our own loggers (`bot`, `adapters`) log at LOG_LEVEL. Libraries never log below INFO: at DEBUG
discord.py writes every gateway event and request body (message text, user ids), slack_sdk
every request and response (answers, response_url, which lets anyone post as the app) and
SQLAlchemy every statement's parameters (stored conversations). A few log such things at INFO
too, so they stay at WARNING whatever the level."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import PurePath
from typing import Final, TextIO

FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"
OURS: Final = ("bot", "adapters")
# The lowest level libraries log at, even with LOG_LEVEL=DEBUG.
LIBRARIES: Final = logging.INFO
# Libraries whose INFO is a payload or a secret-bearing URL (slack_sdk's webhook client names
# the response_url when it retries; bolt logs a refused request's body), or plain noise
# (Alembic announces every migration step).
QUIET: Final = (
    "alembic",
    "sqlalchemy",
    "slack_bolt",
    "slack_sdk",
    "aiohttp.access",
    "websockets",
    "urllib3",
    "psycopg",
)
# Frames `failure` shows, innermost first.
FRAMES: Final = 6


class _OurHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler `configure` installs, so that configuring again replaces it."""


def configure(level: str | int, *, quiet: bool = False, stream: TextIO | None = None) -> None:
    """Send logs to `stream` (standard error) at `level` for our loggers, no lower than INFO
    for libraries and WARNING for the chatty ones. `quiet` (the console, where the terminal is
    the conversation) keeps everything below WARNING out unless `level` is DEBUG."""
    wanted = logging.getLevelName(level) if isinstance(level, str) else level
    if not isinstance(wanted, int):
        raise ValueError(f"{level!r} is not a log level")
    if quiet and wanted > logging.DEBUG:
        wanted = max(wanted, logging.WARNING)
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _OurHandler)]:
        root.removeHandler(old)
    handler = _OurHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(max(wanted, LIBRARIES))
    for name in OURS:
        logging.getLogger(name).setLevel(wanted)
    for name in QUIET:
        logging.getLogger(name).setLevel(max(wanted, logging.WARNING))


def failure(exc: BaseException) -> str:
    """An exception as its type and where it was raised, by file and line, with no message:
    messages can quote what a user sent (a company, an answer, a payload). For example
    `KeyError at questionnaire/flow.py:120 in _text < discord/client.py:88 in on_message`."""
    frames = traceback.extract_tb(exc.__traceback__)[-FRAMES:]
    where = " < ".join(
        f"{'/'.join(PurePath(f.filename).parts[-2:])}:{f.lineno} in {f.name}"
        for f in reversed(frames)
    )
    text = f"{type(exc).__name__} at {where}" if where else type(exc).__name__
    cause = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    if cause is not None:
        text += f" (from {type(cause).__name__})"
    return text
