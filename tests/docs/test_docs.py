"""The docs stay short, point at things that exist, and leave the list of settings to
.env.example (tests/config/test_env_example.py checks that list against the code)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = [README, *sorted((ROOT / "docs").glob("*.md"))]
README_MAX_LINES = 200
# [text](target): a Markdown link; web addresses and in-page anchors are not files.
LINK = re.compile(r"\]\(([^)\s]+)\)")
MAKE = re.compile(r"\bmake ([a-z.][\w./-]*)")


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_readme_fits_in_200_lines() -> None:
    lines = len(README.read_text().splitlines())
    assert lines <= README_MAX_LINES, (
        f"README.md has {lines} lines; keep it to {README_MAX_LINES} and move details to docs/"
    )


def test_the_readme_names_the_two_commands() -> None:
    text = README.read_text()
    assert "make run" in text and "make test" in text


def test_links_in_the_docs_point_at_files_that_exist() -> None:
    broken = []
    for doc in DOCS:
        for target in LINK.findall(doc.read_text()):
            if target.startswith(("http://", "https://", "#", "mailto:")):
                continue
            path = target.split("#", 1)[0]
            if not (doc.parent / path).exists():
                broken.append(f"{_shown(doc)}: {target}")
    assert broken == [], "links to nothing:\n" + "\n".join(broken)


def _make_targets() -> set[str]:
    """The Makefile's targets, with its simple variables ($(VENV), …) expanded."""
    text = (ROOT / "Makefile").read_text()
    variables = dict(re.findall(r"^([A-Z_]+) [:?]?= (\S+)$", text, re.M))
    targets = set()
    for name in re.findall(r"^([^\s#:=][^:=]*):(?!=)", text, re.M):
        for _ in range(5):  # variables may name other variables
            name = re.sub(r"\$\((\w+)\)", lambda m: variables.get(m.group(1), m.group(0)), name)
        targets.update(name.split())
    return targets


def test_every_make_target_the_docs_name_exists() -> None:
    targets = _make_targets()
    missing = [
        f"{_shown(doc)}: make {target}"
        for doc in DOCS
        for line in doc.read_text().splitlines()
        if "apt-get install" not in line  # there `make` is a package
        for target in MAKE.findall(line)
        if target not in targets
    ]
    assert missing == [], "no such Makefile target:\n" + "\n".join(missing)


def test_no_doc_lists_the_settings_in_a_table() -> None:
    # One list, in .env.example: a table row that opens with a setting's name is a second one.
    names = {field.upper() for field in Settings.model_fields}
    rows = [
        f"{_shown(doc)}: {line.strip()[:60]}"
        for doc in DOCS
        for line in doc.read_text().splitlines()
        if (m := re.match(r"\|\s*`([A-Z_]+)", line.strip())) and m.group(1) in names
    ]
    assert rows == [], "settings belong in .env.example, not in a table here:\n" + "\n".join(rows)


def test_the_architecture_doc_has_one_diagram_github_renders() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text()
    assert text.count("```mermaid\n") == 1


GUIDES = [ROOT / "docs" / "slack.md", ROOT / "docs" / "discord.md"]
# `takeorpass` alone in code, as a command to type (a log line such as `takeorpass: …`, the
# slash command `/takeorpass` and `.venv/bin/takeorpass` are not).
BARE_COMMAND = re.compile(r"(?:^|`)[ \t]*takeorpass(?=[\s`])", re.M)
FENCED = re.compile(r"```[a-z]*\n(.*?)```", re.S)


def test_the_guides_start_the_bot_with_make_run() -> None:
    # The command is installed in .venv/bin, not on PATH: typed bare, it is "command not found".
    bare = [
        f"{_shown(doc)}:{doc.read_text()[: m.start()].count(chr(10)) + 1}"
        for doc in GUIDES
        for m in BARE_COMMAND.finditer(doc.read_text())
    ]
    assert bare == [], "say `make run ARGS=…` instead of a bare `takeorpass …`:\n" + "\n".join(bare)


def test_each_guide_copies_the_settings_file_as_a_command_to_run() -> None:
    missing = [
        _shown(doc)
        for doc in GUIDES
        if not any("cp .env.example .env" in block for block in FENCED.findall(doc.read_text()))
    ]
    assert missing == [], "no `cp .env.example .env` in a code block:\n" + "\n".join(missing)
