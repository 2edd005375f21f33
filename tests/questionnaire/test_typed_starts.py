"""Typed starts as people really type them: punctuation or invisible characters before `start`,
and huge or control-laden company text while another questionnaire is open."""

from __future__ import annotations

import io
import sqlite3

import pytest
from support.harness import Transcript
from support.processes import run_takeorpass

from adapters.console import Console
from bot.common.events import Text
from bot.common.replies import Kind
from bot.common.users import UserKey
from bot.questionnaire.reading import MAX_COMPANY_CHARS

KEY = UserKey("slack", "T1", "U_TYPIST")

# Each is what a user might type; all of them mean "start a questionnaire about Acme".
STARTS = [
    "!start Acme",
    "/start Acme",
    "...start Acme",
    "\u200bstart Acme",  # a zero-width space pasted before it
    "\ufeffstart Acme",  # a byte-order mark, as some clipboards add
    "  ¡START   Acme ",
    "start: Acme",
]


@pytest.mark.parametrize("typed", STARTS)
async def test_start_after_punctuation_or_an_invisible_character_keeps_the_whole_company(
    engine, typed
):
    user = Transcript(engine, KEY)
    reply = await user.say(typed)
    assert reply.kind is Kind.QUESTION
    assert "Got it: Acme." in (reply.notice or "") + (reply.text or "")
    session, _ = await engine.store.load(KEY)
    assert session is not None and session.conversation is not None
    assert session.conversation.company == "Acme"


@pytest.mark.parametrize("typed", ["!start Acme — Data Analyst", "\u200bstart Acme — Data Analyst"])
async def test_start_after_a_stray_character_still_splits_company_and_role(engine, typed):
    await Transcript(engine, KEY).say(typed)
    session, _ = await engine.store.load(KEY)
    assert session is not None and session.conversation is not None
    conv = session.conversation
    assert (conv.company, conv.role) == ("Acme", "Data Analyst")


async def test_start_alone_after_punctuation_asks_for_the_company(engine):
    reply = await Transcript(engine, KEY).say("!start")
    session, _ = await engine.store.load(KEY)
    assert session is not None and session.conversation is not None
    assert session.conversation.company is None
    assert "Which company and role" in (reply.text or "")


@pytest.mark.parametrize("typed", ["!start Acme", "\u200bstart Acme", "...start Acme"])
async def test_the_console_starts_about_the_same_company(engine, typed):
    out = io.StringIO()
    console = Console(engine, out=out, user="tester")
    await console.send(console.event_for(typed))
    assert "Got it: Acme." in out.getvalue()
    assert "t Acme" not in out.getvalue() and "art Acme" not in out.getvalue()


def test_the_console_program_reads_a_start_after_punctuation(tmp_path):
    result = run_takeorpass(["console"], "\u200b!start Acme — Data Analyst\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Got it: Acme — Data Analyst." in result.stdout


def _stored_state_size(db_path: str, key: UserKey) -> int:
    with sqlite3.connect(db_path) as conn:
        row = conn.execute(
            "SELECT length(CAST(state AS BLOB)) FROM sessions WHERE user_id = ?", (key.user,)
        ).fetchone()
    return int(row[0])


async def _mid_questionnaire(user: Transcript) -> None:
    await user.say("start Old Co")
    question = user.question()
    await user.press(question.choices[2].id)  # "could be convinced": the questionnaire goes on
    assert user.question().progress is not None


HUGE = "Acme\x00\x01 — Data\x00 Analyst" + "\x00x" * 500_000  # about 1 MB


async def test_a_huge_start_while_a_questionnaire_is_open_is_stored_cut_and_cleaned(engine, db_url):
    user = Transcript(engine, KEY)
    await _mid_questionnaire(user)
    reply = await user.say("start " + HUGE)
    assert reply.buttons, "asks resume or start over"
    session, _ = await engine.store.load(KEY)
    assert session is not None and session.pending is not None
    pending = session.pending.company or ""
    assert "\x00" not in pending and "\x01" not in pending
    assert len(pending) <= MAX_COMPANY_CHARS
    assert _stored_state_size(db_url.removeprefix("sqlite:///"), KEY) < 4_000


async def test_starting_over_after_a_huge_start_uses_the_cleaned_company(engine):
    user = Transcript(engine, KEY)
    await _mid_questionnaire(user)
    await user.say("start " + HUGE)
    await user.say("start over")
    session, _ = await engine.store.load(KEY)
    assert session is not None and session.conversation is not None
    conv = session.conversation
    assert conv.company == "Acme"
    assert conv.role is not None and conv.role.startswith("Data Analyst")
    assert "\x00" not in conv.role and len(conv.role) <= MAX_COMPANY_CHARS


async def test_resuming_after_a_huge_start_keeps_the_open_questionnaire(engine):
    user = Transcript(engine, KEY)
    await _mid_questionnaire(user)
    await user.say("start " + HUGE)
    await user.say("resume")
    session, _ = await engine.store.load(KEY)
    assert session is not None and session.conversation is not None
    assert session.conversation.company == "Old Co"
    assert session.pending is None


async def test_a_slash_command_start_while_a_questionnaire_is_open_is_cut_too(engine, db_url):
    # `/takeorpass <company>` arrives as a Start event with the raw text.
    from bot.engine.router import command_event

    user = Transcript(engine, KEY)
    await _mid_questionnaire(user)
    await user.send(command_event(HUGE))
    session, _ = await engine.store.load(KEY)
    assert session is not None and session.pending is not None
    assert "\x00" not in (session.pending.company or "")
    assert _stored_state_size(db_url.removeprefix("sqlite:///"), KEY) < 4_000
    await user.send(Text("2"))  # "start over", by number
    session, _ = await engine.store.load(KEY)
    assert session is not None and session.conversation is not None
    assert session.conversation.company == "Acme"
