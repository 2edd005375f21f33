"""Discord input as core events: whose conversation it is and what the user did."""

from __future__ import annotations

import re
from typing import Final

from bot.flow import Event, Press, Start, Text, command_event
from bot.state import UserKey

PLATFORM: Final = "discord"
COMMAND: Final = "takeorpass"

# Every button the core makes starts with "tp:"; all of them go back to the core, which alone
# knows whether a press is current, stale or unknown. Matched with fullmatch.
BUTTON_TEMPLATE: Final = r"tp:[^\s]{1,97}"

# `/takeorpass` subcommands (SPEC §4) that this adapter offers, with their descriptions.
SUBCOMMANDS: Final = {
    "start": "Start a questionnaire about an interview",
    "help": "What Take or Pass does and how to answer",
    "history": "Your past verdicts (only you see them)",
    "forget": "Delete everything Take or Pass keeps about you",
}

_TYPED_COMMAND = re.compile(rf"^/{COMMAND}\b", re.IGNORECASE)


def user_key(user_id: int) -> UserKey:
    """One conversation per Discord user, in the DM, whichever server they came from."""
    return UserKey(PLATFORM, "", str(user_id))


def typed_event(content: str) -> Event:
    """A DM to the bot. `/takeorpass …` typed as plain text (where the slash command isn't
    offered) reads like the slash command; anything else is an answer or a command word."""
    if _TYPED_COMMAND.match(content):
        return command_event(_TYPED_COMMAND.sub("", content, count=1))
    return Text(content)


def press_event(custom_id: str) -> Press:
    """A press on one of our buttons."""
    return Press(custom_id)


def command_event_for(subcommand: str, company: str | None = None) -> Event:
    """A `/takeorpass <subcommand>` invocation."""
    if subcommand == "start":
        return Start(company.strip() if company and company.strip() else None)
    words = {"help": "help", "history": "history", "forget": "forget me"}
    return Text(words[subcommand])
