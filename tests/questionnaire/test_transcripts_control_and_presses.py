"""Control words, resuming and presses, read as transcripts: back, restart, cancel, why and help;
starting again part way through; stale, repeated, forged and expired presses. Each test is what
a user does and what the bot says."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.common.events import Text
from bot.common.replies import Kind
from bot.questionnaire import texts
from bot.questionnaire.rules import QUESTIONS

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


# --- wording rules ----------------------------------------------------------------------------


async def test_presses_that_change_nothing_are_marked_refused(alice, clock):
    await alice.start("Acme")
    q1 = alice.last
    assert (await alice.press(q1.choices[0].id)).refused is False
    assert (await alice.press(q1.choices[0].id)).refused is True  # already answered
    assert (await alice.press("tp:-:nothing:here")).refused is True  # unknown button
    clock.advance(timedelta(days=2))
    assert (await alice.press(alice.question().choices[0].id)).refused is True  # expired
