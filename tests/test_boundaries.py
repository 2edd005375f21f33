"""The core's layers import one way, and the core stays platform-free: adapters depend on bot/,
never the other way round.

bot/ is a house of floors, highest first. A module may import from its own floor and the floors
below it, never from one above:

    engine          routes each event to a wing; the only part that sees them all
    record          the user's record outside the chat: export, the weekly look back
    reminders       the reminders wing
    storage         the database behind one interface
    questionnaire   the questionnaire wing; knows nothing of reminders
    config          settings
    common          replies, errors, the clock, the user key, events, button ids
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"
LAYERS = ("engine", "record", "reminders", "storage", "questionnaire", "config", "common")
PLATFORM_LIBRARIES = {"slack_bolt", "slack_sdk", "discord"}
ADAPTERS = {"adapters"}
# Ways to import a module named by a string, which an `import` statement scan would not see.
IMPORT_CALLS = {"import_module", "__import__"}


def imported_modules(source: str, filename: str = "<source>") -> list[str]:
    """Every absolute module name the source imports, wherever the import sits (top level,
    inside a function, under `if TYPE_CHECKING`) and whether by statement or by name."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.Call) and node.args:
            called = node.func
            name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
            first = node.args[0]
            if name in IMPORT_CALLS and isinstance(first, ast.Constant):
                names.append(str(first.value))
    return names


def core_imports_of(roots: set[str]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted(BOT.rglob("*.py"))
        for name in imported_modules(path.read_text(), str(path))
        if name.split(".")[0] in roots
    ]


def core_modules() -> list[Path]:
    """Every module of bot/ but the package's own __init__ and the migrations."""
    return [
        p
        for p in sorted(BOT.rglob("*.py"))
        if "migrations" not in p.parts and p != BOT / "__init__.py"
    ]


def layer_of(module: str) -> str | None:
    """The floor of a module of bot/ (`bot.reminders.when` is on `reminders`); None for bot
    itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def upward_imports(path: Path, source: str) -> list[str]:
    """Every import in `source` (a module of bot/ at `path`) of a floor above its own."""
    own = LAYERS.index(path.relative_to(BOT).parts[0])
    found = []
    for name in imported_modules(source, str(path)):
        target = layer_of(name) if name.split(".")[0] == "bot" else None
        if target is not None and target in LAYERS and LAYERS.index(target) < own:
            found.append(f"{path.relative_to(ROOT)} ({LAYERS[own]}) imports {name} ({target})")
    return found


def test_every_core_module_lives_on_a_floor():
    loose = [
        str(p.relative_to(ROOT))
        for p in core_modules()
        if len(p.relative_to(BOT).parts) < 2 or p.relative_to(BOT).parts[0] not in LAYERS
    ]
    assert loose == []


def test_no_core_module_imports_a_floor_above_its_own():
    found = [line for p in core_modules() for line in upward_imports(p, p.read_text())]
    assert found == []


def test_the_floor_check_catches_an_import_running_back_up():
    # The questionnaire reaching up for a reminder command.
    wrong = "from bot.reminders.commands import is_command\n"
    path = BOT / "questionnaire" / "flow.py"
    assert upward_imports(path, wrong) == [
        "bot/questionnaire/flow.py (questionnaire) imports bot.reminders.commands (reminders)"
    ]
    assert upward_imports(BOT / "engine" / "engine.py", wrong) == []


def test_no_core_module_re_exports_names_with_all():
    hubs = [str(p.relative_to(ROOT)) for p in core_modules() if "__all__" in p.read_text()]
    assert hubs == []


def test_nothing_under_bot_imports_a_platform_library():
    assert core_imports_of(PLATFORM_LIBRARIES) == []


def test_nothing_under_bot_imports_the_adapters():
    assert core_imports_of(ADAPTERS) == []


def test_the_import_scan_sees_imports_inside_functions_and_by_name():
    source = (
        "import importlib\n"
        "def run():\n"
        "    from adapters.console import run_console\n"
        "    import adapters.slack\n"
        "    importlib.import_module('adapters.discord')\n"
    )
    assert imported_modules(source) == [
        "importlib",
        "adapters.console",
        "adapters.slack",
        "adapters.discord",
    ]


def test_importing_every_core_module_loads_no_platform_library_and_no_adapter():
    modules = sorted(
        "bot." + ".".join(p.relative_to(BOT).with_suffix("").parts)
        for p in BOT.rglob("*.py")
        if "migrations" not in p.parts and p.name != "__init__.py"
    )
    forbidden = PLATFORM_LIBRARIES | ADAPTERS
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(sorted(n for n in sys.modules if n.split('.')[0] in {forbidden!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_takeorpass_command_starts_outside_the_core():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["takeorpass"] == "adapters.cli:main"
    assert not (BOT / "cli.py").exists()
