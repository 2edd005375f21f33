"""The core stays platform-free, and imports nothing above it: adapters depend on bot/, never
the other way round."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"
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
