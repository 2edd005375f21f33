"""slack-manifest.yml creates the app in one paste, with the scopes the bot needs and no more."""

from __future__ import annotations

import json
import re

from fakes.spec_check import spec_file
from support.processes import REPO as ROOT

MANIFEST = ROOT / "slack-manifest.yml"
ADAPTER = ROOT / "adapters" / "slack"
SPEC = spec_file("slack_web_openapi_v2_without_examples.json")


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
    assert _items_under(lines, "bot_events") == ["app_home_opened", "message.im", "user_change"]
    assert "socket_mode_enabled: true" in text
    assert "interactivity:\n    is_enabled: true" in text


def test_usage_hint_mentions_reminders() -> None:
    hint = next(line for line in MANIFEST.read_text().splitlines() if "usage_hint:" in line)
    assert "remind" in hint and "reminders" in hint


# The bot scope each Web API method the adapter calls needs (api.slack.com/methods). Methods
# that need none are listed too, so that a new call must be added here, scope and all.
METHOD_SCOPES: dict[str, set[str]] = {
    "auth_test": set(),
    "apps_connections_open": set(),  # the app-level token's connections:write
    "chat_postMessage": {"chat:write"},
    "chat_update": {"chat:write"},
    "views_open": set(),
    "views_publish": set(),
    "users_info": {"users:read"},
    # public and private channels; the app checks no DMs
    "conversations_info": {"channels:read", "groups:read"},
    # whether a user is in a channel, listing their public and private channels (access.py)
    "users_conversations": {"channels:read", "groups:read"},
    # looking for a reminder's earlier post (posted.py): channels, private ones, the DM
    "conversations_history": {"channels:history", "groups:history", "im:history"},
    "conversations_open": {"im:write"},
    # an export's files to the user's DM: files.getUploadURLExternal, the upload, and
    # files.completeUploadExternal (sending.py); never files_upload, retired for new apps
    "files_upload_v2": {"files:write"},
}
# Scopes that come with features rather than calls: the slash command, the message.im event,
# and the user_change event (users:read).
FEATURE_SCOPES = {"commands", "im:history", "users:read"}
_CALL = re.compile(r"\b_?client\.([a-z]+(?:_[A-Za-z0-9]+)+)\(")


def _methods_called() -> set[str]:
    return {m for path in ADAPTER.glob("*.py") for m in _CALL.findall(path.read_text())}


def test_manifest_asks_for_exactly_the_scopes_the_code_uses() -> None:
    called = _methods_called()
    assert {"chat_postMessage", "users_info", "conversations_info", "views_open"} <= called
    assert "files_upload" not in called
    unknown = called - METHOD_SCOPES.keys()
    assert not unknown, f"add the scopes of {sorted(unknown)} to METHOD_SCOPES"
    needed = set().union(*(METHOD_SCOPES[m] for m in called)) | FEATURE_SCOPES
    asked = _items_under(MANIFEST.read_text().splitlines(), "bot")
    assert len(asked) == len(set(asked))
    assert set(asked) == needed
    # Posts go only where the app was invited (no chat:write.public); im:write only finds the
    # DM whose history posted.py reads, since posts reach a DM by the user's id.
    assert "chat:write.public" not in asked


def test_method_scopes_agree_with_the_web_api_spec() -> None:
    paths = json.loads(SPEC.read_text())["paths"]
    for method, scopes in METHOD_SCOPES.items():
        path = "/" + method.replace("_", ".", 1)
        if path not in paths:
            continue  # apps.connections.open takes an app-level token; not in this spec
        allowed = {s for op in paths[path].values() for s in op["security"][0]["slackAuth"]}
        for scope in scopes:
            # The spec still names chat:write by its old bot form, chat:write:bot.
            assert scope in allowed or f"{scope}:bot" in allowed, (method, scope, allowed)
