"""Answering the questionnaire, read as transcripts: pressing or typing through to the verdict,
the company step, and the verdict words kept for the verdict. Each test is what a user does and
what the bot says."""

from __future__ import annotations

import re

import pytest

from bot.common.events import Start, Text
from bot.common.replies import Kind
from bot.engine.router import command_event
from bot.questionnaire import texts


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
