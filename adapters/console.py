"""The console adapter: the conversation in a terminal, reading lines from standard input."""

from __future__ import annotations

import asyncio
import codecs
import getpass
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from bot.common.errors import TakeOrPassError
from bot.common.events import Event, Press, Start, Text
from bot.common.replies import Attachment, Button, ButtonRole, Reply
from bot.common.users import UserKey
from bot.engine.engine import Engine
from bot.reminders import texts as reminder_texts
from bot.reminders.commands import EditReminder
from bot.reminders.model import Delivered, DeliveryResult, Outgoing, Undeliverable
from bot.reminders.scheduler import Scheduler

log = logging.getLogger(__name__)

FAILED = "Something went wrong on my side; your answers so far are kept. Please try again."
GOODBYE = "Bye for now. Your answers so far are saved; run takeorpass again to carry on."
# Typed alone on a line, these end the console program instead of reaching the conversation.
LEAVE_WORDS = frozenset({"quit", "exit"})
SAVED = "Saved {path}"
NOT_SAVED = "Couldn't save {name} in {folder}: {reason}"


def save_files(folder: Path, files: Sequence[Attachment]) -> list[Path | str]:
    """Write each file into `folder` under its own name, never over an existing file (the
    second `x.csv` of a folder is `x-2.csv`, then `x-3.csv` …); the absolute path of each,
    or one line saying why it could not be written."""
    saved: list[Path | str] = []
    for file in files:
        name = Path(file.name).name  # a name, never a path elsewhere
        stem, suffix = Path(name).stem, Path(name).suffix
        for number in range(1, 1000):
            path = folder / (name if number == 1 else f"{stem}-{number}{suffix}")
            try:
                with path.open("xb") as out:
                    out.write(file.data)
            except FileExistsError:
                continue
            except OSError as exc:
                reason = exc.strerror or type(exc).__name__
                saved.append(NOT_SAVED.format(name=name, folder=folder, reason=reason))
            else:
                saved.append(path.resolve())
            break
    return saved


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

    def __init__(
        self, engine: Engine, *, out: TextIO, user: str, folder: Path | None = None
    ) -> None:
        self._engine = engine
        self._out = out
        # Where the files of a reply (an export) are written: the current folder.
        self._folder = folder
        self._key = UserKey("console", "local", user)
        self._numbered: list[Button] = []
        # The reminder whose Edit was pressed: the next line is its new time or text.
        self._editing: int | None = None

    async def send(self, event: Event | EditReminder) -> None:
        """Handle one event and print what the bot says. Edit on a reminder asks for the
        change as the next typed line (the console's form)."""
        if isinstance(event, Press) and await self._asks_edit(event):
            return
        try:
            replies = await self._engine.handle(self._key, event)
        except TakeOrPassError as exc:
            log.warning("console event failed: %s", type(exc).__name__)
            self._print(FAILED)
            return
        numbered: list[Button] = []
        for reply in replies:
            numbered = self.show(reply) or numbered
            if reply.files:
                folder = self._folder or Path.cwd()
                saved = await asyncio.to_thread(save_files, folder, reply.files)
                self._print(
                    "\n".join(SAVED.format(path=p) if isinstance(p, Path) else p for p in saved)
                )
        self._numbered = numbered

    def show(self, reply: Reply) -> list[Button]:
        """Print one reply; its buttons, if it has any, become what typed numbers press."""
        text, buttons = render(reply)
        self._print(text)
        if buttons:
            self._numbered = buttons
        return buttons

    async def _asks_edit(self, press: Press) -> bool:
        button, reminders = press.button, self._engine.reminders
        if button is None or (button.step, button.value) != ("occ", "edit"):
            return False
        if reminders is None or not button.scope.isdigit():
            return False
        try:
            form = await reminders.edit_form(self._key, int(button.scope))
        except TakeOrPassError as exc:
            log.warning("console edit failed: %s", type(exc).__name__)
            self._print(FAILED)
            return True
        if isinstance(form, Reply):
            self._print(form.text)
            return True
        self._editing = form.occurrence_id
        self._print(reminder_texts.EDIT_ASK_LINE.format(text=form.text, when=form.when))
        return True

    def event_for(self, line: str) -> Event | EditReminder:
        """A number picks the button shown with it; anything else is typed text. After Edit,
        the line is that reminder's new time or text."""
        if self._editing is not None:
            editing, self._editing = self._editing, None
            return EditReminder(editing, typed=line)
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


class Lines:
    """The lines arriving on standard input, awaited without holding up the event loop.

    A worker thread blocked in `readline` would keep the process alive after Ctrl-C (shutdown
    waits for it), so a terminal or pipe is watched by the event loop itself. A regular file or
    an in-memory stream cannot be watched that way, but reading one never waits either."""

    def __init__(self, stdin: TextIO) -> None:
        self._stdin = stdin
        self._loop = asyncio.get_running_loop()
        self._arrived: asyncio.Queue[str] = asyncio.Queue()
        self._partial = ""
        self._decode = codecs.getincrementaldecoder(stdin.encoding or "utf-8")("replace").decode
        self._fd = self._watch()

    def _watch(self) -> int | None:
        try:
            fd = self._stdin.fileno()
            self._loop.add_reader(fd, self._readable, fd)
        except (OSError, ValueError, NotImplementedError):
            # No descriptor (io.StringIO), or one the selector refuses (a regular file).
            return None
        return fd

    async def readline(self) -> str:
        """The next line with its newline; "" at end of input, as `TextIO.readline` does."""
        if self._fd is None:
            return self._stdin.readline()
        line = await self._arrived.get()
        if not line:
            self._arrived.put_nowait("")  # the end stays the end
        return line

    def close(self) -> None:
        """Stop watching standard input."""
        if self._fd is not None:
            self._loop.remove_reader(self._fd)

    def _readable(self, fd: int) -> None:
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return
        except OSError:  # EIO: the terminal hung up; that is the end of input too
            data = b""
        *complete, self._partial = (self._partial + self._decode(data, not data)).split("\n")
        for line in complete:
            self._arrived.put_nowait(line + "\n")
        if not data:
            self.close()
            if self._partial:  # a last line with no newline still counts
                self._arrived.put_nowait(self._partial)
            self._arrived.put_nowait("")


async def run_console(
    engine: Engine,
    *,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    scheduler: Callable[[Console], Scheduler] | None = None,
    leave: asyncio.Event | None = None,
) -> int:
    """Talk until end of input, `quit`/`exit`, or `leave` is set (Ctrl-C), then say goodbye.

    With `scheduler`, due reminders print too. The exit status is 0 on every way out."""
    console = Console(engine, out=stdout, user=console_user().user)
    interactive = stdin.isatty()
    lines = Lines(stdin)
    ticking = asyncio.create_task(scheduler(console).run()) if scheduler is not None else None
    talking = asyncio.create_task(_talk(console, lines, prompt=stdout if interactive else None))
    waiting = asyncio.create_task((leave or asyncio.Event()).wait())
    try:
        await asyncio.wait((talking, waiting), return_when=asyncio.FIRST_COMPLETED)
    finally:
        lines.close()
        await _end(ticking, waiting, talking)
    said_quit = not talking.cancelled() and talking.result()
    # Ctrl-C and Ctrl-D leave the cursor after the prompt; the goodbye starts a line of its own.
    if interactive and not said_quit:
        print(file=stdout)
    print(GOODBYE, file=stdout, flush=True)
    return 0


async def _talk(console: Console, lines: Lines, *, prompt: TextIO | None) -> bool:
    """Run the conversation until end of input (False) or a word that leaves (True)."""
    await console.send(Start())
    while True:
        if prompt is not None:
            print("> ", end="", file=prompt, flush=True)
        line = await lines.readline()
        if not line:
            return False
        typed = line.rstrip("\r\n")
        # Leaving is the console's business, not the conversation's: the engine never sees it.
        if typed.strip().lower() in LEAVE_WORDS:
            return True
        # A blank line goes to the core too: at the company step it gets a hint, not silence.
        await console.send(console.event_for(typed))


async def _end(*tasks: asyncio.Task[Any] | None) -> None:
    """Cancel the tasks and wait until all have ended; then raise the first one's failure."""
    running = [task for task in tasks if task is not None]
    for task in running:
        task.cancel()
    for outcome in await asyncio.gather(*running, return_exceptions=True):
        if isinstance(outcome, Exception):  # a cancelled task's CancelledError is not one
            raise outcome
