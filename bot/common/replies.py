"""Replies as plain data: adapters render them; no platform markup lives here."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Kind(StrEnum):
    """What a reply is, so adapters can render each kind its own way."""

    QUESTION = "question"
    VERDICT = "verdict"
    INFO = "info"
    ERROR = "error"
    # A reminder the scheduler posts, as opposed to an answer to something the user did.
    REMINDER = "reminder"


class ButtonRole(StrEnum):
    """Answer buttons are the choices; controls steer (back, why, ...); actions do a thing."""

    CHOICE = "choice"
    CONTROL = "control"
    ACTION = "action"


class Button(NamedTuple):
    """A button: `id` is what a press sends back (always starts with `tp:`).

    A NamedTuple rather than a frozen dataclass: every question builds several, and building a
    tuple costs a third as much."""

    id: str
    label: str
    role: ButtonRole = ButtonRole.CHOICE
    danger: bool = False


class Section(NamedTuple):
    """A titled list of lines, such as the reasons behind a verdict."""

    title: str
    lines: tuple[str, ...]


class Item(NamedTuple):
    """One line of a list with buttons of its own, such as an upcoming reminder."""

    text: str
    buttons: tuple[Button, ...] = ()


class Attachment(NamedTuple):
    """A file sent with a reply (an export): adapters deliver it privately, to the user's DM
    on Slack and Discord and into the current folder on the console, never to a channel."""

    name: str
    data: bytes
    media_type: str


class Reply(NamedTuple):
    """One message for the user. `text` is plain text and may contain what the user typed.

    A NamedTuple, like Button: it is built on every step, and a frozen dataclass with this many
    fields costs three times as much to build."""

    kind: Kind
    text: str
    # A line shown above the text: "Got it: Acme", why a question is asked, a hint.
    notice: str | None = None
    buttons: tuple[Button, ...] = ()
    sections: tuple[Section, ...] = ()
    # Text the user may want to copy as is (the decline note), under its title.
    note: Section | None = None
    # "Question 3 of 7" as numbers: (3, 7).
    progress: tuple[int, int] | None = None
    conversation_id: str | None = None
    step_id: str | None = None
    # The event changed nothing: a stale, repeated, expired or unknown press. Adapters leave
    # the pressed message as it was and tell only the presser.
    refused: bool = False
    # Lines that each carry their own buttons (shown after the sections).
    items: tuple[Item, ...] = ()
    # Files that go with this message (an export); only ever to the user themselves.
    files: tuple[Attachment, ...] = ()

    @property
    def choices(self) -> tuple[Button, ...]:
        """The answer buttons, in the order of the question's choices."""
        return tuple(b for b in self.buttons if b.role is ButtonRole.CHOICE)

    @property
    def controls(self) -> tuple[Button, ...]:
        """Buttons that are not answers: back, restart, cancel, why, and actions."""
        return tuple(b for b in self.buttons if b.role is not ButtonRole.CHOICE)

    @property
    def progress_text(self) -> str | None:
        """The progress marker in words."""
        return f"Question {self.progress[0]} of {self.progress[1]}" if self.progress else None
