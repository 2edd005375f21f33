"""The conversation, read as transcripts: each test is what a user does and what the bot says."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from support.harness import Transcript

from bot.common.events import Press, Start, Text
from bot.common.replies import Kind
from bot.common.users import UserKey
from bot.engine.router import command_event
from bot.questionnaire import texts
from bot.questionnaire.rules import QUESTIONS


def _verdict(reply) -> str:
    assert reply.kind is Kind.VERDICT
    return re.match(r"TAKE IT|LEAN TAKE|PASS", reply.text).group(0)


# --- verdicts through the whole flow ----------------------------------------------------------


@pytest.mark.parametrize(
    ("numbers", "verdict"),
    [
        # certainty, insight, rust, dream, interviewer, pending, cost (1-based, SPEC order)
        ((3, 2, 2, 1, 1, 1, 1), "TAKE IT"),  # the README example: score 8
        ((2, 1, 1, 2, 3, 3, 2), "PASS"),  # doubtful +1, some hassle -1: score 0
        ((2, 1, 1, 2, 3, 3, 3), "LEAN TAKE"),  # doubtful only: score 1
        ((3, 1, 1, 2, 3, 3, 3), "LEAN TAKE"),  # maybe: score 2
        ((3, 2, 1, 2, 3, 3, 3), "TAKE IT"),  # maybe + only on paper: score 3
        ((1,), "PASS"),  # no way: the verdict comes at once
    ],
    ids=["example-8", "score-0", "score-1", "score-2", "score-3", "no-way"],
)
async def test_pressing_through_the_questionnaire_gives_the_verdict(alice, numbers, verdict):
    await alice.start("Acme — Data Analyst")
    reply = await alice.answer_all(*numbers)
    assert _verdict(reply) == verdict
    assert reply.text.startswith(verdict)
    history = await alice.engine.history(alice.key)
    assert [h.verdict for h in history] == [verdict]
    assert (history[0].company, history[0].role) == ("Acme", "Data Analyst")


async def test_verdict_lists_reasons_tips_and_for_pass_a_decline_note(alice):
    await alice.start("Acme — Data Analyst")
    take = await alice.answer_all(3, 2, 2, 1, 1, 1, 1)
    titles = [s.title for s in take.sections]
    assert titles == [
        texts.VERDICT_REASONS_FOR,
        texts.VERDICT_REASONS_AGAINST,
        texts.VERDICT_TIPS,
        texts.VERDICT_ANSWERS,
    ]
    reasons = take.sections[0].lines + take.sections[1].lines
    for name in ("Want:", "Practice:", "People:", "Leverage:", "Time:"):
        assert any(line.startswith(name) for line in reasons), name
    assert take.note is None
    await alice.start()
    await alice.say("skip")
    passed = await alice.answer_all(2, 1, 1, 2, 3, 3, 1)  # doubtful +1, slip away -3
    assert passed.text.startswith("PASS")
    assert passed.note is not None
    assert "stay in touch" in passed.note.lines[0]
    assert not any(s.title == texts.VERDICT_TIPS for s in passed.sections)


# --- typed answers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        ["3", "2", "2", "1", "1", "1", "1"],  # numbers
        [
            "Maybe",
            "only on paper",
            "A year or more ago",
            "yes",
            "a recruiter",
            "Yes, in late rounds",
            "I'd have to slip away from work",
        ],  # labels, any case
        ["possibly", "posting", "ages", "yep", "HR", "finals", "full-time"],  # synonyms
    ],
    ids=["numbers", "labels", "synonyms"],
)
async def test_typed_answers_by_number_label_or_synonym(alice, typed):
    await alice.start("Acme")
    for text in typed[:-1]:
        reply = await alice.say(text)
        assert reply.kind is Kind.QUESTION
    assert _verdict(await alice.say(typed[-1])) == "TAKE IT"


async def test_nonsense_is_reprompted_with_the_choices_and_changes_nothing(alice):
    await alice.start("Acme")
    await alice.say("3")
    before, _ = await alice.engine.store.load(alice.key)
    reply = await alice.say("purple elephant")
    assert reply.kind is Kind.ERROR
    assert "1 (From the inside)" in reply.text and "2 (Only on paper)" in reply.text
    after, _ = await alice.engine.store.load(alice.key)
    assert after.conversation.answers == before.conversation.answers
    assert after.conversation.step_id == "insight"
    assert (await alice.say("2")).step_id == "rust"


async def test_three_misses_in_a_row_apologise_first_then_ask_the_question_with_its_buttons(alice):
    await alice.start("Acme")
    first = await alice.say("?!")
    second = await alice.say("dunno")
    assert first.buttons == () and second.buttons == ()
    apology, question = await alice.send(Text("whatever"))
    assert apology.kind is Kind.ERROR and apology.text.startswith("Still not matching, sorry")
    assert apology.buttons == ()
    assert question.kind is Kind.QUESTION and question.step_id == "certainty"
    assert [b.label for b in question.choices] == ["No way", "Doubtful", "Maybe"]
    assert "cancel" in [b.id.rsplit(":", 1)[1] for b in question.controls]
    assert (await alice.press(question.choices[2].id)).step_id == "insight"


# --- control words ----------------------------------------------------------------------------


async def test_back_returns_to_previous_question_and_forgets_its_answer(alice):
    await alice.start("Acme")
    await alice.say("3")
    await alice.say("2")
    reply = await alice.say("back")
    assert reply.step_id == "insight" and reply.progress == (2, 7)
    session, _ = await alice.engine.store.load(alice.key)
    assert session.conversation.answers == (("certainty", "maybe"),)
    assert (await alice.say("back")).step_id == "certainty"
    first = await alice.say("back")
    assert first.step_id == "certainty" and first.notice == texts.AT_FIRST


async def test_back_on_the_company_step_says_it_is_the_first_step(alice):
    reply = await alice.start()
    assert reply.step_id == "company"
    again = await alice.say("back")
    assert again.step_id == "company" and again.notice == texts.AT_COMPANY


async def test_back_button_from_the_current_question_works(alice):
    await alice.start("Acme")
    q2 = await alice.say("2")
    back = next(b for b in q2.controls if b.id.endswith(":back"))
    assert (await alice.press(back.id)).step_id == "certainty"


async def test_restart_goes_to_question_one_keeping_the_company(alice):
    await alice.start("Acme — Analyst")
    await alice.answer_all(3, 2, 1)
    old_q4 = alice.last
    reply = await alice.say("restart")
    assert reply.step_id == "certainty" and reply.notice == texts.RESTARTED
    assert reply.conversation_id != old_q4.conversation_id
    assert (await alice.press(old_q4.choices[0].id)).text == texts.STALE
    verdict = await alice.answer_all(3, 2, 2, 1, 1, 1, 1)
    assert verdict.text.startswith("TAKE IT — Acme — Analyst")


@pytest.mark.parametrize("answered", [0, 4])
async def test_cancel_drops_the_questionnaire_and_keeps_no_history(alice, answered):
    await alice.start()
    await alice.say("Acme")
    await alice.answer_all(*([2] * answered))
    reply = await alice.say("cancel")
    assert reply.text == texts.CANCELLED
    session, _ = await alice.engine.store.load(alice.key)
    assert session.conversation is None
    assert await alice.engine.history(alice.key) == []
    assert (await alice.say("cancel")).text == texts.NOTHING_TO_CANCEL


async def test_cancel_on_the_company_step(alice):
    await alice.start()
    assert (await alice.say("cancel")).text == texts.CANCELLED


@pytest.mark.parametrize("answered", [0, 3, 6])
async def test_why_explains_the_current_question_and_keeps_its_place(alice, answered):
    await alice.start("Acme")
    await alice.answer_all(*([2] * answered))
    reply = await alice.say("why")
    question = QUESTIONS[answered]
    assert reply.notice == question.why and reply.step_id == question.id
    assert [b.label for b in reply.choices] == [c.label for c in question.choices]


async def test_why_on_the_company_step(alice):
    await alice.start()
    assert (await alice.say("Why")).notice == texts.COMPANY_WHY


@pytest.mark.parametrize("answered", [None, 0, 5])
async def test_help_explains_and_re_asks_the_current_question(alice, answered):
    if answered is None:
        reply = await alice.say("help")
        assert reply.kind is Kind.INFO and "history" in reply.text
        session, _ = await alice.engine.store.load(alice.key)
        # Asking for help starts nothing: only its button is remembered, for a typed "1".
        assert session.conversation is None and session.pending is None
        assert [b.label for b in session.shown] == [texts.START_ONE]
        return
    await alice.start("Acme")
    await alice.answer_all(*([2] * answered))
    reply = await alice.say("help")
    assert reply.kind is Kind.QUESTION and "back" in reply.notice
    assert reply.step_id == QUESTIONS[answered].id


async def test_control_words_win_over_answers_on_the_company_step(alice):
    await alice.start()
    reply = await alice.say("restart")
    # "restart" is not taken as the company name.
    assert reply.step_id == "certainty"
    session, _ = await alice.engine.store.load(alice.key)
    assert session.conversation.company is None


# --- company step -----------------------------------------------------------------------------


async def test_company_step_takes_company_and_role_or_skip(alice):
    reply = await alice.start()
    assert reply.step_id == "company" and reply.progress is None
    q1 = await alice.say("  Globex  -  Staff Engineer ")
    assert q1.notice == "Got it: Globex — Staff Engineer."
    assert q1.progress_text == "Question 1 of 7"
    await alice.say("cancel")
    await alice.start()
    skip = next(b for b in alice.last.buttons if b.id.endswith(":company:skip"))
    assert (await alice.press(skip.id)).step_id == "certainty"


async def test_typing_to_the_bot_out_of_the_blue_starts_at_question_one(alice):
    reply = await alice.say("hi")
    assert reply.step_id == "certainty" and reply.notice == texts.INTRO_TYPED


def test_slash_command_text_maps_to_start_or_command():
    assert command_event("") == Start()
    assert command_event("Acme — Data Analyst") == Start("Acme — Data Analyst")
    assert command_event("history") == Text("history")
    assert command_event("forget me") == Text("forget me")
    assert command_event(" help ") == Text("help")
    assert command_event("start Acme") == Text("start Acme")


# --- resume, stale and repeated presses -------------------------------------------------------


async def test_starting_again_asks_resume_or_start_over(alice):
    await alice.start("Acme")
    await alice.answer_all(3, 2)
    prompt = await alice.start("Initech — QA")
    assert "question 3 of 7" in prompt.text and "(Acme)" in prompt.text
    resume, over = prompt.buttons
    reply = await alice.press(resume.id)
    assert reply.step_id == "rust" and reply.progress == (3, 7)
    await alice.start("Initech — QA")
    fresh = await alice.say("start over")
    assert fresh.step_id == "certainty" and fresh.notice.endswith("Got it: Initech — QA.")
    assert (await alice.press(over.id)).text == texts.STALE


async def test_resume_prompt_reprompts_on_a_number_and_resumes(alice):
    await alice.start("Acme")
    await alice.say("3")
    await alice.start()
    assert (await alice.say("42")).text == texts.RESUME_RETRY
    assert (await alice.say("resume")).step_id == "insight"


async def test_a_company_typed_at_the_resume_prompt_starts_a_new_questionnaire(alice):
    await alice.start("Acme")
    await alice.say("3")
    await alice.start()
    fresh = await alice.say("Initech — QA")
    assert fresh.step_id == "certainty" and fresh.notice.endswith("Got it: Initech — QA.")


@pytest.mark.parametrize("typed", [[], ["skip"]], ids=["at-company", "nothing-answered"])
async def test_nothing_answered_is_not_worth_resuming(alice, typed):
    await alice.start()
    for line in typed:
        await alice.say(line)
    again = await alice.start()
    assert again.step_id == "company"
    assert "in progress" not in (again.notice or "") + again.text


async def test_a_number_at_the_company_step_is_not_a_company(alice):
    await alice.start()
    reply = await alice.say("3")
    assert reply.step_id == "company" and reply.notice == texts.COMPANY_NUMBER
    blank = await alice.say("   ")
    assert blank.step_id == "company" and blank.notice == texts.COMPANY_BLANK
    assert (await alice.say("Acme — Data Analyst")).step_id == "certainty"


async def test_stale_and_repeated_presses_are_already_answered(alice):
    await alice.start("Acme")
    q1 = alice.last
    q2 = await alice.press(q1.choices[2].id)
    assert q2.step_id == "insight"
    # The same press again (double click or a re-delivery).
    assert (await alice.press(q1.choices[2].id)).text == texts.STALE
    # Another choice on the old question message.
    assert (await alice.press(q1.choices[0].id)).text == texts.STALE
    session, _ = await alice.engine.store.load(alice.key)
    assert session.conversation.answers == (("certainty", "maybe"),)
    verdict = await alice.answer_all(2, 2, 1, 1, 1, 1)
    last_question = alice.said[-2]
    assert verdict.kind is Kind.VERDICT
    assert (await alice.press(last_question.choices[0].id)).text == texts.STALE
    assert len(await alice.engine.history(alice.key)) == 1


async def test_forged_button_ids_are_refused_without_change(alice):
    await alice.start("Acme")
    for raw in (
        "tp:bogus",
        "xx:a:b:c",
        "tp:-:nothing:here",
        f"tp:{alice.last.conversation_id}:certainty:yes_please",
    ):
        reply = await alice.press(raw)
        assert reply.kind in (Kind.ERROR, Kind.INFO)
    session, _ = await alice.engine.store.load(alice.key)
    assert session.conversation.answers == ()


async def test_an_untouched_questionnaire_expires_and_says_so(alice, clock):
    await alice.start("Acme")
    q1 = alice.last
    clock.advance(timedelta(hours=23))
    await alice.say("3")
    clock.advance(timedelta(hours=23, minutes=59))  # still alive: the clock restarts on use
    assert (await alice.say("why")).step_id == "insight"
    clock.advance(timedelta(hours=24, seconds=1))
    replies = await alice.send(Text("2"))
    assert "expired after 1 day" in replies[0].text
    assert replies[-1].step_id == "certainty"  # a new one started from the typed message
    clock.advance(timedelta(days=2))
    expired_press = await alice.press(q1.choices[0].id)
    assert "expired" in expired_press.text


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


# --- wording rules ----------------------------------------------------------------------------


async def test_only_the_verdict_uses_the_verdict_words_in_capitals(alice):
    await alice.say("help")
    await alice.start()
    await alice.say("why")
    await alice.say("skip")
    await alice.say("nonsense")
    await alice.answer_all(3, 2, 2, 1, 1, 1, 1)
    await alice.say("history")
    await alice.start("Acme")
    await alice.start()
    await alice.say("forget me")
    capitals = re.compile(r"\b(TAKE IT|LEAN TAKE|PASS)\b")
    for reply in alice.said:
        everything = " ".join(
            [reply.text, reply.notice or "", *(b.label for b in reply.buttons)]
            + [line for s in reply.sections for line in (s.title, *s.lines)]
        )
        if reply.kind is Kind.VERDICT:
            assert capitals.match(reply.text)
            everything = everything[len(capitals.match(reply.text).group(0)) :]
        assert not capitals.search(everything), everything


async def test_presses_that_change_nothing_are_marked_refused(alice, clock):
    await alice.start("Acme")
    q1 = alice.last
    assert (await alice.press(q1.choices[0].id)).refused is False
    assert (await alice.press(q1.choices[0].id)).refused is True  # already answered
    assert (await alice.press("tp:-:nothing:here")).refused is True  # unknown button
    clock.advance(timedelta(days=2))
    assert (await alice.press(alice.question().choices[0].id)).refused is True  # expired
