""".env.example is the one list of settings: it names every field of Settings exactly once, with a
comment, and shows each default as Settings reads it. The docs point there, so the two cannot
drift apart.

The rules for the file:
- a setting is a line `NAME=value` (NAME as Settings reads it from the environment);
- every setting line belongs to a block of consecutive setting lines directly under a `#`
  comment line; a block holds one setting, or two that one comment explains together (a pair
  such as SLACK_HOST and SLACK_PORT, or the two shard settings);
- the value is the setting's default, written out; a setting with no default (or an empty one,
  such as no server ids) is left empty.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from bot.common.errors import SettingsError
from bot.config.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / ".env.example"
SETTING_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)")
MAX_UNDER_ONE_COMMENT = 2


class Listed(NamedTuple):
    name: str
    value: str
    line: int  # 1-based, for messages


def env_name(field: str) -> str:
    """The environment variable Settings reads `field` from."""
    info = Settings.model_fields[field]
    alias = info.validation_alias or info.alias
    if alias is not None and not isinstance(alias, str):
        pytest.fail(f"{field}: aliases other than one name are not handled by this test")
    prefix = Settings.model_config.get("env_prefix", "")
    name = alias if isinstance(alias, str) else prefix + field
    return name if Settings.model_config.get("case_sensitive") else name.upper()


SETTINGS = {env_name(field): field for field in Settings.model_fields}


def listed(text: str) -> list[Listed]:
    return [
        Listed(m.group(1), m.group(2), number)
        for number, line in enumerate(text.splitlines(), start=1)
        if (m := SETTING_LINE.fullmatch(line))
    ]


def blocks(text: str) -> list[tuple[str | None, list[str]]]:
    """Each run of consecutive setting lines, with the line just above it (None at the top)."""
    found: list[tuple[str | None, list[str]]] = []
    above: str | None = None
    current: list[str] = []
    for line in text.splitlines():
        if m := SETTING_LINE.fullmatch(line):
            if not current:
                found.append((above, current))
            current.append(m.group(1))
        else:
            current = []
        above = line
    return found


def default_of(field: str) -> Any:
    return Settings.model_fields[field].get_default(call_default_factory=True)


def test_every_setting_is_listed_exactly_once() -> None:
    names = [entry.name for entry in listed(EXAMPLE.read_text())]
    missing = [name for name in SETTINGS if name not in names]
    twice = sorted({name for name in names if names.count(name) > 1})
    assert missing == [], (
        f".env.example lacks {', '.join(missing)}: add NAME=default with a comment"
    )
    assert twice == [], f".env.example lists {', '.join(twice)} more than once"


def test_every_listed_name_is_a_setting() -> None:
    unknown = [
        f"{e.name} (line {e.line})" for e in listed(EXAMPLE.read_text()) if e.name not in SETTINGS
    ]
    assert unknown == [], f".env.example lists what bot/config/settings.py does not read: {unknown}"


def test_every_setting_has_a_comment_directly_above() -> None:
    problems = []
    for above, names in blocks(EXAMPLE.read_text()):
        if above is None or not above.startswith("#"):
            problems.append(f"{names[0]}: no `#` comment line directly above it")
        if len(names) > MAX_UNDER_ONE_COMMENT:
            problems.append(
                f"{', '.join(names[1:])}: give each its own comment "
                f"(one comment explains at most {MAX_UNDER_ONE_COMMENT} settings)"
            )
    assert problems == [], "\n".join(problems)


def test_every_value_is_the_default_as_settings_reads_it() -> None:
    problems = []
    for entry in listed(EXAMPLE.read_text()):
        field = SETTINGS.get(entry.name)
        if field is None:
            continue  # reported by test_every_listed_name_is_a_setting
        default = default_of(field)
        if default in (None, (), ""):
            if entry.value != "":
                problems.append(
                    f"{entry.name}: its default is empty, so leave it empty, not {entry.value!r}"
                )
            continue
        if entry.value == "":
            problems.append(f"{entry.name}: write its default out, so a reader sees it")
            continue
        try:
            read = getattr(load_settings({entry.name: entry.value}, env_file=None), field)
        except SettingsError as exc:
            problems.append(f"{entry.name}: {entry.value!r} is refused: {'; '.join(exc.problems)}")
            continue
        if read != default:
            problems.append(
                f"{entry.name}: {entry.value!r} reads as {read!r}, but the default is {default!r}"
            )
    assert problems == [], "\n".join(problems)


def test_the_whole_file_loads_as_the_defaults(tmp_path: Path) -> None:
    # `cp .env.example .env` must give a bot that starts as if there were no .env at all.
    env = tmp_path / ".env"
    env.write_text(EXAMPLE.read_text())
    from_example = load_settings({}, env_file=env).model_dump()
    assert from_example == load_settings({}, env_file=None).model_dump()
