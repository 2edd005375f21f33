"""Typed words that do what buttons and commands do. Pure: the words, and the buttons of the
bot's last message to the user, decide.

- A button's label, or its number, typed presses it: `undo` after "Reminder set … Undo",
  `open 1` after `history`, `cancel 2` and `snooze 2 1 hour` in a `reminders` list (items are
  numbered from 1: "<label> <item>" or "<first word> <item> <rest of label>"), and a single
  word that begins exactly one label (`yes` for "Yes, delete everything").
- A phrase that means a command runs it (`show my reminders` is `reminders`).
- A single word that looks like a command the bot doesn't know (`remnd`, `setings`) is told
  so, with the command it is one letter away from, rather than starting a questionnaire.

What is remembered of the last message is `Shown` (on the stored `Session`): the engine sets
it after every handled event from the replies it sends."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final, NamedTuple

from bot.common.replies import ButtonRole, Kind, Reply
from bot.questionnaire.flow import CONTROL_WORDS
from bot.questionnaire.reading import edits, near, normalize
from bot.questionnaire.state import Shown

# Phrases that mean a command, as `key` reads them, and the command they run.
PHRASES: Final[dict[str, str]] = {
    phrase: command
    for command, phrases in (
        (
            "reminders",
            "show my reminders, my reminders, list reminders, list my reminders, show reminders, "
            "what are my reminders, what reminders do i have, see my reminders, view reminders, "
            "view my reminders, my upcoming reminders, upcoming reminders, all my reminders",
        ),
        (
            "timezone",
            "what's my timezone, what is my timezone, my timezone, show my timezone, "
            "what's my time zone, what is my time zone, my time zone, time zone, "
            "which timezone am i in, what timezone am i in, what time zone am i in",
        ),
        (
            "history",
            "show my history, my history, show history, my verdicts, my past verdicts, "
            "past verdicts, show my verdicts, show my past verdicts",
        ),
        (
            "help",
            "what can you do, what do you do, how does this work, how do you work, "
            "what can i do, what can i type, commands, show commands, menu, options, help me",
        ),
        ("stats", "my stats, show my stats, show stats, statistics, my statistics"),
        (
            "start",
            "start a questionnaire, new questionnaire, start a new questionnaire, begin, "
            "start one, start a new one",
        ),
        (
            "export",
            "export my data, download my data, send me my data, export my record, "
            "download my record, send me my record, a copy of my data, copy of my data, "
            "export everything, download everything",
        ),
        ("forget me", "delete everything, delete all my data, erase my data, forget about me"),
    )
    for phrase in (p.strip().replace("'", "") for p in phrases.split(","))
}

# Commands as typed alone, the ones a mistyped word is compared with and may be offered as.
COMMANDS: Final = (
    "help",
    "history",
    "start",
    "cancel",
    "restart",
    "back",
    "why",
    "change",
    "remind",
    "reminders",
    "timezone",
    "channel",
    "stats",
    "export",
    "weekly",
    "forget",
)
# Words people try as commands that the bot has none of (alone): told so, not taken for a
# company. Words one or two letters away from these or from COMMANDS are told so too.
COMMAND_LIKE: Final = frozenset(
    (
        "settings setting config configure preferences profile account status list delete "
        "remove clear edit show undo open snooze done stop quit exit unsubscribe pause resume "
        "continue skip reset info about"
    ).split()
)
# Words that mean what they say on their own, whatever the last message's buttons are.
_OWN_MEANING: Final = frozenset({*CONTROL_WORDS, *COMMANDS, "forget me"})
_PRESS_WORDS: Final = ("press ", "click ", "tap ")
# A long list remembers this many buttons (20 reminders with three buttons each, and more).
MAX_SHOWN: Final = 100


class Misread(NamedTuple):
    """A single word that looks like a command but is none: say so, and offer `suggestion`."""

    word: str
    suggestion: str | None = None


def key(text: str) -> str:
    """Typed words and labels as they are compared: any case, no punctuation or apostrophes,
    single spaces ("Yes, delete everything" is "yes delete everything")."""
    return normalize(text).replace("'", "")


# --- what the last message showed ----------------------------------------------------------


def shown_by(reply: Reply) -> tuple[Shown, ...]:
    """A message's buttons as typed words may press them. Under list items a button carries its
    item's number; elsewhere a button the console numbers carries that number (a bare number
    under a list would be ambiguous, so there none does)."""
    shown = [
        Shown(button.id, button.label, item=number)
        for number, item in enumerate(reply.items, start=1)
        for button in item.buttons
    ]
    counted = 0
    for button in reply.buttons:
        number = None
        if button.role is not ButtonRole.CONTROL:
            counted += 1
            number = None if reply.items else counted
        shown.append(Shown(button.id, button.label, number=number))
    return tuple(shown[:MAX_SHOWN])


def remembered(before: tuple[Shown, ...], replies: Sequence[Reply]) -> tuple[Shown, ...]:
    """The buttons typed words press after these replies: those of the last reply that has
    any, or none when no reply has (a stale mapping never fires). A question's buttons are
    not kept: the questionnaire reads its own answers (numbers, labels and synonyms). Refused
    replies leave the last message as it was, so they change nothing; nor does no reply."""
    said = [reply for reply in replies if not reply.refused]
    if not said:
        return before
    last = next((r for r in reversed(said) if r.buttons or any(i.buttons for i in r.items)), None)
    if last is None or last.kind is Kind.QUESTION:
        return ()
    return shown_by(last)


# --- typed words -----------------------------------------------------------------------------


def _first_word(label: str) -> str:
    return label.split(" ", 1)[0]


def _only(found: Iterable[Shown]) -> str | None:
    ids = {s.id for s in found}
    return ids.pop() if len(ids) == 1 else None


def _item_press(words: list[str], shown: tuple[Shown, ...]) -> str | None:
    """`cancel 2`, `snooze 1 hour 2`, `snooze 2 1 hour`: a label with its item's number, the
    number last or after the label's first word."""
    for at in {len(words) - 1, 1}:
        if at < 1 or not words[at].isdigit():
            continue
        number = int(words[at])
        label = " ".join(words[:at] + words[at + 1 :])
        under = [s for s in shown if s.item == number]
        pressed = _only(s for s in under if key(s.label) == label)
        if pressed is None and " " not in label:
            pressed = _only(s for s in under if _first_word(key(s.label)) == label)
        if pressed is not None:
            return pressed
    return None


def typed_press(text: str, shown: tuple[Shown, ...]) -> str | None:
    """The id of the button on the last message that typed text presses, or None."""
    typed = key(text)
    for word in _PRESS_WORDS:
        typed = typed.removeprefix(word)
    if not typed or not shown or typed in _OWN_MEANING:
        return None
    if typed.isdigit():
        return _only(s for s in shown if s.number == int(typed))
    same = [s for s in shown if key(s.label) == typed]
    if same:
        return _only(same)  # the same label under several items says nothing
    words = typed.split(" ")
    if len(words) > 1:
        return _item_press(words, shown)
    return _only(s for s in shown if _first_word(key(s.label)) == typed)


def phrase_command(text: str) -> str | None:
    """The command a phrase means (`show my reminders` → `reminders`), or None."""
    return PHRASES.get(key(text))


def misread(text: str) -> Misread | None:
    """A single word that looks like a command the bot doesn't know: one of COMMAND_LIKE, or a
    letter or two away from it or from a command (`remnd`, `histroy`, `setings`). Any other
    word (a company, a greeting) is not: it starts a questionnaire, as free text does."""
    word = key(text)
    if not word.isalpha() or word in COMMANDS:
        return None
    if word not in COMMAND_LIKE and not any(near(word, w) for w in (*COMMANDS, *COMMAND_LIKE)):
        return None
    suggestion = next((c for c in COMMANDS if near(word, c) and edits(word, c) == 1), None)
    return Misread(text.strip(), suggestion)
