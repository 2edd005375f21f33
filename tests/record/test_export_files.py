"""The export's files built from a plain record (bot/record/export.py): the CSV opens cleanly
in a spreadsheet and never runs a formula, and the JSON is the documented one
(docs/export.schema.json, checked with `jsonschema`)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from support.records import ANSWERS

from bot.common.users import UserKey
from bot.questionnaire.rules import QUESTIONS
from bot.record.export import CSV_HEADER, build_csv, build_files, build_json, neutralise
from bot.record.model import (
    InProgress,
    Occurrence,
    Questionnaire,
    SavedReminder,
    UserRecord,
)

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "export.schema.json"
KEY = UserKey("slack", "T1", "U_ALICE")
# 23:30 UTC on 30 November is 00:30 on 1 December in Berlin.
LATE = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)


def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    return jsonschema.Draft202012Validator(schema, format_checker=checker)


def _entry(company: str | None, role: str | None = None, **fields: object) -> Questionnaire:
    values: dict[str, object] = {
        "conversation_id": "c1",
        "answers": dict(ANSWERS),
        "verdict": "TAKE IT",
        "score": 7,
        "finished_at": LATE,
        "company": company,
        "role": role,
    } | fields
    return Questionnaire(**values)  # type: ignore[arg-type]


def _record(*entries: Questionnaire, **fields: object) -> UserRecord:
    return UserRecord(key=KEY, shown_in="Europe/Berlin", history=entries, **fields)  # type: ignore[arg-type]


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_csv_starts_with_a_bom_and_a_header_and_has_one_row_per_questionnaire():
    data = build_csv(_record(_entry("Acme"), _entry("Initech", conversation_id="c2")))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = _rows(data)
    assert rows[0] == list(CSV_HEADER)
    assert [row[1] for row in rows[1:]] == ["Acme", "Initech"]
    assert all(len(row) == len(CSV_HEADER) for row in rows)


def test_answers_verdict_and_outcome_are_in_words_and_times_in_the_users_zone():
    interview = datetime(2026, 12, 3, 13, 0, tzinfo=UTC)
    entry = _entry(
        "Acme",
        "Analyst",
        interview_at=interview,
        outcome="next",
        outcome_at=datetime(2026, 12, 4, 23, 15, tzinfo=UTC),
    )
    row = dict(zip(CSV_HEADER, _rows(build_csv(_record(entry)))[1], strict=True))
    assert row["Date"] == "2026-12-01 00:30"
    labels = {q.short: {c.value: c.label for c in q.choices}[ANSWERS[q.id]] for q in QUESTIONS}
    assert {short: row[short] for short in labels} == labels
    assert row["Chance you want it"] == "Maybe" and row["Cost of going"] != "sneak"
    assert (row["Verdict"], row["Points"]) == ("Take it", "7")
    assert row["Interview"] == "2026-12-03 14:00"
    assert (row["Outcome"], row["Outcome date"]) == ("Next round", "2026-12-05")


def test_an_unanswered_question_is_an_empty_cell():
    entry = _entry(None, answers={"certainty": "no_way"}, verdict="PASS", score=-3)
    row = _rows(build_csv(_record(entry)))[1]
    assert row[3] == "No way" and row[4:10] == [""] * 6
    assert (row[10], row[11]) == ("Pass", "-3")


def test_commas_quotes_and_line_breaks_survive_the_round_trip():
    company = 'Acme, "Inc"\nEurope'
    rows = _rows(build_csv(_record(_entry(company, "Data, Analytics"))))
    assert rows[1][1:3] == [company, "Data, Analytics"]


@pytest.mark.parametrize(
    "typed",
    ['=HYPERLINK("http://x.example","click")', "+1 Labs", "-x", "@x", "\tTab", "\rReturn"],
)
def test_a_cell_that_starts_like_a_formula_gets_a_leading_apostrophe(typed):
    row = _rows(build_csv(_record(_entry(typed, typed))))[1]
    assert row[1] == row[2] == "'" + typed
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row[:11])


def test_a_negative_score_stays_a_number_and_plain_text_is_untouched():
    assert neutralise("Acme") == "Acme" and neutralise("") == ""
    assert neutralise("a=b") == "a=b"
    row = _rows(build_csv(_record(_entry("Acme", score=-2))))[1]
    assert row[CSV_HEADER.index("Points")] == "-2"


def _full_record() -> UserRecord:
    interview = SavedReminder(
        id="r1",
        kind="interview",
        text="Interview: Acme",
        timezone="Europe/Berlin",
        created_at=LATE,
        notes=("Read up on Acme", "Two questions to ask"),
        conversation_id="c1",
        event_at=LATE + timedelta(days=3),
        occurrences=(
            Occurrence("before", LATE + timedelta(days=2), "sent", LATE + timedelta(days=2)),
            Occurrence("followup", LATE + timedelta(days=4), "pending"),
        ),
    )
    weekly = SavedReminder("r2", "weekly", "Weekly look back", "Europe/Berlin", LATE, rule="X")
    return _record(
        _entry("Acme", "Analyst", outcome="offer", outcome_at=LATE, interview_at=LATE),
        _entry(None, conversation_id="c2"),
        timezone="Europe/Berlin",
        created_at=LATE - timedelta(days=30),
        weekly_offered_at=LATE,
        reminders=(interview, weekly),
        in_progress=InProgress(LATE, (("certainty", "maybe"),), "Initech", None),
    )


def test_the_json_matches_the_documented_schema_and_holds_everything_stored():
    now = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    document = json.loads(build_json(_full_record(), now))
    _validator().validate(document)
    assert document["schema"] == "takeorpass.export/1"
    assert document["exported_at"] == "2026-12-07T08:00:00Z"
    assert document["timezone"] == {"chosen": "Europe/Berlin", "shown_in": "Europe/Berlin"}
    assert document["settings"]["weekly_look_back"] is True
    first = document["history"][0]
    assert first["answers"][0] == {
        "question": "certainty",
        "short": "Chance you want it",
        "value": "maybe",
        "label": "Maybe",
    }
    assert (first["outcome"], first["outcome_label"]) == ("offer", "Offer")
    assert document["reminders"][0]["notes"] == ["Read up on Acme", "Two questions to ask"]
    assert document["in_progress"]["company"] == "Initech"


def test_the_schema_refuses_a_document_that_strays_from_it():
    document = json.loads(build_json(_full_record(), LATE))
    document["history"][0]["verdict"] = "MAYBE"
    with pytest.raises(jsonschema.ValidationError):
        _validator().validate(document)
    del document["history"][0]["verdict"]
    document["history"][0]["extra"] = 1
    with pytest.raises(jsonschema.ValidationError):
        _validator().validate(document)


def test_an_empty_record_still_gives_a_valid_document():
    _validator().validate(json.loads(build_json(_record(), LATE)))


def test_file_names_carry_the_date_in_the_users_zone():
    csv_file, json_file = build_files(_record(_entry("Acme")), LATE)
    assert csv_file.name == "takeorpass-record-2026-12-01.csv"
    assert json_file.name == "takeorpass-record-2026-12-01.json"
    assert (csv_file.media_type, json_file.media_type) == ("text/csv", "application/json")
