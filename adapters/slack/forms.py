"""The forms, as Slack modals: "When is the interview?" (a date-and-time picker and a line to
type in) and a listed reminder's Edit (its time and text); the presses that open them, and
reading what was submitted."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final, NamedTuple

from bot.common.buttons import INTERVIEW_STEP, ButtonId, button_id
from bot.common.replies import Button, ButtonRole, Reply
from bot.reminders import texts
from bot.reminders.commands import EditReminder
from bot.reminders.managing import EditForm

# The modal's callback id, and its inputs' block and action ids. None of the action ids look
# like a button's (`tp_<n>`), so the button listener never sees them.
INTERVIEW_CALLBACK: Final = "tp_interview"
PICK_BLOCK: Final = "tp_when_pick"
PICK_ACTION: Final = "tp_when_picked"
TEXT_BLOCK: Final = "tp_when_text"
TEXT_ACTION: Final = "tp_when_typed"

# Slack-only button that opens the form: `tp:<conversation id>:when:form`.
FORM_STEP: Final = "when"
FORM_VALUE: Final = "form"
FORM_LABEL: Final = "Pick the date and time"

TITLE: Final = "Interview reminders"  # at most 24 characters
SUBMIT: Final = "Set reminders"
CLOSE: Final = "Cancel"
INTRO: Final = (
    "When is the interview? I'll remind you before it, with your prep tips, and ask how it "
    "went afterwards. Only you see these reminders, in your messages with Take or Pass."
)
PICK_LABEL: Final = "Date and time"
TEXT_LABEL: Final = "Or type it"
TEXT_HINT: Final = "For example: tomorrow 3pm, next tuesday 10:30, dec 8 14:00"
NOTHING_GIVEN: Final = "Pick the date and time above, or type it here."
FORM_FAILED: Final = "I couldn't open the form just now. Please press the button again."
# Slack shows at most this much of an input's error.
MAX_ERROR: Final = 150


def form_button(conversation_id: str) -> Button:
    """The button under the DM's "When is it?" prompt that opens the form."""
    return Button(button_id(conversation_id, FORM_STEP, FORM_VALUE), FORM_LABEL, ButtonRole.ACTION)


def with_form_button(reply: Reply) -> Reply:
    """The "When is the interview?" prompt, with a button for the form next to typing."""
    if reply.step_id != INTERVIEW_STEP or reply.conversation_id is None:
        return reply
    return reply._replace(buttons=(*reply.buttons, form_button(reply.conversation_id)))


def opens_form(button: ButtonId, *, ephemeral: bool) -> bool:
    """Whether a press opens the form: the form button, or "Set interview reminders" under an
    ephemeral verdict (typing the time in a channel would be public)."""
    pressed = (button.step, button.value)
    return pressed == (FORM_STEP, FORM_VALUE) or (pressed == (INTERVIEW_STEP, "set") and ephemeral)


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def interview_modal(conversation_id: str) -> dict[str, Any]:
    """The form for one questionnaire's interview time; both inputs are optional, so that the
    submission (not Slack) says when neither was filled in."""
    return {
        "type": "modal",
        "callback_id": INTERVIEW_CALLBACK,
        "private_metadata": conversation_id,
        "title": _plain(TITLE),
        "submit": _plain(SUBMIT),
        "close": _plain(CLOSE),
        "blocks": [
            {"type": "section", "text": {"type": "plain_text", "text": INTRO}},
            {
                "type": "input",
                "block_id": PICK_BLOCK,
                "optional": True,
                "label": _plain(PICK_LABEL),
                "element": {"type": "datetimepicker", "action_id": PICK_ACTION},
            },
            {
                "type": "input",
                "block_id": TEXT_BLOCK,
                "optional": True,
                "label": _plain(TEXT_LABEL),
                "hint": _plain(TEXT_HINT),
                "element": {
                    "type": "plain_text_input",
                    "action_id": TEXT_ACTION,
                    "max_length": 100,
                    "placeholder": _plain("tomorrow 3pm"),
                },
            },
        ],
    }


class Submitted(NamedTuple):
    """What the form gave: the time as the core reads it, and the input it came from."""

    value: str
    block_id: str


def submitted(view: dict[str, Any]) -> Submitted | None:
    """The picked time as ISO 8601 with its offset (exact), else the typed text; None if the
    form was sent empty."""
    values = (view.get("state") or {}).get("values") or {}
    picked = (values.get(PICK_BLOCK) or {}).get(PICK_ACTION) or {}
    epoch = picked.get("selected_date_time")
    if isinstance(epoch, int | float) and not isinstance(epoch, bool):
        at = datetime.fromtimestamp(int(epoch), UTC)
        return Submitted(at.isoformat(), PICK_BLOCK)
    typed = (values.get(TEXT_BLOCK) or {}).get(TEXT_ACTION) or {}
    text = str(typed.get("value") or "").strip()
    return Submitted(text, TEXT_BLOCK) if text else None


def error_line(text: str) -> str:
    """The first line of an answer, short enough for an input's error."""
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= MAX_ERROR else line[: MAX_ERROR - 1] + "…"


# --- the Edit form of a listed reminder (part M) ------------------------------------------

EDIT_CALLBACK: Final = "tp_edit"
EDIT_WHEN_BLOCK: Final = "tp_edit_when"
EDIT_WHEN_ACTION: Final = "tp_edit_when_typed"
EDIT_TEXT_BLOCK: Final = "tp_edit_text"
EDIT_TEXT_ACTION: Final = "tp_edit_text_typed"
EDIT_WHEN_MAX: Final = 200
EDIT_TEXT_MAX: Final = 500  # the reminders' own limit


def opens_edit(button: ButtonId) -> int | None:
    """The occurrence whose Edit was pressed (`tp:<occurrence>:occ:edit`), else None."""
    if (button.step, button.value) != ("occ", "edit") or not button.scope.isdigit():
        return None
    return int(button.scope)


def edit_modal(form: EditForm) -> dict[str, Any]:
    """The Edit form: the reminder's time and text, prefilled; both required."""

    def field(block: str, action: str, label: str, value: str, limit: int) -> dict[str, Any]:
        return {
            "type": "input",
            "block_id": block,
            "label": _plain(label),
            "element": {
                "type": "plain_text_input",
                "action_id": action,
                "initial_value": value[:limit],
                "max_length": limit,
            },
        }

    when = field(EDIT_WHEN_BLOCK, EDIT_WHEN_ACTION, texts.EDIT_FORM_WHEN, form.when, EDIT_WHEN_MAX)
    when["hint"] = _plain(texts.EDIT_FORM_WHEN_HINT)
    what = field(EDIT_TEXT_BLOCK, EDIT_TEXT_ACTION, texts.EDIT_FORM_TEXT, form.text, EDIT_TEXT_MAX)
    return {
        "type": "modal",
        "callback_id": EDIT_CALLBACK,
        "private_metadata": str(form.occurrence_id),
        "title": _plain(texts.EDIT_FORM_TITLE),
        "submit": _plain(texts.EDIT_FORM_SUBMIT),
        "close": _plain(CLOSE),
        "blocks": [when, what],
    }


def edit_submitted(view: dict[str, Any]) -> EditReminder | None:
    """The submitted Edit form as the core's event; None if it isn't one of ours."""
    metadata = str(view.get("private_metadata") or "")
    if not metadata.isdigit():
        return None
    values = (view.get("state") or {}).get("values") or {}

    def typed(block: str, action: str) -> str:
        return str(((values.get(block) or {}).get(action) or {}).get("value") or "")

    return EditReminder(
        int(metadata),
        when=typed(EDIT_WHEN_BLOCK, EDIT_WHEN_ACTION),
        text=typed(EDIT_TEXT_BLOCK, EDIT_TEXT_ACTION),
    )
