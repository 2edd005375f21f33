"""`export` in a real `takeorpass console` process: the files land in the current folder
(their paths printed), the CSV reads back with Python's `csv` (BOM, quoting, no formula
runs), the JSON matches docs/export.schema.json; an empty record sends nothing; a second
export within the minute is refused; forget me offers the export first."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from pathlib import Path

import jsonschema
from sqlalchemy import select
from support.processes import run_takeorpass

from adapters.console import save_files
from bot.common.replies import Attachment
from bot.common.users import UserKey
from bot.record.exporting import NOTHING
from bot.reminders.store import ReminderStore
from bot.storage.schema import history
from bot.storage.sql import SqlStore

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs/export.schema.json").read_text())
ANSWERS = "3\n2\n2\n1\n1\n1\n1\n"
COMPANIES = (
    'Acme, "Inc" — =HYPERLINK("http://x.example","y")',
    "+1 Labs — -x",
    "@x — Analyst",
)


def _play(folder: Path) -> None:
    """Three finished questionnaires, then an outcome on the first, reported as the
    follow-up would (the store's set_outcome)."""
    lines = "".join(f"start {company}\n{ANSWERS}" for company in COMPANIES)
    played = run_takeorpass(["console"], lines, folder)
    assert played.returncode == 0 and played.stdout.count("TAKE IT") == 3, played.stdout

    asyncio.run(_report_offer(folder / "takeorpass.db"))


async def _report_offer(path: Path) -> None:
    store = await SqlStore.open(f"sqlite:///{path}")
    try:
        columns = (history.c.platform, history.c.workspace, history.c.user_id)
        rows = await store.read(lambda conn: conn.execute(select(*columns).distinct()).all())
        (key,) = [UserKey(*row) for row in rows]  # the console's user, whoever runs the tests
        first = (await store.history(key))[-1]
        done = first.finished_at
        await ReminderStore(store).set_outcome(key, first.conversation_id, "offer", now=done)
    finally:
        await store.close()


def _saved(stdout: str) -> list[Path]:
    return [Path(p) for p in re.findall(r"^Saved (/\S+)$", stdout, re.MULTILINE)]


def test_export_writes_a_csv_and_a_json_into_the_current_folder(tmp_path):
    _play(tmp_path)
    result = run_takeorpass(["console"], "export\nexport\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Your record: 3 questionnaires and 0 reminders" in result.stdout
    csv_path, json_path = _saved(result.stdout)
    assert csv_path.parent == json_path.parent == tmp_path.resolve()
    assert re.fullmatch(r"takeorpass-record-\d{4}-\d{2}-\d{2}\.csv", csv_path.name)
    data = csv_path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == 4
    cells = {row[1]: row for row in rows[1:]}
    acme = cells['Acme, "Inc"']
    assert acme[2] == '\'=HYPERLINK("http://x.example","y")'
    assert acme[-2:] != ["", ""] and acme[-2] == "Offer"
    assert cells["'+1 Labs"][2] == "'-x"
    assert cells["'@x"][2] == "Analyst"
    for row in rows[1:]:
        assert row[3] == "Maybe" and row[10] == "Take it"
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)
    document = json.loads(json_path.read_bytes())
    jsonschema.validate(document, SCHEMA)
    assert len(document["history"]) == 3
    # The second `export`, straight after: one line, no files.
    assert "You can export once a minute; try again in" in result.stdout
    assert sorted(p.name for p in tmp_path.glob("takeorpass-record-*")) == sorted(
        [csv_path.name, json_path.name]
    )


def test_an_empty_record_says_so_and_writes_no_file(tmp_path):
    result = run_takeorpass(["console"], "export\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert NOTHING in result.stdout
    assert "Saved" not in result.stdout
    assert list(tmp_path.glob("takeorpass-record-*")) == []


def test_forget_me_offers_the_export_first_and_yes_still_deletes_afterwards(tmp_path):
    played = run_takeorpass(["console"], f"start Acme\n{ANSWERS}", tmp_path)
    assert "TAKE IT" in played.stdout
    # 3) Export first, then yes to the question asked again.
    result = run_takeorpass(["console"], "forget me\n3\nyes\nhistory\n", tmp_path)
    assert "Want a copy first?" in result.stdout and "3) Export first" in result.stdout
    assert len(_saved(result.stdout)) == 2
    assert "Still want me to delete everything" in result.stdout
    assert "Done. I've deleted everything I kept about you." in result.stdout
    assert "No finished questionnaires yet" in result.stdout


def test_typing_export_while_delete_everything_is_open_leaves_it_open(tmp_path):
    run_takeorpass(["console"], f"start Acme\n{ANSWERS}", tmp_path)
    result = run_takeorpass(["console"], "forget me\nexport\n1\nhistory\n", tmp_path)
    assert len(_saved(result.stdout)) == 2
    assert "Done. I've deleted everything I kept about you." in result.stdout


def test_files_never_overwrite_one_already_in_the_folder(tmp_path):
    (tmp_path / "r.csv").write_text("mine")
    (tmp_path / "r-2.csv").write_text("mine too")
    saved = save_files(tmp_path, [Attachment("r.csv", b"new", "text/csv")])
    assert saved == [(tmp_path / "r-3.csv").resolve()]
    assert (tmp_path / "r.csv").read_text() == "mine"
    assert (tmp_path / "r-3.csv").read_bytes() == b"new"


def test_a_folder_that_cannot_be_written_is_said_in_one_line(tmp_path):
    missing = tmp_path / "gone"
    (line,) = save_files(missing, [Attachment("r.csv", b"x", "text/csv")])
    assert isinstance(line, str) and line.startswith("Couldn't save r.csv in")
