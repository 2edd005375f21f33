"""Typed answers are read by meaning: synonyms and word overlap, a near miss asked back ("Did you
mean …?") and confirmed by a yes, and a miss that apologises before asking again."""

from __future__ import annotations

import pytest
from support.harness import T0

from bot.common.errors import ImpossibleState
from bot.common.events import Text
from bot.common.replies import Kind
from bot.questionnaire import texts
from bot.questionnaire.reading import Reading, edits, read_choice
from bot.questionnaire.state import (
    Conversation,
    Session,
    Stage,
    session_from_json,
    session_to_json,
)

# The answers a new user typed (issue 18), each with the choice it means.
THE_ISSUES_ANSWERS = [
    ("interviewer", "the hiring manager", "team"),
    ("rust", "over a year ago", "while"),
    ("rust", "2 years ago", "while"),
    ("cost", "not much", "free"),
    ("cost", "my time is flexible", "free"),
    ("insight", "I know people there", "well"),
]


@pytest.mark.parametrize(("question", "typed", "meant"), THE_ISSUES_ANSWERS)
def test_the_issues_answers_are_read_for_sure(question, typed, meant):
    assert read_choice(question, typed) == Reading(meant)


@pytest.mark.parametrize(
    ("question", "typed", "meant"),
    [
        ("interviewer", "probably the hiring manager I think", None),  # "probably" unexplained
        ("interviewer", "The Team!", "team"),
        ("interviewer", "someone from HR", None),
        ("interviewer", "talent acquisition", "recruiter"),
        ("interviewer", "i don't know", "unknown"),
        ("rust", "2 months ago", "recent"),
        ("rust", "a few weeks ago", "recent"),
        ("rust", "not long ago", "recent"),
        ("rust", "ages ago", "while"),
        ("rust", "more than a year", "while"),
        ("rust", "I'm a new grad", "new"),
        ("rust", "early in my career", "new"),
        ("insight", "not well", "paper"),
        ("insight", "i don't know it", "paper"),
        ("insight", "only from the posting", "paper"),
        ("insight", "I worked there", "well"),
        ("certainty", "not for me at all", "no_way"),
        ("certainty", "no idea", "doubtful"),
        ("certainty", "not sure", "doubtful"),
        ("certainty", "could be", "maybe"),
        ("cost", "no hassle", "free"),
        ("cost", "a bit of hassle", "some"),
        ("cost", "I'd have to take a day off", "sneak"),
        ("pending", "final round", "late"),
        ("pending", "just applied", "early"),
        ("dream", "nothing coming up", "no"),
        ("dream", "one coming up soon", "yes"),
    ],
)
def test_an_answer_in_a_few_words_is_read_when_one_choice_explains_every_word(
    question, typed, meant
):
    assert read_choice(question, typed).value == meant


@pytest.mark.parametrize(
    ("question", "typed", "guess"),
    [
        ("interviewer", "recruter", "recruiter"),  # a typo
        ("interviewer", "definitely a recruiter", "recruiter"),  # a word it can't explain
        ("rust", "a couple of years back", "while"),
        ("cost", "flexable", "free"),
        ("dream", "sooon", "yes"),
    ],
)
def test_a_near_miss_is_only_a_guess(question, typed, guess):
    assert read_choice(question, typed) == Reading(guess=guess)


@pytest.mark.parametrize(
    ("question", "typed"),
    [
        ("rust", "not recent"),  # a "not" the choice doesn't have is no near miss
        ("interviewer", "not a recruiter"),
        ("certainty", "whatever"),
        ("certainty", "?!"),
        ("dream", "purple elephant"),
        ("cost", "42"),
    ],
)
def test_a_turned_round_or_unrelated_answer_is_neither_read_nor_guessed(question, typed):
    assert read_choice(question, typed) == Reading()


def test_numbers_labels_and_exact_synonyms_still_name_their_choice():
    assert read_choice("certainty", "3") == Reading("maybe")
    assert read_choice("rust", "A year or more ago") == Reading("while")
    assert read_choice("cost", "full-time") == Reading("sneak")


def test_a_slip_is_one_edit_a_swap_counting_as_one():
    assert edits("remnd", "remind") == 1
    assert edits("histroy", "history") == 1
    assert edits("setings", "settings") == 1
    assert edits("acme", "remind") > 2


# --- in a conversation -----------------------------------------------------------------------


async def _at_rust(alice):
    await alice.start("Acme")
    await alice.say("3")
    return await alice.say("2")


async def test_a_near_miss_is_asked_back_and_a_yes_answers_it(alice):
    await _at_rust(alice)
    asked = await alice.say("a couple of years back")
    assert asked.kind is Kind.ERROR
    assert asked.text.startswith("Did you mean “A year or more ago”? Type yes, or pick one: ")
    assert "1 (In the last few months)" in asked.text
    assert "back" in asked.text and "why" in asked.text
    session, _ = await alice.engine.store.load(alice.key)
    assert session.conversation.step_id == "rust"
    following = await alice.say("yes")
    assert following.step_id == "dream"
    session, _ = await alice.engine.store.load(alice.key)
    assert dict(session.conversation.answers)["rust"] == "while"


async def test_a_no_to_the_near_miss_asks_for_the_choice_and_answers_nothing(alice):
    await _at_rust(alice)
    await alice.say("a couple of years back")
    again = await alice.say("no")
    assert again.text.startswith("Then pick one: 1 (In the last few months)")
    session, _ = await alice.engine.store.load(alice.key)
    assert session.conversation.step_id == "rust"
    assert (await alice.say("1")).step_id == "dream"


async def test_the_guess_holds_for_the_next_text_only(alice):
    await _at_rust(alice)
    await alice.say("a couple of years back")
    await alice.say("why")
    # "yes" now is no answer to the rust question: it is a miss, not the old guess.
    reply = await alice.say("yes")
    assert reply.text.startswith("I didn't catch that")
    session, _ = await alice.engine.store.load(alice.key)
    assert session.conversation.step_id == "rust"


async def test_where_yes_is_a_choice_the_near_miss_is_asked_without_type_yes(alice):
    await _at_rust(alice)
    await alice.say("1")
    asked = await alice.say("sooon")
    assert asked.text.startswith("Did you mean “Yes”? Pick one: 1 (Yes), 2 (No).")
    assert (await alice.say("no")).step_id == "interviewer"  # "no" is the answer No here
    session, _ = await alice.engine.store.load(alice.key)
    assert dict(session.conversation.answers)["dream"] == "no"


async def test_the_retry_hint_keeps_back_and_why(alice):
    await alice.start("Acme")
    first = await alice.say("purple elephant")
    assert first.text == texts.RETRY.format(
        choices="1 (No way), 2 (Doubtful), 3 (Maybe)", hint=texts.RETRY_HINT
    )
    assert "why" in first.text and "back" not in first.text  # no back at the first question
    await alice.say("3")
    second = await alice.say("purple elephant")
    assert "why (why I ask), back, or cancel" in second.text


async def test_the_third_miss_apologises_before_the_question_on_the_console(alice):
    from adapters.console import render

    await alice.start("Acme")
    await alice.say("purple")
    await alice.say("elephant")
    replies = await alice.send(Text("banana"))
    printed = "\n".join(render(reply)[0] for reply in replies)
    assert printed.index("Still not matching, sorry") < printed.index("Question 1 of 7")
    assert printed.index("Question 1 of 7") < printed.index("Is there any chance")


def test_a_guess_is_kept_with_the_conversation_and_read_back():
    conv = Conversation("c1", Stage.QUESTIONS, T0, T0, (("certainty", "maybe"),), guess="paper")
    session = Session(conv)
    assert session_from_json(session_to_json(session)) == session


def test_a_stored_guess_that_is_no_choice_of_the_question_is_refused():
    conv = Conversation("c1", Stage.QUESTIONS, T0, T0, (("certainty", "maybe"),), guess="while")
    with pytest.raises(ImpossibleState):
        session_from_json(session_to_json(Session(conv)))
