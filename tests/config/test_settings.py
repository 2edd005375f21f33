"""Settings: defaults, an injectable environment, `.env`, and one clear line per problem."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.common.errors import SettingsError
from bot.config.settings import load_settings


def test_defaults_match_the_spec():
    s = load_settings({}, env_file=None)
    assert s.database_url == "sqlite:///takeorpass.db"
    assert s.default_timezone == "UTC"
    assert s.conversation_ttl == timedelta(hours=24)
    assert s.reminder_offsets == (timedelta(hours=24), timedelta(hours=1))
    assert s.reminder_followup == timedelta(days=1)
    assert s.reminder_grace == timedelta(hours=1)
    assert s.log_level == "INFO"
    assert (s.slack_host, s.slack_port, s.slack_command) == ("0.0.0.0", 3000, "/takeorpass")
    assert s.slack_api_url == "https://slack.com/api/"
    assert s.discord_api_url == "https://discord.com/api/v10"
    assert s.platforms == ("console",)


def test_values_come_from_the_given_environment_in_any_case():
    s = load_settings(
        {
            "CONVERSATION_TTL": "90m",
            "reminder_offsets": "2d, 30m",
            "LOG_LEVEL": "debug",
            "DISCORD_TOKEN": "abc.def",
            "DISCORD_GUILD_IDS": "1, 2",
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_APP_TOKEN": "xapp-1",
        },
        env_file=None,
    )
    assert s.conversation_ttl == timedelta(minutes=90)
    assert s.reminder_offsets == (timedelta(days=2), timedelta(minutes=30))
    assert s.log_level == "DEBUG"
    assert s.discord_guild_ids == (1, 2)
    assert s.platforms == ("slack", "discord") and s.slack_mode == "socket"


def test_environment_wins_over_dotenv_and_empty_values_are_unset(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEFAULT_TIMEZONE=Europe/Berlin\nCONVERSATION_TTL=2h\nSLACK_BOT_TOKEN=\n")
    s = load_settings({"CONVERSATION_TTL": "3h"}, env_file=env_file)
    assert s.default_timezone == "Europe/Berlin"
    assert s.conversation_ttl == timedelta(hours=3)
    assert s.slack_bot_token is None


def test_every_bad_value_is_one_line_naming_its_variable():
    with pytest.raises(SettingsError) as caught:
        load_settings(
            {
                "DATABASE_URL": "mysql://x",
                "DEFAULT_TIMEZONE": "Mars/Base",
                "CONVERSATION_TTL": "forever",
                "SLACK_PORT": "99999",
                "DISCORD_GUILD_IDS": "12,abc",
                "SLACK_BOT_TOKEN": "xoxp-user-token",
                "LOG_LEVEL": "loud",
            },
            env_file=None,
        )
    problems = caught.value.problems
    names = sorted(p.split(":", 1)[0] for p in problems)
    assert names == sorted(
        [
            "DATABASE_URL",
            "DEFAULT_TIMEZONE",
            "CONVERSATION_TTL",
            "SLACK_PORT",
            "DISCORD_GUILD_IDS",
            "SLACK_BOT_TOKEN",
            "LOG_LEVEL",
            # A malformed bot token is still a bot token: HTTP mode needs the secret with it.
            "SLACK_SIGNING_SECRET",
        ]
    )
    assert all("\n" not in p for p in problems)
    assert any("Mars/Base" in p and "IANA" in p for p in problems)


def test_slack_http_mode_needs_the_signing_secret():
    with pytest.raises(SettingsError) as caught:
        load_settings({"SLACK_BOT_TOKEN": "xoxb-1"}, env_file=None)
    assert caught.value.problems[0].startswith("SLACK_SIGNING_SECRET:")
    s = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, env_file=None)
    assert s.slack_mode == "http"


def test_describe_masks_secrets_and_passwords():
    s = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-123456789-secret",
            "SLACK_SIGNING_SECRET": "abcdef0123456789",
            "DATABASE_URL": "postgresql://bot:hunter2@db/takeorpass",
        },
        env_file=None,
    )
    text = "\n".join(s.describe())
    assert "secret" not in text.replace("SECRET", "") and "hunter2" not in text
    assert "SLACK_BOT_TOKEN=xoxb-…" in text
    assert "DATABASE_URL=postgresql://bot:…@db/takeorpass" in text
    assert "CONVERSATION_TTL=1d" in text and "REMINDER_OFFSETS=1d,1h" in text


def problem_for(name: str, value: str) -> str:
    """The one line that `NAME=value` alone gives."""
    with pytest.raises(SettingsError) as caught:
        load_settings({name: value}, env_file=None)
    assert len(caught.value.problems) == 1
    return caught.value.problems[0]


def test_a_bad_log_level_is_our_own_line_not_pydantics():
    assert problem_for("LOG_LEVEL", "loud") == (
        "LOG_LEVEL: 'loud' is not a log level; use DEBUG, INFO, WARNING or ERROR"
    )


def test_an_unsupported_database_url_is_echoed_with_its_password_masked():
    problem = problem_for("DATABASE_URL", "mysql://u:hunter2@h/db")
    assert problem == (
        "DATABASE_URL: 'mysql://u:…@h/db' is not supported; "
        "use sqlite:///path.db or postgresql://user:pass@host/db"
    )


@pytest.mark.parametrize("value", ["C0123ABCD", "G01ABCDEF9"])
def test_slack_job_hunt_channel_takes_a_channel_id(value):
    s = load_settings({"SLACK_JOB_HUNT_CHANNEL": value}, env_file=None)
    assert s.slack_job_hunt_channel == value


@pytest.mark.parametrize("value", ["general", "#job-hunt", "c0123abcd"])
def test_slack_job_hunt_channel_by_name_says_to_use_the_id_and_where_it_is(value):
    problem = problem_for("SLACK_JOB_HUNT_CHANNEL", value)
    assert problem.startswith(f"SLACK_JOB_HUNT_CHANNEL: {value!r} is not a channel id;")
    assert "not the name" in problem and "C0123ABCD" in problem
    assert "at the bottom" in problem


def test_discord_job_hunt_channel_takes_a_snowflake():
    s = load_settings({"DISCORD_JOB_HUNT_CHANNEL": "1100000000000000001"}, env_file=None)
    assert s.discord_job_hunt_channel == "1100000000000000001"


@pytest.mark.parametrize("value", ["general", "#job-hunt", "<#1100000000000000001>"])
def test_discord_job_hunt_channel_that_is_not_a_number_says_how_to_copy_the_id(value):
    problem = problem_for("DISCORD_JOB_HUNT_CHANNEL", value)
    assert problem.startswith(f"DISCORD_JOB_HUNT_CHANNEL: {value!r} is not a channel id;")
    assert "Developer Mode" in problem and "Copy Channel ID" in problem


# --- edge cases: each one line, never a traceback ---------------------------------------------


@pytest.mark.parametrize("value", ["99999999999999999d", "9" * 5000 + "s", "36600d", "6000w"])
def test_an_absurdly_long_duration_says_it_is_too_long(value):
    problem = problem_for("CONVERSATION_TTL", value)
    assert problem.startswith("CONVERSATION_TTL: ")
    assert "too long" in problem and "at most 100 years" in problem
    assert len(problem) < 200  # a 5,000-digit value is not echoed whole


def test_a_long_duration_within_the_cap_is_taken():
    s = load_settings({"CONVERSATION_TTL": "5200w"}, env_file=None)
    assert s.conversation_ttl == timedelta(weeks=5200)


def test_an_absurd_offset_in_a_list_is_too_long_too():
    problem = problem_for("REMINDER_OFFSETS", "1h,99999999999999999d")
    assert problem.startswith("REMINDER_OFFSETS: ") and "too long" in problem


def test_database_timeout_defaults_to_five_seconds_and_takes_durations():
    assert load_settings({}, env_file=None).database_timeout == timedelta(seconds=5)
    s = load_settings({"DATABASE_TIMEOUT": "2s"}, env_file=None)
    assert s.database_timeout == timedelta(seconds=2)
    assert "DATABASE_TIMEOUT=2s" in s.describe()


@pytest.mark.parametrize(
    ("value", "says"),
    [("0s", "longer than zero"), ("11m", "at most 10m"), ("1h", "at most 10m"), ("soon", "90s")],
)
def test_a_bad_database_timeout_is_one_line(value, says):
    problem = problem_for("DATABASE_TIMEOUT", value)
    assert problem.startswith("DATABASE_TIMEOUT: ") and says in problem


def test_platform_timeout_defaults_to_ten_seconds_and_takes_durations():
    assert load_settings({}, env_file=None).platform_timeout == timedelta(seconds=10)
    s = load_settings({"PLATFORM_TIMEOUT": "2s"}, env_file=None)
    assert s.platform_timeout == timedelta(seconds=2)
    assert "PLATFORM_TIMEOUT=2s" in s.describe()


@pytest.mark.parametrize(
    ("value", "says"),
    [("0s", "longer than zero"), ("6m", "at most 5m"), ("soon", "90s")],
)
def test_a_bad_platform_timeout_is_one_line(value, says):
    problem = problem_for("PLATFORM_TIMEOUT", value)
    assert problem.startswith("PLATFORM_TIMEOUT: ") and says in problem


def test_a_dotenv_that_is_not_utf8_names_the_file_and_the_line(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_bytes(b"LOG_LEVEL=INFO\nDEFAULT_TIMEZONE=Europe/Z\xfcrich\n")
    with pytest.raises(SettingsError) as caught:
        load_settings({}, env_file=env_file)
    (problem,) = caught.value.problems
    assert problem.startswith(f"{env_file}: ")
    assert "line 2" in problem and "UTF-8" in problem


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresqlfoo://x", "is not supported"),
        ("mysql://u@h/db", "is not supported"),
        ("postgres://u@h/db", "postgresql://"),
        ("postgresql://u@h:99999/db", "port 99999"),
        ("postgresql://u@h:0/db", "port 0"),
        ("postgresql://u:hunter2@h:abc/db", "not a database URL"),
        ("postgresql://[::1", "not a database URL"),
        ("postgresql://ho st/db", "host"),
        ("postgresql://", "database"),
        ("sqlite:///", "file"),
        ("sqlite://", "file"),
        ("sqlite:///:memory:", "file"),
        ("sqlite:///file::memory:?uri=true", "file"),
        ("sqlite:///t.db?mode=memory", "file"),
        ("sqlite://somehost/t.db", "sqlite:///"),
        ("not a url", "not a database URL"),
    ],
)
def test_a_database_url_that_would_not_work_is_one_line(url, says):
    problem = problem_for("DATABASE_URL", url)
    assert problem.startswith("DATABASE_URL: ") and says in problem, problem
    assert "hunter2" not in problem
    assert "Traceback" not in problem and "\n" not in problem


def test_in_memory_sqlite_is_refused_with_a_file_path_to_use():
    problem = problem_for("DATABASE_URL", "sqlite:///:memory:")
    assert "sqlite:///takeorpass.db" in problem and "memory" in problem


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///takeorpass.db",
        "sqlite:////var/lib/takeorpass/t.db",
        "sqlite+pysqlite:///t.db",
        "postgresql://bot:pw@db.example.com:5432/takeorpass",
        "postgresql+psycopg://bot@[::1]:5432/takeorpass",
        "postgresql:///takeorpass",  # the local server, over its Unix socket
    ],
)
def test_working_database_urls_are_taken(url):
    assert load_settings({"DATABASE_URL": url}, env_file=None).database_url == url


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0", "::", "::1", "localhost", "bot.local"])
def test_slack_host_takes_addresses_and_host_names(host):
    assert load_settings({"SLACK_HOST": host}, env_file=None).slack_host == host


@pytest.mark.parametrize(
    ("host", "says"),
    [("[::1]", "without brackets"), ("my host", "not a host"), ("http://x", "not a host")],
)
def test_a_bad_slack_host_is_reported_as_slack_host(host, says):
    problem = problem_for("SLACK_HOST", host)
    assert problem.startswith("SLACK_HOST: ") and says in problem


def test_a_slack_host_and_port_both_bad_are_two_lines_each_naming_its_own():
    with pytest.raises(SettingsError) as caught:
        load_settings({"SLACK_HOST": "not a host", "SLACK_PORT": "99999"}, env_file=None)
    names = sorted(p.split(":", 1)[0] for p in caught.value.problems)
    assert names == ["SLACK_HOST", "SLACK_PORT"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SLACK_BOT_TOKEN", "xoxb-1 2"),
        ("SLACK_APP_TOKEN", "xapp-1-é"),
        ("SLACK_SIGNING_SECRET", "abc\tdef"),
        ("DISCORD_TOKEN", "abc.def ghi"),
    ],
)
def test_a_token_with_spaces_or_non_ascii_characters_is_one_line(name, value):
    env = {name: value}
    if name != "SLACK_BOT_TOKEN":
        env["SLACK_BOT_TOKEN"] = "xoxb-1"
    with pytest.raises(SettingsError) as caught:
        load_settings(env, env_file=None)
    (problem,) = [p for p in caught.value.problems if p.startswith(name)]
    assert "copy it again" in problem and value not in problem


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"REMINDER_LEASE": "2m"}, "REMINDER_LEASE: 2m is out of range; between 1s and 60s"),
        ({"REMINDER_LEASE": "500ms"}, "REMINDER_LEASE:"),
        ({"DISCORD_SHARD_IDS": "0"}, "DISCORD_SHARD_COUNT: required with DISCORD_SHARD_IDS"),
        (
            {"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "1,2"},
            "DISCORD_SHARD_IDS: shard 2 does not exist with DISCORD_SHARD_COUNT=2",
        ),
        ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "one"}, "DISCORD_SHARD_IDS: shard ids"),
        ({"DISCORD_SHARD_COUNT": "0"}, "DISCORD_SHARD_COUNT:"),
    ],
)
def test_lease_and_shard_settings_are_checked_with_one_line_each(values, problem):
    with pytest.raises(SettingsError) as caught:
        load_settings({"DISCORD_TOKEN": "x" * 30} | values, env_file=None)
    [line] = caught.value.problems
    assert line.startswith(problem)


def test_each_instance_paces_reminders_at_its_shards_part_of_the_bots_discord_limit():
    from adapters.discord import claim_batch, reminder_pace

    alone = load_settings({}, env_file=None)
    one_of_three = load_settings(
        {"DISCORD_SHARD_COUNT": "3", "DISCORD_SHARD_IDS": "1"}, env_file=None
    )
    two_of_four = load_settings(
        {"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "0,3", "DISCORD_RATE_LIMIT": "100"},
        env_file=None,
    )
    every_shard = load_settings({"DISCORD_SHARD_COUNT": "4"}, env_file=None)
    assert reminder_pace(alone) == pytest.approx(45)
    assert reminder_pace(one_of_three) == pytest.approx(15)
    assert reminder_pace(two_of_four) == pytest.approx(45)
    assert reminder_pace(every_shard) == pytest.approx(45)
    # About two seconds of posts claimed at a time, so no instance sits on work others could do.
    assert (claim_batch(alone), claim_batch(one_of_three)) == (90, 30)
