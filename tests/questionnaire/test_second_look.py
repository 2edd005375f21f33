"""A second look at a verdict, as transcripts: "no way" and "I'm not totally certain", "Change an
answer" (the new verdict replaces the old in history), and opening a past verdict."""

from __future__ import annotations

from support.harness import Transcript

from bot.common.events import Press
from bot.common.replies import Kind, Reply
from bot.questionnaire import texts


def _button(reply: Reply, label: str) -> str:
    return next(b.id for b in reply.buttons if b.label == label)


async def test_no_way_ends_the_questionnaire_at_once_with_its_own_reason(alice: Transcript):
    await alice.start("Acme — Data Analyst")
    verdict = await alice.answer_all(1)
    assert verdict.kind is Kind.VERDICT
    assert verdict.text.startswith("PASS — Acme — Data Analyst\n")
    assert "certain it's not for you" in verdict.text
    assert "cost" not in verdict.text and "■" not in verdict.text  # no balance for "no way"
    assert [s.title for s in verdict.sections] == [texts.VERDICT_WHY, texts.VERDICT_ANSWERS]
    assert verdict.sections[0].lines == ("Certain: You're certain you'd never take this job.",)
    assert verdict.note is not None
    assert "for the Data Analyst role at Acme" in verdict.note.lines[0]
    assert [b.label for b in verdict.buttons] == [
        texts.NOT_CERTAIN,
        texts.CHANGE_ANSWER,
        texts.START_ANOTHER,
    ]
    [entry] = await alice.engine.history(alice.key)
    assert entry.answers == {"certainty": "no_way"} and entry.verdict == "PASS"


async def test_not_totally_certain_asks_again_and_carries_on_to_a_new_verdict(alice):
    await alice.start("Acme — Data Analyst")
    verdict = await alice.answer_all(1)
    again = await alice.press(_button(verdict, texts.NOT_CERTAIN))
    assert again.step_id == "certainty" and again.notice == texts.NOT_CERTAIN_AGAIN
    take = await alice.answer_all(2, 2, 2, 2, 1, 1, 3)  # doubtful, paper, a while, recruiter, late
    assert take.text.startswith("TAKE IT — Acme — Data Analyst")
    [entry] = await alice.engine.history(alice.key)  # the same questionnaire, its verdict replaced
    assert entry.verdict == "TAKE IT" and entry.answers["certainty"] == "doubtful"


async def test_not_certain_can_be_typed(alice):
    await alice.start("Acme")
    await alice.answer_all(1)
    again = await alice.say("not certain")
    assert again.step_id == "certainty"
    assert (await alice.say("maybe")).step_id == "insight"


async def test_change_an_answer_replaces_the_verdict_in_history(alice):
    await alice.start("Acme — Data Analyst")
    verdict = await alice.answer_all(3, 2, 2, 1, 1, 1, 1)  # TAKE IT, would slip away
    assert verdict.text.startswith("TAKE IT")
    assert "for ■■■■■■■■■■ 10 · against ■■■ 3" in verdict.text
    picker = await alice.press(_button(verdict, texts.CHANGE_ANSWER))
    assert picker.text == texts.CHANGE_WHICH
    assert picker.buttons[0].label == "Chance you want it: Maybe"
    assert len(picker.buttons) == 7
    asked = await alice.press(_button(picker, "Chance you want it: Maybe"))
    assert asked.step_id == "certainty" and asked.notice == texts.CHANGING.format(
        question="Chance you want it"
    )
    changed = await alice.answer_all(1)  # "no way" after all
    assert changed.text.startswith("PASS — Acme — Data Analyst")
    [entry] = await alice.engine.history(alice.key)
    assert entry.verdict == "PASS" and entry.answers == {"certainty": "no_way"}


async def test_changing_one_answer_goes_straight_back_to_the_verdict(alice):
    await alice.start("Acme")
    verdict = await alice.answer_all(2, 1, 1, 2, 3, 3, 3)  # doubtful only: LEAN TAKE
    picker = await alice.press(_button(verdict, texts.CHANGE_ANSWER))
    await alice.press(_button(picker, "Cost of going: Not much, my time is flexible"))
    changed = await alice.answer_all(1)  # would have to slip away: 1 - 3
    assert changed.text.startswith("PASS — Acme")
    assert "going would cost you more" in changed.text
    [entry] = await alice.engine.history(alice.key)
    assert entry.verdict == "PASS" and entry.answers["cost"] == "sneak"
    assert len(entry.answers) == 7


async def test_cancel_while_changing_keeps_the_verdict(alice):
    await alice.start("Acme")
    verdict = await alice.answer_all(3, 2, 2, 1, 1, 1, 1)
    picker = await alice.press(_button(verdict, texts.CHANGE_ANSWER))
    await alice.press(picker.buttons[0].id)
    assert (await alice.say("cancel")).text == texts.CHANGE_KEPT
    [entry] = await alice.engine.history(alice.key)
    assert entry.verdict == "TAKE IT"


async def test_a_history_entry_opens_to_its_full_verdict(alice):
    await alice.start("Acme — Data Analyst")
    await alice.answer_all(2, 1, 1, 2, 3, 3, 1)  # PASS by the balance
    await alice.start("Initech")
    await alice.answer_all(3, 2, 2, 1, 1, 1, 1)
    history = await alice.say("history")
    opened = await alice.press(_button(history, "Open 2"))  # the older one
    assert opened.kind is Kind.VERDICT
    assert opened.text.startswith("PASS — Acme — Data Analyst")
    assert opened.note is not None and "Data Analyst role at Acme" in opened.note.lines[0]
    # And from there, an answer can be changed too.
    picker = await alice.press(_button(opened, texts.CHANGE_ANSWER))
    assert len(picker.buttons) == 7


async def test_changing_an_answer_waits_for_a_questionnaire_under_way(alice):
    await alice.start("Acme")
    verdict = await alice.answer_all(3, 2, 2, 1, 1, 1, 1)
    await alice.start("Initech")
    await alice.say("3")
    busy = await alice.press(_button(verdict, texts.CHANGE_ANSWER))
    assert busy.text == texts.CHANGE_BUSY


async def test_a_forgotten_questionnaire_cannot_be_opened(alice):
    await alice.start("Acme")
    verdict = await alice.answer_all(1)
    await alice.say("forget me")
    await alice.say("yes")
    [gone] = await alice.send(Press(_button(verdict, texts.CHANGE_ANSWER)))
    assert gone.text == texts.HISTORY_GONE and gone.refused
