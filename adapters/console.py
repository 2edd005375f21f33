"""The console adapter: the conversation in a terminal, reading lines from standard input."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import logging
import sys
from collections.abc import Callable
from typing import TextIO

from bot.engine import Engine
from bot.errors import TakeOrPassError
from bot.flow import Event, Press, Start, Text
from bot.reminders.model import Delivered, DeliveryResult, Outgoing, Undeliverable
from bot.reminders.scheduler import Scheduler
from bot.replies import Button, ButtonRole, Reply
from bot.state import UserKey

log = logging.getLogger(__name__)

FAILED = "Something went wrong on my side; your answers so far are kept. Please try again."


def render(reply: Reply) -> tuple[str, list[Button]]:
    """Plain text for a terminal, and the buttons in the order they were numbered."""
    lines = [part for part in (reply.notice, reply.progress_text, reply.text) if part]
    for section in reply.sections:
        lines += ["", f"{section.title}:", *(f"  - {line}" for line in section.lines)]
    if reply.note:
        lines += ["", reply.note.title, *reply.note.lines]
    numbered: list[Button] = []
    if reply.items:
        lines.append("")
    for item in reply.items:
        lines.append(f"  - {item.text}")
        shown = []
        for button in item.buttons:
            numbered.append(button)
            shown.append(f"{len(numbered)}) {button.label}")
        if shown:
            lines.append("      " + "  ".join(shown))
    plain = [b for b in reply.buttons if b.role is not ButtonRole.CONTROL]
    if plain and (reply.sections or reply.items):
        lines.append("")
    for button in plain:
        numbered.append(button)
        lines.append(f"  {len(numbered)}) {button.label}")
    words = [_word(b) for b in reply.buttons if b.role is ButtonRole.CONTROL]
    if words:
        lines.append(f"  (or type {', '.join(words)})")
    return "\n".join(lines), numbered


def _word(button: Button) -> str:
    # Control buttons end with the control word itself: tp:<id>:<step>:<word>.
    return button.id.rsplit(":", 1)[-1]


class Console:
    """Feeds typed lines to the engine as one local user and prints the replies."""

    def __init__(self, engine: Engine, *, out: TextIO, user: str) -> None:
        self._engine = engine
        self._out = out
        self._key = UserKey("console", "local", user)
        self._numbered: list[Button] = []

    async def send(self, event: Event) -> None:
        """Handle one event and print what the bot says."""
        try:
            replies = await self._engine.handle(self._key, event)
        except TakeOrPassError as exc:
            log.warning("console event failed: %s", type(exc).__name__)
            self._print(FAILED)
            return
        numbered: list[Button] = []
        for reply in replies:
            numbered = self.show(reply) or numbered
        self._numbered = numbered

    def show(self, reply: Reply) -> list[Button]:
        """Print one reply; its buttons, if it has any, become what typed numbers press."""
        text, buttons = render(reply)
        self._print(text)
        if buttons:
            self._numbered = buttons
        return buttons

    def event_for(self, line: str) -> Event:
        """A number picks the button shown with it; anything else is typed text."""
        stripped = line.strip().rstrip(".)")
        if stripped.isdigit() and 1 <= int(stripped) <= len(self._numbered):
            return Press(self._numbered[int(stripped) - 1].id)
        return Text(line)

    def _print(self, text: str) -> None:
        print(text, file=self._out, flush=True)
        print(file=self._out, flush=True)


class ConsoleDelivery:
    """Reminders for the console user, printed in the terminal while the console runs."""

    def __init__(self, console: Console) -> None:
        self._console = console

    async def deliver(self, item: Outgoing) -> DeliveryResult:
        try:
            self._console.show(item.message)
        except OSError as exc:  # the terminal went away
            return Undeliverable(f"the terminal is closed ({type(exc).__name__})")
        return Delivered()


def console_user() -> UserKey:
    """The one user of the console: whoever runs it."""
    return UserKey("console", "local", getpass.getuser())


async def run_console(
    engine: Engine,
    *,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    scheduler: Callable[[Console], Scheduler] | None = None,
) -> int:
    """Run until end of input; exit status 0. With `scheduler`, due reminders print too."""
    console = Console(engine, out=stdout, user=console_user().user)
    interactive = stdin.isatty()
    ticking = asyncio.create_task(scheduler(console).run()) if scheduler is not None else None
    try:
        await console.send(Start())
        while True:
            if interactive:
                print("> ", end="", file=stdout, flush=True)
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                return 0
            if line.strip():
                await console.send(console.event_for(line.rstrip("\n")))
    finally:
        if ticking is not None:
            ticking.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticking
