"""The loggers we hand to the Slack libraries: WARNING and up only, whatever LOG_LEVEL says,
and each record cut to its first few words. Below WARNING, or in full, they would write
request bodies, response_urls (which let anyone post as the app) and what users typed. Our
own failures are traced with `bot.common.logs.failure`: by file and line, never by their message."""

from __future__ import annotations

import logging
import re
from typing import Final

WITHHELD: Final = "[details withheld]"
# Where the details of a library's message begin: its first words come before.
_DETAILS = re.compile(r"[({\[:\n<]")


def withhold_details(record: logging.LogRecord) -> bool:
    """A logging filter that keeps a record's first words and its exception's type only."""
    message = record.getMessage()
    details = _DETAILS.search(message)
    head = message[: details.start()].strip() if details else message.strip()
    if details:
        head = f"{head} {WITHHELD}" if head else WITHHELD
    if record.exc_info and record.exc_info[0] is not None:
        head += f" ({record.exc_info[0].__name__})"
    record.msg, record.args = head, None
    record.exc_info, record.exc_text, record.stack_info = None, None, None
    return True


def quiet_logger(name: str) -> logging.Logger:
    """A logger for a Slack library to write to: WARNING and above only, whatever the log
    level (below that they log request bodies and URLs), with details withheld."""
    logger = logging.getLogger(name)
    logger.setLevel(logging.WARNING)
    if withhold_details not in logger.filters:
        logger.addFilter(withhold_details)
    return logger
