"""slack-manifest.yml creates the app in one paste, with the scopes the bot needs and no more."""

from __future__ import annotations

from pathlib import Path

MANIFEST = Path(__file__).resolve().parent.parent / "slack-manifest.yml"


def _items_under(lines: list[str], key: str) -> list[str]:
    """The `- item` lines of the YAML list that follows `key:` (comments skipped)."""
    start = next(i for i, line in enumerate(lines) if line.strip() == f"{key}:")
    indent = len(lines[start]) - len(lines[start].lstrip())
    items = []
    for line in lines[start + 1 :]:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(line) - len(line.lstrip()) <= indent:
            break
        if stripped.startswith("- "):
            items.append(stripped[2:].strip())
    return items


def test_manifest_has_command_app_home_events_and_socket_mode() -> None:
    text = MANIFEST.read_text()
    lines = text.splitlines()
    assert "- command: /takeorpass" in text
    assert "should_escape: true" in text
    assert "home_tab_enabled: true" in text and "messages_tab_enabled: true" in text
    assert "messages_tab_read_only_enabled: false" in text
    assert _items_under(lines, "bot_events") == ["app_home_opened", "message.im"]
    assert "socket_mode_enabled: true" in text
    assert "interactivity:\n    is_enabled: true" in text


def test_manifest_asks_for_the_needed_scopes_only() -> None:
    lines = MANIFEST.read_text().splitlines()
    assert _items_under(lines, "bot") == [
        "commands",
        "chat:write",
        "chat:write.public",
        "im:history",
    ]
