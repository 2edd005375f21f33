"""The `takeorpass` command as a user runs it: a real process, a pipe, a database file."""

from __future__ import annotations

import pytest
from support.processes import run_takeorpass as _run

from adapters.console import GOODBYE


def test_piped_console_reaches_take_it_and_exits_zero(tmp_path):
    result = _run(["console"], "Acme — Data Analyst\n3\n2\n2\n1\n1\n1\n1\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "TAKE IT — Acme — Data Analyst" in result.stdout
    assert "Question 7 of 7" in result.stdout
    assert "  1) No way" in result.stdout
    assert result.stderr == ""
    assert (tmp_path / "takeorpass.db").exists()


def test_no_tokens_runs_the_console_and_history_persists_between_runs(tmp_path):
    first = _run([], "skip\n1\n", tmp_path)  # "no way": the verdict at once
    assert "PASS" in first.stdout
    second = _run([], "cancel\nhistory\n", tmp_path)
    assert second.returncode == 0
    assert "Pass (no company given)" in second.stdout


def test_a_fresh_process_resumes_at_the_same_question(tmp_path):
    _run(["console"], "Acme\n3\n2\n", tmp_path)
    second = _run(["console"], "resume\n", tmp_path)
    assert "at question 3 of 7" in second.stdout
    # End of input says goodbye; just before it, the console waits on the resumed question.
    shown, goodbye = second.stdout.rstrip().rsplit("\n", 1)
    assert goodbye == GOODBYE
    assert shown.rstrip().endswith("(or type back, restart, cancel, why)")
    assert "When did you last do a real interview?" in second.stdout.split("Resume it")[1]


def test_a_piped_console_ends_with_the_goodbye_at_end_of_input(tmp_path):
    result = _run(["console"], "Acme\n3\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().splitlines()[-1] == GOODBYE
    assert result.stdout.count(GOODBYE) == 1
    assert result.stderr == ""


@pytest.mark.parametrize("word", ["quit", "exit", "  QUIT  "])
def test_quit_or_exit_alone_on_a_line_ends_the_console_before_the_next_line(tmp_path, word):
    result = _run(["console"], f"{word}\nhelp\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().splitlines()[-1] == GOODBYE
    # Neither the word nor anything after it reached the conversation.
    assert "Question 1 of 7" not in result.stdout
    assert "didn't catch" not in result.stdout.lower()
    assert result.stdout.count("Which company and role is it?") == 1


def test_quit_inside_a_sentence_is_an_answer_not_a_way_out(tmp_path):
    result = _run(["console"], "I might quit soon\n", tmp_path)
    assert "Question 1 of 7" in result.stdout


def test_bad_settings_stop_with_one_line_each_and_no_traceback(tmp_path):
    result = _run([], "", tmp_path, DEFAULT_TIMEZONE="Nowhere/Land", CONVERSATION_TTL="soon")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("takeorpass: ") for line in lines)
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["slack", "discord"])
def test_a_platform_without_its_token_says_which_setting_is_missing(tmp_path, command):
    result = _run([command], "", tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("takeorpass: ") and "_TOKEN: required" in result.stderr


def test_check_prints_what_would_run_with_secrets_masked(tmp_path):
    result = _run(
        ["check"],
        "",
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-0000-very-secret",
        SLACK_APP_TOKEN="xapp-1-very-secret",
    )
    assert result.returncode == 0
    assert "very-secret" not in result.stdout
    assert "would run: slack (socket mode)" in result.stdout


def test_check_fails_with_the_problem(tmp_path):
    result = _run(["check"], "", tmp_path, SLACK_BOT_TOKEN="xoxb-1")
    assert result.returncode == 1
    assert "SLACK_SIGNING_SECRET" in result.stderr


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"CONVERSATION_TTL": "99999999999999999d"}, "CONVERSATION_TTL: "),
        ({"DATABASE_URL": "postgresqlfoo://x"}, "DATABASE_URL: "),
        ({"DATABASE_URL": "postgresql://h:99999/db"}, "DATABASE_URL: "),
        ({"DATABASE_URL": "postgresql://[::1"}, "DATABASE_URL: "),
        ({"DATABASE_URL": "sqlite:///"}, "DATABASE_URL: "),
        ({"DATABASE_TIMEOUT": "1h"}, "DATABASE_TIMEOUT: "),
        ({"SLACK_HOST": "[::1]"}, "SLACK_HOST: "),
    ],
)
@pytest.mark.parametrize("command", [["check"], []])
def test_settings_edge_cases_stop_check_and_start_with_one_line(tmp_path, env, says, command):
    result = _run(command, "", tmp_path, **env)
    assert result.returncode == 1
    assert result.stderr.startswith(f"takeorpass: {says}"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "takeorpass.db").exists()


def test_a_dotenv_that_is_not_utf8_stops_check_with_one_line(tmp_path):
    (tmp_path / ".env").write_bytes(b"DEFAULT_TIMEZONE=Europe/Z\xfcrich\n")
    result = _run(["check"], "", tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("takeorpass: .env: ") and "UTF-8" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_check_lists_the_database_timeout(tmp_path):
    result = _run(["check"], "", tmp_path, DATABASE_TIMEOUT="2s")
    assert result.returncode == 0, result.stderr
    assert "DATABASE_TIMEOUT=2s" in result.stdout
