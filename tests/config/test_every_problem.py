"""One run lists every problem with the settings: no problem waits behind another."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.common.errors import SettingsError
from bot.config.settings import load_settings


def problems_of(environ: dict[str, str], env_file: Path | None = None) -> list[str]:
    with pytest.raises(SettingsError) as caught:
        load_settings(environ, env_file=env_file)
    return caught.value.problems


def names(problems: list[str]) -> list[str]:
    return sorted(p.split(":", 1)[0] for p in problems)


def test_a_bad_timezone_does_not_hide_a_missing_signing_secret():
    problems = problems_of({"DEFAULT_TIMEZONE": "Mars/Base", "SLACK_BOT_TOKEN": "xoxb-1"})
    assert names(problems) == ["DEFAULT_TIMEZONE", "SLACK_SIGNING_SECRET"]


def test_a_bad_value_does_not_hide_the_shard_settings_that_disagree():
    problems = problems_of(
        {"LOG_LEVEL": "loud", "DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "1,2"}
    )
    assert names(problems) == ["DISCORD_SHARD_IDS", "LOG_LEVEL"]
    assert any("shard 2 does not exist" in p for p in problems)


def test_a_malformed_app_token_still_needs_a_bot_token_beside_it():
    # The app token is set, only wrong: the bot token it needs is a second, separate problem.
    problems = problems_of({"SLACK_APP_TOKEN": "xoxb-not-an-app-token"})
    assert names(problems) == ["SLACK_APP_TOKEN", "SLACK_BOT_TOKEN"]


def test_a_setting_with_a_problem_is_named_once():
    # DISCORD_SHARD_COUNT=0 is out of range; "required with DISCORD_SHARD_IDS" would say it twice.
    problems = problems_of({"DISCORD_SHARD_COUNT": "0", "DISCORD_SHARD_IDS": "0"})
    assert names(problems) == ["DISCORD_SHARD_COUNT"]


def test_an_unreadable_dotenv_does_not_hide_the_environments_problems(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_bytes(b"DEFAULT_TIMEZONE=UTC\nCONVERSATION_TTL=\xff\n")
    problems = problems_of({"DEFAULT_TIMEZONE": "Mars/Base", "SLACK_BOT_TOKEN": "xoxb-1"}, env_file)
    assert problems[0].startswith(f"{env_file}: line 2")
    assert names(problems[1:]) == ["DEFAULT_TIMEZONE", "SLACK_SIGNING_SECRET"]


def test_a_token_with_a_space_and_the_wrong_prefix_says_both_in_one_line():
    problems = problems_of({"SLACK_BOT_TOKEN": "xoxp-1 2", "SLACK_SIGNING_SECRET": "s"})
    [line] = problems
    assert line.startswith("SLACK_BOT_TOKEN:")
    assert "copy it again" in line and "starts with xoxb-" in line and "xoxp-1" not in line


def test_every_id_that_is_not_a_number_is_named():
    [line] = problems_of({"DISCORD_GUILD_IDS": "12,abc,34,x y"})
    assert "'abc'" in line and "'x y'" in line and "'12'" not in line
