"""The core stays platform-free."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PLATFORM_LIBRARIES = {"slack_bolt", "slack_sdk", "discord"}
BOT = Path(__file__).resolve().parent.parent / "bot"


def test_nothing_under_bot_imports_a_platform_library():
    offenders = []
    for path in BOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path}: {n}" for n in names if n.split(".")[0] in PLATFORM_LIBRARIES]
    assert offenders == []


def test_importing_every_core_module_loads_no_platform_library():
    modules = sorted(
        "bot." + ".".join(p.relative_to(BOT).with_suffix("").parts)
        for p in BOT.rglob("*.py")
        if "migrations" not in p.parts and p.name != "__init__.py"
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(sorted(n for n in sys.modules if n.split('.')[0] in {PLATFORM_LIBRARIES!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
