"""Discord input as core events: whose conversation it is and what the user did."""

from __future__ import annotations

import re
from typing import Final

from bot.common.events import Event, Press, Start, Text
from bot.common.users import UserKey
from bot.engine.router import command_event

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
    "remind": "Set a reminder, in your DM or in a channel",
    "reminders": "Your upcoming reminders (only you see them)",
    "channel": "Show or set this server's job-hunt channel",
    "timezone": "Show or set your timezone",
    "stats": "How your interviews turned out (only you see it)",
    "export": "Your record as a CSV and a JSON file, sent to your DM",
    "weekly": "Turn the Monday look back by DM on or off",
}
# `/takeorpass weekly <state>`: the choices, each the word typed after `weekly`.
WEEKLY_STATES: Final = ("on", "off")
# The subcommands of reminders: in a server they are answered there, privately, rather than
# in the DM (they need the server and channel they were run in).
REMINDER_SUBCOMMANDS: Final = frozenset({"remind", "reminders", "channel", "timezone", "stats"})

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


def press_event(custom_id: str, channel_id: int | None = None, *, manage: bool = False) -> Press:
    """A press on one of our buttons, its id parsed here once (`Press.button`); `channel_id`
    when the pressed message is in a server (its channel's reminders may be managed by those
    with Manage Channels)."""
    if channel_id is None:
        return Press(custom_id)
    return Press(custom_id, channel=str(channel_id), manage=manage)


def channel_ref(channel_id: int | None) -> str:
    """A channel as message text writes it, which the reminder commands read."""
    return f"<#{channel_id}> " if channel_id is not None else ""


def reminder_words(
    subcommand: str,
    *,
    when: str = "",
    text: str = "",
    channel_id: int | None = None,
    name: str | None = None,
) -> str:
    """A reminder subcommand as the words typed in the DM would say it: `remind <#123>
    tomorrow 9am call Sam`, `channel <#123>`, `timezone Europe/Berlin`."""
    if subcommand == "remind":
        return f"remind {channel_ref(channel_id)}{' '.join(when.split())} {text.strip()}".strip()
    if subcommand == "channel":
        return f"channel {channel_ref(channel_id)}".strip()
    if subcommand == "timezone":
        # Zone names have no spaces ("America/New_York"): "new york" can only mean "new_york".
        return f"timezone {'_'.join(name.split())}".strip() if name else "timezone"
    return subcommand


def reminder_event(
    words: str, *, server_id: int | None, channel_id: int | None, manage: bool
) -> Text:
    """A reminder subcommand for the core: in a server, with where it was run and whether the
    user may manage that channel; in the DM, the words alone."""
    if server_id is None:
        return Text(words)
    return Text(
        words,
        channel=str(channel_id) if channel_id is not None else None,
        server=str(server_id),
        manage=manage,
    )


def command_event_for(subcommand: str, company: str | None = None) -> Event:
    """A `/takeorpass <subcommand>` invocation."""
    if subcommand == "start":
        return Start(company.strip() if company and company.strip() else None)
    words = {"help": "help", "history": "history", "forget": "forget me"}
    return Text(words[subcommand])


def record_event(subcommand: str, state: str | None = None) -> Text:
    """`/takeorpass export` or `/takeorpass weekly <on|off>` as the words typed in the DM."""
    return Text(f"{subcommand} {state}" if state else subcommand)
