"""Translating for Slack: payload text in, Block Kit out, within Slack's limits."""

from __future__ import annotations

import re

from adapters.slack.receiving import Place, from_command, from_dm, plain_text, press_origin
from adapters.slack.rendering import (
    MAX_ACTIONS,
    MAX_BUTTON_LABEL,
    MAX_SECTION_CHARS,
    escape,
    home_view,
    message,
    replaces_pressed,
)
from bot.common.buttons import button_id
from bot.common.events import Press, Start, Text
from bot.common.replies import Button, ButtonRole, Kind, Reply, Section
from bot.common.users import UserKey
from bot.questionnaire import texts


def all_text(blocks: list[dict[str, object]]) -> str:
    return repr(blocks)


def test_escape_neutralises_mentions_and_links() -> None:
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    assert escape("a &amp; b") == "a &amp;amp; b"


def test_plain_text_undoes_slack_markup_but_keeps_mentions() -> None:
    assert plain_text("Acme &amp; Sons &lt;3") == "Acme & Sons <3"
    assert plain_text("<https://acme.com|acme.com> — Analyst") == "acme.com — Analyst"
    assert plain_text("<https://acme.com>") == "https://acme.com"
    assert plain_text("<mailto:jo@acme.com|jo@acme.com>") == "jo@acme.com"
    assert plain_text("<!channel> <@U1|al>") == "<!channel> <@U1|al>"


def test_command_text_picks_the_core_event() -> None:
    body = {"team_id": "T1", "user_id": "U1", "text": ""}
    started = from_command(body)
    assert started is not None and started.event == Start()
    helped = from_command(body | {"text": "help"})
    assert helped is not None and helped.event == Text("help")
    company = from_command(body | {"text": "Acme &amp; Co — Analyst"})
    assert company is not None and company.event == Start("Acme & Co — Analyst")
    assert company.key == UserKey("slack", "T1", "U1")
    assert from_command({"text": "help"}) is None


def test_only_a_persons_dm_text_is_a_message() -> None:
    body = {"team_id": "T1", "event_id": "Ev1"}
    event = {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "text": "3"}
    found = from_dm(body, event)
    assert found is not None
    inbound, channel = found
    typed = Text("3", manage=True)  # on Slack anyone may set the job-hunt channel
    assert (inbound.event, inbound.delivery_id, channel) == (typed, "event:Ev1", "D1")
    assert from_dm(body, event | {"subtype": "message_changed"}) is None
    assert from_dm(body, event | {"bot_id": "B1"}) is None
    assert from_dm(body, event | {"channel_type": "channel"}) is None
    assert from_dm(body, event | {"text": "   "}) is None


def test_presses_outside_the_dm_are_answered_ephemerally() -> None:
    ephemeral = {"container": {"type": "message", "is_ephemeral": True, "channel_id": "D1"}}
    assert press_origin(ephemeral).place is Place.EPHEMERAL
    in_channel = {"container": {"type": "message", "is_ephemeral": False, "channel_id": "C1"}}
    assert press_origin(in_channel).place is Place.EPHEMERAL
    dm = {"container": {"type": "message", "is_ephemeral": False, "channel_id": "D1"}}
    assert press_origin(dm).place is Place.DM
    assert press_origin({"container": {"type": "view", "view_id": "V1"}}).place is Place.HOME


def question(labels: list[str], notice: str | None = None) -> Reply:
    buttons = tuple(Button(button_id("c1", "q", f"v{n}"), label) for n, label in enumerate(labels))
    controls = (Button(button_id("c1", "q", "back"), "Back", ButtonRole.CONTROL),)
    return Reply(
        kind=Kind.QUESTION,
        text="Pick one?",
        notice=notice,
        buttons=buttons + controls,
        progress=(2, 7),
        conversation_id="c1",
        step_id="q",
    )


def test_question_message_has_choices_then_controls_with_unique_action_ids() -> None:
    msg = message([question(["Yes", "No"])])
    actions = [b for b in msg["blocks"] if b["type"] == "actions"]
    assert [a["block_id"] for a in actions] == ["tp_choices", "tp_controls"]
    elements = [e for a in actions for e in a["elements"]]
    assert [e["value"] for e in elements] == ["tp:c1:q:v0", "tp:c1:q:v1", "tp:c1:q:back"]
    assert [e["action_id"] for e in elements] == ["tp_0", "tp_1", "tp_2"]
    assert msg["text"] == "Question 2 of 7: Pick one?"


def test_limits_hold_for_long_labels_text_and_many_buttons() -> None:
    long = question(["x" * 200] + [f"b{n}" for n in range(40)], notice="&" * 2000)
    msg = message([long])
    for block in msg["blocks"]:
        if block["type"] == "section":
            text = block["text"]["text"]
            assert len(text) <= MAX_SECTION_CHARS
            assert not re.search(r"&[a-z]{0,3}…$", text)  # no half-cut entity
        if block["type"] == "actions":
            assert len(block["elements"]) <= MAX_ACTIONS
            for element in block["elements"]:
                assert len(element["text"]["text"]) <= MAX_BUTTON_LABEL
    ids = [e["action_id"] for b in msg["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert len(ids) == 42 and len(set(ids)) == 42
    block_ids = [b["block_id"] for b in msg["blocks"] if b["type"] == "actions"]
    assert len(block_ids) == len(set(block_ids))


def test_verdict_shows_its_word_first_and_the_note_in_a_copyable_block() -> None:
    verdict = Reply(
        kind=Kind.VERDICT,
        text="PASS — <b>Acme</b>\nYour time is worth more.",
        sections=(Section("Against going", ("It costs <you>.",)),),
        note=Section("A polite decline you can copy", ("Thanks, <b> & no ```.",)),
        buttons=(Button("tp:-:start:new", "Start another", ButtonRole.ACTION),),
    )
    msg = message([verdict])
    assert msg["text"].startswith("PASS — &lt;b&gt;Acme&lt;/b&gt;")
    texts_shown = [b["text"]["text"] for b in msg["blocks"] if b["type"] == "section"]
    assert texts_shown[0] == "*PASS — &lt;b&gt;Acme&lt;/b&gt;*\nYour time is worth more."
    assert "*Against going*\n• It costs &lt;you&gt;." in texts_shown
    assert texts_shown[-1] == "```Thanks, &lt;b&gt; &amp; no '''.```"
    assert "<" not in "".join(texts_shown)


def test_home_view_escapes_history_and_offers_start() -> None:
    history = Reply(
        kind=Kind.INFO,
        text=texts.HISTORY_TITLE,
        sections=(Section(texts.HISTORY_TITLE, ("1 Dec 2026: Pass (<!here>)",)),),
    )
    start = Button("tp:-:start:new", "", ButtonRole.ACTION)
    view = home_view(history, start=start, command="/takeorpass")
    shown = all_text(view["blocks"])
    assert "&lt;!here&gt;" in shown and "<!here>" not in shown
    buttons = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [(b["value"], b["style"]) for b in buttons] == [("tp:-:start:new", "primary")]


def test_what_a_press_replaces() -> None:
    answer = Press("tp:c1:certainty:maybe")
    next_question = question(["Yes", "No"])
    stale = Reply(kind=Kind.INFO, text=texts.STALE)
    cancelled = Reply(
        kind=Kind.INFO, text=texts.CANCELLED, buttons=(Button("tp:-:start:new", "Start"),)
    )
    assert replaces_pressed(answer, [next_question])
    assert replaces_pressed(Press("tp:c1:certainty:cancel"), [cancelled])
    assert not replaces_pressed(answer, [stale])
    assert not replaces_pressed(Press("tp:-:start:new"), [next_question])
    assert replaces_pressed(Press("tp:-:forget:yes"), [Reply(kind=Kind.INFO, text=texts.FORGOTTEN)])
    assert not replaces_pressed(Press("nonsense"), [next_question])
