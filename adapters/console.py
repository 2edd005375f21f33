"""The console adapter: the conversation in a terminal, reading lines from standard input."""

from __future__ import annotations

import asyncio
import getpass
import logging
import sys
from typing import TextIO

from bot.engine import Engine
from bot.errors import TakeOrPassError
from bot.flow import Event, Press, Start, Text
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
    numbered = [b for b in reply.buttons if b.role is not ButtonRole.CONTROL]
    if numbered and reply.sections:
        lines.append("")
    lines += [f"  {n}) {b.label}" for n, b in enumerate(numbered, start=1)]
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
            text, buttons = render(reply)
            self._print(text)
            numbered = buttons or numbered
        self._numbered = numbered

    def event_for(self, line: str) -> Event:
        """A number picks the button shown with it; anything else is typed text."""
        stripped = line.strip().rstrip(".)")
        if stripped.isdigit() and 1 <= int(stripped) <= len(self._numbered):
            return Press(self._numbered[int(stripped) - 1].id)
        return Text(line)

    def _print(self, text: str) -> None:
        print(text, file=self._out, flush=True)
        print(file=self._out, flush=True)


async def run_console(
    engine: Engine, *, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> int:
    """Run until end of input; exit status 0."""
    console = Console(engine, out=stdout, user=getpass.getuser())
    interactive = stdin.isatty()
    await console.send(Start())
    while True:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            return 0
        if line.strip():
            await console.send(console.event_for(line.rstrip("\n")))
