"""The benchmarks subclass the fakes to time them (bench/); mypy does not read bench/, so a fake
method whose parameters change would leave the bench's override of it behind, and `make bench`
would break with a TypeError inside the fake. This keeps each override in step."""

from __future__ import annotations

import importlib.util
import inspect
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _bench_modules() -> list[str]:
    return sorted(p.stem for p in BENCH.glob("bench_*.py"))


def _overrides(module_name: str) -> list[tuple[str, object, object]]:
    """(where, override, overridden) for each method a bench class redefines from a base."""
    if str(BENCH) not in sys.path:
        sys.path.append(str(BENCH))  # for their `from common import ...`, as when run as scripts
    module = sys.modules.get(module_name)
    if module is None:
        spec = importlib.util.spec_from_file_location(module_name, BENCH / f"{module_name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    found = []
    for cls in vars(module).values():
        if not inspect.isclass(cls) or cls.__module__ != module.__name__:
            continue
        for name, override in vars(cls).items():
            if name.startswith("__") or not inspect.isfunction(override):
                continue
            for base in cls.__mro__[1:]:
                if name in vars(base):
                    found.append((f"{cls.__name__}.{name}", override, vars(base)[name]))
                    break
    return found


@pytest.mark.parametrize("module_name", _bench_modules())
def test_bench_overrides_take_the_parameters_of_the_methods_they_replace(
    module_name: str,
) -> None:
    for where, override, overridden in _overrides(module_name):
        ours = list(inspect.signature(override).parameters)  # type: ignore[arg-type]
        theirs = list(inspect.signature(overridden).parameters)  # type: ignore[arg-type]
        assert ours == theirs, f"{module_name}: {where}{ours} no longer matches {theirs}"


def test_the_benches_do_override_fake_methods() -> None:
    """The check above has something to check: the Discord bench replaces the spec check."""
    names = [where for where, _, _ in _overrides("bench_discord")]
    assert "TimedFake._refuse_off_spec" in names
