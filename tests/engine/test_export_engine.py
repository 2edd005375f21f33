"""`export` as the engine answers it: typed phrases that mean it, the help that lists it, the
"Want a copy first?" offer of `forget me` (the question stays open, so yes still deletes), and
logs that carry no company or answer."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from support.harness import ALICE, T0, Transcript
from support.records import history_rows, seed_history
from support.reminders import ReminderWorld

from bot.common.events import Press, Text
from bot.engine.router import command_event
from bot.questionnaire import texts
from bot.record.exporting import FORGET_AFTER


@pytest.fixture
async def alice(world: ReminderWorld) -> Transcript:
    await seed_history(world.sql, history_rows(ALICE, 2, T0 - timedelta(days=3)))
    return Transcript(world.engine, ALICE)


@pytest.mark.parametrize(
    "typed", ["export", "Export my data", "download my data", "send me my data!", "EXPORT"]
)
async def test_phrases_that_mean_export_send_the_files(alice, typed):
    (reply,) = await alice.send(Text(typed))
    assert [f.media_type for f in reply.files] == ["text/csv", "application/json"]


@pytest.mark.parametrize("typed", ["export", "download my data", "send me my data"])
def test_a_slash_commands_export_phrase_is_the_export_command(typed):
    assert command_event(typed) == Text("export")


async def test_help_lists_export_and_the_weekly_look_back(alice):
    said = (await alice.say("help")).text
    assert "export" in said and "weekly on / weekly off" in said


async def test_forget_me_offers_the_export_and_leaves_the_question_open(alice):
    prompt = await alice.say("forget me")
    assert "Want a copy first?" in prompt.text
    yes, no, export = prompt.buttons
    assert (export.id, export.label) == ("tp:-:rec:export", "Export first")
    sent, again = await alice.send(Press(export.id))
    assert len(sent.files) == 2
    assert again.text == FORGET_AFTER and [b.id for b in again.buttons] == [yes.id, no.id]
    assert (await alice.press(yes.id)).text == texts.FORGOTTEN
    assert await alice.engine.history(ALICE) == []


async def test_typed_export_during_the_question_then_yes_deletes(alice):
    await alice.say("forget me")
    sent, again = await alice.send(Text("export"))
    assert len(sent.files) == 2 and again.text == FORGET_AFTER
    assert (await alice.say("yes")).text == texts.FORGOTTEN
    assert await alice.engine.history(ALICE) == []


async def test_a_refused_export_during_the_question_still_leaves_it_open(alice):
    await alice.say("export")
    await alice.say("forget me")
    refused, again = await alice.send(Text("export"))
    assert refused.files == () and "once a minute" in refused.text
    assert again.text == FORGET_AFTER
    assert (await alice.say("no")).text == texts.FORGET_KEPT
    assert len(await alice.engine.history(ALICE)) == 2


async def test_export_logs_no_company_or_answer(world, caplog):
    rows = history_rows(ALICE, 1, T0 - timedelta(days=1), company="Quixotic Widgets")
    await seed_history(world.sql, rows)
    with caplog.at_level(logging.DEBUG):
        (reply,) = await Transcript(world.engine, ALICE).send(Text("export"))
    assert reply.files
    logged = " ".join(r.getMessage() for r in caplog.records).lower()
    assert "exported a record on slack" in logged
    assert "quixotic" not in logged and "recruiter" not in logged and "u_alice" not in logged
