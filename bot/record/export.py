"""The export's two files, built from a `UserRecord`. Pure: no storage, no clock of its own.

- CSV: one row per finished questionnaire, oldest first, for spreadsheets. UTF-8 with a byte
  order mark (Excel reads the file as UTF-8 only with it), a header row, quoting by the `csv`
  module (commas, quotes and line breaks in a company survive), local times in the user's
  zone, answers and outcomes in words. A text cell that a spreadsheet would read as a formula
  (starting with =, +, -, @, a tab or a carriage return) gets a leading apostrophe.
- JSON: everything stored about the user, versioned by `schema`; docs/export.md and
  docs/export.schema.json describe it field by field.

docs/export.md is the reference for both."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, tzinfo
from typing import Any, Final
from zoneinfo import ZoneInfo

from bot.common.replies import Attachment
from bot.questionnaire.rules import QUESTIONS, Verdict
from bot.questionnaire.state import OUTCOMES
from bot.record.model import InProgress, Questionnaire, SavedReminder, UserRecord

SCHEMA: Final = "takeorpass.export/1"
CSV_TYPE: Final = "text/csv"
JSON_TYPE: Final = "application/json"
# What a spreadsheet may take for the start of a formula (OWASP's list for CSV injection).
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
VERDICT_WORDS: Final = {
    Verdict.TAKE_IT.value: "Take it",
    Verdict.LEAN_TAKE.value: "Lean take",
    Verdict.PASS.value: "Pass",
}
CSV_HEADER: Final = (
    "Date",
    "Company",
    "Role",
    *(q.short for q in QUESTIONS),
    "Verdict",
    "Points",
    "Interview",
    "Outcome",
    "Outcome date",
)
_LABELS: Final = {q.id: {c.value: c.label for c in q.choices} for q in QUESTIONS}
_SHORT: Final = {q.id: q.short for q in QUESTIONS}


def file_names(now: datetime, zone: tzinfo) -> tuple[str, str]:
    """`takeorpass-record-YYYY-MM-DD.csv` and `.json`, dated in the user's zone."""
    day = now.astimezone(zone).date().isoformat()
    return f"takeorpass-record-{day}.csv", f"takeorpass-record-{day}.json"


def build_files(record: UserRecord, now: datetime) -> tuple[Attachment, Attachment]:
    """The CSV and the JSON file of `record`, exported at `now`."""
    csv_name, json_name = file_names(now, ZoneInfo(record.shown_in))
    return (
        Attachment(csv_name, build_csv(record), CSV_TYPE),
        Attachment(json_name, build_json(record, now), JSON_TYPE),
    )


# --- CSV -----------------------------------------------------------------------------------


def neutralise(cell: str) -> str:
    """A text cell as a spreadsheet will show it, never run it: one that starts like a formula
    gets a leading apostrophe, which spreadsheets take as "this is text"."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _local(value: datetime | None, zone: tzinfo, *, time: bool = True) -> str:
    if value is None:
        return ""
    local = value.astimezone(zone)
    return local.strftime("%Y-%m-%d %H:%M") if time else local.date().isoformat()


def csv_row(entry: Questionnaire, zone: tzinfo) -> list[str | int]:
    """One questionnaire as a CSV row (CSV_HEADER's columns). Every text cell is neutralised;
    the points are an integer the bot computed, written as a number."""
    answers = [_LABELS[q.id].get(entry.answers.get(q.id, ""), "") for q in QUESTIONS]
    texts = [
        _local(entry.finished_at, zone),
        entry.company or "",
        entry.role or "",
        *answers,
        VERDICT_WORDS.get(entry.verdict, entry.verdict),
    ]
    after = [
        _local(entry.interview_at, zone),
        OUTCOMES.get(entry.outcome, entry.outcome) if entry.outcome else "",
        _local(entry.outcome_at, zone, time=False),
    ]
    return [*map(neutralise, texts), int(entry.score), *map(neutralise, after)]


def build_csv(record: UserRecord) -> bytes:
    """The CSV file: BOM, header, one row per questionnaire (oldest first), CRLF line ends."""
    zone = ZoneInfo(record.shown_in)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_row(entry, zone) for entry in record.history)
    return out.getvalue().encode("utf-8-sig")


# --- JSON ----------------------------------------------------------------------------------


def stamp(value: datetime | None) -> str | None:
    """A moment in UTC as RFC 3339 (`2026-12-07T09:00:00Z`); None stays None."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _answer(question: str, value: str) -> dict[str, str]:
    return {
        "question": question,
        "short": _SHORT[question],
        "value": value,
        "label": _LABELS[question].get(value, value),
    }


# The JSON of each possible answer, made once: a thousand questionnaires share them rather
# than holding seven thousand dicts of their own (fewer objects for the collector to walk).
_ANSWER_ITEMS: Final = {
    (q.id, c.value): _answer(q.id, c.value) for q in QUESTIONS for c in q.choices
}


def _answers(answers: dict[str, str] | tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    pairs = dict(answers)
    return [
        _ANSWER_ITEMS.get((q.id, pairs[q.id])) or _answer(q.id, pairs[q.id])
        for q in QUESTIONS
        if q.id in pairs
    ]


def _questionnaire(entry: Questionnaire) -> dict[str, Any]:
    return {
        "conversation_id": entry.conversation_id,
        "finished_at": stamp(entry.finished_at),
        "company": entry.company,
        "role": entry.role,
        "answers": _answers(entry.answers),
        "verdict": entry.verdict,
        "verdict_label": VERDICT_WORDS.get(entry.verdict, entry.verdict),
        "score": int(entry.score),
        "interview_at": stamp(entry.interview_at),
        "outcome": entry.outcome,
        "outcome_label": OUTCOMES.get(entry.outcome) if entry.outcome else None,
        "outcome_at": stamp(entry.outcome_at),
    }


def _reminder(item: SavedReminder) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "text": item.text,
        "notes": list(item.notes),
        "channel": item.channel,
        "rule": item.rule,
        "timezone": item.timezone,
        "conversation_id": item.conversation_id,
        "event_at": stamp(item.event_at),
        "created_at": stamp(item.created_at),
        "cancelled_at": stamp(item.cancelled_at),
        "occurrences": [
            {
                "role": o.role,
                "due_at": stamp(o.due_at),
                "status": o.status,
                "done_at": stamp(o.done_at),
            }
            for o in item.occurrences
        ],
    }


def _in_progress(value: InProgress | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {
        "started_at": stamp(value.started_at),
        "company": value.company,
        "role": value.role,
        "answers": _answers(value.answers),
    }


def export_document(record: UserRecord, now: datetime, *, lists: bool = True) -> dict[str, Any]:
    """The JSON export as a plain value (docs/export.schema.json); without `lists`, only what
    comes before the history."""
    head = {
        "schema": SCHEMA,
        "exported_at": stamp(now),
        "user": {
            "platform": record.key.platform,
            "workspace": record.key.workspace,
            "user_id": record.key.user,
            "created_at": stamp(record.created_at),
        },
        "timezone": {"chosen": record.timezone, "shown_in": record.shown_in},
        "settings": {
            "weekly_look_back": record.weekly,
            "weekly_offered_at": stamp(record.weekly_offered_at),
        },
    }
    if not lists:
        return head
    return head | {
        "history": [_questionnaire(entry) for entry in record.history],
        "in_progress": _in_progress(record.in_progress),
        "reminders": [_reminder(item) for item in record.reminders],
    }


def build_json(record: UserRecord, now: datetime) -> bytes:
    """The JSON file: UTF-8, compact, keys in the documented order (export_document's).
    Encoded one questionnaire at a time, each as it is made: the encoder holds the interpreter
    for all it is given at once, and a thousand questionnaires' worth of objects kept alive
    together would make the garbage collector walk them all."""
    head = export_document(record, now, lists=False)
    parts = [
        _dumps(head)[:-1],
        ',"history":[',
        ",".join(_dumps(_questionnaire(entry)) for entry in record.history),
        '],"in_progress":',
        _dumps(_in_progress(record.in_progress)),
        ',"reminders":[',
        ",".join(_dumps(_reminder(item)) for item in record.reminders),
        "]}\n",
    ]
    return "".join(parts).encode("utf-8")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
