"""Typed words do what buttons do: a label, number or "label N" of a button on the bot's last
message presses it; phrases that mean a command run it; a mistyped command word is told so;
and none of it takes an answer away from the questionnaire."""

from __future__ import annotations

import pytest
from support.harness import Transcript

from bot.common.buttons import button_id
from bot.common.events import Press, Start, Text
from bot.common.replies import Button, ButtonRole, Item, Kind, Reply
from bot.common.users import UserKey
from bot.engine.router import command_event, understand
from bot.engine.typed import (
    PHRASES,
    Misread,
    misread,
    phrase_command,
    remembered,
    shown_by,
    typed_press,
)
from bot.questionnaire import texts
from bot.questionnaire.reading import read_choice
from bot.questionnaire.rules import QUESTIONS
from bot.questionnaire.state import Session, Shown, session_from_json, session_to_json
from bot.reminders import texts as reminder_texts

KEY = UserKey("console", "local", "ann")


def _action(scope: str, value: str, label: str) -> Button:
    return Button(button_id(scope, "rem", value), label, ButtonRole.ACTION)


UNDO = _action("r1", "undo", "Undo")
SET = Reply(Kind.INFO, "Reminder set for Fri 27 Nov 10:00: call Sam", buttons=(UNDO,))
HISTORY = Reply(
    Kind.INFO,
    "2 finished questionnaires",
    buttons=(
        Button(button_id("c1", "verdict", "show"), "Open 1", ButtonRole.ACTION),
        Button(button_id("c2", "verdict", "show"), "Open 2", ButtonRole.ACTION),
        Button(button_id("-", "start", "new"), "Start another", ButtonRole.ACTION),
    ),
)


def _item(n: int) -> Item:
    scope = str(n)
    return Item(
        f"reminder {n}",
        (
            Button(button_id(scope, "occ", "cancel"), "Cancel", ButtonRole.ACTION),
            Button(button_id(scope, "occ", "snooze1h"), "Snooze 1 hour", ButtonRole.ACTION),
            Button(button_id(scope, "occ", "snooze1d"), "Snooze 1 day", ButtonRole.ACTION),
        ),
    )


LIST = Reply(Kind.INFO, "Your upcoming reminders", items=(_item(1), _item(2)))
FORGET = Reply(
    Kind.INFO,
    "Delete it all?",
    buttons=(
        Button(button_id("-", "forget", "yes"), "Yes, delete everything", ButtonRole.ACTION),
        Button(button_id("-", "forget", "no"), "No, keep it", ButtonRole.ACTION),
    ),
)


# --- pressing by typing (pure) ---------------------------------------------------------------


@pytest.mark.parametrize("typed", ["undo", "Undo", "UNDO!", "  undo. ", "1", "press undo"])
def test_the_label_in_any_case_or_the_number_of_a_button_presses_it(typed):
    assert typed_press(typed, shown_by(SET)) == UNDO.id


@pytest.mark.parametrize(
    ("typed", "pressed"),
    [
        ("open 1", "tp:c1:verdict:show"),
        ("Open 2", "tp:c2:verdict:show"),
        ("2", "tp:c2:verdict:show"),
    ],
)
def test_open_n_in_history_opens_that_verdict(typed, pressed):
    assert typed_press(typed, shown_by(HISTORY)) == pressed


@pytest.mark.parametrize(
    ("typed", "pressed"),
    [
        ("cancel 2", "tp:2:occ:cancel"),
        ("Cancel 1", "tp:1:occ:cancel"),
        ("snooze 2 1 hour", "tp:2:occ:snooze1h"),
        ("snooze 1 hour 2", "tp:2:occ:snooze1h"),
        ("snooze 1 1 day", "tp:1:occ:snooze1d"),
    ],
)
def test_a_label_with_an_item_number_presses_that_items_button(typed, pressed):
    assert typed_press(typed, shown_by(LIST)) == pressed


@pytest.mark.parametrize("typed", ["cancel 3", "snooze 2", "snooze 1 hour", "2", "cancel"])
def test_what_could_be_several_buttons_or_none_presses_nothing(typed):
    assert typed_press(typed, shown_by(LIST)) is None


def test_a_word_that_begins_only_one_label_presses_it():
    assert typed_press("yes", shown_by(FORGET)) == "tp:-:forget:yes"
    assert typed_press("No", shown_by(FORGET)) == "tp:-:forget:no"
    assert typed_press("open", shown_by(HISTORY)) is None  # Open 1 or Open 2


@pytest.mark.parametrize("word", ["cancel", "back", "why", "help", "restart", "start", "history"])
def test_control_and_command_words_keep_their_own_meaning(word):
    label = Button(button_id("-", "start", "new"), word.capitalize(), ButtonRole.ACTION)
    reply = Reply(Kind.INFO, "x", buttons=(label, UNDO))
    assert typed_press(word, shown_by(reply)) is None


def test_only_the_last_message_with_buttons_counts_and_a_newer_one_without_clears_it():
    assert remembered((), [SET]) == shown_by(SET)
    assert remembered(shown_by(SET), [HISTORY]) == shown_by(HISTORY)
    assert remembered(shown_by(SET), [SET, Reply(Kind.INFO, "a tip")]) == shown_by(SET)
    assert remembered(shown_by(SET), [Reply(Kind.INFO, "Undone.")]) == ()
    # A refused press leaves the message it was pressed on as it was; no reply changes nothing.
    assert remembered(shown_by(SET), [Reply(Kind.INFO, "stale", refused=True)]) == shown_by(SET)
    assert remembered(shown_by(SET), []) == shown_by(SET)


def test_a_questions_buttons_are_not_kept_the_questionnaire_reads_its_own_answers():
    question = Reply(
        Kind.QUESTION,
        "Who would you be talking to?",
        buttons=(Button(button_id("c1", "interviewer", "team"), "The hiring manager or team"),),
    )
    assert remembered(shown_by(SET), [question]) == ()


def test_the_remembered_buttons_are_stored_with_the_session_and_read_back():
    session = Session(shown=shown_by(LIST) + shown_by(HISTORY))
    assert session_from_json(session_to_json(session)) == session
    assert Shown("tp:2:occ:cancel", "Cancel", item=2) in session.shown


# --- phrases and mistyped words (pure) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "command"),
    [
        ("show my reminders", "reminders"),
        ("My reminders", "reminders"),
        ("list reminders", "reminders"),
        ("list my reminders?", "reminders"),
        ("what's my timezone?", "timezone"),
        ("What is my timezone", "timezone"),
        ("my timezone", "timezone"),
        ("show my history", "history"),
        ("my history", "history"),
        ("what can you do?", "help"),
        ("my stats", "stats"),
    ],
)
def test_phrases_that_mean_a_command_run_it(typed, command):
    assert phrase_command(typed) == command
    assert understand(Text(typed), (), answering=False) == Text(command)
    assert command_event(typed) == Text(command)


def test_no_phrase_is_an_answer_to_any_question():
    for phrase in PHRASES:
        for question in QUESTIONS:
            assert read_choice(question.id, phrase).value is None, (phrase, question.id)


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("remnd", "remind"),
        ("histroy", "history"),
        ("Timezon", "timezone"),
        ("hlep", "help"),
        ("setings", None),
        ("settings", None),
        ("undo", None),
        ("configs", None),
    ],
)
def test_a_single_command_like_word_is_misread_with_the_command_one_edit_away(typed, suggestion):
    assert misread(typed) == Misread(typed, suggestion)


@pytest.mark.parametrize("typed", ["Acme", "Globex", "Stripe", "hello", "thanks", "Acme Corp", "4"])
def test_other_words_are_not_misread_they_start_a_questionnaire_as_before(typed):
    assert misread(typed) is None


def test_a_command_word_with_punctuation_runs_the_command():
    assert understand(Text("reminder?"), (), answering=False) == Text("reminder")
    assert understand(Text("reminders!"), (), answering=True) == Text("reminders")


def test_while_an_answer_is_awaited_a_mistyped_word_is_an_answer_not_a_misread():
    assert understand(Text("remnd"), (), answering=True) == Text("remnd")
    assert understand(Text("remnd"), (), answering=False) == Misread("remnd", "remind")


def test_a_slash_commands_free_text_may_press_or_be_misread_but_otherwise_starts():
    assert command_event("Acme — Analyst") == Start("Acme — Analyst")
    assert understand(command_event("undo"), shown_by(SET), answering=True) == Press(UNDO.id)
    assert understand(command_event("remnd"), (), answering=True) == Misread("remnd", "remind")
    started = understand(command_event("Acme"), shown_by(SET), answering=False)
    assert started == Start("Acme")
    # Discord's `/takeorpass start company:undo` names a company: no press.
    assert understand(Start("undo"), shown_by(SET), answering=False) == Start("undo")


# --- through the engine ------------------------------------------------------------------------


@pytest.fixture
def ann(world) -> Transcript:
    return Transcript(world.engine, KEY)


async def test_typed_undo_after_a_reminder_is_set_undoes_it(ann, world):
    set_reply = await ann.say("remind tomorrow 9am call Sam")
    assert [b.label for b in set_reply.buttons] == ["Undo"]
    assert (await ann.say("undo")).text == reminder_texts.UNDONE
    listing = await ann.say("reminders")
    assert listing.items == ()
    # The listing has no buttons: "undo" now presses nothing; it is told it is no command.
    again = await ann.say("undo")
    assert again.text == texts.UNKNOWN_WORD.format(word="undo")


async def test_typed_open_1_after_history_opens_that_verdict(ann):
    await ann.start("Acme")
    await ann.answer_all(3, 2, 2, 1, 1, 1, 1)
    listing = (await ann.send(Text("history")))[-1]
    assert [b.label for b in listing.buttons][:1] == ["Open 1"]
    opened = await ann.say("open 1")
    assert opened.kind is Kind.VERDICT and "Acme" in opened.text


async def test_cancel_and_snooze_by_item_number_in_the_reminders_list(ann):
    await ann.say("remind tomorrow 9am first thing")
    await ann.say("remind tomorrow 11am second thing")
    listing = await ann.say("show my reminders")
    assert [item.text.split(": ", 1)[1] for item in listing.items] == [
        "first thing",
        "second thing",
    ]
    snoozed = await ann.say("snooze 2 1 hour")
    assert snoozed.text.startswith("Snoozed until") and "second thing" in snoozed.text
    listing = await ann.say("reminders")
    cancelled = await ann.say("cancel 1")
    assert cancelled.text.startswith("Cancelled: ") and cancelled.text.endswith("first thing")
    assert [item.text.split(": ", 1)[1] for item in (await ann.say("reminders")).items] == [
        "second thing"
    ]


async def test_yes_presses_yes_delete_everything(ann):
    await ann.say("remind tomorrow 9am call Sam")
    await ann.say("forget me")
    done = await ann.say("Yes")
    assert done.text == texts.FORGOTTEN
    assert (await ann.engine.store.load(KEY))[0] is None


async def test_whats_my_timezone_shows_it(ann):
    reply = await ann.say("what's my timezone?")
    assert "America/New_York" in reply.text


async def test_a_mistyped_command_word_is_told_so_and_starts_nothing(ann):
    reply = await ann.say("remnd")
    assert reply.kind is Kind.ERROR
    assert reply.text == (
        "I didn't understand “remnd”; type help to see what I can do. Did you mean remind?"
    )
    session, _ = await ann.engine.store.load(KEY)
    assert session is None or session.conversation is None
    # A company typed out of the blue still starts the questions, as before.
    assert (await ann.say("Acme")).kind is Kind.QUESTION


async def test_numbers_still_answer_the_question_being_asked(ann):
    await ann.say("remind tomorrow 9am call Sam")  # this message's "1" is Undo
    await ann.start("Acme")  # ... but now the last message is a question
    assert (await ann.say("1")).kind is Kind.VERDICT  # "No way" decides at once
    listing = await ann.say("reminders")
    assert [item.text.endswith("call Sam") for item in listing.items] == [True]


async def test_control_words_and_company_names_at_the_company_step_behave_as_before(ann):
    await ann.say("remind tomorrow 9am call Sam")
    await ann.start()
    assert (await ann.say("why")).notice == texts.COMPANY_WHY
    noted = await ann.say("Undo Ltd")
    assert noted.notice == texts.COMPANY_NOTED.format(company="Undo Ltd")
    session, _ = await ann.engine.store.load(KEY)
    assert session.conversation.company == "Undo Ltd"
    assert (await ann.say("cancel")).text.startswith("Cancelled")


async def test_a_mistyped_word_at_a_question_is_an_answer_missed_not_a_misread(ann):
    await ann.start("Acme")
    reply = await ann.say("remnd")
    assert reply.text.startswith("I didn't catch that")
