"""Each repeat form typed in the console: the confirmation says the rule in words and the next
two times. The console adapter on the real engine and store, at 09:00 in New York."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from support.reminders import ReminderWorld
from support.repeat_forms import FORMS, Form

from adapters.console import Console


@pytest.mark.parametrize("form", FORMS, ids=[f.typed for f in FORMS])
async def test_each_repeat_form_is_confirmed_with_its_rule_and_next_two_times(
    world: ReminderWorld, form: Form
) -> None:
    world.clock.now = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # 09:00 in New York
    out = io.StringIO()
    console = Console(world.engine, out=out, user="me")
    await console.send(console.event_for(f"remind {form.typed}"))
    said = out.getvalue()
    assert said.startswith("Recurring reminder set, ")
    for line in form.said("EST"):
        assert line in said
    assert "1) Undo" in said
