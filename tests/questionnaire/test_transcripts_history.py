"""History and forget me, read as transcripts: past verdicts listed newest first, and forget me
asking first, then deleting everything of that person and nothing of anyone else's. Each test is
what a user does and what the bot says."""

from __future__ import annotations

from datetime import timedelta

from support.harness import Transcript

from bot.common.events import Press
from bot.common.replies import Kind
from bot.common.users import UserKey
from bot.questionnaire import texts

# --- history and forget me --------------------------------------------------------------------


async def test_history_lists_past_verdicts_newest_first_without_capitals(alice, clock):
    assert (await alice.say("history")).text == texts.HISTORY_EMPTY
    await alice.start("Acme — Analyst")
    await alice.answer_all(3, 2, 2, 1, 1, 1, 1)
    clock.advance(timedelta(days=3))
    await alice.start()
    await alice.say("skip")
    await alice.answer_all(1)
    reply = await alice.say("history")
    assert reply.text.startswith("2 finished questionnaires, newest first.")
    assert reply.sections[0].title == texts.HISTORY_TITLE != reply.text
    lines = reply.sections[0].lines
    assert lines[0].startswith("1. 29 Nov 2026: Pass (no company given)")
    assert lines[1] == "2. 26 Nov 2026: Take it (Acme — Analyst)"
    assert [b.label for b in reply.buttons] == ["Open 1", "Open 2", "Start another"]


async def test_forget_me_asks_first_then_deletes_everything(alice, db_url):
    await alice.start("Acme — Analyst")
    await alice.answer_all(3, 2, 2, 1, 1, 1, 1)
    await alice.engine.store.set_timezone(alice.key, "Europe/Berlin")
    await alice.start("Initech")
    prompt = await alice.say("forget me")
    assert prompt.text == texts.FORGET_PROMPT
    yes, no, export = prompt.buttons
    assert export.id == "tp:-:rec:export"
    kept = await alice.send(Press(no.id))
    assert kept[0].text == texts.FORGET_KEPT
    # The question in progress is shown again, so the next answer meets it on screen.
    assert kept[-1].kind is Kind.QUESTION and kept[-1].step_id == "certainty"
    assert len(await alice.engine.history(alice.key)) == 1
    await alice.say("forget me")
    assert (await alice.say("yes")).text == texts.FORGOTTEN
    assert (await alice.press(yes.id)).text == texts.STALE
    assert _rows_mentioning(db_url, ("U_ALICE", "Acme", "Initech")) == []


async def test_forget_me_leaves_other_users_alone(engine, db_url):
    alice = Transcript(engine, UserKey("slack", "T1", "U_ALICE"))
    bob = Transcript(engine, UserKey("slack", "T1", "U_BOB"))
    for user in (alice, bob):
        await user.start("Acme")
        await user.answer_all(3, 2, 2, 1, 1, 1, 1)
    await alice.say("forget me")
    await alice.say("yes")
    assert _rows_mentioning(db_url, ("U_ALICE",)) == []
    assert len(await engine.history(bob.key)) == 1


def _rows_mentioning(db_url: str, needles: tuple[str, ...]) -> list[tuple[str, tuple]]:
    """Every row in every table with a cell containing one of the needles."""
    import sqlite3

    path = db_url.removeprefix("sqlite:///")
    found = []
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                if any(n in str(cell) for cell in row for n in needles):
                    found.append((table, row))
    return found
